/**
 * The feature for MLflow tracking servers, MLflow Apps and the MLflow REST API (issue 8):
 * the SageMaker operations, the embedded MLflow servers' HTTP routes, the `mlflow-job` work
 * that logs training jobs with MlflowConfig, and the TrainingObserver that feeds it; the
 * `mlflow-pipeline` work and PipelineObserver that keep a parent run per pipeline execution.
 */
import type { RequestContext } from '../aws/context.js';
import type * as S from '../aws/generated/sagemaker/types.js';
import type { FeatureDeps, SageboxFeature } from '../feature.js';
import { registerTaggableResource } from '../sagemaker/tags/resolvers.js';
import { addPipelineObserver } from '../sagemaker/pipelines/observer.js';
import { addTrainingObserver } from '../sagemaker/training/observer.js';
import * as apps from './apps.js';
import { autoRegisterHook } from './auto-register.js';
import type { MlflowDeps } from './deps.js';
import { parseExternalServers } from './external.js';
import { mlflowTrainingObserver } from './job-link.js';
import { jobSyncHandler, MLFLOW_JOB_WORK } from './job-sync.js';
import { MLFLOW_PIPELINE_WORK, mlflowPipelineObserver, pipelineRunHandler } from './pipeline-runs.js';
import { findByArn } from './resources.js';
import { mlflowRoutes } from './routes.js';
import * as servers from './servers.js';

/** Job syncs running at once (each pass is short; items wait in the queue between passes). */
const SYNC_SLOTS = 4;

/**
 * @example
 *   const feature = mlflowFeature(deps); // registers `mlflow-job` work with deps.engine
 *   feature.routes?.(app);
 */
export function mlflowFeature(featureDeps: FeatureDeps): SageboxFeature {
  const deps: MlflowDeps = {
    store: featureDeps.store, clock: featureDeps.clock, engine: featureDeps.engine, objectStore: featureDeps.objectStore,
    logger: featureDeps.logger, invoke: featureDeps.invoke, baseUrl: featureDeps.baseUrl,
    external: parseExternalServers(process.env.SAGEBOX_MLFLOW_EXTERNAL),
  };
  deps.engine.register(MLFLOW_JOB_WORK, jobSyncHandler(deps), SYNC_SLOTS);
  deps.engine.register(MLFLOW_PIPELINE_WORK, pipelineRunHandler(deps), SYNC_SLOTS);
  const removeObserver = addTrainingObserver(deps.store, mlflowTrainingObserver(deps));
  const removePipelineObserver = addPipelineObserver(deps.store, mlflowPipelineObserver(deps));
  const exists = (kind: 'server' | 'app') => async (arn: string, ctx: RequestContext): Promise<boolean> => {
    const row = await findByArn(deps.store.db, ctx, arn, deps.clock.now());
    return row !== undefined && row.kind === kind;
  };
  registerTaggableResource('mlflow-tracking-server', exists('server'));
  registerTaggableResource('mlflow-app', exists('app'));
  return {
    handlers: {
      CreateMlflowTrackingServer: (input: S.CreateMlflowTrackingServerRequest, ctx: RequestContext) => servers.createServer(deps, input, ctx),
      DescribeMlflowTrackingServer: (input: S.DescribeMlflowTrackingServerRequest, ctx: RequestContext) => servers.describeServer(deps, input, ctx),
      ListMlflowTrackingServers: (input: S.ListMlflowTrackingServersRequest, ctx: RequestContext) => servers.listServers(deps, input, ctx),
      UpdateMlflowTrackingServer: (input: S.UpdateMlflowTrackingServerRequest, ctx: RequestContext) => servers.updateServer(deps, input, ctx),
      DeleteMlflowTrackingServer: (input: S.DeleteMlflowTrackingServerRequest, ctx: RequestContext) => servers.deleteServer(deps, input, ctx),
      StartMlflowTrackingServer: (input: S.StartMlflowTrackingServerRequest, ctx: RequestContext) => servers.startServer(deps, input, ctx),
      StopMlflowTrackingServer: (input: S.StopMlflowTrackingServerRequest, ctx: RequestContext) => servers.stopServer(deps, input, ctx),
      CreatePresignedMlflowTrackingServerUrl: (input: S.CreatePresignedMlflowTrackingServerUrlRequest, ctx: RequestContext) => servers.presignServerUrl(deps, input, ctx),
      CreateMlflowApp: (input: S.CreateMlflowAppRequest, ctx: RequestContext) => apps.createApp(deps, input, ctx),
      DescribeMlflowApp: (input: S.DescribeMlflowAppRequest, ctx: RequestContext) => apps.describeApp(deps, input, ctx),
      ListMlflowApps: (input: S.ListMlflowAppsRequest, ctx: RequestContext) => apps.listApps(deps, input, ctx),
      UpdateMlflowApp: (input: S.UpdateMlflowAppRequest, ctx: RequestContext) => apps.updateApp(deps, input, ctx),
      DeleteMlflowApp: (input: S.DeleteMlflowAppRequest, ctx: RequestContext) => apps.deleteApp(deps, input, ctx),
      CreatePresignedMlflowAppUrl: (input: S.CreatePresignedMlflowAppUrlRequest, ctx: RequestContext) => apps.presignAppUrl(deps, input, ctx),
    },
    routes(app) {
      mlflowRoutes(app, deps, (row) => {
        const hook = autoRegisterHook(deps, row);
        return hook ? { onModelVersion: hook } : {};
      });
    },
    async stop() {
      removeObserver();
      removePipelineObserver();
    },
  };
}
