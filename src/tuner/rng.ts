/**
 * Seeded pseudo-random numbers for the tuner. Every suggestion draws from a generator seeded by
 * (RandomSeed, trial index), so a tuning job that restarts halfway suggests exactly what it
 * would have suggested without the restart, and the same RandomSeed repeats a whole job.
 */

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  next(): number;
}

/** 32-bit mixing step of splitmix32 (avalanches every input bit). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * sfc32 seeded from any list of integers (e.g. [seed, trialIndex, purpose]).
 *
 * @example
 *   const rng = seededRng(42, 7);
 *   const u = rng.next(); // the same number for (42, 7) on every run
 */
export function seededRng(...parts: number[]): Rng {
  let h = 0x2545f491;
  for (const p of parts) h = mix32(h ^ mix32(Math.floor(p) >>> 0) ^ mix32(Math.floor(p / 2 ** 32) >>> 0));
  let a = mix32(h ^ 1), b = mix32(h ^ 2), c = mix32(h ^ 3), d = 1;
  const rng: Rng = {
    next(): number {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      return (t >>> 0) / 4294967296;
    },
  };
  for (let i = 0; i < 12; i++) rng.next(); // warm-up, as sfc32's authors recommend
  return rng;
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng.next() * n));
}

/** A standard normal draw (Box–Muller). */
export function randNormal(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
