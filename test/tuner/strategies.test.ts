import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { suggestBayesian, type Observation } from '../../src/tuner/bayesian.js';
import { gridConfigs, suggestGrid } from '../../src/tuner/grid.js';
import { suggestNext, type History } from '../../src/tuner/index.js';
import { suggestRandom } from '../../src/tuner/random.js';
import { SearchSpace, type Config, type ParamSpec } from '../../src/tuner/space.js';

const cont: ParamSpec[] = [
  { name: 'x', type: 'Continuous', min: 0, max: 1, scaling: 'Linear' },
  { name: 'y', type: 'Continuous', min: 0, max: 1, scaling: 'Linear' },
];

describe('Random', () => {
  test('is reproducible with a seed, differs across seeds, never repeats', () => {
    const space = new SearchSpace(cont);
    const run = (seed: number): Config[] => {
      const taken = new Set<string>();
      const out: Config[] = [];
      for (let i = 0; i < 20; i++) {
        const c = suggestRandom(space, taken, { seed, index: i })!;
        taken.add(space.key(c));
        out.push(c);
      }
      return out;
    };
    assert.deepEqual(run(7), run(7));
    assert.notDeepEqual(run(7), run(8));
    assert.equal(new Set(run(7).map((c) => space.key(c))).size, 20);
  });

  test('exhausts a finite space without repeating, then returns undefined', () => {
    const space = new SearchSpace([{ name: 'n', type: 'Integer', min: 1, max: 3, scaling: 'Linear' }]);
    const taken = new Set<string>();
    for (let i = 0; i < 3; i++) taken.add(space.key(suggestRandom(space, taken, { seed: 1, index: i })!));
    assert.equal(taken.size, 3);
    assert.equal(suggestRandom(space, taken, { seed: 1, index: 3 }), undefined);
  });
});

describe('Grid', () => {
  test('lists every combination once, in order, then stops', () => {
    const space = new SearchSpace([{ name: 'a', type: 'Categorical', values: ['1', '2'] }, { name: 'b', type: 'Categorical', values: ['x', 'y', 'z'] }]);
    const all = gridConfigs(space);
    assert.equal(all.length, 6);
    assert.deepEqual(all[0], { a: '1', b: 'x' });
    assert.deepEqual(all[5], { a: '2', b: 'z' });
    const taken = new Set<string>();
    for (let i = 0; i < 6; i++) taken.add(space.key(suggestGrid(space, taken)!));
    assert.equal(suggestGrid(space, taken), undefined);
  });

  test('refuses numeric ranges', () => {
    assert.throws(() => gridConfigs(new SearchSpace(cont)), /categorical parameters only/);
  });
});

describe('Bayesian', () => {
  const f = (c: Config): number => (Number(c.x) - 0.31) ** 2 + (Number(c.y) - 0.72) ** 2;

  test('finds the minimum of a smooth bowl in 25 trials, far better than its random start', () => {
    const space = new SearchSpace(cont);
    const obs: Observation[] = [];
    for (let i = 0; i < 25; i++) {
      const s = suggestBayesian(space, obs, [], { seed: 1, index: i })!;
      obs.push({ config: s.config, value: f(s.config) });
    }
    const bestRandom = Math.min(...obs.slice(0, 10).map((o) => o.value));
    const best = Math.min(...obs.map((o) => o.value));
    assert.ok(best < 1e-3, `best ${best}`);
    assert.ok(best < bestRandom / 10);
  });

  test('a pending trial moves the next suggestion away from it (constant liar)', () => {
    const space = new SearchSpace(cont);
    const obs: Observation[] = [];
    for (let i = 0; i < 12; i++) {
      const s = suggestBayesian(space, obs, [], { seed: 2, index: i })!;
      obs.push({ config: s.config, value: f(s.config) });
    }
    const a = suggestBayesian(space, obs, [], { seed: 2, index: 12 })!.config;
    const dist = (b: Config): number => Math.hypot(Number(a.x) - Number(b.x), Number(a.y) - Number(b.y));
    // Without the liar the same point would win again (same model, same seed).
    assert.ok(dist(suggestBayesian(space, obs, [], { seed: 2, index: 12 })!.config) === 0);
    const min = suggestBayesian(space, obs, [a], { seed: 2, index: 13 })!.config;
    assert.ok(dist(min) > 1e-4, `CL-min suggestion is ${dist(min)} away`);
    const max = suggestBayesian(space, obs, [a], { seed: 2, index: 13, liar: 'max' })!.config;
    assert.ok(dist(max) > 0.02, `CL-max suggestion is ${dist(max)} away`);
  });

  test('mixed spaces give valid values, and a configuration is never suggested twice', () => {
    const space = new SearchSpace([
      { name: 'n', type: 'Integer', min: 1, max: 3, scaling: 'Linear' },
      { name: 'opt', type: 'Categorical', values: ['a', 'b'] },
    ]);
    const history: History = { completed: [], pending: [], failed: [] };
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const s = suggestNext('Bayesian', space, history, { seed: 3, index: i })!;
      assert.ok([1, 2, 3].includes(s.config.n as number));
      assert.ok(['a', 'b'].includes(s.config.opt as string));
      assert.ok(!seen.has(space.key(s.config)), `repeated ${space.key(s.config)}`);
      seen.add(space.key(s.config));
      history.completed.push({ config: s.config, value: Number(s.config.n) + (s.config.opt === 'a' ? 0 : 1) });
    }
    assert.equal(suggestNext('Bayesian', space, history, { seed: 3, index: 6 }), undefined);
  });

  test('is deterministic in (seed, index, history)', () => {
    const space = new SearchSpace(cont);
    const obs: Observation[] = [];
    for (let i = 0; i < 12; i++) {
      const s = suggestBayesian(space, obs, [], { seed: 4, index: i })!;
      obs.push({ config: s.config, value: f(s.config) });
    }
    assert.deepEqual(suggestBayesian(space, obs, [], { seed: 4, index: 12 })!.config, suggestBayesian(space, obs, [], { seed: 4, index: 12 })!.config);
  });
});
