/**
 * Pipeline executions in MLflow: one parent run per execution with MLflow settings, which the
 * runs of its training steps are nested under (MLflow's `mlflow.parentRunId` tag), as MLflow's
 * own nested runs are.
 *
 * - **When.** StartPipelineExecution records the parent (`mlflow_pipeline_runs`) and its
 *   `mlflow-pipeline` work item in the transaction that creates the execution; the item is due
 *   at once, so the run exists as the execution starts running. A step job whose run is created
 *   first (a race) creates the parent itself, under the same lock.
 * - **Where.** The experiment is the start-time override, else the definition's
 *   MlflowExperimentName, else the pipeline's name; the run is named after the execution's
 *   display name (PipelineExecutionDisplayName, default `execution-<epoch ms>`), and its params
 *   are the execution's parameters.
 * - **End.** The item follows the execution (a pass every 2 s, nudged when it ends) and writes
 *   the final status: Succeeded → FINISHED, Failed → FAILED, Stopped → KILLED. A
 *   RetryPipelineExecution sets the run RUNNING again, with a new item.
 * - **Never in the way.** The execution does not wait on MLflow: a server that is down, slow or
 *   stopped is retried with back-off (as for jobs), for up to 24 hours after the execution ended.
 */
import type { Selectable } from 'kysely';
import type { WorkHandler, WorkOutcome } from '../engine/engine.js';
import { enqueueWork } from '../engine/work-store.js';
import { executionMlflow } from '../sagemaker/pipelines/mlflow-settings.js';
import type { PipelineObserver } from '../sagemaker/pipelines/observer.js';
import type { ExecutionRow } from '../sagemaker/pipelines/tables.js';
import type { MlflowDeps } from './deps.js';
import { GIVE_UP_MS, nudgeWork, resolveTarget, retryDelayMs, serialized } from './sync-support.js';
import type { MlflowPipelineRunTable } from './tables.js';
import { isTransient, type TrackingTarget } from './targets.js';
import { MlflowError, type KeyValue, type RunStatus } from './wire.js';
import '../sagemaker/pipelines/tables.js';
import './tables.js';

/** The engine work kind of parent runs (resource key `<execution id>:<run>`: one item per run of the execution). */
export const MLFLOW_PIPELINE_WORK = 'mlflow-pipeline';

/** The work payload: the execution and which of its runs (start = 1, each retry +1) the item follows. */
export interface PipelineRunWork {
  executionId: number;
  run: number;
}

type ParentRow = Selectable<MlflowPipelineRunTable>;

/** A parent run as its children need it. */
export interface ParentRun {
  runId: string;
  experimentId: string;
}

/** While the execution runs the item only watches its status; `ended` nudges it awake. */
const POLL_MS = 2000;
const MAX_PARAM_VALUE = 6000;

/** The run status of an execution status; a deleted execution's run is KILLED. */
function runStatusOf(executionStatus: string | undefined): RunStatus {
  switch (executionStatus) {
    case 'Succeeded': return 'FINISHED';
    case 'Failed': return 'FAILED';
    case 'Stopped': case undefined: return 'KILLED';
    default: return 'RUNNING';
  }
}

async function loadParent(deps: MlflowDeps, executionId: number): Promise<ParentRow | undefined> {
  return deps.store.db.selectFrom('mlflow_pipeline_runs').selectAll().where('execution_id', '=', executionId).executeTakeFirst();
}

async function loadExecution(deps: MlflowDeps, executionId: number): Promise<ExecutionRow | undefined> {
  return deps.store.db.selectFrom('pipeline_executions').selectAll().where('id', '=', executionId).executeTakeFirst();
}

async function updateParent(deps: MlflowDeps, executionId: number, changes: Partial<Omit<ParentRow, 'execution_id'>>): Promise<void> {
  await deps.store.db.updateTable('mlflow_pipeline_runs').set(changes).where('execution_id', '=', executionId).execute();
}

/**
 * The execution's parent run, created (with its params and tags) when it does not exist yet.
 * Undefined when the execution logs nowhere (no row), or its parent was given up on.
 *
 * @example const parent = await ensureParentRun(deps, target, executionId); // { runId, experimentId }
 */
