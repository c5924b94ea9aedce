/** Pure-TypeScript kernels: the fallback when the native addon is missing (same semantics). */
import type { F32, F32N, Kernels } from './kernels.js';

function sgemm(transA: number, transB: number, M: number, N: number, K: number, alpha: number,
  A: F32, aOff: number, lda: number, B: F32, bOff: number, ldb: number, beta: number,
  C: F32, cOff: number, ldc: number): void {
  if (M === 0 || N === 0) return;
  // scale C by beta
  for (let i = 0; i < M; i++) {
    const r = cOff + i * ldc;
    if (beta === 0) for (let j = 0; j < N; j++) C[r + j] = 0;
    else if (beta !== 1) for (let j = 0; j < N; j++) C[r + j] *= beta;
  }
  if (K === 0 || alpha === 0) return;
  // normalise A to row-major [M, K] contiguous
  let a = A, ao = aOff, la = lda;
  if (transA) {
    const t = new Float32Array(M * K);
    for (let p = 0; p < K; p++) {
      const r = aOff + p * lda;
      for (let i = 0; i < M; i++) t[i * K + p] = A[r + i];
    }
    a = t; ao = 0; la = K;
  }
  let bb = B, bo = bOff, lb = ldb;
  if (transB && M < 64) {
    // few rows: C[i,j] += alpha * dot(a[i,:], B[j,:]), four columns per pass over a[i,:]
    for (let i = 0; i < M; i++) {
      const ar = ao + i * la, cr = cOff + i * ldc;
      let j = 0;
      for (; j + 3 < N; j += 4) {
        const b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let p = 0; p < K; p++) {
          const v = a[ar + p];
          s0 += v * B[b0 + p]; s1 += v * B[b1 + p]; s2 += v * B[b2 + p]; s3 += v * B[b3 + p];
        }
        C[cr + j] += alpha * s0; C[cr + j + 1] += alpha * s1; C[cr + j + 2] += alpha * s2; C[cr + j + 3] += alpha * s3;
      }
      for (; j < N; j++) {
        const br = bOff + j * ldb;
        let s0 = 0;
        for (let p = 0; p < K; p++) s0 += a[ar + p] * B[br + p];
        C[cr + j] += alpha * s0;
      }
    }
    return;
  }
  if (transB) {
    // many rows: transpose B once to [K, N] and use the row-update kernel
    const t = new Float32Array(K * N);
    for (let j = 0; j < N; j++) {
      const r = bOff + j * ldb;
      for (let p = 0; p < K; p++) t[p * N + j] = B[r + p];
    }
    bb = t; bo = 0; lb = N;
  }
  // C[i,:] += alpha * a[i,p] * B[p,:], four rows of C per pass over B
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const a0 = ao + i * la, a1 = a0 + la, a2 = a1 + la, a3 = a2 + la;
    const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    for (let p = 0; p < K; p++) {
      const s0 = alpha * a[a0 + p], s1 = alpha * a[a1 + p], s2 = alpha * a[a2 + p], s3 = alpha * a[a3 + p];
      const br = bo + p * lb;
      for (let j = 0; j < N; j++) {
        const v = bb[br + j];
        C[c0 + j] += s0 * v; C[c1 + j] += s1 * v; C[c2 + j] += s2 * v; C[c3 + j] += s3 * v;
      }
    }
  }
  for (; i < M; i++) {
    const ar = ao + i * la, cr = cOff + i * ldc;
    for (let p = 0; p < K; p++) {
      const s = alpha * a[ar + p];
      if (s === 0) continue;
      const br = bo + p * lb;
      for (let j = 0; j < N; j++) C[cr + j] += s * bb[br + j];
    }
  }
}

function rmsnormFwd(x: F32, w: F32N, out: F32, rstd: F32N, rows: number, dim: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let ss = 0;
    for (let i = 0; i < dim; i++) ss += x[o + i] * x[o + i];
    const rs = Math.fround(1 / Math.sqrt(Math.fround(ss / dim + eps)));
    if (rstd) rstd[r] = rs;
    if (w) for (let i = 0; i < dim; i++) out[o + i] = x[o + i] * rs * w[i];
    else for (let i = 0; i < dim; i++) out[o + i] = x[o + i] * rs;
  }
}

