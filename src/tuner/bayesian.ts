/**
 * The Bayesian strategy: a GP surrogate (gp.ts) and log Expected Improvement.
 *
 * One suggestion:
 *   1. the first `initialRandom` trials are seeded random draws (a space-filling start);
 *   2. the GP is fitted to the completed trials (objective negated when maximising; a skewed
 *      objective also log-warped, kept when the evidence prefers it: see outputWarp), its
 *      hyperparameters by marginal likelihood;
 *      a positive Auto-scaled parameter is encoded log or linear, whichever the marginal
 *      likelihood prefers;
 *   3. running (pending) trials are added to the posterior as a constant liar — their value is
 *      taken to be the best completed one (CL-min, Ginsbourger et al. 2010; it beat CL-max, the
 *      mean and the kriging believer on the batch-of-4 benchmark) — so parallel suggestions do
 *      not collapse onto one point (the hyperparameters stay those fitted on real results);
 *   4. log EI is maximised over a few thousand random and local candidates (integers and
 *      categoricals snapped to real values), then the best few are refined by projected L-BFGS
 *      on the numeric coordinates;
 *   5. a configuration already evaluated (or running) is never returned.
 */
import { GaussianProcess, type GpTheta } from './gp.js';
import { logExpectedImprovement } from './normal.js';
import { minimizeBox, withNumericGradient } from './optimize.js';
import { randInt, randNormal, seededRng, type Rng } from './rng.js';
import { canBeLog, SearchSpace, type Config, type ResolvedScaling } from './space.js';

/** A finished trial, its objective already oriented for minimisation. */
export interface Observation {
  config: Config;
  value: number;
}

export interface BayesianOptions {
  seed: number;
  /** The 0-based number of this suggestion within the job (seeds its randomness). */
  index: number;
  /** Random trials before the GP takes over; default max(5, min(10, 2 × dimension)). */
  initialRandom?: number;
  /**
   * How pending trials enter the posterior: a constant liar at the best ('min', the default),
   * worst ('max') or mean completed value, the posterior mean ('believer'), or not at all.
   */
  liar?: 'max' | 'mean' | 'min' | 'believer' | 'none';
  /** Hyperparameters of the previous fit, as a starting point. */
  warmTheta?: GpTheta | undefined;
  /** Number of random candidates (default 2000, fewer for large histories). */
  candidates?: number;
}

/** A suggestion, with what the next one can start from. */
export interface Suggestion {
  config: Config;
  theta?: GpTheta;
  /** How it was chosen: 'random' (start-up or fallback) or 'model'. */
  source: 'random' | 'model';
}

/**
 * @example
 *   const s = suggestBayesian(space, observations, running, { seed: 1, index: observations.length + running.length });
 *   // s.config: the next configuration to train
 */
