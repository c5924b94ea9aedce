/**
 * The multi-fidelity part of the HPO benchmark, in process: lc_synth / lc_easy report their
 * objective once per epoch (27 epochs, noise std 0.01, noise seed = seed); trials run one after
 * the other until B × 27 epochs are spent, with no stopping, the median rule
 * (TrainingJobEarlyStoppingType Auto) or Hyperband (MinResource 1, MaxResource 27), exactly as
 * the tuning driver applies them. Regret: noise-free final value of the completed trial with
 * the best observed final value, minus the optimum (as optuna_bench.py measures it).
 */
import { bracketOf, hyperbandPlan, hyperbandStops, medianRuleStops, SearchSpace, type HyperbandTrial } from '../../src/tuner/index.js';
import { suggestRandom } from '../../src/tuner/random.js';
import { lcCurve } from './functions.mjs';
import type { BenchFunction } from './inprocess.js';

export type Stopper = 'none' | 'median(sagemaker-rule)' | 'hyperband';

const EPOCHS = 27;

/** One run: regret and the number of trials started. */
export function runMultiFidelity(fn: BenchFunction, stopper: Stopper, seed: number, budgetJobs: number): { regret: number; trials: number } {
  const space = new SearchSpace(fn.params);
  const variant = fn.name === 'lc_easy' ? 'parallel' : 'crossing';
  const plan = hyperbandPlan(1, EPOCHS);
  let budget = budgetJobs * EPOCHS;
  const taken = new Set<string>();
  const ended: number[][] = [];
  const hb: HyperbandTrial[] = [];
  let best: { observed: number; truth: number } | undefined;
  let index = 0;
  while (budget > 0) {
    const config = suggestRandom(space, taken, { seed, index })!;
    taken.add(space.key(config));
    const noisy = lcCurve(config, { epochs: EPOCHS, noiseStd: 0.01, noiseSeed: seed, variant });
    const bracket = bracketOf(plan, seed, index);
    index++;
    const curve: number[] = [];
    let stopped = false;
    for (let t = 0; t < EPOCHS && budget > 0; t++) {
      curve.push(noisy[t]!);
      budget--;
      if (curve.length === EPOCHS) break;
      if (stopper === 'median(sagemaker-rule)' && medianRuleStops(curve, ended)) stopped = true;
      if (stopper === 'hyperband' && hyperbandStops(plan, { bracket, curve }, hb)) stopped = true;
      if (stopped) break;
    }
    ended.push(curve);
    hb.push({ bracket, curve });
    if (curve.length === EPOCHS && !stopped) {
      const truth = lcCurve(config, { epochs: EPOCHS, variant }).at(-1)!;
      if (!best || curve.at(-1)! < best.observed) best = { observed: curve.at(-1)!, truth };
    }
  }
  return { regret: best ? Math.max(0, best.truth - fn.optimum) : Number.POSITIVE_INFINITY, trials: index };
}
