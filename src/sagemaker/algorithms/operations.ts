/**
 * DescribeAlgorithm, ListAlgorithms, DeleteAlgorithm (SAGEMAKER-SEMANTICS §5).
 */
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import { deleteAllTags } from '../tags/tag-store.js';
import { cannotDeleteWhileValidating } from './messages.js';
import { parseDoc, parseValidation, requireAlgorithm, statusDetails } from './rows.js';
import type {
  AlgorithmStatus, DeleteAlgorithmInput, DescribeAlgorithmInput, DescribeAlgorithmOutput, ListAlgorithmsInput, ListAlgorithmsOutput,
} from './shapes.js';

/** DescribeAlgorithm, by name or ARN (case-insensitive). */
export async function describeAlgorithm(store: Store, input: DescribeAlgorithmInput, ctx: RequestContext): Promise<DescribeAlgorithmOutput> {
  const row = await requireAlgorithm(store.db, ctx, input.AlgorithmName);
  const doc = parseDoc(row);
  return {
    AlgorithmName: row.name,
    AlgorithmArn: row.arn,
    AlgorithmDescription: row.description ?? undefined,
    CreationTime: new Date(row.creation_time),
    TrainingSpecification: doc.TrainingSpecification,
    InferenceSpecification: doc.InferenceSpecification,
    ValidationSpecification: doc.ValidationSpecification,
    AlgorithmStatus: row.status as AlgorithmStatus,
    AlgorithmStatusDetails: statusDetails(parseValidation(row)),
    CertifyForMarketplace: doc.CertifyForMarketplace,
  };
}

/**
 * ListAlgorithms: NameContains (case-insensitive), CreationTimeAfter / Before (exclusive),
 * SortBy Name | CreationTime (default CreationTime), SortOrder (default Ascending), keyset
 * pages with an opaque NextToken; MaxResults defaults to 10, as on the registry's lists.
 */
export async function listAlgorithms(store: Store, input: ListAlgorithmsInput, ctx: RequestContext): Promise<ListAlgorithmsOutput> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = sortBy === 'Name' ? 'name_key' : 'creation_time';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const needle = input.NameContains?.toLowerCase();
  const after = input.CreationTimeAfter?.getTime();
  const before = input.CreationTimeBefore?.getTime();
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending', { needle, after, before }, input.NextToken);

  let q = store.db.selectFrom('algorithms')
    .select(['id', 'name', 'name_key', 'arn', 'description', 'status', 'creation_time'])
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
    AlgorithmSummaryList: page.map((a) => ({
      AlgorithmName: a.name,
      AlgorithmArn: a.arn,
      AlgorithmDescription: a.description ?? undefined,
      CreationTime: new Date(a.creation_time),
      AlgorithmStatus: a.status as AlgorithmStatus,
    })),
    NextToken: more && last ? paging.nextToken(column === 'name_key' ? last.name_key : last.creation_time, last.id) : undefined,
  };
}

/**
 * DeleteAlgorithm. Synchronous: the algorithm and its tags are gone when it returns. Refused
 * with ConflictException (the operation's modeled error) while validation runs (Pending,
 * InProgress). Training jobs that used the algorithm, validation jobs included, are kept.
 */
export async function deleteAlgorithm(store: Store, input: DeleteAlgorithmInput, ctx: RequestContext): Promise<Record<string, never>> {
  await store.db.transaction().execute(async (trx) => {
    const row = await requireAlgorithm(trx, ctx, input.AlgorithmName);
    if (row.status === 'Pending' || row.status === 'InProgress') {
      const jobs = parseValidation(row).profiles.filter((p) => p.status === 'InProgress' && p.jobName).map((p) => p.jobName!);
      throw cannotDeleteWhileValidating(row.name, row.status, jobs);
    }
    await trx.deleteFrom('algorithms').where('id', '=', row.id).execute();
    await deleteAllTags(trx, ctx, row.arn);
  });
  return {};
}
