/**
 * Pipeline parameters at StartPipelineExecution (PIPELINES.md §2): overrides checked against the
 * declarations, defaults filled in, every value kept as the string the API carries and typed by
 * its declared Type when expressions read it.
 */
import type { Parameter } from '../../aws/generated/sagemaker/types.js';
import { validation } from '../../aws/service-error.js';
import type { ParameterDef } from './definition.js';
import { FloatValue, renderValue, type Value } from './values.js';

/** A default value as the API string form (`6.0`, `true`, `ml.m5.xlarge`). */
function defaultString(p: ParameterDef): string {
  const v = p.DefaultValue;
  if ((p.Type ?? 'String') === 'Float' && typeof v === 'number') return renderValue(new FloatValue(v));
  return typeof v === 'string' ? v : renderValue(v as Value);
}

/**
 * Parses a string value by declared type; undefined when it does not parse.
 *
 * @example typedValue('Boolean', 'True') === true; typedValue('Integer', 'x') === undefined
 */
export function typedValue(type: string, raw: string): Value | undefined {
  switch (type) {
    case 'Integer': return /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
    case 'Float': return raw.trim() !== '' && Number.isFinite(Number(raw)) ? new FloatValue(Number(raw)) : undefined;
    case 'Boolean': return /^true$/i.test(raw) ? true : /^false$/i.test(raw) ? false : undefined;
    default: return raw;
  }
}

/**
 * Every declared parameter with its effective value (override, else default), as strings.
 *
 * @example effectiveParameters([{ Name: 'N', Type: 'Integer', DefaultValue: 1 }], [{ Name: 'N', Value: '3' }]) // [{ Name: 'N', Value: '3' }]
 */
export function effectiveParameters(declared: readonly ParameterDef[], given: readonly Parameter[] = []): Parameter[] {
  const byName = new Map(declared.map((p) => [p.Name, p]));
  const overrides = new Map<string, string>();
  for (const g of given) {
    const p = byName.get(g.Name);
    if (!p) throw validation(`Unknown parameter '${g.Name}'`);
    const type = p.Type ?? 'String';
    if (typedValue(type, g.Value) === undefined) throw validation(`Value '${g.Value}' of parameter '${g.Name}' is not a valid ${type}.`);
    if (p.EnumValues && !p.EnumValues.includes(g.Value)) {
      throw validation(`Value '${g.Value}' of parameter '${g.Name}' is not one of its allowed values [${p.EnumValues.join(', ')}].`);
    }
    overrides.set(g.Name, g.Value);
  }
  return declared.map((p) => {
    const value = overrides.get(p.Name) ?? (p.DefaultValue === undefined || p.DefaultValue === null ? undefined : defaultString(p));
    if (value === undefined) throw validation(`Parameter '${p.Name}' is undefined.`);
    return { Name: p.Name, Value: value };
  });
}

/**
 * The typed values expressions read.
 *
 * @example typedParameters([{ Name: 'F', Type: 'Float' }], [{ Name: 'F', Value: '6.0' }]).get('F') // FloatValue(6)
 */
export function typedParameters(declared: readonly ParameterDef[], effective: readonly Parameter[]): Map<string, Value> {
  const types = new Map(declared.map((p) => [p.Name, p.Type ?? 'String']));
  const out = new Map<string, Value>();
  for (const e of effective) out.set(e.Name, typedValue(types.get(e.Name) ?? 'String', e.Value) ?? e.Value);
  return out;
}
