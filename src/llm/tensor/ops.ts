/** Differentiable ops over Tensor, each forward and backward one kernel call where possible. */
import { K } from './backend.js';
import { Tensor, alloc, needsGrad, record } from './tensor.js';

/** Output tensor whose every element the op writes. */
function out(shape: number[], req: boolean): Tensor {
  return Tensor.empty(shape, req);
}

function outShape(x: Tensor, last: number): number[] {
  return [...x.shape.slice(0, -1), last];
}

/** y = x W^T (+ b). x [..., in], w [out, in] (Hugging Face layout), b [out]. */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  const inF = w.shape[1], outF = w.shape[0];
  if (x.cols !== inF) throw new Error(`linear: input has ${x.cols} features, weight expects ${inF}`);
  const M = x.rows;
  const req = needsGrad(x, w, b);
  const y = out(outShape(x, outF), req);
  if (b) for (let i = 0; i < M; i++) y.data.set(b.data, i * outF);
  K.sgemm(0, 1, M, outF, inF, 1, x.data, 0, inF, w.data, 0, inF, b ? 1 : 0, y.data, 0, outF);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    if (x.requiresGrad) K.sgemm(0, 0, M, inF, outF, 1, dy, 0, outF, w.data, 0, inF, 1, x.g(), 0, inF);
    if (w.requiresGrad) K.sgemm(1, 0, outF, inF, M, 1, dy, 0, outF, x.data, 0, inF, 1, w.g(), 0, inF);
    if (b && b.requiresGrad) {
      const db = b.g();
      for (let i = 0; i < M; i++) for (let j = 0; j < outF; j++) db[j] += dy[i * outF + j];
    }
  });
  return y;
}

export function add(a: Tensor, b: Tensor): Tensor {
  if (a.size !== b.size) throw new Error('add: size mismatch');
  const req = needsGrad(a, b);
  const y = out(a.shape.slice(), req);
  K.add(y.data, a.data, b.data, a.size);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    if (a.requiresGrad) K.axpy(a.size, 1, dy, 0, a.g(), 0);
    if (b.requiresGrad) K.axpy(b.size, 1, dy, 0, b.g(), 0);
  });
  return y;
}

/** y = a + s * b (LoRA: base + scale * delta). */
export function addScaled(a: Tensor, b: Tensor, s: number): Tensor {
  if (a.size !== b.size) throw new Error('addScaled: size mismatch');
  const req = needsGrad(a, b);
  const y = out(a.shape.slice(), req);
  y.data.set(a.data);
  K.axpy(a.size, s, b.data, 0, y.data, 0);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    if (a.requiresGrad) K.axpy(a.size, 1, dy, 0, a.g(), 0);
    if (b.requiresGrad) K.axpy(b.size, s, dy, 0, b.g(), 0);
  });
  return y;
}

export function scale(a: Tensor, s: number): Tensor {
  const req = needsGrad(a);
  const y = out(a.shape.slice(), req);
  for (let i = 0; i < a.size; i++) y.data[i] = a.data[i] * s;
  if (req) record(() => { if (y.grad) K.axpy(a.size, s, y.grad, 0, a.g(), 0); });
  return y;
}

/** Rows of table [V, D] picked by ids -> [...idsShape, D]. */
export function embedding(table: Tensor, ids: Int32Array, shape: number[] = [ids.length]): Tensor {
  const D = table.shape[1], V = table.shape[0];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= V || !Number.isInteger(ids[i])) throw new Error(`embedding: token id ${ids[i]} outside vocabulary of ${V}`);
  }
  const req = needsGrad(table);
  const y = out([...shape, D], req);
  K.embedFwd(table.data, ids, y.data, ids.length, D);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    const dt = table.g();
    for (let r = 0; r < ids.length; r++) K.axpy(D, 1, dy, r * D, dt, ids[r] * D);
  });
  return y;
}

/** RMSNorm over the last dim (or over groups of `dim` when dim divides it: per-head q/k norm). */
export function rmsnorm(x: Tensor, w: Tensor | null, eps: number, dim = x.cols): Tensor {
  const rows = x.size / dim;
  const req = needsGrad(x, w);
  const y = out(x.shape.slice(), req);
  const rstd = alloc(rows, false);
  K.rmsnormFwd(x.data, w ? w.data : null, y.data, rstd, rows, dim, eps);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    K.rmsnormBwd(dy, x.data, w ? w.data : null, rstd, x.requiresGrad ? x.g() : null,
      w && w.requiresGrad ? w.g() : null, rows, dim);
  });
  return y;
}

export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
  maxPos: number;
  headDim: number;
}

