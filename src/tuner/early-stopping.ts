/**
 * TrainingJobEarlyStoppingType Auto: the median rule as SageMaker documents it, literally.
 *
 * "After each epoch of training, SageMaker gets the value of the objective metric for the
 * current training job, computes the running averages of the objective metric for all previous
 * training jobs up to the same epoch, and computes the median of all the running averages. If
 * the value of the objective metric for the current training job is worse (higher when
 * minimizing, lower when maximizing) than the median value, SageMaker stops the current job."
 *
 * Where the documentation is silent, ours:
 *   - an "epoch" is one emission of the objective metric (its t-th data point);
 *   - "previous training jobs" are the tuning job's jobs that ended before the decision —
 *     Completed and Stopped (early-stopped included) alike — and that reported epoch t;
 *   - at least MIN_EARLIER_JOBS (5) such jobs are needed; with fewer the job continues.
 */

/** Jobs that must have reported the same epoch before the rule stops anything. */
export const MIN_EARLIER_JOBS = 5;

/**
 * numpy-style median (mean of the two middle values for an even count).
 *
 * @example
 *   median([3, 1, 2, 10]); // 2.5
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Whether a job should stop after its latest epoch. Curves are oriented for minimisation
 * (negate a maximised metric first).
 *
 * @example
 *   medianRuleStops([0.9, 0.8], [[1, 0.5], [1, 0.5], [1, 0.5], [1, 0.5], [1, 0.5]]); // true: 0.8 > median(0.75, …)
 */
export function medianRuleStops(curve: readonly number[], earlier: readonly (readonly number[])[], minEarlier = MIN_EARLIER_JOBS): boolean {
  const t = curve.length;
  if (t === 0) return false;
  const averages: number[] = [];
  for (const c of earlier) {
    if (c.length < t) continue;
    let s = 0;
    for (let i = 0; i < t; i++) s += c[i]!;
    averages.push(s / t);
  }
  if (averages.length < minEarlier) return false;
  return curve[t - 1]! > median(averages);
}
