/**
 * Automatic model registration: on a tracking server with AutomaticModelRegistration=true, or
 * an app with ModelRegistrationMode=AutoModelRegistrationEnabled, every MLflow model version
 * created through `model-versions/create` also becomes a SageMaker model package: the
 * registered model is a model package group of the same name (created when missing; characters
 * SageMaker names refuse become `-`), the version a package in it. The package is a
 * **Registered** package (ModelPackageRegistrationType=Registered): registering a model version
 * is a deliberate act of the user, unlike the `Logged` packages jobs make as a by-product.
 * A failure is logged and leaves the MLflow version in place (MLflow's answer does not change).
 */
import type { RequestContext } from '../aws/context.js';
import type { MlflowDeps } from './deps.js';
import type { ModelVersionHook } from './registry-api.js';
import { parseDoc } from './resources.js';
import type { MlflowResourceRow } from './tables.js';

/** An MLflow model name as a model package group name, or undefined when nothing valid is left. */
export function groupNameFor(modelName: string): string | undefined {
  const name = modelName.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(name) ? name : undefined;
}

/** Whether the resource registers model versions as model packages. */
export function registersAutomatically(row: MlflowResourceRow): boolean {
  const doc = parseDoc(row);
  return row.kind === 'server' ? doc.AutomaticModelRegistration === true : doc.ModelRegistrationMode === 'AutoModelRegistrationEnabled';
}

/**
 * The hook for one resource, or undefined when it does not register automatically.
 *
 * @example const hook = autoRegisterHook(deps, row); const arn = await hook?.(modelVersion);
 */
export function autoRegisterHook(deps: MlflowDeps, row: MlflowResourceRow): ModelVersionHook | undefined {
  if (!registersAutomatically(row)) return undefined;
  const ctx: RequestContext = { accountId: row.account_id, region: row.region, requestId: `mlflow-${row.public_id}` };
  return async (version) => {
    const group = groupNameFor(version.name);
    if (!group) {
      deps.logger.warn({ model: version.name }, 'mlflow: model name cannot be a model package group name; not registered in SageMaker');
      return undefined;
    }
    try {
      try {
        await deps.invoke('DescribeModelPackageGroup', { ModelPackageGroupName: group }, ctx);
      } catch {
        await deps.invoke('CreateModelPackageGroup', {
          ModelPackageGroupName: group, ModelPackageGroupDescription: `MLflow registered model ${version.name} (${row.arn})`.slice(0, 1024),
        }, ctx);
      }
      const out = await deps.invoke<{ ModelPackageArn: string }>('CreateModelPackage', {
        ModelPackageGroupName: group,
        ModelPackageDescription: `MLflow model ${version.name} version ${version.version}`.slice(0, 1024),
        ModelPackageRegistrationType: 'Registered',
        CustomerMetadataProperties: {
          'mlflow.resource_arn': row.arn, 'mlflow.model_name': version.name, 'mlflow.model_version': version.version,
          'mlflow.source': version.source.slice(0, 256), ...(version.run_id ? { 'mlflow.run_id': version.run_id } : {}),
        },
      }, ctx);
      return out.ModelPackageArn;
    } catch (error) {
      deps.logger.warn({ err: error, model: version.name, version: version.version }, 'mlflow: automatic model registration failed');
      return undefined;
    }
  };
}
