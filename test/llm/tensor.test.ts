import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, noGrad, backward } from '../../src/llm/tensor/tensor.js';
import * as ops from '../../src/llm/tensor/ops.js';
import { AdamW } from '../../src/llm/tensor/optim.js';
import { K, nativeAvailable, useKernels } from '../../src/llm/tensor/backend.js';
import { jsKernels } from '../../src/llm/tensor/kernels-js.js';
import { gradCheck, randn, rng } from './helpers.js';

const backends: Array<'js' | 'native'> = nativeAvailable() ? ['js', 'native'] : ['js'];

function weights(n: number, seed: number): Float32Array {
  return randn([n], seed, 1, false).data;
}

for (const be of backends) {
  describe(`ops gradients (${be} kernels)`, () => {
    const run = (fn: () => void) => () => {
      const prev = useKernels(be);
      try { fn(); } finally { useKernels(prev); }
    };

    test('linear with bias', run(() => {
      const x = randn([2, 3, 5], 1), w = randn([4, 5], 2), b = randn([4], 3);
      const wt = weights(24, 4);
      assert.ok(gradCheck(() => ops.weightedSum(ops.linear(x, w, b), wt), [x, w, b]) < 2e-2);
    }));

    test('rmsnorm (full rows and per-head groups)', run(() => {
      const x = randn([3, 8], 5), w = randn([8], 6);
      const wt = weights(24, 7);
      assert.ok(gradCheck(() => ops.weightedSum(ops.rmsnorm(x, w, 1e-5), wt), [x, w]) < 2e-2);
      const wh = randn([4], 8);
      assert.ok(gradCheck(() => ops.weightedSum(ops.rmsnorm(x, wh, 1e-6, 4), wt), [x, wh]) < 2e-2);
    }));

    test('rope', run(() => {
      const tab = ops.ropeTables(4, 16, 10000);
      const x = randn([2, 3, 8], 9);
      const wt = weights(48, 10);
      assert.ok(gradCheck(() => ops.weightedSum(ops.rope(x, 2, 3, 2, 4, tab, 2), wt), [x]) < 2e-2);
    }));

    test('causal attention with grouped-query heads', run(() => {
      const B = 2, T = 5, H = 4, KVH = 2, HD = 3;
      const q = randn([B, T, H * HD], 11), k = randn([B, T, KVH * HD], 12), v = randn([B, T, KVH * HD], 13);
      const wt = weights(B * T * H * HD, 14);
      assert.ok(gradCheck(() => ops.weightedSum(ops.attention(q, k, v, B, T, H, KVH, HD), wt), [q, k, v]) < 2e-2);
    }));

    test('attention is causal', run(() => {
      const B = 1, T = 4, H = 2, HD = 3;
      const q = randn([B, T, H * HD], 15, 1, false), k = randn([B, T, H * HD], 16, 1, false), v = randn([B, T, H * HD], 17, 1, false);
      const a = noGrad(() => ops.attention(q, k, v, B, T, H, H, HD));
      k.data[3 * H * HD] += 5; v.data[3 * H * HD + 1] += 5; // change the last position only
      const b = noGrad(() => ops.attention(q, k, v, B, T, H, H, HD));
      for (let i = 0; i < 3 * H * HD; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-6);
    }));

    test('swiglu', run(() => {
      const g = randn([3, 4], 18), u = randn([3, 4], 19);
      const wt = weights(12, 20);
      assert.ok(gradCheck(() => ops.weightedSum(ops.swiglu(g, u), wt), [g, u]) < 2e-2);
    }));

    test('cross-entropy with ignored targets, token logprobs', run(() => {
      const logits = randn([4, 7], 21);
      const tg = Int32Array.from([1, -100, 6, 0]);
      assert.ok(gradCheck(() => ops.crossEntropy(logits, tg), [logits]) < 2e-2);
      const ce = noGrad(() => ops.crossEntropy(logits, tg)).item();
      // reference
      let s = 0;
      for (const r of [0, 2, 3]) {
        const row = Array.from(logits.data.slice(r * 7, r * 7 + 7));
        const mx = Math.max(...row);
        const lse = mx + Math.log(row.reduce((a, v) => a + Math.exp(v - mx), 0));
        s += lse - row[tg[r]];
      }
      assert.ok(Math.abs(ce - s / 3) < 1e-5);
      const wt = weights(4, 22);
      assert.ok(gradCheck(() => ops.weightedSum(ops.tokenLogprobs(logits, tg), wt), [logits]) < 2e-2);
    }));

    test('embedding, add, addScaled, mul, map, segmentSum', run(() => {
      const tab = randn([6, 3], 23);
      const ids = Int32Array.from([0, 5, 5, 2]);
      const x = randn([4, 3], 24);
      const wt = weights(12, 25);
      assert.ok(gradCheck(() => ops.weightedSum(ops.mul(ops.addScaled(ops.embedding(tab, ids), x, 0.5), ops.add(x, x)), wt), [tab, x]) < 2e-2);
      const seg = Int32Array.from([0, 0, 1, -1, 1, 2, 2, 2, 0, 1, 1, 2]);
      assert.ok(gradCheck(() => ops.weightedSum(ops.segmentSum(ops.map(x, ops.logSigmoid, (v) => 1 - ops.sigmoid(v)), seg, 3), [1, -2, 0.5]), [x]) < 2e-2);
      assert.throws(() => ops.embedding(tab, Int32Array.from([6])), /outside vocabulary/);
    }));
  });
}

