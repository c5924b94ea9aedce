/**
 * MLflow for tuning trials. The tuning API has no MlflowConfig (a HyperParameterTrainingJobDefinition
 * has none), so sagebox reads two tags of the tuning job instead: `sagebox:mlflow-resource-arn`
 * (a tracking server or app ARN) and, optionally, `sagebox:mlflow-experiment-name` (default: the
 * tuning job's name). Every trial's training job then carries an MlflowConfig naming that
 * experiment and, as its run name, the training job's own name: one run per trial. The real
 * service keeps such tags as plain tags, so requests that carry them stay portable.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { trainingObservers } from '../training/observer.js';
import type { TuningDeps } from './deps.js';

export const MLFLOW_ARN_TAG = 'sagebox:mlflow-resource-arn';
export const MLFLOW_EXPERIMENT_TAG = 'sagebox:mlflow-experiment-name';

/**
 * The MlflowConfig a trial's training job gets from the tuning job's tags, or undefined.
 *
 * @example
 *   trialMlflowConfig([{ Key: 'sagebox:mlflow-resource-arn', Value: arn }], 'tune', 'tune-001-1a2b3c4d')
 *   // { MlflowResourceArn: arn, MlflowExperimentName: 'tune', MlflowRunName: 'tune-001-1a2b3c4d' }
 */
export function trialMlflowConfig(tags: readonly T.Tag[] | undefined, tuningJobName: string, trainingJobName: string): T.MlflowConfig | undefined {
  const value = (key: string): string | undefined => tags?.find((t) => t.Key === key)?.Value || undefined;
  const arn = value(MLFLOW_ARN_TAG);
  if (!arn) return undefined;
  return { MlflowResourceArn: arn, MlflowExperimentName: value(MLFLOW_EXPERIMENT_TAG) ?? tuningJobName, MlflowRunName: trainingJobName };
}

/**
 * At CreateHyperParameterTuningJob: the trials' MlflowConfig is checked as CreateTrainingJob checks
 * it (an unknown ARN is a ValidationException now, not five failed trials later).
 *
 * @example await checkTrialMlflow(deps, request, ctx);
 */
export async function checkTrialMlflow(deps: TuningDeps, input: T.CreateHyperParameterTuningJobRequest, ctx: RequestContext): Promise<void> {
  const config = trialMlflowConfig(input.Tags, input.HyperParameterTuningJobName, input.HyperParameterTuningJobName);
  if (!config) return;
  const probe = { MlflowConfig: config } as T.CreateTrainingJobRequest;
  for (const o of trainingObservers(deps.store)) await o.checkCreate?.(probe, ctx);
}