export function suggestBayesian(space: SearchSpace, observed: Observation[], pending: Config[], options: BayesianOptions): Suggestion | undefined {
  const rng = seededRng(options.seed, options.index, 0xb4e5);
  const taken = new Set<string>([...observed.map((o) => space.key(o.config)), ...pending.map((c) => space.key(c))]);
  if (taken.size >= space.size()) return undefined;
  const initial = options.initialRandom ?? Math.max(5, Math.min(10, 2 * space.dim));
  const raw = observed.filter((o) => Number.isFinite(o.value));
  if (raw.length < initial || raw.length < 2) return randomUnseen(space, rng, taken);

  let finite = raw;
  let model = chooseEncoding(space, raw, options, rng);
  // A skewed objective is also modelled log-warped; the warp is kept when the data's evidence
  // (marginal likelihood in the original units: standardisation and warp Jacobians included) is higher.
  const warp = raw.length <= FIT_POINTS ? outputWarp(raw.map((o) => o.value)) : undefined;
  if (warp) {
    const warped = raw.map((o) => ({ config: o.config, value: warp.apply(o.value) }));
    const alt = chooseEncoding(space, warped, options, rng);
    const n = raw.length;
    const jacobian = raw.reduce((sum, o) => sum + warp.logDerivative(o.value), 0);
    if (alt.gp.logEvidence - n * Math.log(alt.gp.yStd) + jacobian > model.gp.logEvidence - n * Math.log(model.gp.yStd)) {
      finite = warped;
      model = alt;
    }
  }
  const { gp, enc } = model;
  const cat = enc.axes.map((a) => a.kind === 'categorical');
  const X = finite.map((o) => enc.encode(o.config));
  const y = finite.map((o) => o.value);
  let posterior = gp;
  const liar = options.liar ?? 'min';
  if (pending.length > 0 && liar !== 'none') {
    const Xp = pending.map((c) => enc.encode(c));
    const lies = liar === 'believer'
      ? gp.predict(Xp).map((p) => p.mean * gp.yStd + gp.yMean)
      : Xp.map(() => (liar === 'max' ? Math.max(...y) : liar === 'min' ? Math.min(...y) : y.reduce((s, v) => s + v, 0) / y.length));
    posterior = GaussianProcess.withTheta({ X: [...X, ...Xp], categorical: cat }, [...y, ...lies], gp.theta, { mean: gp.yMean, std: gp.yStd });
  }
  const best = Math.min(...finite.map((o) => gp.standardize(o.value)));
  const score = (u: readonly number[]): number => {
    const [p] = posterior.predict([u]);
    return logExpectedImprovement(p!.mean, p!.sd, best);
  };

  // Candidate pool: uniform draws plus perturbations of the best trials so far.
  const n = finite.length + pending.length;
  const nRandom = options.candidates ?? Math.max(200, Math.min(2000, Math.floor(2e8 / (n * n * Math.max(1, enc.dim)))));
  const pool: number[][] = [];
  for (let i = 0; i < nRandom; i++) pool.push(enc.encode(enc.sample(rng)));
  const order = finite.map((_, i) => i).sort((a, b) => y[a]! - y[b]!).slice(0, 5);
  const perBase = Math.max(20, Math.floor(nRandom / 2 / order.length));
  for (const i of order) {
    for (let k = 0; k < perBase; k++) pool.push(perturb(enc, X[i]!, rng));
  }
  const snapped = pool.map((u) => enc.snap(u));
  const preds = posterior.predict(snapped);
  const scored = snapped.map((u, i) => ({ u, s: logExpectedImprovement(preds[i]!.mean, preds[i]!.sd, best) }))
    .filter((c) => Number.isFinite(c.s))
    .sort((a, b) => b.s - a.s);

  // Refine the best distinct candidates on the numeric coordinates.
  const numeric = enc.numericDims();
  const refined: { u: number[]; s: number }[] = [];
  const seen = new Set<string>();
  for (const c of scored) {
    if (refined.length >= (n > 200 ? 1 : 5)) break;
    const k = enc.key(enc.decode(c.u));
    if (seen.has(k)) continue;
    seen.add(k);
    refined.push(c);
  }
  const results = [...scored.slice(0, 50)];
  if (numeric.length > 0) {
    const lo = new Float64Array(numeric.length);
    const hi = new Float64Array(numeric.length).fill(1);
    for (const c of refined) {
      const full = [...c.u];
      const f = withNumericGradient((v) => {
        numeric.forEach((d, j) => (full[d] = v[j]!));
        return -score(full);
      }, 1e-7);
      const r = minimizeBox(f, Float64Array.from(numeric, (d) => c.u[d]!), lo, hi, { maxIter: n > 200 ? 10 : 40, gradTol: 1e-9 });
      const u = [...c.u];
      numeric.forEach((d, j) => (u[d] = r.x[j]!));
      const s = enc.snap(u);
      results.push({ u: s, s: score(s) });
    }
  }
  results.sort((a, b) => b.s - a.s);
  // Integers and categoricals move in steps the gradient cannot see: climb their neighbourhood.
  for (const c of results.slice(0, 3)) {
    const climbed = climbDiscrete(enc, c.u, score, taken);
    if (climbed.s > c.s) results.push(climbed);
  }
  results.sort((a, b) => b.s - a.s);
  // A point a hair away from one already tried is the same trial in all but name: a model that
  // keeps proposing one (its EI elsewhere having collapsed) would stall, so such points are
  // skipped, and the search moves on to the next best candidate.
  const tried = [...X, ...pending.map((c) => enc.encode(c))];
  const nearTried = (u: readonly number[]): boolean => tried.some((v) => enc.axes.every((axis, d) =>
    axis.kind === 'categorical' ? v[d] === u[d] : Math.abs(v[d]! - u[d]!) < MIN_SEPARATION));
  for (const c of results) {
    const config = enc.decode(c.u);
    if (!taken.has(space.key(config)) && !nearTried(c.u)) return { config, theta: gp.theta, source: 'model' };
  }
  const fallback = randomUnseen(space, rng, taken);
  return fallback && { ...fallback, theta: gp.theta };
}

/**
 * Hill-climbs the discrete neighbourhood of a point: each integer ±1, each other value of each
 * categorical, one change at a time, while the acquisition improves (at most 8 moves).
 */
function climbDiscrete(space: SearchSpace, start: number[], score: (u: readonly number[]) => number, taken: ReadonlySet<string>): { u: number[]; s: number } {
  let cur = { u: start, s: score(start) };
  for (let round = 0; round < 8; round++) {
    let best = cur;
    space.axes.forEach((axis, d) => {
      const moves: number[][] = [];
      if (axis.kind === 'categorical') {
        for (let v = 0; v < axis.spec.values.length; v++) if (v !== cur.u[d]) moves.push(cur.u.map((x, i) => (i === d ? v : x)));
      } else if (axis.spec.type === 'Integer') {
        const config = space.decode(cur.u);
        for (const step of [-1, 1]) {
          const v = Number(config[axis.spec.name]) + step;
          if (v < axis.spec.min || v > axis.spec.max) continue;
          moves.push(space.encode({ ...config, [axis.spec.name]: v }));
        }
      }
      for (const u of moves) {
        if (taken.has(space.key(space.decode(u)))) continue;
        const s = score(u);
        if (s > best.s) best = { u, s };
      }
    });
    if (best === cur) break;
    cur = best;
  }
  return cur;
}

