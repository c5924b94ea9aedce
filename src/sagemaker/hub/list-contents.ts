import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { keysetAfter, sqlDirection, type KeysetOrder } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage, type Paging } from '../registry/paging.js';
import { contentInfo, hubTarget, INFO_COLUMNS, type HubTarget, type InfoRow } from './content-rows.js';
import { publicContentRows } from './public-hub.js';
import type {
  HubContentSortBy, ListHubContentVersionsRequest, ListHubContentVersionsResponse, ListHubContentsRequest,
  ListHubContentsResponse,
} from './shapes.js';
import { versionKey } from './versions.js';

type SortColumn = 'name_key' | 'version_key' | 'creation_time' | 'status';

/** The filters both list operations share (undefined = not given). */
interface Filters {
  hub: string;
  type: string;
  /** ListHubContentVersions: the one content listed. */
  nameKey?: string;
  needle?: string;
  maxSchemaKey?: string;
  minVersionKey?: string;
  after?: number;
  before?: number;
}

/**
 * ListHubContents: the **latest version of each content** of one type in a
 * hub (private or public). MaxSchemaVersion first narrows the versions
 * considered (so a content whose newest version has a newer schema shows its
 * newest version the caller can read), then NameContains (case-insensitive)
 * and CreationTimeBefore / After (exclusive, on that version) filter.
 * SortBy HubContentName | CreationTime | HubContentStatus (default
 * CreationTime), SortOrder (default Ascending), MaxResults (default 10),
 * keyset pages with an opaque NextToken. Unknown hub: ResourceNotFound.
 */
export async function listHubContents(
  store: Store, input: ListHubContentsRequest, ctx: RequestContext,
): Promise<ListHubContentsResponse> {
  const filters: Filters = {
    hub: input.HubName.toLowerCase(),
    type: input.HubContentType,
    needle: input.NameContains?.toLowerCase(),
    maxSchemaKey: input.MaxSchemaVersion === undefined ? undefined : versionKey(input.MaxSchemaVersion, 'maxSchemaVersion'),
    after: input.CreationTimeAfter?.getTime(),
    before: input.CreationTimeBefore?.getTime(),
  };
  const sortBy = input.SortBy ?? 'CreationTime';
  const column: SortColumn = sortBy === 'HubContentName' ? 'name_key' : sortColumn(sortBy);
  const result = await list(store, ctx, input.HubName, filters, sortBy, column, input.SortOrder ?? 'Ascending',
    input.MaxResults, input.NextToken, true);
  return { HubContentSummaries: result.summaries, NextToken: result.nextToken };
}

/**
 * ListHubContentVersions: every version of one content. MinVersion
 * (inclusive, numeric) and MaxSchemaVersion (inclusive) narrow;
 * CreationTimeBefore / After (exclusive) filter. SortBy HubContentName sorts
 * by version number (all rows share the name), CreationTime (the default) by
 * import time, HubContentStatus by status. Unknown hub: ResourceNotFound; a
 * content with no versions gives an empty list.
 */
export async function listHubContentVersions(
  store: Store, input: ListHubContentVersionsRequest, ctx: RequestContext,
): Promise<ListHubContentVersionsResponse> {
  const filters: Filters = {
    hub: input.HubName.toLowerCase(),
    type: input.HubContentType,
    nameKey: input.HubContentName.toLowerCase(),
    maxSchemaKey: input.MaxSchemaVersion === undefined ? undefined : versionKey(input.MaxSchemaVersion, 'maxSchemaVersion'),
    minVersionKey: input.MinVersion === undefined ? undefined : versionKey(input.MinVersion, 'minVersion'),
    after: input.CreationTimeAfter?.getTime(),
    before: input.CreationTimeBefore?.getTime(),
  };
  const sortBy = input.SortBy ?? 'CreationTime';
  const column: SortColumn = sortBy === 'HubContentName' ? 'version_key' : sortColumn(sortBy);
  const result = await list(store, ctx, input.HubName, filters, sortBy, column, input.SortOrder ?? 'Ascending',
    input.MaxResults, input.NextToken, false);
  return { HubContentSummaries: result.summaries, NextToken: result.nextToken };
}

