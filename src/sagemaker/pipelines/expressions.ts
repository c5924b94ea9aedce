/**
 * The pipeline expression language (PIPELINES.md §5): `Get`, `Std:Join`, `Std:JsonGet`.
 * Pure apart from the scope it is given: the executor supplies parameters, execution
 * variables, the properties of finished steps and a way to read S3 objects.
 */
import { lookupPath, parsePath, PathSyntaxError } from './property-path.js';
import { FloatValue, renderValue, type Value } from './values.js';

/**
 * Why an expression could not be resolved; fails the step that holds it.
 *
 * @example throw new ExpressionError('Parameters.X is undefined.');
 */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/**
 * What expressions are resolved against.
 *
 * @example await resolveValue({ Get: 'Parameters.N' }, { parameters: new Map([['N', 2]]), execution: {}, stepProperties: () => undefined, propertyFileUri: () => '', readObject: async () => Buffer.from('{}') })
 */
export interface ExpressionScope {
  /** Effective parameter values, typed by declared Type (Float values wrapped). */
  parameters: ReadonlyMap<string, Value>;
  /** `Execution.*` variables other than CurrentDateTime (computed at evaluation). */
  execution: Readonly<Record<string, Value>>;
  /** `PipelineExperimentConfig.*` resolved for this execution. */
  experiment?: { ExperimentName?: string; TrialName?: string };
  /** The property tree of a finished step, or undefined when it has none (yet). */
  stepProperties(step: string): unknown;
  /** The S3 URI of a step's declared property file (throws ExpressionError if it cannot). */
  propertyFileUri(step: string, file: string): string;
  /** Reads an object of the object store (for Std:JsonGet). */
  readObject(uri: string): Promise<Buffer>;
  /** Clock for `Execution.CurrentDateTime`; default now. */
  now?(): Date;
}

const EXPRESSION_KEYS = new Set(['Get', 'Std:Join', 'Std:JsonGet']);

/**
 * True for a JSON object that is an expression: exactly one key, one of Get / Std:Join / Std:JsonGet.
 *
 * @example isExpression({ Get: 'Parameters.X' }) === true; isExpression({ Get: 'x', B: 1 }) === false
 */
export function isExpression(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof FloatValue || value instanceof Date) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && EXPRESSION_KEYS.has(keys[0]!);
}

/**
 * Every `Get` path inside a value (expressions nested in Join and JsonGet included).
 *
 * @example collectGets({ A: { 'Std:Join': { On: '/', Values: [{ Get: 'Steps.S.X' }] } } }) // ['Steps.S.X']
 */
export function collectGets(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) collectGets(v, out);
  } else if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    if (isExpression(rec) && typeof rec.Get === 'string') out.push(rec.Get);
    else for (const v of Object.values(rec)) collectGets(v, out);
  }
  return out;
}

/**
 * `Steps.<name>.<rest>` split; undefined when the path is not a step reference.
 *
 * @example splitStepPath("Steps.Proc.Outputs['train']") // { step: 'Proc', rest: "Outputs['train']" }
 */
