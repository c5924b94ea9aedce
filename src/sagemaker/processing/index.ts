import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { processingJobKeyFromArn } from './arns.js';
import { createProcessingJob } from './create.js';
import type { ProcessingDeps } from './deps.js';
import { describeProcessingJob, listProcessingJobs } from './describe.js';
import { findJob } from './job-store.js';
import { stopProcessingJob } from './stop.js';

export { PROCESSING_WORK, processingWorkHandler, type ProcessingExecutorDeps } from './executor.js';
export { PROCESSING_LOG_GROUP } from './logs.js';
export { describeRow as describeProcessingJobRow } from './describe.js';
export type { ProcessingDeps } from './deps.js';

/**
 * The processing-job operations, keyed by operation name. Creating them registers
 * `processing-job` ARNs with the tag operations (AddTags / ListTags / DeleteTags).
 *
 * @example
 *   const handlers = createProcessingHandlers({ store, engine, clock: systemClock });
 *   const { ProcessingJobArn } = await handlers.CreateProcessingJob(request, ctx);
 */
export function createProcessingHandlers(deps: ProcessingDeps) {
  registerTaggableResource('processing-job', async (arn, ctx, store) => {
    const key = processingJobKeyFromArn(arn, ctx);
    return key !== undefined && (await findJob(store.db, ctx, key)) !== undefined;
  });
  return {
    CreateProcessingJob: (input: T.CreateProcessingJobRequest, ctx: RequestContext) => createProcessingJob(deps, input, ctx),
    DescribeProcessingJob: (input: T.DescribeProcessingJobRequest, ctx: RequestContext) => describeProcessingJob(deps, input, ctx),
    ListProcessingJobs: (input: T.ListProcessingJobsRequest, ctx: RequestContext) => listProcessingJobs(deps, input, ctx),
    StopProcessingJob: (input: T.StopProcessingJobRequest, ctx: RequestContext) => stopProcessingJob(deps, input, ctx),
  } satisfies Record<string, (input: any, ctx: RequestContext) => Promise<unknown>>;
}
