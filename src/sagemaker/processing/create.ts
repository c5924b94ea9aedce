/**
 * CreateProcessingJob: checks (validate-create.ts), defaults as DescribeProcessingJob echoes
 * them, then the job row, its tags and its work item in one transaction, so a job that was
 * acknowledged is never lost and always runs.
 */
import type { RequestContext } from '../../aws/context.js';
import type { CreateProcessingJobRequest, CreateProcessingJobResponse } from '../../aws/generated/sagemaker/types.js';
import { enqueueWork } from '../../engine/work-store.js';
import { isUniqueViolation } from '../../store/errors.js';
import { putTags } from '../tags/tag-store.js';
import { processingJobArn } from './arns.js';
import type { ProcessingDeps } from './deps.js';
import { PROCESSING_WORK } from './executor.js';
import { findJob, type ProcessingJobState } from './job-store.js';
import { jobAlreadyExists } from './messages.js';
import { checkCreateRequest } from './validate-create.js';

/**
 * The request as Describe echoes it: the members' documented defaults filled in, Tags kept apart.
 *
 * @example withDefaults(req).ProcessingInputs[0].S3Input.S3InputMode // 'File'
 */
export function withDefaults(input: CreateProcessingJobRequest): CreateProcessingJobRequest {
  const { Tags: _tags, ...req } = structuredClone(input);
  if (req.ProcessingInputs) {
    req.ProcessingInputs = req.ProcessingInputs.map((p) => ({
      ...p,
      AppManaged: p.AppManaged ?? false,
      ...(p.S3Input ? {
        S3Input: {
          ...p.S3Input,
          S3InputMode: p.S3Input.S3InputMode ?? 'File',
          S3DataDistributionType: p.S3Input.S3DataDistributionType ?? 'FullyReplicated',
          S3CompressionType: p.S3Input.S3CompressionType ?? 'None',
        },
      } : {}),
    }));
  }
  if (req.ProcessingOutputConfig) {
    req.ProcessingOutputConfig = {
      ...req.ProcessingOutputConfig,
      Outputs: req.ProcessingOutputConfig.Outputs.map((o) => ({ ...o, AppManaged: o.AppManaged ?? false })),
    };
  }
  return req;
}

/**
 * @example const { ProcessingJobArn } = await createProcessingJob(deps, request, ctx);
 */
export async function createProcessingJob(deps: ProcessingDeps, input: CreateProcessingJobRequest, ctx: RequestContext): Promise<CreateProcessingJobResponse> {
  checkCreateRequest(input);
  const name = input.ProcessingJobName;
  const arn = processingJobArn(ctx, name);
  const req = withDefaults(input);
  const now = deps.clock.now();
  const state: ProcessingJobState = { attempt: 0, logStreams: [] };
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      const existing = await findJob(trx, ctx, name.toLowerCase());
      if (existing) throw jobAlreadyExists(existing.arn);
      const row = await trx.insertInto('processing_jobs').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn, status: 'InProgress',
        creation_time: now, last_modified_time: now, processing_start_time: null, processing_end_time: null,
        failure_reason: null, exit_message: null, request: JSON.stringify(req), state: JSON.stringify(state),
      }).returning('id').executeTakeFirstOrThrow();
      await putTags(trx, ctx, arn, input.Tags ?? []);
      await enqueueWork(trx, { kind: PROCESSING_WORK, resourceKey: String(row.id), payload: { jobId: Number(row.id) } }, now);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw jobAlreadyExists(arn);
    throw error;
  }
  deps.engine.notify();
  return { ProcessingJobArn: arn };
}