export function splitStepPath(path: string): { step: string; rest: string } | undefined {
  if (!path.startsWith('Steps.')) return undefined;
  const body = path.slice(6);
  const dot = body.search(/[.[]/);
  return dot < 0 ? { step: body, rest: '' } : { step: body.slice(0, dot), rest: body.slice(body[dot] === '.' ? dot + 1 : dot) };
}

/**
 * Resolves every expression inside `value` (objects and arrays walked recursively).
 *
 * @example await resolveValue({ Count: { Get: 'Parameters.N' } }, scope) // { Count: 2 }
 */
export async function resolveValue(value: unknown, scope: ExpressionScope): Promise<Value> {
  if (Array.isArray(value)) {
    const out: Value[] = [];
    for (const v of value) out.push(await resolveValue(v, scope));
    return out;
  }
  if (value instanceof FloatValue || value instanceof Date) return value;
  if (value && typeof value === 'object') {
    if (isExpression(value)) return evaluate(value, scope);
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveValue(v, scope);
    return out;
  }
  return (value ?? null) as Value;
}

async function evaluate(expr: Record<string, unknown>, scope: ExpressionScope): Promise<Value> {
  if ('Get' in expr) {
    if (typeof expr.Get !== 'string') throw new ExpressionError(`Get expects a path string, got ${JSON.stringify(expr.Get)}`);
    return evaluateGet(expr.Get, scope);
  }
  if ('Std:Join' in expr) {
    const join = expr['Std:Join'] as { On?: unknown; Values?: unknown } | null;
    if (!join || !Array.isArray(join.Values)) throw new ExpressionError('Std:Join needs a Values list');
    const parts: string[] = [];
    for (const v of join.Values) parts.push(renderValue(await resolveValue(v, scope)));
    const on = join.On === undefined || join.On === null ? '' : renderValue(await resolveValue(join.On, scope));
    return parts.join(on);
  }
  return evaluateJsonGet(expr['Std:JsonGet'] as Record<string, unknown> | null, scope);
}

function evaluateGet(path: string, scope: ExpressionScope): Value {
  if (path.startsWith('Parameters.')) {
    const name = path.slice(11);
    if (!scope.parameters.has(name)) throw new ExpressionError(`${path} is undefined.`);
    return scope.parameters.get(name)!;
  }
  if (path.startsWith('Execution.')) {
    const name = path.slice(10);
    if (name === 'CurrentDateTime') return (scope.now?.() ?? new Date()).toISOString();
    const v = scope.execution[name];
    if (v === undefined) throw new ExpressionError(`${path} is undefined.`);
    return v;
  }
  if (path.startsWith('PipelineExperimentConfig.')) {
    const name = path.slice(25) as 'ExperimentName' | 'TrialName';
    const v = scope.experiment?.[name];
    if (v === undefined) throw new ExpressionError(`${path} is undefined.`);
    return v;
  }
  const ref = splitStepPath(path);
  if (!ref) throw new ExpressionError(`${path} is undefined.`);
  if (ref.rest.startsWith('PropertyFiles.')) throw new ExpressionError(`${path} can only be used as the PropertyFile of Std:JsonGet.`);
  const props = scope.stepProperties(ref.step);
  if (props === undefined) throw new ExpressionError(`${path} is undefined.`);
  let found: unknown;
  try {
    found = ref.rest === '' ? props : lookupPath(props, parsePath(ref.rest));
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new ExpressionError(`${path} is undefined.`);
    throw error;
  }
  if (found === undefined) throw new ExpressionError(`${path} is undefined.`);
  return found as Value;
}

async function evaluateJsonGet(spec: Record<string, unknown> | null, scope: ExpressionScope): Promise<Value> {
  if (!spec || typeof spec.Path !== 'string') throw new ExpressionError('Std:JsonGet needs a Path');
  let uri: string;
  if (spec.PropertyFile !== undefined) {
    const pf = spec.PropertyFile as { Get?: unknown };
    const ref = typeof pf?.Get === 'string' ? splitStepPath(pf.Get) : undefined;
    if (!ref || !ref.rest.startsWith('PropertyFiles.')) throw new ExpressionError(`Std:JsonGet PropertyFile must be {"Get": "Steps.<step>.PropertyFiles.<name>"}`);
    uri = scope.propertyFileUri(ref.step, ref.rest.slice(14));
  } else if (spec.S3Uri !== undefined) {
    const resolved = await resolveValue(spec.S3Uri, scope);
    if (typeof resolved !== 'string') throw new ExpressionError('Std:JsonGet S3Uri must resolve to a string');
    uri = resolved;
  } else {
    throw new ExpressionError('Std:JsonGet needs a PropertyFile or an S3Uri');
  }
  let body: Buffer;
  try {
    body = await scope.readObject(uri);
  } catch (error) {
    const e = error as { name?: string; code?: string; message?: string };
    const code = e.name === 'ObjectNotFoundError' ? 'NoSuchKey' : (e.code ?? e.name ?? 'Error');
    throw new ExpressionError(`Received an error while reading file ${uri} from S3: ${code}: ${e.message ?? String(error)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ExpressionError(`Contents of file ${uri} are not in valid JSON format.`);
  }
  let found: unknown;
  try {
    found = lookupPath(doc, parsePath(spec.Path));
  } catch {
    found = undefined;
  }
  if (found === undefined) throw new ExpressionError(`Invalid json path '${spec.Path}'`);
  return found as Value;
}
