/**
 * Hand-written validation for the few CloudWatch Logs operations sagebox serves (there is no
 * Logs model in the repository to generate from). Constraints and wording follow the Logs
 * model (2014-03-28) and Coral's messages, as the real service answers.
 */
import { ServiceError } from '../aws/service-error.js';

export const LOG_GROUP_PATTERN = '[\\.\\-_/#A-Za-z0-9]+';
export const LOG_STREAM_PATTERN = '[^:*]*';
const GROUP_RE = new RegExp(`^${LOG_GROUP_PATTERN}$`);
const STREAM_RE = new RegExp(`^${LOG_STREAM_PATTERN}$`);
const IDENTIFIER_RE = /^[\w#+=/:,.@-]*$/;

type Check = (path: string, value: unknown) => string | undefined;

const violation = (value: unknown, path: string, constraint: string): string =>
  `Value ${value === null ? 'null' : `'${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}'`} at '${path}' failed to satisfy constraint: ${constraint}`;

/** Coral's serialization errors for wrong JSON types (as the generated validator words them). */
function typeError(expected: 'string' | 'long' | 'integer' | 'boolean' | 'list', value: unknown): ServiceError | undefined {
  const kind = value === null ? 'NULL' : Array.isArray(value) ? 'LIST' : typeof value === 'object' ? 'OBJECT' : typeof value === 'number' ? 'NUMBER' : typeof value === 'boolean' ? 'BOOLEAN' : 'STRING';
  const ok = { string: 'STRING', long: 'NUMBER', integer: 'NUMBER', boolean: 'BOOLEAN', list: 'LIST' }[expected];
  if (kind === ok || value === undefined) return undefined;
  const target = { string: 'a String', long: 'a Long', integer: 'an Integer', boolean: 'a Boolean', list: 'a List' }[expected];
  if (kind === 'LIST') return new ServiceError('SerializationException', 'Start of list found where not expected.');
  if (kind === 'OBJECT') return new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
  return new ServiceError('SerializationException', `${kind}_VALUE can not be converted to ${target}`);
}

export const str = (min: number, max: number, re?: RegExp, pattern?: string): Check => (path, value) => {
  const v = value as string;
  const out: string[] = [];
  if (v.length < min) out.push(violation(v, path, `Member must have length greater than or equal to ${min}`));
  if (v.length > max) out.push(violation(v, path, `Member must have length less than or equal to ${max}`));
  if (re && !re.test(v)) out.push(violation(v, path, `Member must satisfy regular expression pattern: ${pattern}`));
  return out.length > 0 ? out.join('\u0000') : undefined;
};
export const range = (min: number, max?: number): Check => (path, value) => {
  const v = value as number;
  if (v < min) return violation(v, path, `Member must have value greater than or equal to ${min}`);
  if (max !== undefined && v > max) return violation(v, path, `Member must have value less than or equal to ${max}`);
  return undefined;
};
export const oneOf = (values: string[]): Check => (path, value) =>
  values.includes(value as string) ? undefined : violation(value, path, `Member must satisfy enum value set: [${values.join(', ')}]`);

export const groupName = str(1, 512, GROUP_RE, LOG_GROUP_PATTERN);
export const groupIdentifier = str(1, 2048, IDENTIFIER_RE, '[\\w#+=/:,.@-]*');
export const streamName = str(1, 512, STREAM_RE, LOG_STREAM_PATTERN);
export const token = str(1, 4096);

/** One member's rules. */
export interface MemberRule {
  type: 'string' | 'long' | 'integer' | 'boolean' | 'list';
  required?: boolean;
  check?: Check;
  /** For lists of strings: the check of each item, and the list's length limits. */
  item?: Check;
  maxItems?: number;
}

/**
 * Validates an input object; returns Coral violation texts (member order as declared).
 * Throws SerializationException for a wrongly typed value.
 *
 * @example validateInput({ logGroupName: { type: 'string', required: true, check: groupName } }, { logGroupName: 'a b' })
 */
export function validateInput(rules: Record<string, MemberRule>, input: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    const value = input[name];
    if (value === undefined || value === null) {
      if (rule.required) out.push(violation(null, name, 'Member must not be null'));
      continue;
    }
    const typeErr = typeError(rule.type, value);
    if (typeErr) throw typeErr;
    if (rule.type === 'list') {
      const list = value as unknown[];
      if (rule.maxItems !== undefined && list.length > rule.maxItems) out.push(violation(list, name, `Member must have length less than or equal to ${rule.maxItems}`));
      if (list.length < 1) out.push(violation(list, name, 'Member must have length greater than or equal to 1'));
      list.forEach((item, i) => {
        const err = typeError('string', item);
        if (err) throw err;
        const v = rule.item?.(`${name}.${i + 1}.member`, item);
        if (v) out.push(...v.split('\u0000'));
      });
      continue;
    }
    const v = rule.check?.(name, value);
    if (v) out.push(...v.split('\u0000'));
  }
  return out;
}
