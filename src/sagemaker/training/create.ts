/**
 * CreateTrainingJob: checks (validate-create.ts), defaults as DescribeTrainingJob echoes them
 * (SAGEMAKER-SEMANTICS §2.2), then the job row, its tags and its work item in one transaction,
 * so a job that was acknowledged is never lost and always runs.
 */
import type { RequestContext } from '../../aws/context.js';
import { enqueueWork } from '../../engine/work-store.js';
import { isUniqueViolation } from '../../store/errors.js';
import { putTags } from '../tags/tag-store.js';
import { trainingJobArn } from './arns.js';
import { TRAINING_WORK } from './executor.js';
import { findJob, type StoredTransition, type TrainingJobState } from './job-store.js';
import { jobAlreadyExists } from './messages.js';
import { trainingObservers } from './observer.js';
import type { ServerlessPlan } from '../serverless/plan.js';
import type { TrainingDeps } from './deps.js';
import type { CreateTrainingJobRequest, CreateTrainingJobResponse } from './shapes.js';
import { checkCreateRequest } from './validate-create.js';

/** The request as Describe echoes it: documented defaults filled in, Tags kept apart. */
export function withDefaults(input: CreateTrainingJobRequest): CreateTrainingJobRequest {
  const { Tags: _tags, ...req } = structuredClone(input);
  req.EnableNetworkIsolation ??= false;
  req.EnableInterContainerTrafficEncryption ??= false;
  req.EnableManagedSpotTraining ??= false;
  req.StoppingCondition = { ...req.StoppingCondition, MaxRuntimeInSeconds: req.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400 };
  req.OutputDataConfig = {
    ...req.OutputDataConfig,
    KmsKeyId: req.OutputDataConfig.KmsKeyId ?? '',
    ...(req.ServerlessJobConfig && !req.OutputDataConfig.CompressionType ? { CompressionType: 'NONE' as const } : {}),
  };
  if (req.InputDataConfig) {
    req.InputDataConfig = req.InputDataConfig.map((c) => ({ ...c, CompressionType: c.CompressionType ?? 'None', RecordWrapperType: c.RecordWrapperType ?? 'None' }));
  }
  if (req.CheckpointConfig) req.CheckpointConfig = { ...req.CheckpointConfig, LocalPath: req.CheckpointConfig.LocalPath ?? '/opt/ml/checkpoints' };
  return req;
}

export async function createTrainingJob(deps: TrainingDeps, input: CreateTrainingJobRequest, ctx: RequestContext): Promise<CreateTrainingJobResponse> {
  checkCreateRequest(input);
  let plan: ServerlessPlan | undefined;
  if (input.ServerlessJobConfig && deps.planServerless) ({ plan, request: input } = await deps.planServerless(input, ctx));
  input = await deps.applyAlgorithm(input, ctx);
  for (const o of trainingObservers(deps.store)) await o.checkCreate?.(input, ctx);
  for (const channel of input.InputDataConfig ?? []) {
    // An unknown DatasetArn is refused at create, not discovered at run time.
    if (channel.DataSource.DatasetSource) await deps.resolveDataset(channel.DataSource.DatasetSource.DatasetArn, ctx);
  }
  const name = input.TrainingJobName;
  const arn = trainingJobArn(ctx, name);
  const req = withDefaults(input);
  const now = deps.clock.now();
  const serverless = req.ServerlessJobConfig !== undefined;
  const transitions: StoredTransition[] = [{ Status: 'Starting', StartTime: now, StatusMessage: 'Starting the training job' }];
  let status = 'InProgress';
  let secondary = 'Starting';
  let failureReason: string | null = null;
  if (serverless && !plan) {
    // Stored and echoed as asked; sagebox cannot run it yet, and says so instead of pretending.
    transitions[0]!.EndTime = now;
    transitions.push({ Status: 'Failed', StartTime: now, EndTime: now, StatusMessage: 'Training job failed' });
    status = secondary = 'Failed';
    failureReason = 'ClientError: sagebox does not run serverless training jobs (ServerlessJobConfig) yet; the job was stored as requested but not run.';
  }
  const state: TrainingJobState = {
    transitions, finalMetrics: [], attempt: 0, maxAttempts: 1 + (req.RetryStrategy?.MaximumRetryAttempts ?? 0), logStreams: [],
    ...(plan ? { serverless: { plan } } : {}),
  };
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      const existing = await findJob(trx, ctx, name.toLowerCase());
      if (existing) throw jobAlreadyExists(existing.arn);
      if (status === 'InProgress') {
        // Every slot taken (running here, or claimed or queued by anyone): the job waits, and says so.
        const busy = await trx.selectFrom('work_items').select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', TRAINING_WORK).where('state', 'in', ['queued', 'running']).executeTakeFirstOrThrow();
        if (Number(busy.n) >= deps.maxConcurrentJobs) {
          transitions[0]!.EndTime = now;
          transitions.push({
            Status: 'Pending', StartTime: now,
            StatusMessage: `Waiting for a free training slot (SAGEBOX_MAX_CONCURRENT_JOBS=${deps.maxConcurrentJobs} jobs run at once)`,
          });
          secondary = 'Pending';
        }
      }
      const row = await trx.insertInto('training_jobs').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn,
        status, secondary_status: secondary, creation_time: now, last_modified_time: now,
        training_start_time: null, training_end_time: status === 'Failed' ? now : null, failure_reason: failureReason,
        request: JSON.stringify(req), state: JSON.stringify(state),
      }).returning('id').executeTakeFirstOrThrow();
      await putTags(trx, ctx, arn, input.Tags ?? []);
      for (const o of trainingObservers(deps.store)) await o.created?.(trx, { id: Number(row.id), name, arn, runs: status === 'InProgress' }, input, ctx, now);
      if (status === 'InProgress') {
        await enqueueWork(trx, { kind: TRAINING_WORK, resourceKey: String(row.id), payload: { jobId: Number(row.id) } }, now);
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw jobAlreadyExists(arn);
    throw error;
  }
  deps.engine.notify();
  return { TrainingJobArn: arn };
}
