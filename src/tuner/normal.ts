/**
 * Normal distribution helpers and a numerically stable log Expected Improvement
 * (Ament et al., "Unexpected Improvements to Expected Improvement", NeurIPS 2023): EI underflows
 * to 0 far from the incumbent, which leaves an optimiser with a flat landscape; its logarithm
 * keeps the ranking of candidates everywhere.
 */

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Standard normal density. */
export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** erf(x) by its Maclaurin series (accurate to ~1e-16 for |x| ≤ 2.5). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfcx(x) = exp(x²) erfc(x) for x ≥ 1.5, by its continued fraction (modified Lentz). */
function erfcxFraction(x: number): number {
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = Math.abs(D) < tiny ? tiny : D;
    C = x + a / C;
    C = Math.abs(C) < tiny ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (Math.sqrt(Math.PI) * f);
}

/** erfcx(x) = exp(x²) · erfc(x), for x ≥ 0. */
export function erfcx(x: number): number {
  if (x < 1.5) return Math.exp(x * x) * (1 - erfSeries(x));
  return erfcxFraction(x);
}

/** Standard normal CDF. */
export function normCdf(z: number): number {
  if (z >= 0) {
    const x = z / SQRT2;
    return x < 1.5 ? 0.5 * (1 + erfSeries(x)) : 1 - 0.5 * Math.exp(-x * x) * erfcx(x);
  }
  const x = -z / SQRT2;
  return 0.5 * Math.exp(-x * x) * erfcx(x);
}

/**
 * log h(z) with h(z) = φ(z) + z Φ(z), the EI of a unit Gaussian at standardized improvement z.
 *
 * @example
 *   logH(0) === Math.log(normPdf(0)); // ≈ -0.919
 */
export function logH(z: number): number {
  if (z > -1) {
    return Math.log(normPdf(z) + z * normCdf(z));
  }
  // z ≤ -1: h(z) = φ(z) · (1 - |z| · Φ(z)/φ(z)), and Φ(z)/φ(z) = √(π/2) · erfcx(|z|/√2).
  const t = -z;
  if (t > 1e6) return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(t);
  const mills = Math.sqrt(Math.PI / 2) * erfcx(t / SQRT2);
  const rest = 1 - t * mills; // > 0, ≈ 1/t² for large t
  return -0.5 * z * z - LOG_SQRT_2PI + Math.log(Math.max(rest, 1e-300));
}

/**
 * log EI for minimisation: the posterior (mean, sd) at a point against the incumbent `best`.
 *
 * @example
 *   logExpectedImprovement(0, 1, 0); // log(φ(0)) ≈ -0.919
 */
export function logExpectedImprovement(mean: number, sd: number, best: number): number {
  if (!(sd > 1e-12)) return best > mean ? Math.log(best - mean) : -1e10;
  return logH((best - mean) / sd) + Math.log(sd);
}
