import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import { hubInfo } from './hubs.js';
import type { HubSortBy, ListHubsRequest, ListHubsResponse } from './shapes.js';

const SORT_COLUMNS: Record<HubSortBy, 'name_key' | 'creation_time' | 'status' | 'account_id'> = {
  HubName: 'name_key',
  CreationTime: 'creation_time',
  HubStatus: 'status',
  // Every listed hub is the caller's own, so this sorts by creation (the id tie-break).
  AccountIdOwner: 'account_id',
};

/**
 * ListHubs: the caller's private hubs. NameContains (case-insensitive),
 * CreationTime / LastModifiedTime Before / After (exclusive), SortBy HubName |
 * CreationTime | HubStatus | AccountIdOwner (default CreationTime), SortOrder
 * (default Ascending), MaxResults (default 10), keyset pages with an opaque
 * NextToken. The public hub is not listed (it is not the caller's; DescribeHub
 * and ListHubContents serve it by name).
 */
export async function listHubs(store: Store, input: ListHubsRequest, ctx: RequestContext): Promise<ListHubsResponse> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = SORT_COLUMNS[sortBy];
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const needle = input.NameContains?.toLowerCase();
  const filters = {
    needle,
    createdAfter: input.CreationTimeAfter?.getTime(),
    createdBefore: input.CreationTimeBefore?.getTime(),
    modifiedAfter: input.LastModifiedTimeAfter?.getTime(),
    modifiedBefore: input.LastModifiedTimeBefore?.getTime(),
  };
  const paging = startPaging(`hubs:${sortBy}`, input.SortOrder ?? 'Ascending', filters, input.NextToken);

  let q = store.db.selectFrom('hubs').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  if (needle) q = q.where('name_key', 'like', `%${needle}%`); // NameContains allows only [a-zA-Z0-9-]: no LIKE wildcards
  if (filters.createdAfter !== undefined) q = q.where('creation_time', '>', filters.createdAfter);
  if (filters.createdBefore !== undefined) q = q.where('creation_time', '<', filters.createdBefore);
  if (filters.modifiedAfter !== undefined) q = q.where('last_modified_time', '>', filters.modifiedAfter);
  if (filters.modifiedBefore !== undefined) q = q.where('last_modified_time', '<', filters.modifiedBefore);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();

  const { page, more } = takePage(rows, limit);
  const last = page[page.length - 1];
  return {
    HubSummaries: page.map(hubInfo),
    NextToken: more && last ? paging.nextToken(last[column], last.id) : undefined,
  };
}
