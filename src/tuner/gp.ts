/**
 * A Gaussian-process regressor for the Bayesian strategy.
 *
 * Kernel: Matérn 5/2 with one length scale per coordinate (ARD) times an amplitude, plus
 * Gaussian noise. Numeric coordinates enter the distance as (Δ/ℓ)²; a categorical coordinate
 * enters as [values differ]/ℓ² (an exchangeable, Hamming-type distance: every pair of distinct
 * values is equally far apart, which is what one-hot encoding with one length scale per
 * parameter amounts to). The kernel hyperparameters are fitted by maximising the log marginal
 * likelihood plus weak log-priors (MAP type-II), with analytic gradients and a few restarts.
 * Targets are standardised before fitting; predictions are on that standardised scale.
 */
import { cholInverse, cholSolve, choleskyJittered } from './linalg.js';
import { minimizeBox } from './optimize.js';
import type { Rng } from './rng.js';

const SQRT5 = Math.sqrt(5);

/** Kernel hyperparameters in log space: [log amplitude, log ℓ_1..ℓ_D, log noise]. */
export type GpTheta = Float64Array;

/** What the GP needs to know about the coordinates. */
export interface GpInputs {
  /** Rows of coordinates (numeric in [0, 1], categorical as value index). */
  X: number[][];
  /** true where a coordinate is categorical. */
  categorical: boolean[];
}

export interface GpFitOptions {
  /** Start from these hyperparameters too (the previous suggestion's fit). */
  warmStart?: GpTheta | undefined;
  restarts?: number;
  rng?: Rng;
  maxIter?: number;
  /** With a warm start, skip the default start. */
  onlyWarm?: boolean;
}

/**
 * Length-scale priors (unit-cube coordinates). Numeric: ℓ ~ Gamma(3, 6) (mode ≈ 0.33, as
 * BoTorch's long-standing default), which keeps early fits local enough to exploit. Categorical:
 * log ℓ ~ Normal(0, 1.5²), much weaker, so that categories are not pushed apart (a short
 * categorical length scale makes every category its own model, starved of data).
 */
const NUMERIC_LEN_GAMMA = { k: 3, rate: 6 };
const CATEGORICAL_LOG_LEN = { mu: 0, sigma: 1.5 };

const BOUNDS = {
  amp: [Math.log(0.05), Math.log(100)],
  len: [Math.log(0.01), Math.log(100)],
  noise: [Math.log(1e-7), Math.log(0.5)],
} as const;

/** Pairwise squared coordinate differences (numeric) or inequality (categorical), per dimension. */
export function pairDiffs(inputs: GpInputs): Float64Array[] {
  const { X, categorical } = inputs;
  const n = X.length;
  const D = categorical.length;
  const out: Float64Array[] = [];
  for (let d = 0; d < D; d++) {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const xi = X[i]![d]!;
        const xj = X[j]![d]!;
        const v = categorical[d] ? (xi === xj ? 0 : 1) : (xi - xj) ** 2;
        a[i * n + j] = v;
        a[j * n + i] = v;
      }
    }
    out.push(a);
  }
  return out;
}

/** The log prior of the hyperparameters and its gradient (weak; keeps small-data fits sane). */
function logPrior(theta: GpTheta, categorical: readonly boolean[], grad: Float64Array): number {
  const D = categorical.length;
  // amplitude a ~ Gamma(2, 0.15); noise ~ Gamma(1.1, 0.05); length scales as above.
  // In log space (θ = log x) with the Jacobian: log p(θ) = k θ - rate · e^θ.
  let lp = 0;
  const term = (i: number, k: number, rate: number): void => {
    const e = Math.exp(theta[i]!);
    lp += k * theta[i]! - rate * e;
    grad[i] += k - rate * e;
  };
  term(0, 2, 0.15);
  for (let d = 0; d < D; d++) {
    if (categorical[d]) {
      const z = (theta[1 + d]! - CATEGORICAL_LOG_LEN.mu) / CATEGORICAL_LOG_LEN.sigma;
      lp += -0.5 * z * z;
      grad[1 + d] += -z / CATEGORICAL_LOG_LEN.sigma;
    } else term(1 + d, NUMERIC_LEN_GAMMA.k, NUMERIC_LEN_GAMMA.rate);
  }
  term(D + 1, 1.1, 0.05);
  return lp;
}

/**
 * Negative log marginal likelihood (minus log prior when `usePrior`) and its gradient in θ.
 *
 * @example
 *   const { value, grad } = negLogPosterior(theta, pairDiffs(inputs), inputs.categorical, ys, true);
 */
