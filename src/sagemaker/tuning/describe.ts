/**
 * DescribeHyperParameterTuningJob (SAGEMAKER-SEMANTICS §6.2): the request as stored, status,
 * counters, best jobs, consumed time and completion details, computed from the trials.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { resolveDefinitions } from './definitions.js';
import type { TuningDeps } from './deps.js';
import { tuningJobNotFound } from './messages.js';
import { findTuningJob, loadTrials, parseTuningRequest, parseTuningState } from './store.js';
import { bestTrial, statusCounters, toWire, trialSummaries } from './summaries.js';
import type { TrialRow, TuningJobRow } from './tables.js';
import { notImprovingCount } from './completion.js';

/**
 * DescribeHyperParameterTuningJob (ResourceNotFound for an unknown name).
 *
 * @example
 *   const d = await describeTuningJob(deps, { HyperParameterTuningJobName: 'mytune' }, ctx);
 */
export async function describeTuningJob(deps: TuningDeps, input: T.DescribeHyperParameterTuningJobRequest, ctx: RequestContext): Promise<T.DescribeHyperParameterTuningJobResponse> {
  const row = await findTuningJob(deps.store.db, ctx, input.HyperParameterTuningJobName.toLowerCase());
  if (!row) throw tuningJobNotFound(input.HyperParameterTuningJobName);
  const trials = await loadTrials(deps.store.db, row.id);
  return describeRow(deps, row, trials);
}

/** The objective the job reports against (the first definition's; all must agree). */
export function jobObjective(req: T.CreateHyperParameterTuningJobRequest): T.HyperParameterTuningJobObjective {
  return resolveDefinitions(req)[0]!.objective!;
}

/**
 * The Describe answer for a row and its trials.
 *
 * @example
 *   const d = await describeRow(deps, row, await loadTrials(db, row.id));
 */
export async function describeRow(deps: TuningDeps, row: TuningJobRow, trials: TrialRow[]): Promise<T.DescribeHyperParameterTuningJobResponse> {
  const req = parseTuningRequest(row);
  const state = parseTuningState(row);
  const objective = jobObjective(req);
  const counters = statusCounters(trials);
  const best = bestTrial(trials, objective.Type);
  const bestSummary = best ? (await trialSummaries(deps.store.db, row, [best], objective))[0] : undefined;
  let overall = bestSummary;
  const parentBest = state.warmStart?.parentBest;
  if (parentBest && req.WarmStartConfig?.WarmStartType === 'IdenticalDataAndAlgorithm') {
    const pv = parentBest.FinalHyperParameterTuningJobObjectiveMetric?.Value;
    const mv = bestSummary?.FinalHyperParameterTuningJobObjectiveMetric?.Value;
    if (mv === undefined || (pv !== undefined && (objective.Type === 'Minimize' ? pv < mv : pv > mv))) overall = parentBest;
  }
  const end = row.end_time ?? deps.clock.now();
  const completed = trials.filter((t) => t.objective !== null && (t.state === 'completed' || t.state === 'stopped'));
  return {
    HyperParameterTuningJobName: row.name,
    HyperParameterTuningJobArn: row.arn,
    HyperParameterTuningJobConfig: req.HyperParameterTuningJobConfig,
    TrainingJobDefinition: req.TrainingJobDefinition,
    TrainingJobDefinitions: req.TrainingJobDefinitions,
    HyperParameterTuningJobStatus: row.status as T.HyperParameterTuningJobStatus,
    CreationTime: new Date(row.creation_time),
    HyperParameterTuningEndTime: row.end_time !== null ? new Date(row.end_time) : undefined,
    LastModifiedTime: new Date(row.last_modified_time),
    TrainingJobStatusCounters: counters.training,
    ObjectiveStatusCounters: counters.objective,
    BestTrainingJob: bestSummary ? toWire(bestSummary) : undefined,
    OverallBestTrainingJob: req.WarmStartConfig?.WarmStartType === 'IdenticalDataAndAlgorithm' && overall ? toWire(overall) : undefined,
    WarmStartConfig: req.WarmStartConfig,
    FailureReason: row.failure_reason ?? undefined,
    TuningJobCompletionDetails: {
      ...(completed.length > 0 ? { NumberOfTrainingJobsObjectiveNotImproving: notImprovingCount(trials, objective.Type) } : {}),
      ...(state.convergenceDetectedTime !== undefined ? { ConvergenceDetectedTime: new Date(state.convergenceDetectedTime) } : {}),
    },
    ConsumedResources: { RuntimeInSeconds: Math.max(0, Math.round((end - row.creation_time) / 1000)) },
  };
}
