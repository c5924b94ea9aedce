/**
 * Search property names, resolved against the botocore shapes: `TrainingJobName`,
 * `ResourceConfig.InstanceType`, `InputDataConfig.DataSource.S3DataSource.S3Uri` (lists are
 * crossed transparently), `HyperParameters.<name>` (map entries), `Tags.<key>`, and a source's
 * virtual prefixes (`Metrics.<name>`). The leaf shape gives the property's type, which decides
 * the operators it accepts and how `Value` is parsed.
 */
import { shapes } from '../../aws/generated/sagemaker/shapes.js';
import type { Shape } from '../../aws/schema.js';
import type { SearchSource } from './sources/types.js';

/** How a property's values compare. */
export type PropertyType = 'text' | 'number' | 'timestamp' | 'boolean';

/** A resolved property. */
export type Property =
  | {
    kind: 'value';
    /** The name as the index stores it (the filter's Name, normalised). */
    name: string;
    type: PropertyType;
    /** Map entries (`HyperParameters.lr`): text that also compares numerically. */
    mapEntry: boolean;
    /** The path of the first list the property crosses (`InputDataConfig`), if any. */
    listRoot?: string;
  }
  /** A structure, list or map: only Exists / NotExists apply (any leaf below it). */
  | { kind: 'container'; name: string; listRoot?: string; isList: boolean }
  | { kind: 'tag'; name: string; key: string };

function shapeOf(name: string): Shape {
  const shape = shapes[name];
  if (!shape) throw new Error(`search: the generated shapes have no ${name}`);
  return shape;
}

const rootCache = new WeakMap<SearchSource, Map<string, string>>();

/**
 * The structure members of a source's shapes, first shape first (member name → shape name).
 *
 * @example rootMembers(trainingJobSource).get('ResourceConfig') // 'ResourceConfig'
 */
export function rootMembers(source: SearchSource): Map<string, string> {
  const cached = rootCache.get(source);
  if (cached) return cached;
  const members = new Map<string, string>();
  for (const shapeName of source.shapes) {
    for (const [member, target] of Object.entries(shapeOf(shapeName).members ?? {})) {
      if (!members.has(member)) members.set(member, target);
    }
  }
  rootCache.set(source, members);
  return members;
}

function leafType(shape: Shape): PropertyType {
  switch (shape.type) {
    case 'integer': case 'long': case 'float': case 'double':
      return 'number';
    case 'timestamp':
      return 'timestamp';
    case 'boolean':
      return 'boolean';
    default:
      return 'text';
  }
}

/**
 * Resolves a property name for a source; undefined when the resource has no such property.
 *
 * @example
 *   resolveProperty(trainingJobSource, 'ResourceConfig.InstanceCount') // { kind: 'value', type: 'number', ... }
 *   resolveProperty(trainingJobSource, 'Tags.team')                    // { kind: 'tag', key: 'team' }
 */
export function resolveProperty(source: SearchSource, name: string): Property | undefined {
  const members = rootMembers(source);
  for (const v of source.virtual ?? []) {
    if (name.startsWith(v.prefix) && name.length > v.prefix.length) return { kind: 'value', name, type: v.type, mapEntry: false };
  }
  if (name.startsWith('Tags.') && name.length > 5 && members.has('Tags')) return { kind: 'tag', name, key: name.slice(5) };
  const segments = name.split('.');
  let shape: Shape | undefined;
  let listRoot: string | undefined;
  let mapEntry = false;
  let i = 0;
  while (i < segments.length) {
    const seg = segments[i]!;
    if (shape === undefined || shape.type === 'structure') {
      const target = shape === undefined ? members.get(seg) : shape.members?.[seg];
      if (!target || seg === '') return undefined;
      shape = shapeOf(target);
      i++;
    } else if (shape.type === 'list') {
      listRoot ??= segments.slice(0, i).join('.');
      shape = shapeOf(shape.member!);
    } else if (shape.type === 'map') {
      // A map key may itself contain dots: the rest of the name is the key.
      if (segments.slice(i).join('.') === '') return undefined;
      shape = shapeOf(shape.value!);
      mapEntry = true;
      i = segments.length;
    } else {
      return undefined;
    }
  }
  if (!shape) return undefined;
  if (shape.type === 'list' || shape.type === 'structure' || shape.type === 'map') {
    if (shape.type === 'list') {
      listRoot ??= name;
      const member = shapeOf(shape.member!);
      // A list of scalars (ContainerEntrypoint): its values are the property's values.
      if (member.type !== 'structure' && member.type !== 'list' && member.type !== 'map') {
        return { kind: 'value', name, type: leafType(member), mapEntry: false, listRoot };
      }
      return { kind: 'container', name, listRoot, isList: true };
    }
    return { kind: 'container', name, ...(listRoot ? { listRoot } : {}), isList: false };
  }
  return { kind: 'value', name, type: leafType(shape), mapEntry, ...(listRoot ? { listRoot } : {}) };
}

