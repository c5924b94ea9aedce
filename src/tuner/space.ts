/**
 * The search space: SageMaker ParameterRanges as numbers, and the map between a configuration
 * and the unit cube the strategies work in.
 *
 * Each numeric parameter is one coordinate in [0, 1] after its scaling (Linear, Logarithmic,
 * ReverseLogarithmic; Auto resolves to one of them, see `resolveScaling`). An Integer parameter
 * owns the interval [min - 0.5, max + 0.5] so every integer gets an equal share of the
 * coordinate, and a coordinate always decodes to a whole number. A Categorical parameter is one
 * coordinate holding the index of its value (the GP treats it with its own exchangeable kernel,
 * never as an ordered number).
 */
import { randInt, type Rng } from './rng.js';

export type ScalingType = 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';
export type ResolvedScaling = Exclude<ScalingType, 'Auto'>;

/** A tunable parameter. */
export type ParamSpec =
  | { name: string; type: 'Continuous' | 'Integer'; min: number; max: number; scaling: ScalingType }
  | { name: string; type: 'Categorical'; values: string[] };

/** One configuration: numbers for numeric parameters (whole numbers for Integer), strings for categoricals. */
export type Config = Record<string, number | string>;

/**
 * What Auto means here: Logarithmic when the range is positive and spans at least two orders
 * of magnitude (max / min ≥ 100), else Linear. The Bayesian strategy may still switch a
 * positive Auto parameter between the two when the marginal likelihood prefers it (gp-model.ts).
 *
 * @example
 *   resolveScaling({ name: 'lr', type: 'Continuous', min: 1e-5, max: 0.1, scaling: 'Auto' }); // 'Logarithmic'
 */
export function resolveScaling(spec: Extract<ParamSpec, { type: 'Continuous' | 'Integer' }>): ResolvedScaling {
  if (spec.scaling !== 'Auto') return spec.scaling;
  return canBeLog(spec) && spec.max / spec.min >= 100 ? 'Logarithmic' : 'Linear';
}

/** Whether a log scaling is possible (the whole owned interval is positive). */
export function canBeLog(spec: Extract<ParamSpec, { type: 'Continuous' | 'Integer' }>): boolean {
  return (spec.type === 'Integer' ? spec.min - 0.5 : spec.min) > 0;
}

function forward(scaling: ResolvedScaling, v: number): number {
  if (scaling === 'Logarithmic') return Math.log(v);
  if (scaling === 'ReverseLogarithmic') return -Math.log(1 - v);
  return v;
}

function backward(scaling: ResolvedScaling, w: number): number {
  if (scaling === 'Logarithmic') return Math.exp(w);
  if (scaling === 'ReverseLogarithmic') return 1 - Math.exp(-w);
  return w;
}

/** A numeric coordinate: the scaled interval it spans. */
interface NumericAxis {
  kind: 'numeric';
  spec: Extract<ParamSpec, { type: 'Continuous' | 'Integer' }>;
  scaling: ResolvedScaling;
  lo: number;
  hi: number;
}

interface CategoricalAxis {
  kind: 'categorical';
  spec: Extract<ParamSpec, { type: 'Categorical' }>;
}

export type Axis = NumericAxis | CategoricalAxis;

function numericAxis(spec: Extract<ParamSpec, { type: 'Continuous' | 'Integer' }>, scaling: ResolvedScaling): NumericAxis {
  const a = spec.type === 'Integer' ? spec.min - 0.5 : spec.min;
  const b = spec.type === 'Integer' ? spec.max + 0.5 : spec.max;
  return { kind: 'numeric', spec, scaling, lo: forward(scaling, a), hi: forward(scaling, b) };
}

/**
 * @example
 *   const space = new SearchSpace([{ name: 'lr', type: 'Continuous', min: 1e-5, max: 0.1, scaling: 'Logarithmic' }]);
 *   const u = space.encode({ lr: 0.001 });   // [0.5]
 *   space.decode([0.5]);                     // { lr: 0.001 } (up to rounding)
 */
export class SearchSpace {
  readonly axes: Axis[];

