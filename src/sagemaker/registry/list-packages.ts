import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { groupNameKey } from './arns.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from './paging.js';
import { listSummary, SUMMARY_COLUMNS } from './rows.js';
import type { ListModelPackagesInput, ListModelPackagesOutput, ModelPackageType } from './shapes.js';

/**
 * ListModelPackages.
 *
 * Filters: CreationTimeAfter / Before (exclusive), NameContains
 * (case-insensitive), ModelApprovalStatus, ModelPackageGroupName (name or
 * ARN; an unknown group lists nothing), ModelPackageType. The model says the
 * type defaults to Unversioned; when a group filter is given without a type
 * the default is Versioned instead (§4.6 / O13: a group holds only versions,
 * and that is how Terraform and the SDKs list a group's versions).
 *
 * Sort: SortBy Name | CreationTime (default CreationTime), SortOrder default
 * Ascending, ties broken by creation order. Pages are keyset pages with an
 * opaque NextToken; every filter/sort combination pages on an index.
 */
export async function listPackages(
  store: Store, input: ListModelPackagesInput, ctx: RequestContext,
): Promise<ListModelPackagesOutput> {
  const groupKey = input.ModelPackageGroupName === undefined ? undefined : groupNameKey(input.ModelPackageGroupName, ctx);
  const type: ModelPackageType = input.ModelPackageType ?? (input.ModelPackageGroupName ? 'Versioned' : 'Unversioned');
  const sortBy = input.SortBy ?? 'CreationTime';
  // Within one group every version has the same name, so "by name" is by
  // creation (id) order; sorting on `id` lets the (group_key, id) index serve it.
  const column = sortBy === 'Name' ? (input.ModelPackageGroupName ? 'id' : 'sort_name') : 'creation_time';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const needle = input.NameContains?.toLowerCase();
  const after = input.CreationTimeAfter?.getTime();
  const before = input.CreationTimeBefore?.getTime();
  const approval = input.ModelApprovalStatus;
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending',
    { group: input.ModelPackageGroupName?.toLowerCase(), type, needle, after, before, approval }, input.NextToken);

  // A group filter that cannot match (an ARN of another account, or
  // Unversioned packages of a group) lists nothing.
  if (input.ModelPackageGroupName !== undefined && (groupKey === undefined || type === 'Unversioned')) {
    return { ModelPackageSummaryList: [] };
  }

  let q = store.db.selectFrom('model_packages').select(SUMMARY_COLUMNS)
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  if (groupKey !== undefined) q = q.where('group_key', '=', groupKey);
  else if (type !== 'Both') q = q.where('package_type', '=', type);
  if (needle) q = q.where('sort_name', 'like', `%${needle}%`); // NameContains allows only [a-zA-Z0-9-]: nothing to escape
  if (approval) q = q.where('approval_status', '=', approval);
  if (after !== undefined) q = q.where('creation_time', '>', after);
  if (before !== undefined) q = q.where('creation_time', '<', before);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  q = column === 'id' ? q.orderBy('id', dir) : q.orderBy(column, dir).orderBy('id', dir);
  const rows = await q.limit(limit + 1).execute();

  const { page, more } = takePage(rows, limit);
  const last = page[page.length - 1];
  const lastValue = last && (column === 'id' ? last.id : column === 'sort_name' ? last.sort_name : last.creation_time);
  return {
    ModelPackageSummaryList: page.map(listSummary),
    NextToken: more && last && lastValue !== undefined ? paging.nextToken(lastValue, last.id) : undefined,
  };
}
