/**
 * The Grid strategy: every combination of the categorical values exactly once, in a fixed order
 * (the first range varies slowest, values in the order given).
 */
import type { Config, SearchSpace } from './space.js';

/**
 * All combinations, in grid order. Throws when a range is not Categorical.
 *
 * @example
 *   gridConfigs(space); // [{ opt: 'sgd', act: 'relu' }, { opt: 'sgd', act: 'tanh' }, …]
 */
export function gridConfigs(space: SearchSpace): Config[] {
  let out: Config[] = [{}];
  for (const axis of space.axes) {
    if (axis.kind !== 'categorical') throw new Error(`Grid search needs categorical parameters only; ${axis.spec.name} is ${axis.spec.type}`);
    const next: Config[] = [];
    for (const c of out) for (const v of axis.spec.values) next.push({ ...c, [axis.spec.name]: v });
    out = next;
  }
  return out;
}

/**
 * The first combination not in `taken` (undefined when the grid is exhausted).
 *
 * @example
 *   suggestGrid(space, new Set()); // the first combination
 */
export function suggestGrid(space: SearchSpace, taken: ReadonlySet<string>): Config | undefined {
  return gridConfigs(space).find((c) => !taken.has(space.key(c)));
}
