/**
 * Training, Processing and Tuning steps: create the job through `invoke` (same validation as
 * HTTP), record its name first so a restart re-attaches instead of creating it twice, poll it to
 * the end, stop it on StopPipelineExecution, and keep its Describe answer as the step's properties.
 */
import { resolveValue } from './expressions.js';
import { requestFor } from './coerce.js';
import { cacheKey, cacheLifetime, findCacheHit } from './cache.js';
import { resourceName, shortResourceName } from './names.js';
import { errorText, failedCall, type AttemptContext, type AttemptResult } from './attempt.js';
import type { ExceptionType } from './retry-policy.js';
import { stepCallContext } from './call-origin.js';
import { executionMlflow } from './mlflow-settings.js';

interface JobKind {
  create: string;
  describe: string;
  stop: string;
  nameField: string;
  arnField: string;
  statusField: string;
  metadataKey: 'TrainingJob' | 'ProcessingJob' | 'TuningJob';
  /** The `Execution.*` variable naming this step's job. */
  jobVariable?: string;
}

export const JOB_KINDS: Record<string, JobKind> = {
  Training: {
    create: 'CreateTrainingJob', describe: 'DescribeTrainingJob', stop: 'StopTrainingJob', nameField: 'TrainingJobName',
    arnField: 'TrainingJobArn', statusField: 'TrainingJobStatus', metadataKey: 'TrainingJob', jobVariable: 'TrainingJobName',
  },
  Processing: {
    create: 'CreateProcessingJob', describe: 'DescribeProcessingJob', stop: 'StopProcessingJob', nameField: 'ProcessingJobName',
    arnField: 'ProcessingJobArn', statusField: 'ProcessingJobStatus', metadataKey: 'ProcessingJob', jobVariable: 'ProcessingJobName',
  },
  Tuning: {
    create: 'CreateHyperParameterTuningJob', describe: 'DescribeHyperParameterTuningJob', stop: 'StopHyperParameterTuningJob',
    nameField: 'HyperParameterTuningJobName', arnField: 'HyperParameterTuningJobArn', statusField: 'HyperParameterTuningJobStatus', metadataKey: 'TuningJob',
  },
};

/** How often a running job is polled (in-process calls: cheap). */
const POLL_MS = 150;

function jobName(type: string, execId: string, step: string): string {
  return type === 'Tuning' ? shortResourceName(execId) : resourceName(execId, step);
}

/** A job's FailureReason to the retry class it belongs to. */
function classifyJobFailure(reason: string): ExceptionType | undefined {
  if (/InternalServerError|InternalFailure/i.test(reason)) return 'SageMaker.JOB_INTERNAL_ERROR';
  if (/InsufficientCapacity|CapacityError/i.test(reason)) return 'SageMaker.CAPACITY_ERROR';
  if (/ResourceLimitExceeded|ResourceLimit/i.test(reason)) return 'SageMaker.RESOURCE_LIMIT';
  return undefined;
}

/**
 * Runs (or re-attaches to) one attempt of a job step.
 *
 * @example const result = await runJobAttempt(attemptContext, JOB_KINDS.Training);
 */
