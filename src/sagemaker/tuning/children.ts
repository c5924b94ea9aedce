/**
 * The training jobs a tuning job launches (SAGEMAKER-SEMANTICS §6.2): built from a training job
 * definition with its static hyperparameters, the tuned values and `_tuning_objective_metric`,
 * the tuning job's tags, and created through the real CreateTrainingJob (same validation as
 * over HTTP). The trial row exists before the create, and the child's name is fixed by the
 * trial, so a driver that restarts mid-create creates the same job again or finds it.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { ServiceError } from '../../aws/service-error.js';
import { listTagPage } from '../tags/tag-store.js';
import { findJob } from '../training/job-store.js';
import type { ResolvedDefinition } from './definitions.js';
import type { TuningDeps } from './deps.js';
import type { TrialRow, TuningJobRow } from './tables.js';
import { trialMlflowConfig } from './mlflow-tags.js';

/**
 * The CreateTrainingJob request of one trial.
 *
 * @example
 *   childRequest(def, 'mytune-001-1a2b3c4d', { lr: '0.01' }, tags).HyperParameters; // static + tuned + _tuning_objective_metric
 */
export function childRequest(
  def: ResolvedDefinition, name: string, tuned: Record<string, string>, tags: T.Tag[],
): T.CreateTrainingJobRequest {
  const d = def.def;
  const algo = d.AlgorithmSpecification;
  const hp = d.HyperParameterTuningResourceConfig;
  const first = hp?.InstanceConfigs?.[0];
  const resource: T.ResourceConfig = d.ResourceConfig ?? {
    // Prioritized allocation: the first instance configuration is the one used.
    InstanceType: (first?.InstanceType ?? hp?.InstanceType)!,
    InstanceCount: first?.InstanceCount ?? hp?.InstanceCount ?? 1,
    VolumeSizeInGB: first?.VolumeSizeInGB ?? hp?.VolumeSizeInGB ?? 30,
    ...(hp?.VolumeKmsKeyId ? { VolumeKmsKeyId: hp.VolumeKmsKeyId } : {}),
  };
  return {
    TrainingJobName: name,
    HyperParameters: { ...(d.StaticHyperParameters ?? {}), ...tuned, _tuning_objective_metric: def.objective!.MetricName },
    AlgorithmSpecification: {
      TrainingInputMode: algo.TrainingInputMode,
      ...(algo.TrainingImage !== undefined ? { TrainingImage: algo.TrainingImage } : {}),
      ...(algo.AlgorithmName !== undefined ? { AlgorithmName: algo.AlgorithmName } : {}),
      ...(algo.MetricDefinitions !== undefined ? { MetricDefinitions: algo.MetricDefinitions } : {}),
    },
    RoleArn: d.RoleArn,
    ...(d.InputDataConfig ? { InputDataConfig: d.InputDataConfig } : {}),
    ...(d.VpcConfig ? { VpcConfig: d.VpcConfig } : {}),
    OutputDataConfig: d.OutputDataConfig,
    ResourceConfig: resource,
    StoppingCondition: d.StoppingCondition,
    ...(d.EnableNetworkIsolation !== undefined ? { EnableNetworkIsolation: d.EnableNetworkIsolation } : {}),
    ...(d.EnableInterContainerTrafficEncryption !== undefined ? { EnableInterContainerTrafficEncryption: d.EnableInterContainerTrafficEncryption } : {}),
    ...(d.EnableManagedSpotTraining !== undefined ? { EnableManagedSpotTraining: d.EnableManagedSpotTraining } : {}),
    ...(d.CheckpointConfig ? { CheckpointConfig: d.CheckpointConfig } : {}),
    ...(d.RetryStrategy ? { RetryStrategy: d.RetryStrategy } : {}),
    ...(d.Environment ? { Environment: d.Environment } : {}),
    ...(tags.length > 0 ? { Tags: tags } : {}),
  };
}

/** The request context the driver acts in: the tuning job's account and region. */
export function jobContext(job: TuningJobRow): RequestContext {
  return { accountId: job.account_id, region: job.region, requestId: `tuning-${job.id}` };
}

/** The tuning job's tags (copied to every training job it launches). */
export async function tuningTags(deps: TuningDeps, job: TuningJobRow): Promise<T.Tag[]> {
  // A resource holds at most 50 tags: one page has them all.
  return listTagPage(deps.store.db, jobContext(job), job.arn, undefined, 100);
}

/**
 * Creates the trial's training job (or finds it, after a restart) and marks the trial running;
 * a request the training API refuses fails the trial (non-retryable, the message kept).
 *
 * @example
 *   await launchTrial(deps, job, trial, def, tags); // trial is running (or failed, with the reason)
 */
export async function launchTrial(deps: TuningDeps, job: TuningJobRow, trial: TrialRow, def: ResolvedDefinition, tags: T.Tag[]): Promise<void> {
  const db = deps.store.db;
  const ctx = jobContext(job);
  const tuned = JSON.parse(trial.tuned) as Record<string, string>;
  let failure: string | undefined;
  try {
    const request = childRequest(def, trial.training_job_name, tuned, tags);
    const mlflow = trialMlflowConfig(tags, job.name, trial.training_job_name);
    await deps.invoke('CreateTrainingJob', mlflow ? { ...request, MlflowConfig: mlflow } : request, ctx);
  } catch (error) {
    // ResourceInUse: created before a restart; anything else: the training API refused it.
    if (!(error instanceof ServiceError && error.name === 'ResourceInUse')) {
      failure = error instanceof ServiceError ? `ClientError: ${error.message}` : `InternalServerError: ${(error as Error).message}`;
    }
  }
  const tj = await findJob(db, ctx, trial.training_job_name.toLowerCase());
  const now = deps.clock.now();
  if (failure || !tj) {
    await db.updateTable('tuning_trials').set({
      state: 'failed', objective_status: 'Failed', end_time: now,
      retryable: failure?.startsWith('InternalServerError') ? 1 : 0,
      failure_reason: (failure ?? 'The training job could not be created.').slice(0, 1024),
    }).where('id', '=', trial.id).execute();
    deps.logger.warn({ tuningJob: job.name, trainingJob: trial.training_job_name, failure }, 'tuning: could not create a training job');
    return;
  }
  await db.updateTable('tuning_trials').set({ state: 'running', training_job_id: tj.id })
    .where('id', '=', trial.id).where('state', '=', 'creating').execute();
}
