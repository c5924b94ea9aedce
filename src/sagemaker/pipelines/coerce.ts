/**
 * Resolved Arguments to a request body (PIPELINES.md §5.5): a `Get` puts its typed value where the
 * API may want another type (an Integer parameter into a string hyperparameter, a string into
 * an integer field), so each value is converted to what the operation's botocore shape expects.
 */
import { operations } from '../../aws/generated/sagemaker/operations.js';
import { shapes } from '../../aws/generated/sagemaker/shapes.js';
import { FloatValue, numberOf, renderValue, toPlain, type Value } from './values.js';

/**
 * The request for `operation` built from resolved values: types coerced to the input shape,
 * Float wrappers unwrapped. Members the shape does not know are kept (validation answers them).
 *
 * @example requestFor('CreateTrainingJob', { HyperParameters: { eta: 0.2 }, ResourceConfig: { InstanceCount: '1' } })
 *   // { HyperParameters: { eta: '0.2' }, ResourceConfig: { InstanceCount: 1 } }
 */
export function requestFor(operation: string, value: Value): Record<string, unknown> {
  const input = operations[operation]?.input;
  return toPlain(input ? coerce(value, input) : value) as Record<string, unknown>;
}

function coerce(value: Value, shapeName: string): Value {
  const shape = shapes[shapeName];
  if (!shape || value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof FloatValue || value instanceof Date) return value;
      const out: Record<string, Value> = {};
      for (const [k, v] of Object.entries(value)) out[k] = shape.members?.[k] ? coerce(v, shape.members[k]!) : v;
      return out;
    }
    case 'list':
      return Array.isArray(value) && shape.member ? value.map((v) => coerce(v, shape.member!)) : value;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof FloatValue || value instanceof Date || !shape.value) return value;
      const out: Record<string, Value> = {};
      for (const [k, v] of Object.entries(value)) out[k] = coerce(v, shape.value);
      return out;
    }
    case 'string':
      return typeof value === 'string' || typeof value === 'object' && !(value instanceof FloatValue) ? value : renderValue(value);
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      const n = numberOf(value);
      return n === undefined ? value : n;
    }
    case 'boolean':
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return value;
    default:
      return value;
  }
}