export async function runJobAttempt(a: AttemptContext, kind: JobKind): Promise<AttemptResult> {
  const { deps, rt, node } = a;
  let name = a.row.resource_name;
  const resuming = name !== null;
  name ??= jobName(node.type, rt.row.exec_id, node.name);
  const scope = rt.scope(kind.jobVariable ? { [kind.jobVariable]: name } : {});
  const resolved = await resolveValue(node.def.Arguments ?? {}, scope);
  const request = requestFor(kind.create, resolved);
  request[kind.nameField] = name;
  if (node.type !== 'Tuning') request.RoleArn ??= rt.row.role_arn;
  const mlflow = executionMlflow(rt.row);
  if (node.type === 'Training' && mlflow && request.MlflowConfig === undefined) {
    // The step's run goes in the execution's experiment, named after the step; the MLflow
    // feature nests it under the execution's parent run (it learns the step from the context).
    request.MlflowConfig = { MlflowResourceArn: mlflow.resourceArn, MlflowExperimentName: mlflow.experimentName, MlflowRunName: node.name };
  }

  const lifetime = cacheLifetime(node.def);
  const key = lifetime === undefined ? undefined : cacheKey(node.type, request);
  if (key !== undefined && !resuming) {
    const hit = await findCacheHit(deps.store.db, rt.row.pipeline_id, rt.row.id, node.name, key, lifetime!, deps.clock.now());
    if (hit) {
      const source = hit.cache_hit_source ?? (await deps.store.db.selectFrom('pipeline_executions').select('arn').where('id', '=', hit.execution_id).executeTakeFirstOrThrow()).arn;
      return { status: 'Succeeded', properties: JSON.parse(hit.properties ?? '{}'), metadata: JSON.parse(hit.metadata), cacheKey: key, cacheHitSource: source };
    }
  }

  let described: Record<string, unknown> | undefined;
  if (resuming) described = await describe(a, kind, name).catch(() => undefined);
  if (!described) {
    await a.update({ resource_name: name });
    try {
      await deps.invoke(kind.create, request, stepCallContext(rt.ctx, { executionId: rt.row.id, executionArn: rt.row.arn, stepName: node.name }));
    } catch (error) {
      return failedCall(kind.create, error);
    }
    described = await describe(a, kind, name);
  }
  const metadata = { [kind.metadataKey]: { Arn: described[kind.arnField] as string } };
  await a.update({ status: 'Executing', metadata: JSON.stringify(metadata) });

  let stopSent = false;
  for (;;) {
    const status = described[kind.statusField] as string;
    if (status === 'Completed') {
      const properties = node.type === 'Tuning' ? await withTrainingJobSummaries(a, described) : described;
      return { status: 'Succeeded', properties, metadata, ...(key ? { cacheKey: key } : {}) };
    }
    if (status === 'Failed') {
      const reason = String(described.FailureReason ?? `${kind.metadataKey} ${name} failed.`);
      const exception = classifyJobFailure(reason);
      return { status: 'Failed', reason, metadata, ...(exception ? { exception } : {}) };
    }
    if (status === 'Stopped') return { status: 'Stopped', metadata };
    if (a.signal.aborted) return { status: 'Interrupted' };
    if (a.stopRequested() && !stopSent) {
      stopSent = true;
      await a.update({ status: 'Stopping' });
      await deps.invoke(kind.stop, { [kind.nameField]: name }, rt.ctx).catch((error: unknown) => deps.logger.warn({ err: error, job: name }, 'pipeline: stopping a job failed'));
    }
    await a.sleep(POLL_MS);
    if (a.signal.aborted) return { status: 'Interrupted' };
    described = await describe(a, kind, name);
  }
}

async function describe(a: AttemptContext, kind: JobKind, name: string): Promise<Record<string, unknown>> {
  return JSON.parse(JSON.stringify(await a.deps.invoke(kind.describe, { [kind.nameField]: name }, a.rt.ctx)));
}

/** Tuning properties add the trials best-first (what `TrainingJobSummaries[0]` reads). */
async function withTrainingJobSummaries(a: AttemptContext, described: Record<string, unknown>): Promise<Record<string, unknown>> {
  const objective = (described.HyperParameterTuningJobConfig as { HyperParameterTuningJobObjective?: { Type?: string } } | undefined)?.HyperParameterTuningJobObjective;
  try {
    const list = await a.deps.invoke<{ TrainingJobSummaries?: unknown[] }>('ListTrainingJobsForHyperParameterTuningJob', {
      HyperParameterTuningJobName: described.HyperParameterTuningJobName, SortBy: 'FinalObjectiveMetricValue',
      SortOrder: objective?.Type === 'Maximize' ? 'Descending' : 'Ascending', MaxResults: 50,
    }, a.rt.ctx);
    return { ...described, TrainingJobSummaries: JSON.parse(JSON.stringify(list.TrainingJobSummaries ?? [])) };
  } catch (error) {
    a.deps.logger.warn({ err: errorText(error) }, 'pipeline: could not list the trials of a tuning job');
    return described;
  }
}
