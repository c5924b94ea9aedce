/**
 * The tuner: pure, in-process search strategies for hyperparameter tuning (no I/O, no clock).
 * A tuning job's driver asks `suggestNext` for each new trial with the full history; the
 * strategies are deterministic in (RandomSeed, trial index, history), so a driver that restarts
 * mid-job makes the same suggestions again and never duplicates a trial.
 */
import { suggestBayesian, type Observation } from './bayesian.js';
import type { GpTheta } from './gp.js';
import { suggestGrid } from './grid.js';
import { suggestRandom } from './random.js';
import type { Config, SearchSpace } from './space.js';

export { SearchSpace, configToStrings, configFromStrings, resolveScaling, type ParamSpec, type Config, type ScalingType } from './space.js';
export { medianRuleStops, median, MIN_EARLIER_JOBS } from './early-stopping.js';
export { hyperbandPlan, bracketOf, rungsOf, hyperbandStops, ETA, type HyperbandPlan, type HyperbandTrial } from './hyperband.js';
export { gridConfigs } from './grid.js';
export type { Observation } from './bayesian.js';

export type StrategyName = 'Bayesian' | 'Random' | 'Hyperband' | 'Grid';

/** Everything tried so far, values oriented for minimisation. */
export interface History {
  completed: Observation[];
  /** Running trials (and failed ones: tried, so never suggested again, but without a value). */
  pending: Config[];
  failed: Config[];
}

/**
 * The next configuration to train, or undefined when the space is exhausted.
 *
 * @example
 *   const next = suggestNext('Random', space, { completed: [], pending: [], failed: [] }, { seed: 1, index: 0 });
 */
export function suggestNext(
  strategy: StrategyName, space: SearchSpace, history: History, options: { seed: number; index: number; warmTheta?: GpTheta | undefined },
): { config: Config; theta?: GpTheta } | undefined {
  const taken = new Set<string>([...history.completed.map((o) => space.key(o.config)), ...history.pending.map((c) => space.key(c)), ...history.failed.map((c) => space.key(c))]);
  switch (strategy) {
    case 'Grid': {
      const config = suggestGrid(space, taken);
      return config && { config };
    }
    case 'Random':
    case 'Hyperband': {
      const config = suggestRandom(space, taken, options);
      return config && { config };
    }
    case 'Bayesian': {
      const s = suggestBayesian(space, history.completed, [...history.pending, ...history.failed], {
        seed: options.seed, index: options.index, warmTheta: options.warmTheta,
      });
      return s && { config: s.config, ...(s.theta ? { theta: s.theta } : {}) };
    }
  }
}