  constructor(readonly params: ParamSpec[], scalingOverride: Record<string, ResolvedScaling> = {}) {
    this.axes = params.map((spec) => spec.type === 'Categorical'
      ? { kind: 'categorical', spec }
      : numericAxis(spec, scalingOverride[spec.name] ?? resolveScaling(spec)));
  }

  get dim(): number {
    return this.axes.length;
  }

  /** The same parameters with some Auto scalings chosen differently. */
  withScaling(override: Record<string, ResolvedScaling>): SearchSpace {
    return new SearchSpace(this.params, override);
  }

  /** Configuration → unit coordinates (categoricals as value index). */
  encode(config: Config): number[] {
    return this.axes.map((axis) => {
      const v = config[axis.spec.name];
      if (axis.kind === 'categorical') {
        const i = axis.spec.values.indexOf(String(v));
        if (i < 0) throw new Error(`${axis.spec.name}: ${String(v)} is not one of its values`);
        return i;
      }
      const w = forward(axis.scaling, Number(v));
      return axis.hi === axis.lo ? 0.5 : Math.min(1, Math.max(0, (w - axis.lo) / (axis.hi - axis.lo)));
    });
  }

  /** Unit coordinates → configuration (integers rounded, everything clamped into its range). */
  decode(u: readonly number[]): Config {
    const out: Config = {};
    this.axes.forEach((axis, i) => {
      const x = u[i]!;
      if (axis.kind === 'categorical') {
        out[axis.spec.name] = axis.spec.values[Math.min(axis.spec.values.length - 1, Math.max(0, Math.round(x)))]!;
        return;
      }
      const z = Math.min(1, Math.max(0, x));
      let v = backward(axis.scaling, axis.lo + z * (axis.hi - axis.lo));
      if (axis.spec.type === 'Integer') v = Math.round(v);
      out[axis.spec.name] = Math.min(axis.spec.max, Math.max(axis.spec.min, v));
    });
    return out;
  }

  /** Moves unit coordinates onto a representable point (integers and categoricals snapped). */
  snap(u: readonly number[]): number[] {
    return this.encode(this.decode(u));
  }

  /** A uniform draw in the scaled space. */
  sample(rng: Rng): Config {
    return this.decode(this.axes.map((axis) => axis.kind === 'categorical' ? randInt(rng, axis.spec.values.length) : rng.next()));
  }

  /** A stable identity of a configuration, so that none is evaluated twice. */
  key(config: Config): string {
    return JSON.stringify(this.params.map((p) => {
      const v = config[p.name];
      return typeof v === 'number' ? Number(v.toPrecision(12)) : v;
    }));
  }

  /** How many distinct configurations exist (Infinity with any Continuous parameter). */
  size(): number {
    let n = 1;
    for (const axis of this.axes) {
      if (axis.kind === 'categorical') n *= axis.spec.values.length;
      else if (axis.spec.type === 'Integer') n *= axis.spec.max - axis.spec.min + 1;
      else return Number.POSITIVE_INFINITY;
    }
    return n;
  }

  /** Indices of the categorical coordinates. */
  categoricalDims(): number[] {
    return this.axes.flatMap((a, i) => (a.kind === 'categorical' ? [i] : []));
  }

  /** Indices of the numeric coordinates. */
  numericDims(): number[] {
    return this.axes.flatMap((a, i) => (a.kind === 'numeric' ? [i] : []));
  }
}

/**
 * A configuration as SageMaker passes hyperparameters: strings; Integer ranges give integer
 * strings, Continuous ranges float strings (JavaScript's shortest round-trip form).
 *
 * @example
 *   configToStrings(space.params, { n: 3, lr: 0.01, opt: 'adam' }); // { n: '3', lr: '0.01', opt: 'adam' }
 */
export function configToStrings(params: ParamSpec[], config: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of params) {
    const v = config[p.name];
    out[p.name] = p.type === 'Integer' ? String(Math.round(Number(v))) : String(v);
  }
  return out;
}

/** The inverse of `configToStrings` (e.g. to read back a child job's tuned values). */
export function configFromStrings(params: ParamSpec[], values: Record<string, string>): Config {
  const out: Config = {};
  for (const p of params) {
    const s = values[p.name];
    if (s === undefined) continue;
    out[p.name] = p.type === 'Categorical' ? s : Number(s);
  }
  return out;
}
