/**
 * ListMlflowTrackingServers / ListMlflowApps: filters (created after / before, exclusive;
 * status; MLflow version), sorted by Name, CreationTime (default) or Status, Descending by
 * default, in keyset pages with an opaque NextToken (MaxResults default 10).
 */
import type { RequestContext } from '../aws/context.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../sagemaker/registry/paging.js';
import { keysetAfter, sqlDirection, type KeysetOrder } from '../store/keyset.js';
import type { MlflowDeps } from './deps.js';
import { parseDoc, settleAll, type ResourceKind } from './resources.js';
import type { MlflowResourceRow } from './tables.js';

export interface ResourceListQuery {
  createdAfter?: Date | undefined;
  createdBefore?: Date | undefined;
  status?: string | undefined;
  mlflowVersion?: string | undefined;
  sortBy?: 'Name' | 'CreationTime' | 'Status' | undefined;
  sortOrder?: KeysetOrder | undefined;
  maxResults?: number | undefined;
  nextToken?: string | undefined;
  /** Apps: AccountDefaultStatus / DefaultForDomainId filters. */
  accountDefaultStatus?: string | undefined;
  defaultForDomainId?: string | undefined;
}

/**
 * @example const { rows, nextToken } = await listResources(deps, ctx, 'server', { sortBy: 'Name' });
 */
export async function listResources(
  deps: MlflowDeps, ctx: RequestContext, kind: ResourceKind, query: ResourceListQuery,
): Promise<{ rows: MlflowResourceRow[]; nextToken: string | undefined }> {
  const db = deps.store.db;
  await settleAll(db, ctx, kind, deps.clock.now());
  const sortBy = query.sortBy ?? 'CreationTime';
  const column = sortBy === 'Name' ? 'name_key' : sortBy === 'Status' ? 'status' : 'creation_time';
  const after = query.createdAfter?.getTime();
  const before = query.createdBefore?.getTime();
  const filters = { kind, after, before, status: query.status, version: query.mlflowVersion, ads: query.accountDefaultStatus, domain: query.defaultForDomainId };
  const paging = startPaging(sortBy, query.sortOrder ?? 'Descending', filters, query.nextToken);
  const limit = query.maxResults ?? DEFAULT_MAX_RESULTS;
  const docFiltered = query.mlflowVersion !== undefined || query.accountDefaultStatus !== undefined || query.defaultForDomainId !== undefined;

  let q = db.selectFrom('mlflow_resources').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', kind).where('status', '!=', 'Deleted');
  if (after !== undefined) q = q.where('creation_time', '>', after);
  if (before !== undefined) q = q.where('creation_time', '<', before);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  q = q.orderBy(column, dir).orderBy('id', dir);
  // Filters on the JSON doc are applied after the query; fetch all then (a handful of rows per account).
  const fetched = await (docFiltered ? q : q.limit(limit + 1)).execute();
  const rows = docFiltered ? fetched.filter((r) => {
    const doc = parseDoc(r);
    return (query.mlflowVersion === undefined || doc.MlflowVersion === query.mlflowVersion)
      && (query.accountDefaultStatus === undefined || doc.AccountDefaultStatus === query.accountDefaultStatus)
      && (query.defaultForDomainId === undefined || (doc.DefaultDomainIdList ?? []).includes(query.defaultForDomainId));
  }) : fetched;
  const { page, more } = takePage(rows, limit);
  const last = page.at(-1);
  const value = (r: MlflowResourceRow): string | number => (column === 'name_key' ? r.name_key : column === 'status' ? r.status : r.creation_time);
  return { rows: page, nextToken: more && last ? paging.nextToken(value(last), last.id) : undefined };
}
