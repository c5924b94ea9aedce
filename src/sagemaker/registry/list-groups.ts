import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from './paging.js';
import type { ListModelPackageGroupsInput, ListModelPackageGroupsOutput, ManagedConfiguration, ModelPackageGroupStatus } from './shapes.js';

/**
 * ListModelPackageGroups: NameContains (case-insensitive), CreationTimeAfter /
 * Before (exclusive), SortBy Name | CreationTime (default CreationTime),
 * SortOrder (default Ascending), keyset pages with an opaque NextToken.
 * `CrossAccountFilterOption=CrossAccount` answers an empty list: sagebox has
 * no resource sharing, so nothing is ever shared with the caller.
 */
export async function listGroups(
  store: Store, input: ListModelPackageGroupsInput, ctx: RequestContext,
): Promise<ListModelPackageGroupsOutput> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = sortBy === 'Name' ? 'name_key' : 'creation_time';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const needle = input.NameContains?.toLowerCase();
  const after = input.CreationTimeAfter?.getTime();
  const before = input.CreationTimeBefore?.getTime();
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending',
    { needle, after, before, cross: input.CrossAccountFilterOption === 'CrossAccount' }, input.NextToken);
  if (input.CrossAccountFilterOption === 'CrossAccount') return { ModelPackageGroupSummaryList: [] };

  let q = store.db.selectFrom('model_package_groups')
    .select(['id', 'name', 'name_key', 'arn', 'description', 'status', 'creation_time', 'doc'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  if (needle) q = q.where('name_key', 'like', `%${needle}%`); // NameContains allows only [a-zA-Z0-9-]: no LIKE wildcards to escape
  if (after !== undefined) q = q.where('creation_time', '>', after);
  if (before !== undefined) q = q.where('creation_time', '<', before);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();

  const { page, more } = takePage(rows, limit);
  const last = page[page.length - 1];
  return {
    ModelPackageGroupSummaryList: page.map((g) => ({
      ModelPackageGroupName: g.name,
      ModelPackageGroupArn: g.arn,
      ModelPackageGroupDescription: g.description ?? undefined,
      CreationTime: new Date(g.creation_time),
      ModelPackageGroupStatus: g.status as ModelPackageGroupStatus,
      ManagedConfiguration: (JSON.parse(g.doc) as { ManagedConfiguration?: ManagedConfiguration }).ManagedConfiguration,
    })),
    NextToken: more && last ? paging.nextToken(column === 'name_key' ? last.name_key : last.creation_time, last.id) : undefined,
  };
}
