/**
 * Checks a SearchExpression against the resource's properties and turns it into a tree the SQL
 * compiler reads: every name resolved, every operator checked against the property's type,
 * every Value parsed to what the index compares (numbers, epoch-ms timestamps, 1/0 booleans,
 * text). Defaults as the model documents them: a filter with a Value and no Operator is Equals,
 * one with neither is Exists; an expression's Operator defaults to And.
 */
import type { Filter, Operator, SearchExpression } from '../../aws/generated/sagemaker/types.js';
import * as msg from './messages.js';
import { numericText, resolveProperty, type Property, type PropertyType } from './properties.js';
import type { SearchSource } from './sources/types.js';

/** The most SubExpressions + NestedFilters + Filters one request may hold, recursively (model docs). */
export const MAX_ELEMENTS = 50;

/** A filter's comparison, with its Value parsed. */
export type Comparison =
  | { op: 'exists' | 'notExists' }
  | { op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; num: number; integer: boolean }
  | { op: 'eq' | 'ne'; text: string }
  | { op: 'contains'; text: string }
  | { op: 'in'; texts: string[] };

export interface FilterNode { kind: 'filter'; prop: Property; cmp: Comparison }
export interface NestedNode { kind: 'nested'; root: string; filters: FilterNode[] }
export interface BoolNode { kind: 'and' | 'or'; children: ExprNode[] }
export type ExprNode = FilterNode | NestedNode | BoolNode;

const TEXT_OPS: Operator[] = ['Equals', 'NotEquals', 'Contains', 'In', 'Exists', 'NotExists'];
const NUMBER_OPS: Operator[] = ['Equals', 'NotEquals', 'GreaterThan', 'GreaterThanOrEqualTo', 'LessThan', 'LessThanOrEqualTo', 'Exists', 'NotExists'];
const BOOLEAN_OPS: Operator[] = ['Equals', 'NotEquals', 'Exists', 'NotExists'];
const MAP_OPS: Operator[] = [...NUMBER_OPS.slice(0, 6), 'Contains', 'In', 'Exists', 'NotExists'];
const CONTAINER_OPS: Operator[] = ['Exists', 'NotExists'];

const RANGE: Partial<Record<Operator, 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'>> = {
  Equals: 'eq', NotEquals: 'ne', GreaterThan: 'gt', GreaterThanOrEqualTo: 'ge', LessThan: 'lt', LessThanOrEqualTo: 'le',
};

/**
 * Parses an ISO 8601 date-time (`2024-05-01T12:00:00`, zone optional, UTC when absent) or epoch
 * seconds; NaN when it is neither.
 *
 * @example parseTimestamp('2024-01-02T03:04:05') // Date.UTC(2024, 0, 2, 3, 4, 5)
 */
export function parseTimestamp(value: string): number {
  const text = value.trim();
  const seconds = numericText(text);
  if (seconds !== null) return Math.round(seconds * 1000);
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(text)) return NaN;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/[T ]/.test(text) ? text : `${text}Z`;
  return Date.parse(zoned.replace(' ', 'T'));
}