export async function ensureParentRun(deps: MlflowDeps, target: TrackingTarget, executionId: number): Promise<ParentRun | undefined> {
  return serialized(deps, `pipeline:${executionId}`, async () => {
    const row = await loadParent(deps, executionId);
    if (!row) return undefined;
    if (row.run_id) return { runId: row.run_id, experimentId: row.experiment_id! };
    if (row.state === 'done') return undefined;
    const exec = await loadExecution(deps, executionId);
    if (!exec) return undefined;
    const experimentId = row.experiment_id ?? await target.experimentId(row.experiment_name);
    const tags: KeyValue[] = [
      { key: 'sagemaker.pipeline_name', value: exec.pipeline_name }, { key: 'sagemaker.pipeline_arn', value: exec.pipeline_arn },
      { key: 'sagemaker.pipeline_execution_arn', value: exec.arn },
      { key: 'mlflow.source.name', value: exec.arn }, { key: 'mlflow.source.type', value: 'JOB' }, { key: 'mlflow.user', value: exec.account_id },
    ];
    const runId = await target.createRun(experimentId, row.run_name, tags, exec.creation_time);
    // Recorded before the params: children may nest under it from here on, even if a param call fails and is retried.
    await updateParent(deps, executionId, { experiment_id: experimentId, run_id: runId, synced_status: 'RUNNING' });
    const params = (JSON.parse(exec.parameters) as { Name: string; Value: string }[])
      .map((p) => ({ key: p.Name, value: String(p.Value).slice(0, MAX_PARAM_VALUE) }));
    for (let i = 0; i < params.length; i += 100) await target.logBatch(runId, { params: params.slice(i, i + 100) });
    return { runId, experimentId };
  });
}

/**
 * For a step job's run: its execution's parent run (`parentExecutionId` from the job's link),
 * creating it if needed. Throws only what is worth retrying (the server is down); a parent the
 * server refuses leaves the step's run un-nested rather than unlogged.
 *
 * @example const parent = await parentRunFor(deps, target, link.parent_execution_id);
 */
export async function parentRunFor(deps: MlflowDeps, target: TrackingTarget, parentExecutionId: number | null): Promise<ParentRun | undefined> {
  if (parentExecutionId === null) return undefined;
  try {
    return await ensureParentRun(deps, target, parentExecutionId);
  } catch (error) {
    if (isTransient(error)) throw error;
    deps.logger.warn({ err: error, executionId: parentExecutionId }, 'mlflow: the pipeline execution\'s parent run could not be created; the step\'s run is logged without a parent');
    return undefined;
  }
}

async function retryLater(deps: MlflowDeps, row: ParentRow, exec: ExecutionRow | undefined, reason: string, failures: number): Promise<WorkOutcome> {
  const now = deps.clock.now();
  if (row.failing_since === null) {
    deps.logger.warn({ execution: exec?.arn, reason }, 'mlflow: logging the pipeline execution\'s parent run is delayed; it is retried, and the execution is not affected');
  }
  const ended = !exec || runStatusOf(exec.status) !== 'RUNNING' ? exec?.last_modified_time ?? row.failing_since ?? now : undefined;
  if (ended !== undefined && now - ended > GIVE_UP_MS) {
    deps.logger.warn({ execution: exec?.arn, reason }, 'mlflow: gave up on the pipeline execution\'s parent run 24 hours after the execution ended');
    await updateParent(deps, row.execution_id, { state: 'done', last_error: reason });
    return { kind: 'done' };
  }
  await updateParent(deps, row.execution_id, { failing_since: row.failing_since ?? now, last_error: reason });
  return { kind: 'requeue', afterMs: retryDelayMs(failures), countAttempt: false, reason };
}

