// The HPO benchmark functions of ../shared/bench/hpo (functions.json / FUNCTIONS.md), in plain
// JavaScript so that both the in-process benchmark (bench/hpo.ts) and the training script that
// trials run (train.mjs) use one implementation. Every function is minimised.

const BR = { a: 1, b: 5.1 / (4 * Math.PI ** 2), c: 5 / Math.PI, r: 6, s: 10, t: 1 / (8 * Math.PI) };
export function branin(p) {
  const x1 = Number(p.x1), x2 = Number(p.x2);
  return BR.a * (x2 - BR.b * x1 ** 2 + BR.c * x1 - BR.r) ** 2 + BR.s * (1 - BR.t) * Math.cos(x1) + BR.s;
}

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];
export function hartmann6(p) {
  const x = [1, 2, 3, 4, 5, 6].map((j) => Number(p[`x${j}`]));
  let total = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H_A[i][j] * (x[j] - H_P[i][j]) ** 2;
    total += H_ALPHA[i] * Math.exp(-inner);
  }
  return -total;
}

export function rosenbrock4_log(p) {
  const x = [1, 2, 3, 4].map((j) => Number(p[`x${j}`]));
  let s = 0;
  for (let i = 0; i < 3; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2;
  return s;
}

const MC = { sgd: -2.5, momentum: -1.0, adam: 1.5, rmsprop: 3.0 };
const MM = { sgd: -1.5, momentum: -2.0, adam: -3.0, rmsprop: -3.5 };
const MB = { sgd: 0.5, momentum: 0.25, adam: 0.0, rmsprop: 0.15 };
const MD = { relu: 0.0, tanh: 0.1, sigmoid: 0.4 };
/** Python's round(): halves to even. */
function pyRound(v) {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
export function mixed5(p) {
  const x = Number(p.x), lr = Number(p.lr), n = pyRound(Number(p.n)), opt = String(p.opt), act = String(p.act);
  if (!(opt in MC)) throw new Error(`opt must be one of ${Object.keys(MC).sort().join(', ')}`);
  if (!(act in MD)) throw new Error(`act must be one of ${Object.keys(MD).sort().join(', ')}`);
  if (!(lr > 0)) throw new Error('lr must be > 0');
  let f = (x - MC[opt]) ** 2 / 4;
  f += 0.5 * (Math.log10(lr) - MM[opt]) ** 2;
  f += 0.02 * (n - 12) ** 2;
  f += MB[opt] + MD[act];
  if (act === 'sigmoid') f += 0.3 * (n / 32);
  return f;
}

export const LC_EPOCHS = 27;
function lcTerms(p, variant) {
  const lr = Number(p.learning_rate), d = Number(p.dropout), width = pyRound(Number(p.width));
  if (!(lr > 0) || !(width > 0)) throw new Error('learning_rate and width must be > 0');
  const u = Math.log10(lr), w = Math.log2(width);
  if (variant === 'parallel') {
    const asym = 0.1 + 0.3 * (u + 2) ** 2 + 2 * (d - 0.3) ** 2 + 0.06 * (w - 7) ** 2;
    return { u, d, w, asym, tau: 3, over: 0, l0: 3.0 };
  }
  const asym = 0.1 + 0.08 * (u + 2) ** 2 + 0.5 * (d - 0.3) ** 2 + 0.02 * (w - 7) ** 2;
  const tau = 3 * 10 ** (-0.5 * (u + 2)) * (1 + d) * 2 ** (-0.25 * (w - 7));
  return { u, d, w, asym, tau, over: 0.5 * Math.max(0, 0.25 - d), l0: 2.5 };
}
export function lcNoise(t, seed, u, d, w) {
  const k = 12.9898 * t + 78.233 * seed + 37.719 * u + 41.414 * d + 1.61803 * w;
  const s = Math.sin(k) * 43758.5453123;
  return Math.sqrt(3) * (2 * (s - Math.floor(s)) - 1);
}
/** Per-epoch objective values for epochs 1..T. */
export function lcCurve(p, { epochs = LC_EPOCHS, noiseStd = 0, noiseSeed = 0, variant = 'crossing' } = {}) {
  const { u, d, w, asym, tau, over, l0 } = lcTerms(p, variant);
  const out = [];
  for (let t = 1; t <= epochs; t++) {
    let v = asym + (l0 - asym) * Math.exp(-t / tau) + over * (t / epochs) ** 2;
    if (noiseStd > 0) v += noiseStd * lcNoise(t, noiseSeed, u, d, w);
    out.push(v);
  }
  return out;
}
export const lc_synth = (p) => lcCurve(p).at(-1);
export const lc_easy = (p) => lcCurve(p, { variant: 'parallel' }).at(-1);
export const LC_VARIANT = { lc_synth: 'crossing', lc_easy: 'parallel' };

export const FUNCTIONS = { branin, hartmann6, rosenbrock4_log, mixed5, lc_synth, lc_easy };
