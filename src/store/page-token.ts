import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { validation, type ServiceError } from '../aws/service-error.js';

/**
 * Where the previous page stopped: the last row's sort value and id (keyset
 * pagination on `(sort key, id)`), plus what the page was sorted by and a
 * fingerprint of the request's filters, so a token is only accepted by the
 * query that issued it.
 *
 * @example
 *   const token = encodePageToken({ sortKey: 'CreationTime', order: 'Ascending', filters: 'f1', value: 1700000000000, id: 42 });
 *   const cursor = decodePageToken(token, { sortKey: 'CreationTime', order: 'Ascending', filters: 'f1' });
 */
export interface PageCursor {
  sortKey: string;
  order: string;
  /** From `fingerprint(...)` of the filters in force. */
  filters: string;
  value: string | number;
  id: number;
}

// The MAC makes the token opaque and tamper-evident, not secret: the key is
// fixed so tokens survive a restart. A changed byte fails the check and is
// answered as an invalid token rather than silently paging from elsewhere.
const MAC_KEY = 'sagebox/page-token/v1';

/** Encodes a cursor as `base64url(json).base64url(mac)`. */
export function encodePageToken(cursor: PageCursor): string {
  const body = Buffer.from(
    JSON.stringify({ k: cursor.sortKey, o: cursor.order, f: cursor.filters, v: cursor.value, i: cursor.id }),
  ).toString('base64url');
  return `${body}.${mac(body)}`;
}

/**
 * Decodes a token issued by `encodePageToken` for the same sort and filters;
 * anything else is a ValidationException.
 */
export function decodePageToken(token: string, expect: Omit<PageCursor, 'value' | 'id'>): PageCursor {
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) throw invalidToken();
  const want = Buffer.from(mac(body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw invalidToken();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  const p = parsed as { k?: unknown; o?: unknown; f?: unknown; v?: unknown; i?: unknown };
  const valueOk = typeof p.v === 'string' || (typeof p.v === 'number' && Number.isFinite(p.v));
  if (
    p.k !== expect.sortKey || p.o !== expect.order || p.f !== expect.filters ||
    !valueOk || typeof p.i !== 'number' || !Number.isInteger(p.i)
  ) {
    throw invalidToken();
  }
  return { ...expect, value: p.v as string | number, id: p.i };
}

/** A short, stable digest of a request's filters (canonical JSON). */
export function fingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(filters, Object.keys(filters).sort());
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

function mac(body: string): string {
  return createHmac('sha256', MAC_KEY).update(body).digest('base64url').slice(0, 22);
}

function invalidToken(): ServiceError {
  return validation('Invalid pagination token: the NextToken is malformed or was issued for a different request.');
}
