/**
 * The little dense linear algebra the Gaussian process needs (n ≤ a few hundred): Cholesky,
 * triangular solves and the inverse from a Cholesky factor. Matrices are row-major
 * Float64Arrays of n × n.
 */

/**
 * Lower Cholesky factor of a symmetric positive-definite matrix, or undefined when it is not
 * positive definite (the caller adds jitter and tries again).
 *
 * @example
 *   const L = cholesky(new Float64Array([4, 2, 2, 3]), 2); // [2, 0, 1, 1.414…]
 */
export function cholesky(a: Float64Array, n: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  return L;
}

/** Solves L x = b (L lower triangular), in place of a copy of b. */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= L[ri + k]! * x[k]!;
    x[i] = s / L[ri + i]!;
  }
  return x;
}

/** Solves Lᵀ x = b (L lower triangular). */
export function solveUpperT(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/** (L Lᵀ)⁻¹ b. */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperT(L, n, solveLower(L, n, b));
}

/** (L Lᵀ)⁻¹ as a full symmetric matrix. */
export function cholInverse(L: Float64Array, n: number): Float64Array {
  // Linv = L⁻¹ (lower), then A⁻¹ = Linvᵀ Linv.
  const Linv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    Linv[j * n + j] = 1 / L[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      const ri = i * n;
      for (let k = j; k < i; k++) s -= L[ri + k]! * Linv[k * n + j]!;
      Linv[ri + j] = s / L[ri + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += Linv[k * n + i]! * Linv[k * n + j]!;
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/** Cholesky with growing diagonal jitter; returns the factor and the jitter it needed. */
export function choleskyJittered(a: Float64Array, n: number, start = 1e-10): { L: Float64Array; jitter: number } {
  let L = cholesky(a, n);
  if (L) return { L, jitter: 0 };
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, a[i * n + i]!);
  for (let jitter = start * Math.max(scale, 1e-12); jitter < scale * 10 + 1; jitter *= 10) {
    const b = Float64Array.from(a);
    for (let i = 0; i < n; i++) b[i * n + i] += jitter;
    L = cholesky(b, n);
    if (L) return { L, jitter };
  }
  throw new Error('covariance matrix is not positive definite even with jitter');
}