function rmsnormBwd(dy: F32, x: F32, w: F32N, rstd: F32, dx: F32N, dw: F32N, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim, rs = rstd[r];
    if (dw) for (let i = 0; i < dim; i++) dw[i] += dy[o + i] * x[o + i] * rs;
    if (dx) {
      let dot = 0;
      if (w) for (let i = 0; i < dim; i++) dot += dy[o + i] * w[i] * x[o + i];
      else for (let i = 0; i < dim; i++) dot += dy[o + i] * x[o + i];
      const c = (dot * rs * rs * rs) / dim;
      if (w) for (let i = 0; i < dim; i++) dx[o + i] += dy[o + i] * w[i] * rs - x[o + i] * c;
      else for (let i = 0; i < dim; i++) dx[o + i] += dy[o + i] * rs - x[o + i] * c;
    }
  }
}

function rope(x: F32, out: F32, cos: F32, sin: F32, B: number, T: number, H: number, HD: number,
  off: number, inverse: number, acc: number): void {
  const half = HD >> 1;
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
    const tb = (t + off) * half;
    for (let h = 0; h < H; h++) {
      const base = ((b * T + t) * H + h) * HD;
      for (let i = 0; i < half; i++) {
        const x1 = x[base + i], x2 = x[base + i + half], c = cos[tb + i];
        const s = inverse ? -sin[tb + i] : sin[tb + i];
        const y1 = x1 * c - x2 * s, y2 = x1 * s + x2 * c;
        if (acc) { out[base + i] += y1; out[base + i + half] += y2; } else { out[base + i] = y1; out[base + i + half] = y2; }
      }
    }
  }
}

function attnFwd(q: F32, k: F32, v: F32, out: F32, P: F32N, B: number, Tq: number, Tk: number, H: number,
  KVH: number, HD: number, q0: number, kvRows: number, scale: number): void {
  const D = H * HD, KD = KVH * HD, grp = H / KVH;
  const tmp = P ? null : new Float32Array(Tq * Tk);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / grp);
    const S = P ? P : (tmp as Float32Array);
    const so = P ? (b * H + h) * Tq * Tk : 0;
    const qo = b * Tq * D + h * HD, ko = b * kvRows * KD + kh * HD;
    for (let i = 0; i < Tq; i++) {
      const lim = Math.min(q0 + i + 1, Tk);
      const row = so + i * Tk;
      let mx = -Infinity;
      for (let j = 0; j < lim; j++) {
        let s = 0;
        const qi = qo + i * D, kj = ko + j * KD;
        for (let d = 0; d < HD; d++) s += q[qi + d] * k[kj + d];
        s = Math.fround(s * scale);
        S[row + j] = s;
        if (s > mx) mx = s;
      }
      let sum = 0;
      for (let j = 0; j < lim; j++) { const e = Math.fround(Math.exp(S[row + j] - mx)); S[row + j] = e; sum += e; }
      const is = 1 / sum;
      for (let j = 0; j < lim; j++) S[row + j] *= is;
      for (let j = lim; j < Tk; j++) S[row + j] = 0;
      const oo = b * Tq * D + h * HD + i * D;
      for (let d = 0; d < HD; d++) out[oo + d] = 0;
      for (let j = 0; j < lim; j++) {
        const p = S[row + j], vj = ko + j * KD;
        for (let d = 0; d < HD; d++) out[oo + d] += p * v[vj + d];
      }
    }
  }
}

function attnBwd(dout: F32, q: F32, k: F32, v: F32, P: F32, dq: F32N, dk: F32N, dv: F32N, B: number,
  T: number, H: number, KVH: number, HD: number, scale: number): void {
  const D = H * HD, KD = KVH * HD, grp = H / KVH;
  const dS = new Float32Array(T);
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / grp);
    const po = (b * H + h) * T * T, qo = b * T * D + h * HD, ko = b * T * KD + kh * HD;
    for (let i = 0; i < T; i++) {
      const di = qo + i * D, prow = po + i * T;
      // dP[i,j] = dO[i] . V[j]; dV[j] += P[i,j] dO[i]
      let dot = 0;
      for (let j = 0; j <= i; j++) {
        const vj = ko + j * KD, p = P[prow + j];
        let s = 0;
        for (let d = 0; d < HD; d++) s += dout[di + d] * v[vj + d];
        dS[j] = s;
        dot += s * p;
        if (dv) for (let d = 0; d < HD; d++) dv[vj + d] += p * dout[di + d];
      }
      for (let j = 0; j <= i; j++) {
        const g = P[prow + j] * (dS[j] - dot) * scale;
        if (g === 0) continue;
        const kj = ko + j * KD;
        if (dq) for (let d = 0; d < HD; d++) dq[di + d] += g * k[kj + d];
        if (dk) for (let d = 0; d < HD; d++) dk[kj + d] += g * q[di + d];
      }
    }
  }
}

