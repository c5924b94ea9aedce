import type { SelectQueryBuilder } from 'kysely';
import { keysetAfter, sqlDirection, type KeysetOrder } from '../../store/keyset.js';
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

/** What a list filtered by name and creation time takes (ListModelPackageGroups, ListAlgorithms). */
export interface NameTimeListInput {
  NameContains?: string;
  CreationTimeAfter?: Date;
  CreationTimeBefore?: Date;
  SortBy?: 'Name' | 'CreationTime';
  SortOrder?: KeysetOrder;
  MaxResults?: number;
  NextToken?: string;
}

/** The columns such a list needs on its rows. */
export interface NameTimeRow {
  id: number;
  name_key: string;
  creation_time: number;
}

/**
 * One page of a list filtered by NameContains (case-insensitive) and CreationTimeAfter /
 * Before (exclusive), sorted by Name or CreationTime (default CreationTime, Ascending), with
 * keyset pages and an opaque NextToken. `query` selects the family's table, already narrowed
 * to the caller's account and region.
 *
 * @example
 *   const q = store.db.selectFrom('algorithms').select([...]).where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
 *   const { page, nextToken } = await listByNameAndTime(q, input);
 */
export async function listByNameAndTime<R extends NameTimeRow>(
  // Any table with the NameTimeRow columns: Kysely cannot type column names over a generic table.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query: SelectQueryBuilder<any, any, R>,
  input: NameTimeListInput,
  extraFilters: Record<string, unknown> = {},
): Promise<{ page: R[]; nextToken: string | undefined }> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = sortBy === 'Name' ? 'name_key' : 'creation_time';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const needle = input.NameContains?.toLowerCase();
  const after = input.CreationTimeAfter?.getTime();
  const before = input.CreationTimeBefore?.getTime();
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending', { needle, after, before, ...extraFilters }, input.NextToken);

  let q = query;
  if (needle) q = q.where('name_key', 'like', `%${needle}%`); // NameContains allows only [a-zA-Z0-9-]: no LIKE wildcards to escape
  if (after !== undefined) q = q.where('creation_time', '>', after);
  if (before !== undefined) q = q.where('creation_time', '<', before);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = (await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute()) as R[];

  const { page, more } = takePage(rows, limit);
  const last = page[page.length - 1];
  return { page, nextToken: more && last ? paging.nextToken(column === 'name_key' ? last.name_key : last.creation_time, last.id) : undefined };
}