function sortColumn(sortBy: Exclude<HubContentSortBy, 'HubContentName'>): SortColumn {
  return sortBy === 'CreationTime' ? 'creation_time' : 'status';
}

async function list(
  store: Store, ctx: RequestContext, hubName: string, filters: Filters, sortBy: string, column: SortColumn,
  order: KeysetOrder, maxResults: number | undefined, nextToken: string | undefined, latestOnly: boolean,
) {
  const limit = maxResults ?? DEFAULT_MAX_RESULTS;
  const paging = startPaging(`${latestOnly ? 'contents' : 'versions'}:${sortBy}`, order, { ...filters }, nextToken);
  const hub = await hubTarget(store.db, ctx, hubName);
  const rows = hub.kind === 'public'
    ? publicPage(ctx, filters, column, paging, limit, latestOnly)
    : await storePage(store, hub, filters, column, paging, limit, latestOnly);
  const { page, more } = takePage(rows, limit);
  const last = page[page.length - 1];
  return {
    summaries: page.map(contentInfo),
    nextToken: more && last ? paging.nextToken(last[column], last.id) : undefined,
  };
}

async function storePage(
  store: Store, hub: Extract<HubTarget, { kind: 'private' }>, f: Filters, column: SortColumn, paging: Paging,
  limit: number, latestOnly: boolean,
): Promise<InfoRow[]> {
  let q = store.db.selectFrom('hub_contents as hc').select(INFO_COLUMNS)
    .where('hc.hub_id', '=', hub.row.id).where('hc.content_type', '=', f.type);
  if (f.nameKey !== undefined) q = q.where('hc.name_key', '=', f.nameKey);
  if (f.maxSchemaKey !== undefined) q = q.where('hc.schema_key', '<=', f.maxSchemaKey);
  if (f.minVersionKey !== undefined) q = q.where('hc.version_key', '>=', f.minVersionKey);
  if (latestOnly) {
    // The latest version of each name: no newer version (among those the schema filter admits).
    q = q.where((eb) => eb.not(eb.exists(() => {
      let newer = eb.selectFrom('hub_contents as newer').select('newer.id')
        .whereRef('newer.hub_id', '=', 'hc.hub_id').whereRef('newer.content_type', '=', 'hc.content_type')
        .whereRef('newer.name_key', '=', 'hc.name_key').whereRef('newer.version_key', '>', 'hc.version_key');
      if (f.maxSchemaKey !== undefined) newer = newer.where('newer.schema_key', '<=', f.maxSchemaKey);
      return newer;
    })));
  }
  if (f.needle) q = q.where('hc.name_key', 'like', `%${f.needle}%`); // NameContains allows only [a-zA-Z0-9-]
  if (f.after !== undefined) q = q.where('hc.creation_time', '>', f.after);
  if (f.before !== undefined) q = q.where('hc.creation_time', '<', f.before);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, `hc.${column}`, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  return q.orderBy(`hc.${column}`, dir).orderBy('hc.id', dir).limit(limit + 1).execute();
}

/** The same query over the public catalogue, in memory (it is small). */
function publicPage(
  ctx: RequestContext, f: Filters, column: SortColumn, paging: Paging, limit: number, latestOnly: boolean,
): InfoRow[] {
  let rows = publicContentRows(ctx.region, f.type, f.nameKey)
    .filter((r) => f.maxSchemaKey === undefined || r.schema_key <= f.maxSchemaKey)
    .filter((r) => f.minVersionKey === undefined || r.version_key >= f.minVersionKey);
  if (latestOnly) {
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      const seen = latest.get(r.name_key);
      if (!seen || r.version_key > seen.version_key) latest.set(r.name_key, r);
    }
    rows = [...latest.values()];
  }
  rows = rows.filter((r) =>
    (!f.needle || r.name_key.includes(f.needle)) &&
    (f.after === undefined || r.creation_time > f.after) &&
    (f.before === undefined || r.creation_time < f.before));
  const sign = paging.order === 'Ascending' ? 1 : -1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort((a, b) => sign * (cmp(a[column], b[column]) || cmp(a.id, b.id)));
  const cursor = paging.after;
  if (cursor) rows = rows.filter((r) => sign * (cmp(r[column], cursor.value) || cmp(r.id, cursor.id)) > 0);
  return rows.slice(0, limit + 1);
}
