/**
 * The in-process mode of the HPO benchmark: the tuner's strategies (src/tuner) driven directly
 * on the functions of ../shared/bench/hpo, without training jobs, for the 10-seed statistics.
 */
import { suggestBayesian, type Observation } from '../../src/tuner/bayesian.js';
import { suggestRandom } from '../../src/tuner/random.js';
import { SearchSpace, type Config, type ParamSpec } from '../../src/tuner/space.js';
import { FUNCTIONS } from './functions.mjs';

/** A function of the suite as the benchmark needs it. */
export interface BenchFunction {
  name: string;
  params: ParamSpec[];
  optimum: number;
}

/** functions.json's SageMaker ranges → the tuner's ParamSpec. */
export function paramsOf(ranges: any): ParamSpec[] {
  const out: ParamSpec[] = [];
  for (const r of ranges.ContinuousParameterRanges ?? []) out.push({ name: r.Name, type: 'Continuous', min: Number(r.MinValue), max: Number(r.MaxValue), scaling: r.ScalingType ?? 'Auto' });
  for (const r of ranges.IntegerParameterRanges ?? []) out.push({ name: r.Name, type: 'Integer', min: Number(r.MinValue), max: Number(r.MaxValue), scaling: r.ScalingType ?? 'Auto' });
  for (const r of ranges.CategoricalParameterRanges ?? []) out.push({ name: r.Name, type: 'Categorical', values: r.Values });
  return out;
}

export type StrategyName = 'Random' | 'Bayesian';

/** One run: best-so-far regret after each trial, and the time of each suggestion (ms). */
export interface RunResult {
  regretCurve: number[];
  suggestMs: number[];
}

/**
 * Runs `trials` suggestions in synchronous batches of `batch` (ask `batch`, then tell them).
 *
 * @example
 *   const r = runInProcess(fn, 'Bayesian', 1, 60, 1);
 */
export function runInProcess(fn: BenchFunction, strategy: StrategyName, seed: number, trials: number, batch = 1, options: { liar?: 'max' | 'mean' | 'min' | 'believer' | 'none'; initialRandom?: number } = {}): RunResult {
  const space = new SearchSpace(fn.params);
  const f = FUNCTIONS[fn.name]!;
  const observed: Observation[] = [];
  const regretCurve: number[] = [];
  const suggestMs: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let theta: Float64Array | undefined;
  while (observed.length < trials) {
    const pending: Config[] = [];
    const size = Math.min(batch, trials - observed.length);
    for (let b = 0; b < size; b++) {
      const index = observed.length + pending.length;
      const t0 = performance.now();
      let config: Config | undefined;
      if (strategy === 'Random') {
        config = suggestRandom(space, new Set([...observed.map((o) => space.key(o.config)), ...pending.map((c) => space.key(c))]), { seed, index });
      } else {
        const s = suggestBayesian(space, observed, pending, { seed, index, warmTheta: theta, ...options });
        config = s?.config;
        if (s?.theta) theta = s.theta;
      }
      suggestMs.push(performance.now() - t0);
      if (!config) throw new Error('the tuner ran out of configurations');
      pending.push(config);
    }
    for (const config of pending) {
      const value = f(config);
      observed.push({ config, value });
      best = Math.min(best, value);
      regretCurve.push(Math.max(0, best - fn.optimum));
    }
  }
  return { regretCurve, suggestMs };
}
