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
import { listJobRows } from '../job-list.js';
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

/** @example await listProcessingJobs(deps, { StatusEquals: 'Failed', SortBy: 'Name' }, ctx) */
export async function listProcessingJobs(deps: ProcessingDeps, input: ListProcessingJobsRequest, ctx: RequestContext): Promise<ListProcessingJobsResponse> {
  const { page, nextToken } = await listJobRows<ProcessingJobRow>(deps.store.db, 'processing_jobs', input, ctx, { defaultSortBy: 'CreationTime' });
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
    NextToken: nextToken,
  };
}
