import { createHash } from 'node:crypto';

/**
 * A stable digest of a request, ClientToken excluded, so a retry with the
 * same token can be told from a reuse of the token with other parameters.
 * Keys are sorted at every depth, absent (undefined) members ignored, Dates
 * hashed by instant.
 *
 * @example
 *   requestHash({ A: 1, B: { y: 2, x: 1 }, ClientToken: 't' }) === requestHash({ B: { x: 1, y: 2 }, A: 1 })
 */
export function requestHash(request: object): string {
  return createHash('sha256').update(canonicalJson(request, true)).digest('hex');
}

function canonicalJson(value: unknown, top = false): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !(top && k === 'ClientToken'))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