export function negLogPosterior(theta: GpTheta, diffs: Float64Array[], categorical: readonly boolean[], y: Float64Array, usePrior: boolean): { value: number; grad: Float64Array } {
  const n = y.length;
  const D = diffs.length;
  const amp = Math.exp(theta[0]!);
  const invL2 = new Float64Array(D);
  for (let d = 0; d < D; d++) invL2[d] = Math.exp(-2 * theta[1 + d]!);
  const noise = Math.exp(theta[D + 1]!);
  const K = new Float64Array(n * n);
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const ij = i * n + j;
      let r2 = 0;
      for (let d = 0; d < D; d++) r2 += diffs[d]![ij]! * invL2[d]!;
      const r = Math.sqrt(r2);
      const k = amp * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
      K[ij] = k;
      K[j * n + i] = k;
      R[ij] = r;
    }
    K[i * n + i] = amp + noise;
  }
  let chol;
  try {
    chol = choleskyJittered(K, n);
  } catch {
    return { value: Number.POSITIVE_INFINITY, grad: new Float64Array(D + 2) };
  }
  const { L } = chol;
  const alpha = cholSolve(L, n, y);
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(L[i * n + i]!);
  let fit = 0;
  for (let i = 0; i < n; i++) fit += y[i]! * alpha[i]!;
  const lml = -0.5 * fit - logDet - 0.5 * n * Math.log(2 * Math.PI);
  const Kinv = cholInverse(L, n);
  const grad = new Float64Array(D + 2);
  // d lml / dθ = ½ tr((ααᵀ - K⁻¹) dK/dθ)
  let gAmp = 0;
  let gNoise = 0;
  for (let i = 0; i < n; i++) {
    const wii = alpha[i]! * alpha[i]! - Kinv[i * n + i]!;
    gAmp += 0.5 * wii * amp;
    gNoise += 0.5 * wii * noise;
    for (let j = 0; j < i; j++) {
      const ij = i * n + j;
      const w = alpha[i]! * alpha[j]! - Kinv[ij]!;
      gAmp += w * K[ij]!; // off-diagonal pairs count twice, × ½
      const r = R[ij]!;
      const g = w * (5 / 3) * amp * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
      for (let d = 0; d < D; d++) grad[1 + d] += g * diffs[d]![ij]! * invL2[d]!;
    }
  }
  grad[0] = gAmp;
  grad[D + 1] = gNoise;
  let value = lml;
  if (usePrior) value += logPrior(theta, categorical, grad);
  for (let k = 0; k < grad.length; k++) grad[k] = -grad[k]!;
  return { value: -value, grad };
}

/**
 * A fitted GP.
 *
 * @example
 *   const gp = GaussianProcess.fit({ X: [[0.1], [0.5], [0.9]], categorical: [false] }, [1, 0, 1]);
 *   const [{ mean, sd }] = gp.predict([[0.5]]); // mean ≈ standardized 0-value, small sd
 */
export class GaussianProcess {
  private constructor(
    readonly inputs: GpInputs,
    /** Standardised targets. */
    readonly ys: Float64Array,
    readonly yMean: number,
    readonly yStd: number,
    readonly theta: GpTheta,
    readonly logEvidence: number,
    private readonly L: Float64Array,
    private readonly alpha: Float64Array,
  ) {}

  /** Fits the hyperparameters to (X, y) (y raw; standardised inside). */
  static fit(inputs: GpInputs, y: number[], options: GpFitOptions = {}): GaussianProcess {
    const n = y.length;
    const D = inputs.categorical.length;
    const mean = y.reduce((s, v) => s + v, 0) / n;
    let std = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    if (!(std > 0) || !Number.isFinite(std)) std = 1;
    const ys = Float64Array.from(y, (v) => (v - mean) / std);
    const diffs = pairDiffs(inputs);
    const lo = new Float64Array(D + 2);
    const hi = new Float64Array(D + 2);
    lo[0] = BOUNDS.amp[0]; hi[0] = BOUNDS.amp[1];
    for (let d = 0; d < D; d++) { lo[1 + d] = BOUNDS.len[0]; hi[1 + d] = BOUNDS.len[1]; }
    lo[D + 1] = BOUNDS.noise[0]; hi[D + 1] = BOUNDS.noise[1];
    const starts: GpTheta[] = [];
    const warm = options.warmStart && options.warmStart.length === D + 2 ? Float64Array.from(options.warmStart) : undefined;
    if (warm) starts.push(warm);
    const base = new Float64Array(D + 2);
    base[0] = 0;
    for (let d = 0; d < D; d++) base[1 + d] = Math.log(inputs.categorical[d] ? 1 : 0.3);
    base[D + 1] = Math.log(1e-4);
    // With many points, a warm start from the previous fit is enough (each step costs O(n³)).
    if (!warm || !options.onlyWarm) starts.push(base);
    const restarts = options.restarts ?? 1;
    for (let r = 0; r < restarts && options.rng; r++) {
      const t = new Float64Array(D + 2);
      t[0] = Math.log(0.5 + 1.5 * options.rng.next());
      for (let d = 0; d < D; d++) t[1 + d] = Math.log(0.05 + 1.5 * options.rng.next());
      t[D + 1] = Math.log(1e-6 + 1e-3 * options.rng.next());
      starts.push(t);
    }
    let best: { x: Float64Array; value: number } | undefined;
    for (const s of starts) {
      const r = minimizeBox((th) => negLogPosterior(th, diffs, inputs.categorical, ys, true), s, lo, hi, { maxIter: options.maxIter ?? 80, gradTol: 1e-5 });
      if (!best || r.value < best.value) best = r;
    }
    return GaussianProcess.withTheta(inputs, y, best!.x, { mean, std }, -best!.value);
  }

