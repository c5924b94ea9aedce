/**
 * CloudWatch Logs filter patterns for unstructured events: terms that must all appear
 * (`ERROR Exception`), quoted phrases (`"loss ="`), terms that must not (`-DEBUG`), and
 * any-of terms (`?ERROR ?WARN`). Matching is case-sensitive, as in CloudWatch. JSON and
 * space-delimited patterns (`{ $.x = 1 }`, `[a, b]`) are refused with a clear error.
 */
import { ServiceError } from '../aws/service-error.js';

/**
 * @example matcher('"epoch 2" -DEBUG')('INFO epoch 2 loss=0.1') // true
 */
export function matcher(pattern: string): (message: string) => boolean {
  const text = pattern.trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('%')) {
    throw new ServiceError('InvalidParameterException', 'sagebox supports term filter patterns only (terms, "quoted phrases", -excluded, ?any); JSON, space-delimited and regex patterns are not supported.');
  }
  const terms = [...text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ op: m[1], term: m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]! }));
  const all = terms.filter((t) => t.op === '').map((t) => t.term);
  const none = terms.filter((t) => t.op === '-').map((t) => t.term);
  const any = terms.filter((t) => t.op === '?').map((t) => t.term);
  return (message) =>
    all.every((t) => message.includes(t)) && !none.some((t) => message.includes(t)) && (any.length === 0 || any.some((t) => message.includes(t)));
}
