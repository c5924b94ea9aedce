/**
 * The Random strategy: independent draws in the scaled space (uniform on Linear, log-uniform on
 * Logarithmic, …), each from a generator seeded by (RandomSeed, trial index), so the same
 * RandomSeed gives the same sequence of configurations. A draw equal to a configuration already
 * tried is redrawn.
 */
import { seededRng } from './rng.js';
import type { Config, SearchSpace } from './space.js';

/**
 * @example
 *   const c = suggestRandom(space, new Set(), { seed: 7, index: 0 }); // same c for seed 7 every time
 */
export function suggestRandom(space: SearchSpace, taken: ReadonlySet<string>, options: { seed: number; index: number }): Config | undefined {
  if (taken.size >= space.size()) return undefined;
  const rng = seededRng(options.seed, options.index, 0x7a4d);
  for (let i = 0; i < 10_000; i++) {
    const config = space.sample(rng);
    if (!taken.has(space.key(config))) return config;
  }
  return undefined;
}