function swigluFwd(g: F32, u: F32, out: F32, n: number): void {
  for (let i = 0; i < n; i++) { const x = g[i]; out[i] = (x / (1 + Math.exp(-x))) * u[i]; }
}

function swigluBwd(dy: F32, g: F32, u: F32, dg: F32N, du: F32N, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = g[i], s = 1 / (1 + Math.exp(-x));
    if (du) du[i] += dy[i] * x * s;
    if (dg) dg[i] += dy[i] * u[i] * s * (1 + x * (1 - s));
  }
}

function crossEntropyFwd(logits: F32, tg: Int32Array, probs: F32, logp: F32N, N: number, V: number,
  ign: number): [number, number] {
  let loss = 0, count = 0;
  for (let r = 0; r < N; r++) {
    const o = r * V, t = tg[r];
    let mx = -Infinity;
    for (let j = 0; j < V; j++) if (logits[o + j] > mx) mx = logits[o + j];
    const lt = t >= 0 && t < V ? logits[o + t] : 0;
    let sum = 0;
    for (let j = 0; j < V; j++) { const e = Math.fround(Math.exp(logits[o + j] - mx)); probs[o + j] = e; sum += e; }
    const is = 1 / sum;
    for (let j = 0; j < V; j++) probs[o + j] *= is;
    if (t === ign || t < 0 || t >= V) { if (logp) logp[r] = 0; continue; }
    const lp = lt - (mx + Math.log(sum));
    if (logp) logp[r] = lp;
    loss -= lp;
    count++;
  }
  return [loss, count];
}

function crossEntropyBwd(probs: F32, tg: Int32Array, rs: F32, dl: F32, N: number, V: number, ign: number): void {
  const inPlace = probs === dl;
  for (let r = 0; r < N; r++) {
    const t = tg[r], o = r * V;
    const s = t === ign || t < 0 || t >= V ? 0 : rs[r];
    if (inPlace) {
      for (let j = 0; j < V; j++) dl[o + j] *= s;
      if (s !== 0) dl[o + t] -= s;
      continue;
    }
    if (s === 0) continue;
    for (let j = 0; j < V; j++) dl[o + j] += s * probs[o + j];
    dl[o + t] -= s;
  }
}

function adamw(p: F32, g: F32, m: F32, v: F32, n: number, lr: number, b1: number, b2: number, eps: number,
  wd: number, bc1: number, bc2: number): void {
  const sb2 = Math.sqrt(bc2);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    p[i] -= lr * wd * p[i];
    m[i] = b1 * m[i] + (1 - b1) * gi;
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    p[i] -= (lr * (m[i] / bc1)) / (Math.sqrt(v[i]) / sb2 + eps);
  }
}

export const jsKernels: Kernels = {
  name: 'js',
  sgemm,
  rmsnormFwd,
  rmsnormBwd,
  rope,
  attnFwd,
  attnBwd,
  swigluFwd,
  swigluBwd,
  crossEntropyFwd,
  crossEntropyBwd,
  adamw,
  axpy(n, alpha, x, xo, y, yo) { for (let i = 0; i < n; i++) y[yo + i] += alpha * x[xo + i]; },
  add(out, a, b, n) { for (let i = 0; i < n; i++) out[i] = a[i] + b[i]; },
  embedFwd(table, ids, out, N, D) { for (let r = 0; r < N; r++) out.set(table.subarray(ids[r] * D, ids[r] * D + D), r * D); },
  setThreads() { /* single-threaded */ },
  info() { return { coreType: 'typescript', threads: 1 }; },
};