function comparison(prop: Property, filter: Filter): Comparison {
  const operator: Operator = filter.Operator ?? (filter.Value !== undefined ? 'Equals' : 'Exists');
  const allowed = prop.kind === 'container' ? CONTAINER_OPS
    : prop.kind === 'tag' ? TEXT_OPS
    : prop.mapEntry ? MAP_OPS
    : prop.type === 'text' ? TEXT_OPS
    : prop.type === 'boolean' ? BOOLEAN_OPS : NUMBER_OPS;
  const typeWord = prop.kind === 'container' ? 'structured' : prop.kind === 'tag' ? 'tag' : prop.mapEntry ? 'map entry' : typeName(prop.type);
  if (!allowed.includes(operator)) throw msg.operatorNotSupported(operator, typeWord, filter.Name, allowed);
  if (operator === 'Exists') return { op: 'exists' };
  if (operator === 'NotExists') return { op: 'notExists' };
  const value = filter.Value;
  if (value === undefined) throw msg.valueRequired(operator, filter.Name);
  if (operator === 'Contains') return { op: 'contains', text: value };
  if (operator === 'In') return { op: 'in', texts: value.split(',').map((s) => s.trim()).filter((s) => s !== '') };
  const op = RANGE[operator]!;
  if (prop.kind === 'tag' || (prop.kind === 'value' && prop.type === 'text' && !prop.mapEntry)) return { op: op as 'eq' | 'ne', text: value };
  if (prop.kind !== 'value') throw msg.operatorNotSupported(operator, typeWord, filter.Name, allowed);
  if (prop.mapEntry) {
    // HyperParameters-style entries: numeric Values compare numerically (an integer Value
    // compares the entries' integer parts, as the Filter documentation says); others as text.
    const num = numericText(value);
    if (num !== null) return { op, num, integer: Number.isInteger(num) && !/[.eE]/.test(value) };
    if (op === 'eq' || op === 'ne') return { op, text: value };
    throw msg.badNumber(value, filter.Name);
  }
  if (prop.type === 'boolean') {
    const lower = value.trim().toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw msg.badBoolean(value, filter.Name);
    return { op, num: lower === 'true' ? 1 : 0, integer: false };
  }
  if (prop.type === 'timestamp') {
    const ms = parseTimestamp(value);
    if (!Number.isFinite(ms)) throw msg.badTimestamp(value, filter.Name);
    return { op, num: ms, integer: false };
  }
  const num = numericText(value);
  if (num === null) throw msg.badNumber(value, filter.Name);
  return { op, num, integer: false };
}

function typeName(type: PropertyType): string {
  return type === 'number' ? 'numeric' : type === 'boolean' ? 'Boolean' : type;
}

/**
 * Validates a SearchExpression for a source and returns its tree (undefined: match everything).
 *
 * @example
 *   parseExpression(trainingJobSource, { Filters: [{ Name: 'Metrics.loss', Operator: 'LessThan', Value: '0.5' }] })
 */
export function parseExpression(source: SearchSource, expression: SearchExpression | undefined): ExprNode | undefined {
  if (expression === undefined) return undefined;
  let elements = 0;
  let contains = 0;
  const filterNode = (filter: Filter): FilterNode => {
    const prop = resolveProperty(source, filter.Name);
    if (!prop) throw msg.unknownProperty(filter.Name, source.resource);
    const cmp = comparison(prop, filter);
    if (cmp.op === 'contains') contains++;
    return { kind: 'filter', prop, cmp };
  };
  const walk = (expr: SearchExpression): ExprNode => {
    const filters = expr.Filters ?? [];
    const nested = expr.NestedFilters ?? [];
    const subs = expr.SubExpressions ?? [];
    elements += filters.length + nested.length + subs.length;
    if (elements > MAX_ELEMENTS) throw msg.tooManyElements(countElements(expression), MAX_ELEMENTS);
    if (filters.length + nested.length + subs.length === 0) throw msg.emptyExpression();
    const children: ExprNode[] = filters.map(filterNode);
    for (const n of nested) {
      const root = resolveProperty(source, n.NestedPropertyName);
      if (!root || root.kind === 'tag' || root.listRoot !== n.NestedPropertyName) throw msg.nestedNotList(n.NestedPropertyName, source.resource);
      const nodes = n.Filters.map((f) => {
        if (!f.Name.startsWith(`${n.NestedPropertyName}.`)) throw msg.nestedFilterOutside(f.Name, n.NestedPropertyName);
        const node = filterNode(f);
        if (node.prop.kind === 'tag' || node.prop.listRoot !== n.NestedPropertyName) throw msg.nestedFilterOutside(f.Name, n.NestedPropertyName);
        return node;
      });
      children.push({ kind: 'nested', root: n.NestedPropertyName, filters: nodes });
    }
    for (const sub of subs) children.push(walk(sub));
    return { kind: expr.Operator === 'Or' ? 'or' : 'and', children };
  };
  const tree = walk(expression);
  if (contains > 1) throw msg.containsLimit();
  return tree;
}

function countElements(expr: SearchExpression): number {
  const subs = expr.SubExpressions ?? [];
  return (expr.Filters?.length ?? 0) + (expr.NestedFilters?.length ?? 0) + subs.length
    + subs.reduce((n, sub) => n + countElements(sub), 0);
}