/**
 * One value of one property of one record, ready for the index.
 *
 * @example { name: 'InputDataConfig.ChannelName', elem: 1, num: null, txt: 'test' }
 */
export interface FlatValue {
  name: string;
  elem: number;
  num: number | null;
  txt: string | null;
}

/** Longest text kept in the index (Equals / Contains see the first this many characters). */
export const MAX_INDEXED_TEXT = 512;

/**
 * A finite number when `text` is a plain decimal number (`0.5`, `-3`, `1e-4`), else null.
 *
 * @example numericText('0.5') // 0.5;  numericText('adam') // null
 */
export function numericText(text: string): number | null {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/**
 * Flattens a record into property values, walking it with its shapes so every value gets the
 * right type and list elements their index. Members the shapes do not know are skipped (they
 * cannot be named in a filter either).
 *
 * @example
 *   flattenRecord(trainingJobSource, { TrainingJobName: 'a', ResourceConfig: { InstanceCount: 1 } })
 *   // [{ name: 'TrainingJobName', elem: -1, num: null, txt: 'a' }, { name: 'ResourceConfig.InstanceCount', elem: -1, num: 1, txt: null }]
 */
export function flattenRecord(source: SearchSource, record: Record<string, unknown>): FlatValue[] {
  const out: FlatValue[] = [];
  const members = rootMembers(source);
  const walk = (value: unknown, shape: Shape, path: string, elem: number, mapEntry: boolean): void => {
    if (value === undefined || value === null) return;
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object') return;
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
          const target = shape.members?.[key];
          if (target) walk(v, shapeOf(target), `${path}.${key}`, elem, false);
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) return;
        const member = shapeOf(shape.member!);
        value.forEach((item, index) => walk(item, member, path, elem === -1 ? index : elem, false));
        return;
      }
      case 'map': {
        if (typeof value !== 'object') return;
        const valueShape = shapeOf(shape.value!);
        for (const [key, v] of Object.entries(value as Record<string, unknown>)) walk(v, valueShape, `${path}.${key}`, elem, true);
        return;
      }
      default:
        out.push({ name: path, elem, ...scalar(value, leafType(shape), mapEntry) });
    }
  };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'Tags') continue; // read live from the tags table
    const target = members.get(key);
    if (target) walk(value, shapeOf(target), key, -1, false);
  }
  for (const extra of source.extra?.(record) ?? []) {
    out.push({ name: extra.name, elem: -1, num: typeof extra.value === 'number' ? extra.value : null, txt: typeof extra.value === 'string' ? extra.value : null });
  }
  return out;
}

function scalar(value: unknown, type: PropertyType, mapEntry: boolean): { num: number | null; txt: string | null } {
  switch (type) {
    case 'number':
      return { num: typeof value === 'number' ? value : Number(value), txt: null };
    case 'timestamp':
      return { num: value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value)), txt: null };
    case 'boolean':
      return { num: value === true || value === 'true' ? 1 : 0, txt: null };
    default: {
      const text = String(value);
      return { num: mapEntry ? numericText(text) : null, txt: text.slice(0, MAX_INDEXED_TEXT) };
    }
  }
}
