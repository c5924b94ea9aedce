/**
 * DescribeProcessingJob and ListProcessingJobs: the request as stored (defaults filled in), the
 * status, times, FailureReason and ExitMessage. ListProcessingJobs: NameContains
 * (case-insensitive), Creation/LastModified time filters (exclusive), StatusEquals, SortBy Name |
 * CreationTime | Status (default CreationTime), SortOrder (default Ascending, as documented).
 */
import type { RequestContext } from '../../aws/context.js';
import type {
  DescribeProcessingJobRequest, DescribeProcessingJobResponse, ListProcessingJobsRequest, ListProcessingJobsResponse, ProcessingJobStatus,
} from '../../aws/generated/sagemaker/types.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import type { ProcessingDeps } from './deps.js';
import { findJob, parseRequest } from './job-store.js';
import { jobNotFound } from './messages.js';
import type { ProcessingJobRow } from './tables.js';

/** @example const d = await describeProcessingJob(deps, { ProcessingJobName: 'prep' }, ctx); */
export async function describeProcessingJob(deps: ProcessingDeps, input: DescribeProcessingJobRequest, ctx: RequestContext): Promise<DescribeProcessingJobResponse> {
  const row = await findJob(deps.store.db, ctx, input.ProcessingJobName.toLowerCase());
  if (!row) throw jobNotFound(input.ProcessingJobName);
  return describeRow(row);
}

/**
 * The Describe answer for a row (pipelines read step properties from it).
 *
 * @example describeRow(row).ProcessingJobStatus // 'Completed'
 */
export function describeRow(row: ProcessingJobRow): DescribeProcessingJobResponse {
  const req = parseRequest(row);
  return {
    ProcessingInputs: req.ProcessingInputs,
    ProcessingOutputConfig: req.ProcessingOutputConfig,
    ProcessingJobName: row.name,
    ProcessingResources: req.ProcessingResources,
    StoppingCondition: req.StoppingCondition,
    AppSpecification: req.AppSpecification,
    Environment: req.Environment,
    NetworkConfig: req.NetworkConfig,
    RoleArn: req.RoleArn,
    ExperimentConfig: req.ExperimentConfig,
    ProcessingJobArn: row.arn,
    ProcessingJobStatus: row.status as ProcessingJobStatus,
    ExitMessage: row.exit_message ?? undefined,
    FailureReason: row.failure_reason ?? undefined,
    ProcessingEndTime: row.processing_end_time !== null ? new Date(row.processing_end_time) : undefined,
    ProcessingStartTime: row.processing_start_time !== null ? new Date(row.processing_start_time) : undefined,
    LastModifiedTime: new Date(row.last_modified_time),
    CreationTime: new Date(row.creation_time),
  };
}

const COLUMNS = { Name: 'name_key', CreationTime: 'creation_time', Status: 'status' } as const;

/** @example await listProcessingJobs(deps, { StatusEquals: 'Failed', SortBy: 'Name' }, ctx) */
export async function listProcessingJobs(deps: ProcessingDeps, input: ListProcessingJobsRequest, ctx: RequestContext): Promise<ListProcessingJobsResponse> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = COLUMNS[sortBy];
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const f = {
    needle: input.NameContains?.toLowerCase(),
    ca: input.CreationTimeAfter?.getTime(), cb: input.CreationTimeBefore?.getTime(),
    ma: input.LastModifiedTimeAfter?.getTime(), mb: input.LastModifiedTimeBefore?.getTime(),
    status: input.StatusEquals,
  };
  const paging = startPaging(sortBy, input.SortOrder ?? 'Ascending', f, input.NextToken);
  let q = deps.store.db.selectFrom('processing_jobs')
    .select(['id', 'name', 'name_key', 'arn', 'status', 'creation_time', 'last_modified_time', 'processing_end_time', 'failure_reason', 'exit_message'])
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
    ProcessingJobSummaries: page.map((r) => ({
      ProcessingJobName: r.name,
      ProcessingJobArn: r.arn,
      CreationTime: new Date(r.creation_time),
      ProcessingEndTime: r.processing_end_time !== null ? new Date(r.processing_end_time) : undefined,
      LastModifiedTime: new Date(r.last_modified_time),
      ProcessingJobStatus: r.status as ProcessingJobStatus,
      FailureReason: r.failure_reason ?? undefined,
      ExitMessage: r.exit_message ?? undefined,
    })),
    NextToken: more && last ? paging.nextToken(last[column], last.id) : undefined,
  };
}
