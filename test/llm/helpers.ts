import { Tensor, backward } from '../../src/llm/tensor/tensor.js';

/** Deterministic PRNG (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randn(shape: number[], seed: number, std = 1, requiresGrad = true): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(r(), 1e-9), v = r();
    d[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return new Tensor(d, shape, requiresGrad);
}

/**
 * Central finite differences on a few coordinates of each input vs. the tape's gradient.
 * Returns the worst relative error max|fd - g| / max(1e-2, |fd| + |g|).
 */
export function gradCheck(f: () => Tensor, inputs: Tensor[], opts: { h?: number; samples?: number } = {}): number {
  const h = opts.h ?? 1e-2;
  for (const t of inputs) t.grad = null;
  const loss = f();
  backward(loss);
  const grads = inputs.map((t) => (t.grad ? Float32Array.from(t.grad) : new Float32Array(t.size)));
  let worst = 0;
  const r = rng(99);
  for (let k = 0; k < inputs.length; k++) {
    const t = inputs[k];
    const n = Math.min(opts.samples ?? 12, t.size);
    for (let s = 0; s < n; s++) {
      const i = Math.floor(r() * t.size);
      const old = t.data[i];
      t.data[i] = old + h;
      const lp = f().data[0];
      t.data[i] = old - h;
      const lm = f().data[0];
      t.data[i] = old;
      const fd = (lp - lm) / (2 * h);
      const g = grads[k][i];
      const err = Math.abs(fd - g) / Math.max(1e-2, Math.abs(fd) + Math.abs(g));
      if (err > worst) worst = err;
    }
  }
  return worst;
}
