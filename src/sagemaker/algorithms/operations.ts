/**
 * DescribeAlgorithm, ListAlgorithms, DeleteAlgorithm (SAGEMAKER-SEMANTICS §5).
 */
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { listByNameAndTime } from '../registry/paging.js';
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
  const query = store.db.selectFrom('algorithms')
    .select(['id', 'name', 'name_key', 'arn', 'description', 'status', 'creation_time'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  const { page, nextToken } = await listByNameAndTime(query, input);
  return {
    AlgorithmSummaryList: page.map((a) => ({
      AlgorithmName: a.name,
      AlgorithmArn: a.arn,
      AlgorithmDescription: a.description ?? undefined,
      CreationTime: new Date(a.creation_time),
      AlgorithmStatus: a.status as AlgorithmStatus,
    })),
    NextToken: nextToken,
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