/** One pass: create the run if needed, then bring its status to the execution's. */
async function pass(deps: MlflowDeps, work: PipelineRunWork, failures: number): Promise<WorkOutcome> {
  const row = await loadParent(deps, work.executionId);
  if (!row || row.state === 'done') return { kind: 'done' };
  const exec = await loadExecution(deps, work.executionId);
  if (exec && exec.run !== work.run) return { kind: 'done' }; // a retry's item follows the execution now
  const resolved = await resolveTarget(deps, row);
  if ('gone' in resolved) {
    deps.logger.warn({ execution: exec?.arn, reason: resolved.gone }, 'mlflow: the pipeline execution\'s parent run is no longer logged');
    await updateParent(deps, row.execution_id, { state: 'done', last_error: resolved.gone });
    return { kind: 'done' };
  }
  if ('transient' in resolved) return retryLater(deps, row, exec, resolved.transient, failures);
  const { target } = resolved;
  try {
    const parent = await ensureParentRun(deps, target, row.execution_id);
    if (!parent) return { kind: 'done' };
    const want = runStatusOf(exec?.status);
    const synced = (await loadParent(deps, row.execution_id))?.synced_status;
    if (want !== synced) {
      if (want === 'RUNNING') await target.reopenRun(parent.runId);
      else await target.endRun(parent.runId, want, exec?.last_modified_time ?? deps.clock.now());
      await updateParent(deps, row.execution_id, { synced_status: want });
    }
    if (row.failing_since !== null) {
      deps.logger.info({ execution: exec?.arn }, `mlflow: MLflow server ${target.url} answers again; the parent run is logged`);
      await updateParent(deps, row.execution_id, { failing_since: null, last_error: null });
    }
    if (want === 'RUNNING') return { kind: 'requeue', afterMs: POLL_MS, countAttempt: false };
    await updateParent(deps, row.execution_id, { state: 'done' });
    return { kind: 'done' };
  } catch (error) {
    if (isTransient(error)) return retryLater(deps, row, exec, (error as Error).message, failures);
    if (error instanceof MlflowError) {
      deps.logger.warn({ execution: exec?.arn, err: error }, 'mlflow: the server refused the pipeline execution\'s parent run; it is no longer logged');
      await updateParent(deps, row.execution_id, { state: 'done', last_error: `${error.errorCode}: ${error.message}` });
      return { kind: 'done' };
    }
    throw error;
  }
}

/**
 * @example deps.engine.register(MLFLOW_PIPELINE_WORK, pipelineRunHandler(deps), 4);
 */
export function pipelineRunHandler(deps: MlflowDeps): WorkHandler<PipelineRunWork> {
  let failures = new Map<number, number>();
  return {
    async run(item) {
      const id = item.payload.executionId;
      const outcome = await pass(deps, item.payload, failures.get(id) ?? 0);
      if (outcome.kind === 'requeue' && outcome.reason) failures.set(id, (failures.get(id) ?? 0) + 1);
      else failures.delete(id);
      if (failures.size > 10_000) failures = new Map();
      return outcome;
    },
    async fail(item, reason) {
      await updateParent(deps, item.payload.executionId, { state: 'done', last_error: reason });
    },
  };
}

/** Makes the execution's queued item due now and wakes the engine (the execution ended). */
async function nudge(deps: MlflowDeps, executionId: number): Promise<void> {
  const exec = await deps.store.db.selectFrom('pipeline_executions').select('run').where('id', '=', executionId).executeTakeFirst();
  if (exec) await nudgeWork(deps, MLFLOW_PIPELINE_WORK, `${executionId}:${exec.run}`);
}

/**
 * Records the parent run of each execution with MLflow settings as it starts (or is retried),
 * and nudges its sync when it ends.
 *
 * @example addPipelineObserver(store, mlflowPipelineObserver(deps));
 */
export function mlflowPipelineObserver(deps: MlflowDeps): PipelineObserver {
  return {
    async executing(trx, execution, now) {
      const mlflow = executionMlflow(execution);
      if (!mlflow) return;
      await trx.insertInto('mlflow_pipeline_runs').values({
        execution_id: execution.id, account_id: execution.account_id, region: execution.region, resource_arn: mlflow.resourceArn,
        experiment_name: mlflow.experimentName, run_name: execution.display_name, experiment_id: null, run_id: null, synced_status: null,
        state: 'active', failing_since: null, last_error: null,
      }).onConflict((oc) => oc.column('execution_id').doUpdateSet({ state: 'active', failing_since: null, last_error: null })).execute();
      const work: PipelineRunWork = { executionId: execution.id, run: execution.run };
      await enqueueWork(trx, { kind: MLFLOW_PIPELINE_WORK, resourceKey: `${execution.id}:${execution.run}`, payload: work }, now);
    },
    ended(executionId) {
      void nudge(deps, executionId).catch((error: unknown) => deps.logger.warn({ err: error, executionId }, 'mlflow: could not nudge the parent run sync'));
    },
  };
}
