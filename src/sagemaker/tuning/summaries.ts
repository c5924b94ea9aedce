/**
 * HyperParameterTrainingJobSummary for each trial, the status counters and the best job
 * (SAGEMAKER-SEMANTICS §6.2): what Describe, the lists and warm start report.
 */
import type { Kysely } from 'kysely';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { Database } from '../../store/schema.js';
import { trainingJobArn } from '../training/arns.js';
import type { StoredSummary } from './store.js';
import type { TrialRow, TuningJobRow } from './tables.js';

/**
 * The summaries of a tuning job's trials, in launch order.
 *
 * @example
 *   const [best] = await trialSummaries(db, job, [trial], objective);
 */
export async function trialSummaries(
  db: Kysely<Database>, job: Pick<TuningJobRow, 'name' | 'account_id' | 'region'>, trials: TrialRow[], objective: T.HyperParameterTuningJobObjective | undefined,
): Promise<StoredSummary[]> {
  const ids = trials.flatMap((t) => (t.training_job_id !== null ? [t.training_job_id] : []));
  const jobs = new Map<number, { arn: string; status: string; creation_time: number; training_start_time: number | null; training_end_time: number | null; failure_reason: string | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('training_jobs')
      .select(['id', 'arn', 'status', 'creation_time', 'training_start_time', 'training_end_time', 'failure_reason'])
      .where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) jobs.set(Number(r.id), r);
  }
  return trials.map((t) => {
    const tj = t.training_job_id !== null ? jobs.get(t.training_job_id) : undefined;
    const status = (tj?.status ?? (t.state === 'creating' ? 'InProgress' : 'Failed')) as T.TrainingJobStatus;
    return {
      ...(t.definition_name ? { TrainingJobDefinitionName: t.definition_name } : {}),
      TrainingJobName: t.training_job_name,
      TrainingJobArn: tj?.arn ?? trainingJobArn({ accountId: job.account_id, region: job.region }, t.training_job_name),
      TuningJobName: job.name,
      CreationTime: tj?.creation_time ?? t.creation_time,
      ...(tj?.training_start_time != null ? { TrainingStartTime: tj.training_start_time } : {}),
      ...(tj?.training_end_time != null && tj.training_start_time != null ? { TrainingEndTime: tj.training_end_time } : {}),
      TrainingJobStatus: status,
      TunedHyperParameters: JSON.parse(t.tuned) as Record<string, string>,
      ...(tj?.failure_reason ? { FailureReason: tj.failure_reason } : !tj && t.failure_reason ? { FailureReason: t.failure_reason } : {}),
      ...(t.objective !== null && objective
        ? { FinalHyperParameterTuningJobObjectiveMetric: { Type: objective.Type, MetricName: objective.MetricName, Value: t.objective } }
        : {}),
      ObjectiveStatus: t.objective_status as T.ObjectiveStatus,
    };
  });
}

/** The wire form (Dates). */
export function toWire(s: StoredSummary): T.HyperParameterTrainingJobSummary {
  return {
    ...s,
    CreationTime: new Date(s.CreationTime),
    TrainingStartTime: s.TrainingStartTime !== undefined ? new Date(s.TrainingStartTime) : undefined,
    TrainingEndTime: s.TrainingEndTime !== undefined ? new Date(s.TrainingEndTime) : undefined,
  } as T.HyperParameterTrainingJobSummary;
}

/**
 * TrainingJobStatusCounters and ObjectiveStatusCounters of a set of trials.
 *
 * @example
 *   statusCounters(trials).training.Completed;
 */
export function statusCounters(trials: TrialRow[]): { training: T.TrainingJobStatusCounters; objective: T.ObjectiveStatusCounters } {
  const training = { Completed: 0, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 };
  const objective = { Succeeded: 0, Pending: 0, Failed: 0 };
  for (const t of trials) {
    if (t.state === 'completed') training.Completed++;
    else if (t.state === 'stopped') training.Stopped++;
    else if (t.state === 'failed') {
      if (t.retryable) training.RetryableError++;
      else training.NonRetryableError++;
    } else training.InProgress++;
    if (t.objective_status === 'Succeeded') objective.Succeeded++;
    else if (t.objective_status === 'Failed') objective.Failed++;
    else objective.Pending++;
  }
  return { training, objective };
}

/**
 * The best Completed trial with an objective (undefined until one exists).
 *
 * @example
 *   bestTrial(trials, 'Minimize')?.objective;
 */
export function bestTrial(trials: TrialRow[], type: T.HyperParameterTuningJobObjectiveType): TrialRow | undefined {
  let best: TrialRow | undefined;
  for (const t of trials) {
    if (t.state !== 'completed' || t.objective === null) continue;
    if (!best || (type === 'Minimize' ? t.objective < best.objective! : t.objective > best.objective!)) best = t;
  }
  return best;
}
