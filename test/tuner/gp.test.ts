import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GaussianProcess, negLogPosterior, pairDiffs } from '../../src/tuner/gp.js';
import { cholesky, cholInverse, cholSolve } from '../../src/tuner/linalg.js';
import { logExpectedImprovement, logH, normCdf, normPdf } from '../../src/tuner/normal.js';
import { minimizeBox } from '../../src/tuner/optimize.js';
import { seededRng } from '../../src/tuner/rng.js';

describe('linear algebra', () => {
  test('Cholesky, solve and inverse agree', () => {
    const A = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const L = cholesky(A, 3)!;
    const x = cholSolve(L, 3, [1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += A[i * 3 + j]! * x[j]!;
      assert.ok(Math.abs(s - (i + 1)) < 1e-12);
    }
    const inv = cholInverse(L, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += A[i * 3 + k]! * inv[k * 3 + j]!;
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12);
    }
    assert.equal(cholesky(Float64Array.from([1, 2, 2, 1]), 2), undefined);
  });
});

describe('normal and log EI', () => {
  test('logH matches the direct formula where that is accurate, and stays finite far out', () => {
    for (const z of [-3, -1.5, -0.5, 0, 0.7, 2, 5]) {
      const direct = Math.log(normPdf(z) + z * normCdf(z));
      assert.ok(Math.abs(logH(z) - direct) < 1e-9, `z=${z}: ${logH(z)} vs ${direct}`);
    }
    // Far tail: h(z) ≈ φ(z)/z² (1 - 3/z²)
    const z = -40;
    const approx = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(40) + Math.log(1 - 3 / 1600);
    assert.ok(Math.abs(logH(z) - approx) < 1e-3);
    assert.ok(Number.isFinite(logExpectedImprovement(100, 0.01, 0)));
    assert.ok(Math.abs(normCdf(1.96) - 0.9750021048517795) < 1e-13);
  });
});

describe('optimizer', () => {
  test('projected L-BFGS finds an interior minimum and respects bounds', () => {
    const f = (x: Float64Array): { value: number; grad: Float64Array } => ({
      value: (x[0]! - 0.3) ** 2 + 10 * (x[1]! - 2) ** 2,
      grad: Float64Array.of(2 * (x[0]! - 0.3), 20 * (x[1]! - 2)),
    });
    const r = minimizeBox(f, Float64Array.of(0.9, 0.5), Float64Array.of(0, 0), Float64Array.of(1, 1));
    assert.ok(Math.abs(r.x[0]! - 0.3) < 1e-5);
    assert.equal(r.x[1], 1);
  });
});

describe('Gaussian process', () => {
  const rng = seededRng(5);
  const X = Array.from({ length: 15 }, () => [rng.next(), rng.next(), Math.floor(rng.next() * 3)]);
  const y = X.map((x) => Math.sin(5 * x[0]!) + x[1]! ** 2 + (x[2] === 1 ? 0.5 : 0));
  const inputs = { X, categorical: [false, false, true] };

  test('the marginal-likelihood gradient matches finite differences', () => {
    const diffs = pairDiffs(inputs);
    const ys = Float64Array.from(y);
    const theta = Float64Array.of(0.2, Math.log(0.4), Math.log(0.7), Math.log(1.3), Math.log(1e-3));
    const { grad } = negLogPosterior(theta, diffs, inputs.categorical, ys, true);
    for (let k = 0; k < theta.length; k++) {
      const h = 1e-6;
      const up = Float64Array.from(theta); up[k] += h;
      const down = Float64Array.from(theta); down[k] -= h;
      const fd = (negLogPosterior(up, diffs, inputs.categorical, ys, true).value - negLogPosterior(down, diffs, inputs.categorical, ys, true).value) / (2 * h);
      assert.ok(Math.abs(fd - grad[k]!) < 1e-4 * Math.max(1, Math.abs(fd)), `θ${k}: analytic ${grad[k]} vs numeric ${fd}`);
    }
  });

  test('a fitted GP interpolates its data and is uncertain far from it', () => {
    const gp = GaussianProcess.fit(inputs, y, { rng: seededRng(1), restarts: 1 });
    const at = gp.predict(X);
    at.forEach((p, i) => assert.ok(Math.abs(p.mean * gp.yStd + gp.yMean - y[i]!) < 0.05, `point ${i}`));
    const far = gp.predict([[0.5, 0.5, 2]])[0]!;
    assert.ok(far.sd > Math.max(...at.map((p) => p.sd)));
  });
});
