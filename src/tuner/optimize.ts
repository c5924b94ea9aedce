/**
 * A small box-constrained quasi-Newton minimiser (projected L-BFGS with an Armijo backtracking
 * line search). Used for the GP's marginal likelihood (analytic gradients) and for refining the
 * acquisition function (finite-difference gradients). Variables at a bound whose step would
 * leave the box are frozen for that step, which is what makes the projection behave.
 */

/** A function value with its gradient. */
export interface ValueGrad {
  value: number;
  grad: Float64Array;
}

export interface MinimizeOptions {
  maxIter?: number;
  /** Stop when the projected gradient's largest entry is below this. */
  gradTol?: number;
  /** Stop when an iteration improves by less than this (relative). */
  relTol?: number;
  memory?: number;
}

/**
 * @example
 *   const r = minimizeBox((x) => ({ value: (x[0]! - 2) ** 2, grad: Float64Array.of(2 * (x[0]! - 2)) }),
 *     Float64Array.of(0), Float64Array.of(-1), Float64Array.of(1));
 *   // r.x[0] === 1 (the bound), r.value === 1
 */
export function minimizeBox(
  f: (x: Float64Array) => ValueGrad, x0: Float64Array, lo: Float64Array, hi: Float64Array, options: MinimizeOptions = {},
): { x: Float64Array; value: number; iterations: number } {
  const n = x0.length;
  const maxIter = options.maxIter ?? 100;
  const gradTol = options.gradTol ?? 1e-6;
  const relTol = options.relTol ?? 1e-10;
  const m = options.memory ?? 8;
  const clip = (x: Float64Array): Float64Array => {
    for (let i = 0; i < n; i++) x[i] = Math.min(hi[i]!, Math.max(lo[i]!, x[i]!));
    return x;
  };
  let x = clip(Float64Array.from(x0));
  let cur = f(x);
  if (!Number.isFinite(cur.value)) return { x, value: cur.value, iterations: 0 };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let it = 0;
  for (; it < maxIter; it++) {
    const g = cur.grad;
    // Variables held at a bound by the gradient are inactive this step.
    const free = new Uint8Array(n);
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const atLo = x[i]! <= lo[i]! && g[i]! > 0;
      const atHi = x[i]! >= hi[i]! && g[i]! < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(g[i]!));
    }
    if (pgMax < gradTol) break;
    // Two-loop recursion on the free variables.
    const q = Float64Array.from(g, (v, i) => (free[i] ? v : 0));
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const rho = 1 / dot(Y[k]!, S[k]!, free);
      const a = rho * dot(S[k]!, q, free);
      alpha[k] = a;
      for (let i = 0; i < n; i++) if (free[i]) q[i] -= a * Y[k]![i]!;
    }
    if (S.length > 0) {
      const k = S.length - 1;
      const gamma = dot(S[k]!, Y[k]!, free) / Math.max(dot(Y[k]!, Y[k]!, free), 1e-300);
      for (let i = 0; i < n; i++) q[i] *= gamma > 0 && Number.isFinite(gamma) ? gamma : 1;
    } else {
      const scale = 1 / Math.max(pgMax, 1e-12);
      for (let i = 0; i < n; i++) q[i] *= Math.min(1, scale);
    }
    for (let k = 0; k < S.length; k++) {
      const rho = 1 / dot(Y[k]!, S[k]!, free);
      const b = rho * dot(Y[k]!, q, free);
      for (let i = 0; i < n; i++) if (free[i]) q[i] += S[k]![i]! * (alpha[k]! - b);
    }
    let d = q.map((v) => -v);
    let slope = dot(g, d, free);
    if (!(slope < 0)) {
      d = Float64Array.from(g, (v, i) => (free[i] ? -v : 0));
      slope = dot(g, d, free);
      S.length = 0;
      Y.length = 0;
    }
    // Armijo backtracking on the projected path.
    let t = 1;
    let next: ValueGrad | undefined;
    let xn = x;
    for (let ls = 0; ls < 30; ls++) {
      xn = clip(Float64Array.from(x, (v, i) => (free[i] ? v + t * d[i]! : v)));
      const cand = f(xn);
      let dec = 0;
      for (let i = 0; i < n; i++) dec += g[i]! * (xn[i]! - x[i]!);
      if (Number.isFinite(cand.value) && cand.value <= cur.value + 1e-4 * Math.min(dec, 0)) {
        next = cand;
        break;
      }
      t *= 0.5;
    }
    if (!next) break;
    const s = Float64Array.from(xn, (v, i) => v - x[i]!);
    const y = Float64Array.from(next.grad, (v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
    }
    const improved = cur.value - next.value;
    x = xn;
    cur = next;
    if (improved <= relTol * Math.max(1, Math.abs(cur.value))) break;
  }
  return { x, value: cur.value, iterations: it };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>, mask?: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (!mask || mask[i]) s += a[i]! * b[i]!;
  return s;
}

/**
 * Central finite-difference gradient (for functions without an analytic one).
 *
 * @example
 *   const vg = withNumericGradient((x) => x[0]! ** 2)(Float64Array.of(3)); // grad ≈ [6]
 */
export function withNumericGradient(f: (x: Float64Array) => number, h = 1e-6): (x: Float64Array) => ValueGrad {
  return (x) => {
    const value = f(x);
    const grad = new Float64Array(x.length);
    const y = Float64Array.from(x);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!;
      y[i] = xi + h;
      const fp = f(y);
      y[i] = xi - h;
      const fm = f(y);
      y[i] = xi;
      grad[i] = (fp - fm) / (2 * h);
    }
    return { value, grad };
  };
}
