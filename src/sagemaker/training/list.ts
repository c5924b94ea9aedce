/**
 * ListTrainingJobs: NameContains (case-insensitive), Creation/LastModified time filters
 * (exclusive), StatusEquals, SortBy Name | CreationTime | Status (default CreationTime),
 * SortOrder (default Ascending, as documented), keyset pages.
 * sagebox has no warm pools or training plans, so WarmPoolStatusEquals and
 * TrainingPlanArnEquals match nothing.
 */
import type { RequestContext } from '../../aws/context.js';
import { listJobRows } from '../job-list.js';
import type { JobRow } from './job-store.js';
import type { TrainingDeps } from './deps.js';
import type { ListTrainingJobsRequest, ListTrainingJobsResponse, SecondaryStatus, TrainingJobStatus } from './shapes.js';

export async function listTrainingJobs(deps: TrainingDeps, input: ListTrainingJobsRequest, ctx: RequestContext): Promise<ListTrainingJobsResponse> {
  if (input.WarmPoolStatusEquals || input.TrainingPlanArnEquals) return { TrainingJobSummaries: [] };
  const { page, nextToken } = await listJobRows<JobRow>(deps.store.db, 'training_jobs', input, ctx, { defaultSortBy: 'CreationTime' });
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
    NextToken: nextToken,
  };
}
