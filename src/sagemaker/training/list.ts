/**
 * ListTrainingJobs: NameContains (case-insensitive), Creation/LastModified time filters
 * (exclusive), StatusEquals, SortBy Name | CreationTime | Status (default CreationTime),
 * SortOrder (default Ascending, as documented), keyset pages.
 * sagebox has no warm pools or training plans, so WarmPoolStatusEquals and
 * TrainingPlanArnEquals match nothing.
 */
import type { RequestContext } from '../../aws/context.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import type { TrainingDeps } from './deps.js';
import type { ListTrainingJobsRequest, ListTrainingJobsResponse, SecondaryStatus, TrainingJobStatus } from './shapes.js';

const COLUMNS = { Name: 'name_key', CreationTime: 'creation_time', Status: 'status' } as const;

export async function listTrainingJobs(deps: TrainingDeps, input: ListTrainingJobsRequest, ctx: RequestContext): Promise<ListTrainingJobsResponse> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = COLUMNS[sortBy];
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const f = {
    needle: input.NameContains?.toLowerCase(),
    ca: input.CreationTimeAfter?.getTime(), cb: input.CreationTimeBefore?.getTime(),
    ma: input.LastModifiedTimeAfter?.getTime(), mb: input.LastModifiedTimeBefore?.getTime(),
    status: input.StatusEquals, warm: input.WarmPoolStatusEquals, plan: input.TrainingPlanArnEquals,
  };
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending', f, input.NextToken);
  if (f.warm || f.plan) return { TrainingJobSummaries: [] };

  let q = deps.store.db.selectFrom('training_jobs')
    .select(['id', 'name', 'name_key', 'arn', 'status', 'secondary_status', 'creation_time', 'last_modified_time', 'training_end_time'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  if (f.needle) q = q.where('name_key', 'like', `%${f.needle}%`); // the pattern allows only [a-zA-Z0-9-]: no wildcards to escape
  if (f.ca !== undefined) q = q.where('creation_time', '>', f.ca);
  if (f.cb !== undefined) q = q.where('creation_time', '<', f.cb);
  if (f.ma !== undefined) q = q.where('last_modified_time', '>', f.ma);
  if (f.mb !== undefined) q = q.where('last_modified_time', '<', f.mb);
  if (f.status) q = q.where('status', '=', f.status);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();
  const { page, more } = takePage(rows, limit);
  const last = page.at(-1);
  return {
    TrainingJobSummaries: page.map((r) => ({
      TrainingJobName: r.name,
      TrainingJobArn: r.arn,
      CreationTime: new Date(r.creation_time),
      TrainingEndTime: r.training_end_time !== null ? new Date(r.training_end_time) : undefined,
      LastModifiedTime: new Date(r.last_modified_time),
      TrainingJobStatus: r.status as TrainingJobStatus,
      SecondaryStatus: r.secondary_status as SecondaryStatus,
    })),
    NextToken: more && last ? paging.nextToken(last[column], last.id) : undefined,
  };
}
