/**
 * Runtime values of the pipeline expression language, and how the service renders them as
 * strings (PIPELINES.md §5.3). JSON numbers lose the difference between `6` and `6.0`, but the
 * service keeps it (a Float parameter of 6.0 joins as "6.0"), so Float values travel wrapped.
 */

/** A value of declared type Float: keeps its float-ness for rendering ("6.0", not "6"). */
export class FloatValue {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

/** Anything an expression can evaluate to. */
export type Value = string | number | boolean | null | FloatValue | Date | Value[] | { [key: string]: Value };

/** A number, wrapped or not; undefined for anything else. */
export function numberOf(value: unknown): number | undefined {
  if (value instanceof FloatValue) return value.value;
  return typeof value === 'number' ? value : undefined;
}

/**
 * A float as Python and Java print it: the shortest round-trip form, keeping a fractional part.
 *
 * @example renderFloat(6) === '6.0'; renderFloat(0.1) === '0.1'
 */
export function renderFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  const s = String(n);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/**
 * A value as `Std:Join` renders it: strings as-is, integers plainly, floats with a fractional
 * part, booleans lower-case, dates ISO-8601, objects and lists as compact JSON.
 *
 * @example renderValue(new FloatValue(6)) === '6.0'; renderValue(true) === 'true'
 */
export function renderValue(value: Value): string {
  if (typeof value === 'string') return value;
  if (value instanceof FloatValue) return renderFloat(value.value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(toPlain(value));
}

/**
 * Unwraps Float values and dates so the value is plain JSON (what a request body holds).
 *
 * @example toPlain({ a: new FloatValue(1.5) }) // { a: 1.5 }
 */
export function toPlain(value: unknown): unknown {
  if (value instanceof FloatValue) return value.value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toPlain(v);
    return out;
  }
  return value;
}

/** The type name used in condition error messages (Python's, as SDK local mode prints them). */
export function typeName(value: unknown): string {
  if (value instanceof FloatValue) return 'float';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}