/** cos/sin tables [maxPos, headDim/2] from theta or explicit inverse frequencies (HF Llama rope). */
export function ropeTables(headDim: number, maxPos: number, theta: number | Float64Array): RopeTables {
  const half = headDim / 2;
  const cos = new Float32Array(maxPos * half), sin = new Float32Array(maxPos * half);
  for (let i = 0; i < half; i++) {
    const inv = Math.fround(typeof theta === 'number' ? 1 / Math.pow(theta, (2 * i) / headDim) : theta[i]);
    for (let p = 0; p < maxPos; p++) {
      const a = Math.fround(p * inv);
      cos[p * half + i] = Math.cos(a);
      sin[p * half + i] = Math.sin(a);
    }
  }
  return { cos, sin, maxPos, headDim };
}

/** Rotary embedding on x [B, T, H*HD]. */
export function rope(x: Tensor, B: number, T: number, H: number, HD: number, tab: RopeTables, posOffset = 0): Tensor {
  if (posOffset + T > tab.maxPos) throw new Error(`sequence of ${posOffset + T} tokens exceeds max_position_embeddings ${tab.maxPos}`);
  const req = needsGrad(x);
  const y = out(x.shape.slice(), req);
  K.rope(x.data, y.data, tab.cos, tab.sin, B, T, H, HD, posOffset, 0, 0);
  if (req) record(() => {
    if (y.grad) K.rope(y.grad, x.g(), tab.cos, tab.sin, B, T, H, HD, posOffset, 1, 1);
  });
  return y;
}

/** Causal self-attention: q [B,T,H*HD], k/v [B,T,KVH*HD] -> [B,T,H*HD]. */
export function attention(q: Tensor, k: Tensor, v: Tensor, B: number, T: number, H: number, KVH: number, HD: number): Tensor {
  const req = needsGrad(q, k, v);
  const y = out(q.shape.slice(), req);
  const scale = 1 / Math.sqrt(HD);
  const P = alloc(B * H * T * T, false);
  K.attnFwd(q.data, k.data, v.data, y.data, P, B, T, T, H, KVH, HD, 0, T, scale);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    K.attnBwd(dy, q.data, k.data, v.data, P, q.requiresGrad ? q.g() : null, k.requiresGrad ? k.g() : null,
      v.requiresGrad ? v.g() : null, B, T, H, KVH, HD, scale);
  });
  return y;
}

/** silu(g) * u */
export function swiglu(g: Tensor, u: Tensor): Tensor {
  const req = needsGrad(g, u);
  const y = out(g.shape.slice(), req);
  K.swigluFwd(g.data, u.data, y.data, g.size);
  if (req) record(() => {
    if (y.grad) K.swigluBwd(y.grad, g.data, u.data, g.requiresGrad ? g.g() : null, u.requiresGrad ? u.g() : null, g.size);
  });
  return y;
}

export const IGNORE_INDEX = -100;

/** Mean cross-entropy over targets != -100. logits [N, V]; returns a scalar (0 if no targets). */
export function crossEntropy(logits: Tensor, targets: Int32Array): Tensor {
  const V = logits.cols, N = logits.rows;
  if (targets.length !== N) throw new Error('crossEntropy: targets length mismatch');
  const req = needsGrad(logits);
  const probs = alloc(logits.size, false);
  const [sum, count] = K.crossEntropyFwd(logits.data, targets, probs, null, N, V, IGNORE_INDEX);
  const y = Tensor.from([count ? sum / count : 0], [1], req);
  if (req && count) record(() => {
    const s = y.grad ? y.grad[0] / count : 0;
    const rs = alloc(N, false).fill(s);
    if (!logits.grad) {
      // the probabilities become the gradient in place (dlogits === probs: write mode)
      K.crossEntropyBwd(probs, targets, rs, probs, N, V, IGNORE_INDEX);
      logits.grad = probs;
    } else K.crossEntropyBwd(probs, targets, rs, logits.g(), N, V, IGNORE_INDEX);
  });
  return y;
}

/** Per-row log p(target) -> [N] (0 where the target is -100). */
export function tokenLogprobs(logits: Tensor, targets: Int32Array): Tensor {
  const V = logits.cols, N = logits.rows;
  const req = needsGrad(logits);
  const probs = alloc(logits.size, false);
  const y = out([N], req);
  K.crossEntropyFwd(logits.data, targets, probs, y.data, N, V, IGNORE_INDEX);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    const rs = new Float32Array(N);
    for (let i = 0; i < N; i++) rs[i] = -dy[i];
    K.crossEntropyBwd(probs, targets, rs, logits.g(), N, V, IGNORE_INDEX);
  });
  return y;
}