/**
 * A candidate monotone transform of the objective for the GP, when the values have a long upper
 * tail (skewness > 2, e.g. Rosenbrock's 1e4 next to 1): log(y − min + δ) with δ a tenth of the
 * gap between the minimum and the median. The order of the trials, and so the incumbent, is
 * unchanged; the caller keeps it only when the evidence prefers it.
 *
 * @example
 *   const w = outputWarp(values); // undefined unless skewed
 *   w?.apply(values[0]!);
 */
export function outputWarp(values: readonly number[]): { apply(v: number): number; logDerivative(v: number): number } | undefined {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  if (!(sd > 0)) return undefined;
  const skew = values.reduce((a, b) => a + ((b - mean) / sd) ** 3, 0) / n;
  if (skew <= 2) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const min = sorted[0]!;
  const delta = Math.max(0.1 * (sorted[n >> 1]! - min), 1e-12 * Math.max(1, Math.abs(min)));
  return { apply: (v) => Math.log(v - min + delta), logDerivative: (v) => -Math.log(v - min + delta) };
}

/** Closer than this in every numeric unit coordinate (same categoricals) counts as already tried. */
const MIN_SEPARATION = 1e-4;

/** Trials used to fit the kernel hyperparameters when there are more. */
const FIT_POINTS = 100;

function fitSubset(observed: Observation[], rng: Rng): Observation[] {
  const order = observed.map((_, i) => i).sort((a, b) => observed[a]!.value - observed[b]!.value);
  const half = FIT_POINTS / 2;
  const rest = order.slice(half);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [...order.slice(0, half), ...rest.slice(0, FIT_POINTS - half)].map((i) => observed[i]!);
}

/** A random configuration not in `taken` (undefined when none is found). */
export function randomUnseen(space: SearchSpace, rng: Rng, taken: Set<string>): Suggestion | undefined {
  for (let i = 0; i < 1000; i++) {
    const config = space.sample(rng);
    if (!taken.has(space.key(config))) return { config, source: 'random' };
  }
  return undefined;
}

/** A local move: Gaussian steps on numeric coordinates, occasional categorical resampling. */
function perturb(space: SearchSpace, base: readonly number[], rng: Rng): number[] {
  const scales = [0.005, 0.02, 0.05, 0.15];
  const scale = scales[randInt(rng, scales.length)]!;
  return space.axes.map((axis, d) => {
    if (axis.kind === 'categorical') return rng.next() < 0.2 ? randInt(rng, axis.spec.values.length) : base[d]!;
    return Math.min(1, Math.max(0, base[d]! + scale * randNormal(rng)));
  });
}

/**
 * Fits the GP; where positive Auto-scaled parameters exist, tries log and linear encodings of
 * each (one at a time) and keeps what the marginal likelihood prefers.
 */
function chooseEncoding(space: SearchSpace, observed: Observation[], options: BayesianOptions, rng: Rng): { gp: GaussianProcess; enc: SearchSpace } {
  // Kernel hyperparameters are fitted on at most FIT_POINTS trials (the best half of them and a
  // seeded sample of the rest): the fit costs O(n³) per step, and a few hundred points pin the
  // length scales as well as all of them. The posterior then conditions on every trial.
  const fitSet = observed.length <= FIT_POINTS ? observed : fitSubset(observed, rng);
  const fitWith = (enc: SearchSpace, warm?: GpTheta): GaussianProcess => {
    const cat = enc.axes.map((a) => a.kind === 'categorical');
    const fitted = GaussianProcess.fit(
      { X: fitSet.map((o) => enc.encode(o.config)), categorical: cat },
      fitSet.map((o) => o.value),
      // Once there is a previous fit to start from and enough points to pin it, one start suffices.
      { warmStart: warm, rng, restarts: warm && fitSet.length >= FIT_POINTS ? 0 : 1, maxIter: fitSet.length >= FIT_POINTS ? 40 : 80, onlyWarm: fitSet.length >= FIT_POINTS },
    );
    if (fitSet === observed) return fitted;
    return GaussianProcess.withTheta({ X: observed.map((o) => enc.encode(o.config)), categorical: cat }, observed.map((o) => o.value), fitted.theta, undefined, fitted.logEvidence);
  };
  let enc = space;
  let gp = fitWith(enc, options.warmTheta);
  const autos = space.params.filter((p) => p.type !== 'Categorical' && p.scaling === 'Auto' && canBeLog(p));
  const override: Record<string, ResolvedScaling> = {};
  for (const p of autos) {
    const current = enc.axes.find((a) => a.spec.name === p.name);
    const other: ResolvedScaling = current?.kind === 'numeric' && current.scaling === 'Logarithmic' ? 'Linear' : 'Logarithmic';
    const trial = space.withScaling({ ...override, [p.name]: other });
    const alt = fitWith(trial, gp.theta);
    if (alt.logEvidence > gp.logEvidence) {
      override[p.name] = other;
      enc = trial;
      gp = alt;
    }
  }
  return { gp, enc };
}
