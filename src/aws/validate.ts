import type { Shape } from './schema.js';

/**
 * Checks a request body against a generated shape table and answers in the
 * words of the AWS (Coral) validation layer:
 *
 *   Value 'a_b' at 'modelPackageGroupName' failed to satisfy constraint:
 *   Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$
 *
 * Paths are camelCase; list elements are `containers.1.member.image` (1-based), as
 * the service writes them. Several failures of one value are listed separately
 * (length before pattern, as observed in real messages).
 *
 * A JSON value of the wrong type is not a constraint violation but a
 * deserialization failure: the service answers `SerializationException` with the
 * codec's words (e.g. `NUMBER_VALUE can not be converted to a String`), so that is
 * reported separately and stops the walk.
 *
 * The walk also returns a clean copy of the input: unknown members dropped (the
 * service ignores them) and timestamps (epoch seconds or ISO-8601) turned into Dates.
 *
 * @example
 *   const { value, violations, serializationError } = checkShape(shapes, 'DescribeModelPackageInput', body);
 *   if (violations.length) throw validation(formatViolations(violations));
 */
export interface ShapeCheck {
  value: unknown;
  violations: string[];
  serializationError?: string;
}

export function checkShape(shapes: Record<string, Shape>, shapeName: string, input: unknown): ShapeCheck {
  const walker = new Walker(shapes);
  try {
    const value = walker.visit(shapeName, input ?? {}, '');
    return { value, violations: walker.violations };
  } catch (error) {
    if (error instanceof SerializationFailure) return { value: undefined, violations: [], serializationError: error.message };
    throw error;
  }
}