/** out[g] = sum_{i: group[i]==g} weight[i] * x[i] (weight 1 when omitted); groups < 0 skipped. */
export function segmentSum(x: Tensor, group: Int32Array, nGroups: number, weight?: ArrayLike<number>): Tensor {
  const req = needsGrad(x);
  const y = Tensor.zeros([nGroups], req);
  for (let i = 0; i < x.size; i++) if (group[i] >= 0) y.data[group[i]] += (weight ? weight[i] : 1) * x.data[i];
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    const dx = x.g();
    for (let i = 0; i < x.size; i++) if (group[i] >= 0) dx[i] += (weight ? weight[i] : 1) * dy[group[i]];
  });
  return y;
}

/**
 * Elementwise map over small tensors with a JS derivative: y = f(x), dy/dx = df(x, y).
 * For scalar-sized loss plumbing (DPO, GRPO), not hot paths.
 */
export function map(x: Tensor, f: (v: number, i: number) => number, df: (v: number, y: number, i: number) => number): Tensor {
  const req = needsGrad(x);
  const y = out(x.shape.slice(), req);
  for (let i = 0; i < x.size; i++) y.data[i] = f(x.data[i], i);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    const dx = x.g();
    for (let i = 0; i < x.size; i++) dx[i] += dy[i] * df(x.data[i], y.data[i], i);
  });
  return y;
}

/** Elementwise a*b (same size). */
export function mul(a: Tensor, b: Tensor): Tensor {
  const req = needsGrad(a, b);
  const y = out(a.shape.slice(), req);
  for (let i = 0; i < a.size; i++) y.data[i] = a.data[i] * b.data[i];
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    if (a.requiresGrad) { const d = a.g(); for (let i = 0; i < a.size; i++) d[i] += dy[i] * b.data[i]; }
    if (b.requiresGrad) { const d = b.g(); for (let i = 0; i < b.size; i++) d[i] += dy[i] * a.data[i]; }
  });
  return y;
}

/** a - b */
export function sub(a: Tensor, b: Tensor): Tensor {
  return addScaled(a, b, -1);
}

/** Weighted sum: sum_i w[i] * x[i] -> scalar (weights constant). */
export function weightedSum(x: Tensor, w: ArrayLike<number>): Tensor {
  const req = needsGrad(x);
  let s = 0;
  for (let i = 0; i < x.size; i++) s += w[i] * x.data[i];
  const y = Tensor.from([s], [1], req);
  if (req) record(() => {
    if (!y.grad) return;
    const g = y.grad[0], dx = x.g();
    for (let i = 0; i < x.size; i++) dx[i] += g * w[i];
  });
  return y;
}

/** Sum of all scalars in a list of [1] tensors. */
export function sumScalars(xs: Tensor[]): Tensor {
  const req = needsGrad(...xs);
  let s = 0;
  for (const x of xs) s += x.data[0];
  const y = Tensor.from([s], [1], req);
  if (req) record(() => {
    if (!y.grad) return;
    for (const x of xs) if (x.requiresGrad) x.g()[0] += y.grad[0];
  });
  return y;
}

/** Numerically stable log(sigmoid(v)). */
export function logSigmoid(v: number): number {
  return v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
}
export function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/** Inverted dropout with probability p, mask drawn from rand(). Identity when p == 0. */
export function dropout(x: Tensor, p: number, rand: () => number): Tensor {
  if (p <= 0) return x;
  const req = needsGrad(x);
  const y = out(x.shape.slice(), req);
  const keep = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) mask[i] = rand() >= p ? keep : 0;
  for (let i = 0; i < x.size; i++) y.data[i] = x.data[i] * mask[i];
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    const dx = x.g();
    for (let i = 0; i < x.size; i++) dx[i] += dy[i] * mask[i];
  });
  return y;
}

/** Rows [start, start+count) of a [rows, cols] tensor, as a new tensor (differentiable). */
export function sliceRows(x: Tensor, rowIdx: Int32Array): Tensor {
  const C = x.cols;
  const req = needsGrad(x);
  const y = out([rowIdx.length, C], req);
  for (let r = 0; r < rowIdx.length; r++) y.data.set(x.data.subarray(rowIdx[r] * C, rowIdx[r] * C + C), r * C);
  if (req) record(() => {
    const dy = y.grad;
    if (!dy) return;
    const dx = x.g();
    for (let r = 0; r < rowIdx.length; r++) K.axpy(C, 1, dy, r * C, dx, rowIdx[r] * C);
  });
  return y;
}