test('native and TypeScript kernels agree', { skip: !nativeAvailable() && 'addon not built' }, () => {
  const N = useKernels('native');
  try {
    const nk = K;
    const r = rng(5);
    const M = 37, Nn = 29, Kk = 41;
    const A = Float32Array.from({ length: M * Kk }, () => r() - 0.5);
    const Bm = Float32Array.from({ length: Kk * Nn }, () => r() - 0.5);
    for (const [ta, tb] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      const c1 = Float32Array.from({ length: M * Nn }, () => 1), c2 = c1.slice();
      const lda = ta ? M : Kk, ldb = tb ? Kk : Nn;
      nk.sgemm(ta, tb, M, Nn, Kk, 0.7, A, 0, lda, Bm, 0, ldb, 0.5, c1, 0, Nn);
      jsKernels.sgemm(ta, tb, M, Nn, Kk, 0.7, A, 0, lda, Bm, 0, ldb, 0.5, c2, 0, Nn);
      for (let i = 0; i < c1.length; i++) assert.ok(Math.abs(c1[i] - c2[i]) < 1e-4, `sgemm ${ta}${tb}`);
    }
    // attention forward with a KV cache offset
    const B = 2, Tq = 3, Tk = 7, H = 4, KVH = 2, HD = 8, rows = 9;
    const q = Float32Array.from({ length: B * Tq * H * HD }, () => r() - 0.5);
    const k = Float32Array.from({ length: B * rows * KVH * HD }, () => r() - 0.5);
    const v = Float32Array.from({ length: B * rows * KVH * HD }, () => r() - 0.5);
    const o1 = new Float32Array(q.length), o2 = new Float32Array(q.length);
    nk.attnFwd(q, k, v, o1, null, B, Tq, Tk, H, KVH, HD, 4, rows, 0.3);
    jsKernels.attnFwd(q, k, v, o2, null, B, Tq, Tk, H, KVH, HD, 4, rows, 0.3);
    for (let i = 0; i < o1.length; i++) assert.ok(Math.abs(o1[i] - o2[i]) < 1e-5);
    // AdamW
    const p1 = Float32Array.from({ length: 50 }, () => r()), g = Float32Array.from({ length: 50 }, () => r() - 0.5);
    const p2 = p1.slice(), m1 = new Float32Array(50), v1 = new Float32Array(50), m2 = m1.slice(), v2 = v1.slice();
    nk.adamw(p1, g, m1, v1, 50, 1e-2, 0.9, 0.999, 1e-8, 0.1, 0.1, 0.001);
    jsKernels.adamw(p2, g, m2, v2, 50, 1e-2, 0.9, 0.999, 1e-8, 0.1, 0.1, 0.001);
    for (let i = 0; i < 50; i++) assert.ok(Math.abs(p1[i] - p2[i]) < 1e-6);
  } finally {
    useKernels(N);
  }
});

test('AdamW matches the PyTorch update rule and minimises a quadratic', () => {
  const p = Tensor.from([1, -2, 3], [3], true);
  const opt = new AdamW([p], { lr: 0.1, weightDecay: 0 });
  for (let i = 0; i < 200; i++) {
    opt.zeroGrad();
    const l = ops.weightedSum(ops.mul(p, p), [1, 1, 1]);
    backward(l);
    opt.stepUpdate();
  }
  for (const v of p.data) assert.ok(Math.abs(v) < 0.05);
});

test('SAGEBOX_LLM_NATIVE=0 selects the TypeScript kernels', () => {
  if (process.env.SAGEBOX_LLM_NATIVE === '0') assert.equal(K.name, 'js');
  else assert.equal(K.name, nativeAvailable() ? 'native' : 'js');
});
