import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRng } from '../../src/tuner/rng.js';
import { configFromStrings, configToStrings, resolveScaling, SearchSpace, type ParamSpec } from '../../src/tuner/space.js';

const params: ParamSpec[] = [
  { name: 'lin', type: 'Continuous', min: -5, max: 5, scaling: 'Linear' },
  { name: 'log', type: 'Continuous', min: 1e-5, max: 0.1, scaling: 'Logarithmic' },
  { name: 'rev', type: 'Continuous', min: 0.9, max: 0.9999, scaling: 'ReverseLogarithmic' },
  { name: 'n', type: 'Integer', min: 1, max: 4, scaling: 'Linear' },
  { name: 'opt', type: 'Categorical', values: ['a', 'b', 'c'] },
];

describe('SearchSpace', () => {
  test('encode and decode are inverse on every scaling', () => {
    const space = new SearchSpace(params);
    const c = { lin: 1.25, log: 0.001, rev: 0.99, n: 3, opt: 'b' };
    const back = space.decode(space.encode(c));
    assert.ok(Math.abs(Number(back.lin) - 1.25) < 1e-12);
    assert.ok(Math.abs(Number(back.log) - 0.001) / 0.001 < 1e-12);
    assert.ok(Math.abs(Number(back.rev) - 0.99) < 1e-12);
    assert.equal(back.n, 3);
    assert.equal(back.opt, 'b');
    // Log scaling puts the geometric middle at 0.5; reverse-log spreads values near 1.
    assert.ok(Math.abs(space.encode({ ...c, log: Math.sqrt(1e-5 * 0.1) })[1]! - 0.5) < 1e-12);
    // Reverse log: 1 - v is log-scaled, so the middle of [0.9, 0.9999] is 1 - √(0.1 · 0.0001).
    const u = space.encode({ ...c, rev: 1 - Math.sqrt(0.1 * 1e-4) })[2]!;
    assert.ok(Math.abs(u - 0.5) < 1e-9, `got ${u}`);
  });

  test('every integer gets an equal share of its coordinate', () => {
    const space = new SearchSpace([params[3]!]);
    const counts = new Map<number, number>();
    const rng = seededRng(1);
    for (let i = 0; i < 8000; i++) {
      const n = space.sample(rng).n as number;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [1, 2, 3, 4]);
    for (const c of counts.values()) assert.ok(Math.abs(c - 2000) < 200, `count ${c}`);
  });

  test('Auto is Logarithmic for positive ranges spanning two orders of magnitude, else Linear', () => {
    assert.equal(resolveScaling({ name: 'a', type: 'Continuous', min: 1e-4, max: 1, scaling: 'Auto' }), 'Logarithmic');
    assert.equal(resolveScaling({ name: 'a', type: 'Continuous', min: 0, max: 1, scaling: 'Auto' }), 'Linear');
    assert.equal(resolveScaling({ name: 'a', type: 'Integer', min: 1, max: 50, scaling: 'Auto' }), 'Linear');
  });

  test('size, keys and the string form SageMaker passes', () => {
    assert.equal(new SearchSpace(params.slice(3)).size(), 12);
    assert.equal(new SearchSpace(params).size(), Number.POSITIVE_INFINITY);
    const space = new SearchSpace(params);
    const c = { lin: 0.1 + 0.2, log: 0.001, rev: 0.99, n: 2, opt: 'c' };
    assert.equal(space.key(c), space.key({ ...c, lin: 0.3 }));
    const s = configToStrings(params, c);
    assert.deepEqual(s, { lin: '0.30000000000000004', log: '0.001', rev: '0.99', n: '2', opt: 'c' });
    assert.deepEqual(configFromStrings(params, s), c);
  });
});
