import type { KeysetOrder } from '../../store/keyset.js';
import { decodePageToken, encodePageToken, fingerprint, type PageCursor } from '../../store/page-token.js';

/**
 * Page size when MaxResults is absent. The model documents no default for
 * the registry's list operations; 10 is the SageMaker convention for list
 * calls that do document one (a choice). Paginators and the CLI follow
 * NextToken, so it only shows in single raw calls.
 */
export const DEFAULT_MAX_RESULTS = 10;

/**
 * The keyset position of one list request: what it sorts by, in which order,
 * a fingerprint of its filters, and where the previous page stopped.
 *
 * @example
 *   const paging = startPaging('CreationTime', 'Ascending', { type: 'Versioned' }, input.NextToken);
 *   // ... query with paging.after, limit + 1 rows ...
 *   const next = paging.nextToken(lastRow.creation_time, lastRow.id);
 */
export interface Paging {
  order: KeysetOrder;
  /** Undefined on the first page. */
  after: { value: string | number; id: number } | undefined;
  nextToken(value: string | number, id: number): string;
}

/** Decodes (and checks) the request's NextToken against its sort and filters. */
export function startPaging(
  sortBy: string, order: KeysetOrder, filters: Record<string, unknown>, nextToken: string | undefined,
): Paging {
  const expect: Omit<PageCursor, 'value' | 'id'> = { sortKey: sortBy, order, filters: fingerprint(filters) };
  const cursor = nextToken ? decodePageToken(nextToken, expect) : undefined;
  return {
    order,
    after: cursor ? { value: cursor.value, id: cursor.id } : undefined,
    nextToken: (value, id) => encodePageToken({ ...expect, value, id }),
  };
}

/** Splits `limit + 1` fetched rows into the page and whether another page follows. */
export function takePage<T>(rows: T[], limit: number): { page: T[]; more: boolean } {
  return rows.length > limit ? { page: rows.slice(0, limit), more: true } : { page: rows, more: false };
}
