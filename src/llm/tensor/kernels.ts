/**
 * The kernel interface of the LLM runtime. Two implementations: the native addon
 * (native/llm/llm.c, OpenBLAS sgemm + fused C loops) and the pure-TypeScript twin in
 * kernels-js.ts. Same argument order, same semantics; backward kernels ADD into gradients.
 */
export type F32 = Float32Array;
export type F32N = Float32Array | null;

export interface Kernels {
  readonly name: 'native' | 'js';
  /** C[cOff..] = alpha * op(A) op(B) + beta * C, row-major, op = transpose when the flag is 1. */
  sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number,
    A: F32, aOff: number, lda: number, B: F32, bOff: number, ldb: number, beta: number,
    C: F32, cOff: number, ldc: number): void;
  rmsnormFwd(x: F32, w: F32N, out: F32, rstd: F32N, rows: number, dim: number, eps: number): void;
  rmsnormBwd(dy: F32, x: F32, w: F32N, rstd: F32, dx: F32N, dw: F32N, rows: number, dim: number): void;
  /** Half-split rotary embedding over [B, T, H*HD]; cos/sin tables [maxPos, HD/2]. */
  rope(x: F32, out: F32, cos: F32, sin: F32, B: number, T: number, H: number, HD: number,
    posOffset: number, inverse: number, accumulate: number): void;
  /** Causal attention; q/out [B,Tq,H*HD], k/v [B,kvRows,KVH*HD]; P [B,H,Tq,Tk] (optional). */
  attnFwd(q: F32, k: F32, v: F32, out: F32, P: F32N, B: number, Tq: number, Tk: number, H: number,
    KVH: number, HD: number, qPos0: number, kvRows: number, scale: number): void;
  attnBwd(dout: F32, q: F32, k: F32, v: F32, P: F32, dq: F32N, dk: F32N, dv: F32N, B: number,
    T: number, H: number, KVH: number, HD: number, scale: number): void;
  swigluFwd(g: F32, u: F32, out: F32, n: number): void;
  swigluBwd(dy: F32, g: F32, u: F32, dg: F32N, du: F32N, n: number): void;
  /** Softmax rows into probs, log p(target) into logp; returns [-sum logp, count of counted rows]. */
  crossEntropyFwd(logits: F32, targets: Int32Array, probs: F32, logp: F32N, N: number, V: number,
    ignoreIndex: number): [number, number];
  crossEntropyBwd(probs: F32, targets: Int32Array, rowScale: F32, dlogits: F32, N: number, V: number,
    ignoreIndex: number): void;
  adamw(p: F32, g: F32, m: F32, v: F32, n: number, lr: number, b1: number, b2: number, eps: number,
    wd: number, bc1: number, bc2: number): void;
  axpy(n: number, alpha: number, x: F32, xOff: number, y: F32, yOff: number): void;
  add(out: F32, a: F32, b: F32, n: number): void;
  embedFwd(table: F32, ids: Int32Array, out: F32, N: number, D: number): void;
  setThreads(n: number): void;
  info(): { coreType: string; threads: number };
}
