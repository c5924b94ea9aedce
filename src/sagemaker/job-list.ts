/**
 * The list query every job family shares (ListTrainingJobs, ListProcessingJobs,
 * ListHyperParameterTuningJobs): NameContains (case-insensitive), CreationTime / LastModifiedTime
 * windows (exclusive), StatusEquals, SortBy Name | CreationTime | Status, keyset pages whose
 * NextToken is bound to the sort and the filters. Each family maps the rows to its summaries.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../aws/context.js';
import { keysetAfter, sqlDirection, type KeysetOrder } from '../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from './registry/paging.js';

/** The members the job list requests share. */
export interface JobListInput {
  NameContains?: string;
  CreationTimeAfter?: Date;
  CreationTimeBefore?: Date;
  LastModifiedTimeAfter?: Date;
  LastModifiedTimeBefore?: Date;
  StatusEquals?: string;
  SortBy?: 'Name' | 'CreationTime' | 'Status';
  SortOrder?: KeysetOrder;
  NextToken?: string;
  MaxResults?: number;
}

/** The columns a job table has for the shared filters and sorts. */
export interface JobListRow {
  id: number;
  name_key: string;
  status: string;
  creation_time: number;
  last_modified_time: number;
}

const COLUMNS = { Name: 'name_key', CreationTime: 'creation_time', Status: 'status' } as const;

/**
 * One page of a job table's rows in the caller's account and region.
 *
 * @example
 *   const { page, nextToken } = await listJobRows<ProcessingJobRow>(db, 'processing_jobs', input, ctx, { defaultSortBy: 'CreationTime' });
 *   return { ProcessingJobSummaries: page.map(toSummary), NextToken: nextToken };
 */
export async function listJobRows<R extends JobListRow>(
  db: Kysely<any>, table: string, input: JobListInput, ctx: RequestContext,
  options: { defaultSortBy: 'Name' | 'CreationTime'; /** More filters the family applies itself; part of the NextToken's fingerprint. */ extraFilters?: Record<string, unknown> },
): Promise<{ page: R[]; nextToken: string | undefined }> {
  const sortBy = input.SortBy ?? options.defaultSortBy;
  const column = COLUMNS[sortBy];
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const f = {
    needle: input.NameContains?.toLowerCase(),
    ca: input.CreationTimeAfter?.getTime(), cb: input.CreationTimeBefore?.getTime(),
    ma: input.LastModifiedTimeAfter?.getTime(), mb: input.LastModifiedTimeBefore?.getTime(),
    status: input.StatusEquals, ...options.extraFilters,
  };
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending', f, input.NextToken);
  let q = db.selectFrom(table).selectAll().where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  if (f.needle) q = q.where('name_key', 'like', `%${f.needle}%`); // the name pattern allows only [a-zA-Z0-9-]: no wildcards to escape
  if (f.ca !== undefined) q = q.where('creation_time', '>', f.ca);
  if (f.cb !== undefined) q = q.where('creation_time', '<', f.cb);
  if (f.ma !== undefined) q = q.where('last_modified_time', '>', f.ma);
  if (f.mb !== undefined) q = q.where('last_modified_time', '<', f.mb);
  if (f.status) q = q.where('status', '=', f.status);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = (await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute()) as R[];
  const { page, more } = takePage(rows, limit);
  const last = page.at(-1);
  return { page, nextToken: more && last ? paging.nextToken(last[column], last.id) : undefined };
}
