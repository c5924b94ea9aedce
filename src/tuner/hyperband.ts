/**
 * The Hyperband strategy, asynchronous (ASHA-style) with the stopping variant: every trial is a
 * full training job with epochs = MaxResource; a trial belongs to one bracket; at each rung of
 * its bracket (resources MinResource·η^(b+k), k = 0, 1, … below MaxResource) it continues only
 * when its objective at that epoch is in the top 1/η of the trials of its bracket that reached
 * the rung (itself included); otherwise it is stopped. As in Optuna's SuccessiveHalvingPruner,
 * while fewer than η trials reached a rung, only the best one so far continues.
 *
 * η = 3 (AWS documents no value). Bracket b = 0 is the most aggressive (first rung at
 * MinResource); there are ⌊log_η(MaxResource/MinResource)⌋ + 1 brackets, and trial i joins
 * bracket b with probability ∝ η^(B-1-b)/(B-b) (Hyperband's share of starting configurations,
 * B = number of brackets), drawn from (RandomSeed, i), so a restarted job assigns the same
 * brackets. New configurations are seeded random draws.
 */
import { seededRng } from './rng.js';

export const ETA = 3;

/** Hyperband's shape for a (MinResource, MaxResource) pair. */
export interface HyperbandPlan {
  minResource: number;
  maxResource: number;
  brackets: number;
}

/**
 * @example
 *   hyperbandPlan(1, 27); // { minResource: 1, maxResource: 27, brackets: 4 }
 */
export function hyperbandPlan(minResource: number, maxResource: number): HyperbandPlan {
  const ratio = Math.max(1, maxResource / Math.max(1, minResource));
  const brackets = Math.floor(Math.log(ratio) / Math.log(ETA) + 1e-9) + 1;
  return { minResource: Math.max(1, minResource), maxResource, brackets };
}

/**
 * The bracket of trial `index` (deterministic in seed and index).
 *
 * @example
 *   bracketOf(hyperbandPlan(1, 27), 42, 0); // 0..3, the same for (42, 0) every time
 */
export function bracketOf(plan: HyperbandPlan, seed: number, index: number): number {
  const B = plan.brackets;
  const weights = Array.from({ length: B }, (_, b) => ETA ** (B - 1 - b) / (B - b));
  const total = weights.reduce((s, w) => s + w, 0);
  let u = seededRng(seed, index, 0x4b4d).next() * total;
  for (let b = 0; b < B; b++) {
    u -= weights[b]!;
    if (u < 0) return b;
  }
  return B - 1;
}

/**
 * The rung resources (epochs) of a bracket, below MaxResource.
 *
 * @example
 *   rungsOf(hyperbandPlan(1, 27), 0); // [1, 3, 9]
 */
export function rungsOf(plan: HyperbandPlan, bracket: number): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const r = Math.round(plan.minResource * ETA ** (bracket + k));
    if (r >= plan.maxResource) break;
    out.push(r);
  }
  return out;
}

/** A trial as Hyperband sees it: its bracket and its curve so far (oriented for minimisation). */
export interface HyperbandTrial {
  bracket: number;
  curve: readonly number[];
}

/**
 * Whether a trial stops now that it reported epoch `curve.length`.
 *
 * @example
 *   hyperbandStops(plan, { bracket: 0, curve: [0.9] }, others); // at rung 1 of bracket 0
 */
export function hyperbandStops(plan: HyperbandPlan, trial: HyperbandTrial, others: readonly HyperbandTrial[]): boolean {
  const t = trial.curve.length;
  if (!rungsOf(plan, trial.bracket).includes(t)) return false;
  const value = trial.curve[t - 1]!;
  const competing = [value];
  for (const o of others) if (o.bracket === trial.bracket && o.curve.length >= t) competing.push(o.curve[t - 1]!);
  competing.sort((a, b) => a - b);
  const promotable = Math.max(0, Math.floor(competing.length / ETA) - 1);
  return value > competing[promotable]!;
}
