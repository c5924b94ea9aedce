/**
 * TuningJobCompletionCriteria (SAGEMAKER-SEMANTICS §6.1): the tuning job stops launching
 * training jobs as soon as any criterion holds, lets the running ones finish, and ends Completed.
 *
 *   TargetObjectiveMetricValue  a Completed job reached the value (≤ when minimising, ≥ when maximising).
 *   BestObjectiveNotImproving   the last MaxNumberOfTrainingJobsNotImproving jobs to end with an
 *                               objective (in the order they ended) did not improve on the best before them.
 *   ConvergenceDetected         ours (AWS does not say how it decides): with CompleteOnConvergence
 *                               Enabled, once at least 10 + 2·(tunable hyperparameters) jobs ended
 *                               with an objective, the job has converged when the best objective
 *                               improved by less than 0.1 % of the spread of all objectives seen
 *                               (max − min) over the last 10 + 2·(tunable hyperparameters) of them.
 */
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { TrialRow } from './tables.js';

/** Trials that ended with an objective, in the order they ended, oriented for minimisation. */
function endedValues(trials: TrialRow[], type: T.HyperParameterTuningJobObjectiveType): number[] {
  return trials
    .filter((t) => t.objective !== null && t.end_time !== null && (t.state === 'completed' || t.state === 'stopped'))
    .sort((a, b) => a.end_time! - b.end_time! || a.seq - b.seq)
    .map((t) => (type === 'Minimize' ? t.objective! : -t.objective!));
}

/**
 * TuningJobCompletionDetails.NumberOfTrainingJobsObjectiveNotImproving: jobs since the last improvement.
 *
 * @example
 *   notImprovingCount(trials, 'Minimize'); // 2: two jobs ended since the best one
 */
export function notImprovingCount(trials: TrialRow[], type: T.HyperParameterTuningJobObjectiveType): number {
  const values = endedValues(trials, type);
  let best = Number.POSITIVE_INFINITY;
  let since = 0;
  for (const v of values) {
    if (v < best) {
      best = v;
      since = 0;
    } else since++;
  }
  return since;
}

/** Whether our convergence rule holds (see the file comment). */
export function converged(trials: TrialRow[], type: T.HyperParameterTuningJobObjectiveType, tunable: number): boolean {
  const window = 10 + 2 * tunable;
  const values = endedValues(trials, type);
  if (values.length < window) return false;
  const before = Math.min(...values.slice(0, values.length - window));
  const after = Math.min(...values);
  const spread = Math.max(...values) - Math.min(...values);
  if (!Number.isFinite(before)) return false;
  return before - after <= 1e-3 * spread;
}

/**
 * The first criterion that holds, as a reason to stop launching; undefined when none does.
 *
 * @example
 *   completionReason(trials, config, { Type: 'Minimize', MetricName: 'loss' }, 3); // { reason: 'the objective metric reached …' } or undefined
 */
export function completionReason(trials: TrialRow[], config: T.HyperParameterTuningJobConfig, objective: T.HyperParameterTuningJobObjective, tunable: number): { reason: string; convergence?: boolean } | undefined {
  const c = config.TuningJobCompletionCriteria;
  if (!c) return undefined;
  if (c.TargetObjectiveMetricValue !== undefined) {
    const target = c.TargetObjectiveMetricValue;
    const hit = trials.some((t) => t.state === 'completed' && t.objective !== null
      && (objective.Type === 'Minimize' ? t.objective <= target : t.objective >= target));
    if (hit) return { reason: `the objective metric reached TargetObjectiveMetricValue ${target}` };
  }
  const n = c.BestObjectiveNotImproving?.MaxNumberOfTrainingJobsNotImproving;
  if (n !== undefined && notImprovingCount(trials, objective.Type) >= n) {
    return { reason: `the best objective did not improve over the last ${n} training jobs` };
  }
  if (c.ConvergenceDetected?.CompleteOnConvergence === 'Enabled' && converged(trials, objective.Type, tunable)) {
    return { reason: 'convergence was detected', convergence: true };
  }
  return undefined;
}
