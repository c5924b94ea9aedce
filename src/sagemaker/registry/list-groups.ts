import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { sql } from 'kysely';
import { listByNameAndTime } from './paging.js';
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
  let query = store.db.selectFrom('model_package_groups')
    .select(['id', 'name', 'name_key', 'arn', 'description', 'status', 'creation_time', 'doc'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  const cross = input.CrossAccountFilterOption === 'CrossAccount';
  if (cross) query = query.where(sql<boolean>`1 = 0`); // nothing is ever shared with the caller
  const { page, nextToken } = await listByNameAndTime(query, input, { cross }); // checks the NextToken either way
  if (cross) return { ModelPackageGroupSummaryList: [] };
  return {
    ModelPackageGroupSummaryList: page.map((g) => ({
      ModelPackageGroupName: g.name,
      ModelPackageGroupArn: g.arn,
      ModelPackageGroupDescription: g.description ?? undefined,
      CreationTime: new Date(g.creation_time),
      ModelPackageGroupStatus: g.status as ModelPackageGroupStatus,
      ManagedConfiguration: (JSON.parse(g.doc) as { ManagedConfiguration?: ManagedConfiguration }).ManagedConfiguration,
    })),
    NextToken: nextToken,
  };
}
