/**
 * Condition steps' conditions (PIPELINES.md §6): the comparisons, In, Not, Or, plus the
 * schema-only spellings NotEquals, NotIn and `{"Value", "In"}`. A Condition step's list is an AND.
 */
import { ExpressionError, resolveValue, type ExpressionScope } from './expressions.js';
import { numberOf, renderValue, typeName, type Value } from './values.js';

/**
 * A condition as the definition holds it.
 *
 * @example { Type: 'In', QueryValue: { Get: 'Parameters.Type' }, Values: ['a', 'b'] }
 */
export interface ConditionDef {
  Type: string;
  LeftValue?: unknown;
  RightValue?: unknown;
  QueryValue?: unknown;
  Values?: unknown[];
  Value?: unknown;
  In?: unknown[];
  Condition?: ConditionDef;
  Conditions?: ConditionDef[];
}

const COMPARISONS = new Set(['Equals', 'NotEquals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo']);

/** Condition types a definition may use. */
export const CONDITION_TYPES = new Set([...COMPARISONS, 'In', 'NotIn', 'Not', 'Or', 'And']);

/**
 * The AND of a Condition step's conditions.
 *
 * @example await evaluateConditions([{ Type: 'GreaterThan', LeftValue: { Get: 'Parameters.X' }, RightValue: 1 }], scope)
 */
export async function evaluateConditions(conditions: readonly ConditionDef[], scope: ExpressionScope): Promise<boolean> {
  for (const c of conditions) if (!(await evaluateCondition(c, scope))) return false;
  return true;
}

async function evaluateCondition(c: ConditionDef, scope: ExpressionScope): Promise<boolean> {
  if (!c || typeof c !== 'object') throw new ExpressionError('a condition must be an object');
  if (COMPARISONS.has(c.Type)) {
    const left = await resolveValue(c.LeftValue, scope);
    const right = await resolveValue(c.RightValue, scope);
    if (c.Type === 'Equals' || c.Type === 'NotEquals') {
      const eq = valuesEqual(left, right, c.Type);
      return c.Type === 'Equals' ? eq : !eq;
    }
    return compareOrdered(c.Type, left, right);
  }
  if (c.Type === 'In' || c.Type === 'NotIn') {
    const query = await resolveValue(c.QueryValue ?? c.Value, scope);
    const list = c.Values ?? c.In;
    if (!Array.isArray(list)) throw new ExpressionError(`Condition of type [${c.Type}] needs a list of Values`);
    let found = false;
    for (const v of list) if (looselyEqual(query, await resolveValue(v, scope))) found = true;
    return c.Type === 'In' ? found : !found;
  }
  if (c.Type === 'Not') return !(await evaluateCondition(c.Condition as ConditionDef, scope));
  if (c.Type === 'Or') {
    for (const inner of c.Conditions ?? []) if (await evaluateCondition(inner, scope)) return true;
    return false;
  }
  if (c.Type === 'And') return evaluateConditions(c.Conditions ?? [], scope);
  throw new ExpressionError(`Condition of type [${c.Type}] is not supported.`);
}

function looselyEqual(a: Value, b: Value): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  if (typeof a !== typeof b) return false;
  return typeof a === 'object' ? renderValue(a) === renderValue(b) : a === b;
}

function valuesEqual(left: Value, right: Value, type: string): boolean {
  const nl = numberOf(left);
  const nr = numberOf(right);
  if (nl !== undefined && nr !== undefined) return nl === nr;
  if (typeof left !== typeof right || (left === null) !== (right === null)) {
    throw new ExpressionError(
      `Condition of type [${type}]: LeftValue [${renderValue(left)}] of type [${typeName(left)}] and RightValue [${renderValue(right)}] of type [${typeName(right)}] are not of the same type.`,
    );
  }
  return typeof left === 'object' ? renderValue(left) === renderValue(right) : left === right;
}

function compareOrdered(type: string, left: Value, right: Value): boolean {
  let cmp: number;
  const nl = numberOf(left);
  const nr = numberOf(right);
  if (nl !== undefined && nr !== undefined) cmp = nl - nr;
  else if (typeof left === 'string' && typeof right === 'string') cmp = left < right ? -1 : left > right ? 1 : 0;
  else {
    throw new ExpressionError(
      `Condition of type [${type}] not supported between LeftValue [${renderValue(left)}] of type [${typeName(left)}] and RightValue [${renderValue(right)}] of type [${typeName(right)}].`,
    );
  }
  switch (type) {
    case 'GreaterThan': return cmp > 0;
    case 'GreaterThanOrEqualTo': return cmp >= 0;
    case 'LessThan': return cmp < 0;
    default: return cmp <= 0;
  }
}
