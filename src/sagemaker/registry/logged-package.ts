/**
 * Internal: the `Logged` model package versions that serverless customization jobs make
 * (SAGEMAKER-SEMANTICS §3.5, §4.4). Not an operation: the training provider allocates the
 * version when a job starts and moves its status with the job. Everything else about the
 * package (Describe, List, Update, Delete, promotion to Registered) is the registry's usual
 * behaviour.
 */
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { packageKey, versionedPackageArn, versionedPackageKey } from './arns.js';
import { requireGroup } from './groups.js';
import { findPackage } from './packages.js';
import { parseDoc, type PackageDoc } from './rows.js';
import type { InferenceSpecification, ModelPackageStatus } from './shapes.js';
import { userContext } from './user-context.js';

/**
 * What a job's output package says.
 *
 * @example { group: 'my-group', description: 'SFT LoRA of sagebox-tiny', inference: { Containers: [{ IsCheckpoint: true }] } }
 */
export interface LoggedPackageSpec {
  /** ModelPackageGroupArn (or name) of ModelPackageConfig. */
  group: string;
  description?: string;
  inference: InferenceSpecification;
  /** Extra Describe members kept in the package document (e.g. SourceUri, CustomerMetadataProperties). */
  extra?: Partial<PackageDoc>;
}

/**
 * Creates the next version of the group as a `Logged` package, status `InProgress`, with an
 * `InProgress` validation status named after the group. Returns its ARN. Throws the registry's
 * ValidationException for an unknown group.
 *
 * @example
 *   const arn = await createLoggedPackage(store, ctx, { group: 'arn:...:model-package-group/g',
 *     inference: { Containers: [{ ModelDataSource: { S3DataSource: { S3Uri: 's3://b/out/j/output/', S3DataType: 'S3Prefix', CompressionType: 'None' } } }] } });
 */
export async function createLoggedPackage(store: Store, ctx: RequestContext, spec: LoggedPackageSpec): Promise<string> {
  return store.db.transaction().execute(async (trx) => {
    const group = await requireGroup(trx, ctx, spec.group);
    const bumped = await trx.updateTable('model_package_groups')
      .set((eb) => ({ next_version: eb('next_version', '+', 1) }))
      .where('id', '=', group.id).returning('next_version').executeTakeFirstOrThrow();
    const version = Number(bumped.next_version) - 1;
    const arn = versionedPackageArn(ctx, group.name, version);
    const doc: Partial<PackageDoc> = {
      ...spec.extra,
      InferenceSpecification: spec.inference,
      ModelPackageStatusDetails: { ValidationStatuses: [{ Name: group.name, Status: 'InProgress' }] },
      CreatedBy: userContext(ctx),
    };
    await trx.insertInto('model_packages').values({
      account_id: ctx.accountId, region: ctx.region, name: group.name, sort_name: group.name.toLowerCase(),
      description: spec.description ?? null, status: 'InProgress', registration_type: 'Logged', life_cycle: null,
      creation_time: Date.now(), last_modified_time: null, client_token: null, request_hash: null, doc: JSON.stringify(doc),
      name_key: versionedPackageKey(group.name, version), package_type: 'Versioned', group_id: group.id,
      group_name: group.name, group_key: group.name_key, version, arn, approval_status: 'PendingManualApproval',
    }).execute();
    return arn;
  });
}

/**
 * Moves a logged package to its final status (Completed or Failed), its validation status
 * with it; `patch` may change the InferenceSpecification (e.g. IsCheckpoint once known).
 * A package deleted meanwhile is left alone.
 *
 * @example await finishLoggedPackage(store, arn, 'Failed', 'ClientError: train line 3: malformed JSON');
 */
export async function finishLoggedPackage(
  store: Store, arn: string, status: Extract<ModelPackageStatus, 'Completed' | 'Failed'>, failureReason?: string,
  patch?: (doc: PackageDoc) => void,
): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('model_packages').select(['id', 'doc', 'name']).where('arn', '=', arn).executeTakeFirst();
    if (!row) return;
    const doc = JSON.parse(row.doc) as PackageDoc;
    doc.ModelPackageStatusDetails = {
      ValidationStatuses: [{ Name: row.name, Status: status, ...(failureReason ? { FailureReason: failureReason.slice(0, 1024) } : {}) }],
    };
    patch?.(doc);
    await trx.updateTable('model_packages').set({ status, doc: JSON.stringify(doc), last_modified_time: Date.now() })
      .where('id', '=', row.id).execute();
  });
}

/**
 * A package by ARN (any spelling) in the caller's account and region, as DescribeModelPackage would see it.
 *
 * @example (await findPackageDoc(store, ctx, arn))?.doc.InferenceSpecification?.Containers?.[0]?.BaseModel
 */
export async function findPackageDoc(store: Store, ctx: RequestContext, arn: string): Promise<{ arn: string; status: string; doc: PackageDoc } | undefined> {
  const key = arn.startsWith('arn:') ? packageKey(arn, ctx) : undefined;
  const row = key === undefined ? undefined : await findPackage(store.db, ctx, key);
  return row ? { arn: row.arn, status: row.status, doc: parseDoc(row) } : undefined;
}