/** `1 validation error detected: ...` / `N validation errors detected: a; b`. */
export function formatViolations(violations: string[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

class SerializationFailure extends Error {}

/** Coral lower-cases only the first character: `S3OutputPath` → `s3OutputPath`. */
const camel = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

const regexCache = new Map<string, RegExp | null>();

/**
 * The model's patterns are Java regular expressions matched against the whole
 * value (`Matcher.matches()`). Translate the few Java-only forms and anchor.
 * Returns null for a pattern JavaScript cannot express (none in the current model;
 * a test compiles every pattern of the model to keep it so).
 */
export function compilePattern(pattern: string): RegExp | null {
  let compiled = regexCache.get(pattern);
  if (compiled !== undefined) return compiled;
  const translated = translateJavaPattern(pattern);
  compiled = null;
  for (const flags of ['u', '']) {
    try {
      compiled = new RegExp(`^(?:${translated})$`, flags);
      break;
    } catch {
      /* try the next flag set */
    }
  }
  regexCache.set(pattern, compiled);
  return compiled;
}

function translateJavaPattern(pattern: string): string {
  // Java accepts a quantifier on `$` (`...)${1,128}`), which matches like `$`.
  let out = pattern.replace(/\$\{\d+(,\d*)?\}/g, '$');
  // Java's POSIX class \p{Alnum} is ASCII-only; JavaScript has no such name.
  let result = '';
  let inClass = false;
  for (let i = 0; i < out.length; i++) {
    const ch = out[i]!;
    if (ch === '\\') {
      if (out.startsWith('\\p{Alnum}', i)) {
        result += inClass ? 'a-zA-Z0-9' : '[a-zA-Z0-9]';
        i += '\\p{Alnum}'.length - 1;
        continue;
      }
      result += ch + (out[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    result += ch;
  }
  out = result;
  return out;
}

/** How Java's toString renders a value in `Value '...'`. */
function render(value: unknown, shape: Shape | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map((v) => render(v, undefined)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${render(v, undefined)}`);
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'number' && (shape?.type === 'double' || shape?.type === 'float') && Number.isInteger(value)) {
    return `${value}.0`;
  }
  return String(value);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === true) return 'TRUE_VALUE';
  if (value === false) return 'FALSE_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  if (typeof value === 'string') return 'STRING_VALUE';
  return 'structure';
}

const JAVA_TYPE: Record<string, string> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  float: 'a Float',
  double: 'a Double',
  boolean: 'a Boolean',
  timestamp: 'a Date',
  blob: 'a ByteBuffer',
  structure: 'a Structure',
  list: 'a List',
  map: 'a Map',
};

function wrongType(value: unknown, shape: Shape): never {
  const kind = jsonKind(value);
  if (kind === 'structure') throw new SerializationFailure('Start of structure or map found where not expected.');
  if (kind === 'list') throw new SerializationFailure('Start of list found where not expected.');
  throw new SerializationFailure(`${kind} can not be converted to ${JAVA_TYPE[shape.type] ?? 'the expected type'}`);
}

class Walker {
  readonly violations: string[] = [];
  constructor(private readonly shapes: Record<string, Shape>) {}

  private fail(value: unknown, shape: Shape | undefined, path: string, constraint: string): void {
    const shown = value === null || value === undefined ? 'null' : `'${render(value, shape)}'`;
    this.violations.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  visit(shapeName: string, value: unknown, path: string): unknown {
    const shape = this.shapes[shapeName];
    if (!shape) throw new Error(`shape ${shapeName} is missing from the generated table`);
    switch (shape.type) {
      case 'structure':
        return this.structure(shape, value, path);
      case 'list':
        return this.list(shape, value, path);
      case 'map':
        return this.map(shape, value, path);
      default:
        return this.scalar(shape, value, path);
    }
  }

  private structure(shape: Shape, value: unknown, path: string): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) wrongType(value, shape);
    const input = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const required = new Set(shape.required ?? []);
    for (const [member, target] of Object.entries(shape.members ?? {})) {
      const memberPath = path ? `${path}.${camel(member)}` : camel(member);
      const memberValue = input[member];
      if (memberValue === undefined || memberValue === null) {
        if (required.has(member)) this.fail(null, undefined, memberPath, 'Member must not be null');
        continue;
      }
      out[member] = this.visit(target, memberValue, memberPath);
    }
    return out;
  }

  private sizeChecks(shape: Shape, value: unknown, size: number, path: string): void {
    if (shape.min !== undefined && size < shape.min) {
      this.fail(value, shape, path, `Member must have length greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && size > shape.max) {
      this.fail(value, shape, path, `Member must have length less than or equal to ${shape.max}`);
    }
  }

  private list(shape: Shape, value: unknown, path: string): unknown {
    if (!Array.isArray(value)) wrongType(value, shape);
    const items = value as unknown[];
    this.sizeChecks(shape, items, items.length, path);
    return items.map((item, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (item === null || item === undefined) {
        this.fail(null, undefined, itemPath, 'Member must not be null');
        return item;
      }
      return this.visit(shape.member!, item, itemPath);
    });
  }

  private map(shape: Shape, value: unknown, path: string): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) wrongType(value, shape);
    const entries = Object.entries(value as Record<string, unknown>);
    this.sizeChecks(shape, value, entries.length, path);
    const keyShape = this.shapes[shape.key!]!;
    const valueShape = this.shapes[shape.value!]!;
    const keyFailures = new Set<string>();
    const valueFailures = new Set<string>();
    const out: Record<string, unknown> = {};
    for (const [key, entryValue] of entries) {
      for (const c of this.scalarConstraints(keyShape, key)) keyFailures.add(c);
      if (valueShape.type === 'string') {
        if (typeof entryValue !== 'string') wrongType(entryValue, valueShape);
        for (const c of this.scalarConstraints(valueShape, entryValue)) valueFailures.add(c);
        out[key] = entryValue;
      } else {
        out[key] = this.visit(shape.value!, entryValue, `${path}.${key}`);
      }
    }
    // Coral reports map entries as one violation of the whole map.
    if (keyFailures.size) this.fail(value, shape, path, `Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]`);
    if (valueFailures.size) this.fail(value, shape, path, `Map value must satisfy constraint: [${[...valueFailures].join(', ')}]`);
    return out;
  }

  /** Length, pattern and enum constraints of a string, as constraint texts. */
  private scalarConstraints(shape: Shape, value: string): string[] {
    const failures: string[] = [];
    if (shape.min !== undefined && value.length < shape.min) failures.push(`Member must have length greater than or equal to ${shape.min}`);
    if (shape.max !== undefined && value.length > shape.max) failures.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.pattern !== undefined) {
      const regex = compilePattern(shape.pattern);
      if (regex && !regex.test(value)) failures.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
    }
    if (shape.enum && !shape.enum.includes(value)) failures.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
    return failures;
  }

  private scalar(shape: Shape, value: unknown, path: string): unknown {
    switch (shape.type) {
      case 'string': {
        if (typeof value !== 'string') wrongType(value, shape);
        for (const c of this.scalarConstraints(shape, value as string)) this.fail(value, shape, path, c);
        return value;
      }
      case 'integer':
      case 'long':
      case 'float':
      case 'double': {
        if (typeof value !== 'number' || !Number.isFinite(value)) wrongType(value, shape);
        const n = value as number;
        if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(n)) {
          throw new SerializationFailure(`NUMBER_VALUE ${n} can not be converted to ${JAVA_TYPE[shape.type]}`);
        }
        if (shape.min !== undefined && n < shape.min) this.fail(n, shape, path, `Member must have value greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && n > shape.max) this.fail(n, shape, path, `Member must have value less than or equal to ${shape.max}`);
        return n;
      }
      case 'boolean':
        if (typeof value !== 'boolean') wrongType(value, shape);
        return value;
      case 'timestamp': {
        // The JSON protocol sends epoch seconds; ISO-8601 strings are accepted too.
        const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : null;
        if (!date || Number.isNaN(date.getTime())) {
          if (typeof value === 'string') throw new SerializationFailure(`STRING_VALUE '${value}' can not be converted to a Date`);
          wrongType(value, shape);
        }
        return date;
      }
      case 'blob':
        if (typeof value !== 'string') wrongType(value, shape);
        return value;
      default:
        throw new Error(`unsupported shape type ${shape.type}`);
    }
  }
}