  /** A GP on (X, y) with fixed hyperparameters (y standardised with `scale`, default its own). */
  static withTheta(inputs: GpInputs, y: number[], theta: GpTheta, scale?: { mean: number; std: number }, logEvidence = Number.NaN): GaussianProcess {
    const n = y.length;
    const D = inputs.categorical.length;
    let mean = scale?.mean;
    let std = scale?.std;
    if (mean === undefined || std === undefined) {
      mean = y.reduce((s, v) => s + v, 0) / n;
      std = Math.sqrt(y.reduce((s, v) => s + (v - mean!) ** 2, 0) / n) || 1;
    }
    const ys = Float64Array.from(y, (v) => (v - mean!) / std!);
    const amp = Math.exp(theta[0]!);
    const noise = Math.exp(theta[D + 1]!);
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const k = kernel(inputs.X[i]!, inputs.X[j]!, theta, inputs.categorical);
        K[i * n + j] = k;
        K[j * n + i] = k;
      }
      K[i * n + i] = amp + noise;
    }
    const { L } = choleskyJittered(K, n);
    const alpha = cholSolve(L, n, ys);
    return new GaussianProcess(inputs, ys, mean, std, theta, logEvidence, L, alpha);
  }

  /** Standardises a raw target value. */
  standardize(v: number): number {
    return (v - this.yMean) / this.yStd;
  }

  /** Posterior mean and standard deviation (standardised scale) at each point. */
  predict(points: readonly (readonly number[])[]): { mean: number; sd: number }[] {
    const n = this.ys.length;
    const amp = Math.exp(this.theta[0]!);
    const cat = this.inputs.categorical;
    const D = cat.length;
    const invL2 = Float64Array.from({ length: D }, (_, d) => Math.exp(-2 * this.theta[1 + d]!));
    const X = this.inputs.X;
    const L = this.L;
    const out: { mean: number; sd: number }[] = [];
    // Points go through the triangular solve in blocks: each row of L is read once per block
    // rather than once per point (L is megabytes at a few hundred trials).
    const B = 32;
    const V = new Float64Array(n * B);
    for (let start = 0; start < points.length; start += B) {
      const m = Math.min(B, points.length - start);
      const means = new Float64Array(m);
      for (let p = 0; p < m; p++) {
        const x = points[start + p]!;
        let mean = 0;
        for (let i = 0; i < n; i++) {
          const xi = X[i]!;
          let r2 = 0;
          for (let d = 0; d < D; d++) {
            const diff = cat[d] ? (x[d] === xi[d] ? 0 : 1) : x[d]! - xi[d]!;
            r2 += diff * diff * invL2[d]!;
          }
          const r = Math.sqrt(r2);
          const k = amp * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
          V[i * B + p] = k;
          mean += k * this.alpha[i]!;
        }
        means[p] = mean;
      }
      // Forward substitution L V = K*, all block columns at once.
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        const vi = i * B;
        for (let k = 0; k < i; k++) {
          const lik = L[ri + k]!;
          if (lik === 0) continue;
          const vk = k * B;
          for (let p = 0; p < m; p++) V[vi + p] -= lik * V[vk + p]!;
        }
        const lii = L[ri + i]!;
        for (let p = 0; p < m; p++) V[vi + p] /= lii;
      }
      for (let p = 0; p < m; p++) {
        let vv = 0;
        for (let i = 0; i < n; i++) vv += V[i * B + p]! ** 2;
        out.push({ mean: means[p]!, sd: Math.sqrt(Math.max(amp - vv, 1e-12)) });
      }
    }
    return out;
  }
}

/** Matérn 5/2 ARD kernel with the exchangeable categorical distance. */
export function kernel(a: readonly number[], b: readonly number[], theta: GpTheta, categorical: readonly boolean[]): number {
  const D = categorical.length;
  let r2 = 0;
  for (let d = 0; d < D; d++) {
    const diff = categorical[d] ? (a[d] === b[d] ? 0 : 1) : a[d]! - b[d]!;
    r2 += (diff * diff) * Math.exp(-2 * theta[1 + d]!);
  }
  const r = Math.sqrt(r2);
  return Math.exp(theta[0]!) * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}
