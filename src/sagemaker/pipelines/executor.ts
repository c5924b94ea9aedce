/**
 * The durable orchestrator of an execution (PIPELINES.md §8). One engine item (kind
 * `pipeline-execution`) per run of an execution holds it: the handler plans from the step rows,
 * starts ready steps (respecting MaxParallelExecutionSteps), waits for any to end, and repeats
 * until nothing runs; then it settles the execution's status. Everything it decides is in the
 * rows first, so a restart re-enters the loop where it was: running steps re-attach to the job
 * they recorded, ended steps keep their results, nothing runs twice.
 */
import type { WorkContext, WorkHandler, WorkOutcome } from '../../engine/engine.js';
import type { FeatureDeps } from '../../feature.js';
import { planSteps, type StepProgress, type StepStatus } from './dag.js';
import { ExecutionRuntime } from './execution-runtime.js';
import { STEP_FAILURE } from './messages.js';
import { emitExecutionEnded } from './observer.js';
import { runStep } from './step-task.js';
import type { StepRow } from './tables.js';

export const PIPELINE_WORK = 'pipeline-execution';

/** Executions orchestrated at once by this process (each is light: jobs run in their own engine kinds). */
export const PIPELINE_SLOTS = 64;

const ACTIVE = new Set(['Starting', 'Executing', 'Stopping']);

/**
 * The work payload.
 *
 * @example { executionId: 42 }
 */
export interface PipelineWork {
  executionId: number;
}

/**
 * Wakes running orchestrators (StopPipelineExecution, callbacks) without waiting for a poll.
 *
 * @example const wakers = new Wakers(); wakers.wake(executionId);
 */
export class Wakers {
  private readonly byExecution = new Map<number, Set<() => void>>();
  add(id: number, fn: () => void): () => void {
    let set = this.byExecution.get(id);
    if (!set) this.byExecution.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.byExecution.delete(id);
    };
  }
  wake(id: number): void {
    for (const fn of [...(this.byExecution.get(id) ?? [])]) fn();
  }
}

/**
 * The engine handler of `pipeline-execution` items.
 *
 * @example deps.engine.register(PIPELINE_WORK, pipelineWorkHandler(deps, wakers), PIPELINE_SLOTS);
 */
export function pipelineWorkHandler(deps: FeatureDeps, wakers: Wakers): WorkHandler<PipelineWork> {
  return {
    run: (item, ctx) => orchestrate(deps, wakers, item.payload.executionId, ctx),
    async fail(item, reason) {
      const now = deps.clock.now();
      await deps.store.db.updateTable('pipeline_executions').set({ status: 'Failed', failure_reason: reason.slice(0, 1300), last_modified_time: now })
        .where('id', '=', item.payload.executionId).where('status', 'in', ['Executing', 'Stopping']).execute();
      emitExecutionEnded(deps.store, item.payload.executionId);
    },
  };
}

async function orchestrate(deps: FeatureDeps, wakers: Wakers, executionId: number, work: WorkContext): Promise<WorkOutcome> {
  const db = deps.store.db;
  const exec = await db.selectFrom('pipeline_executions').selectAll().where('id', '=', executionId).executeTakeFirst();
  if (!exec || (exec.status !== 'Executing' && exec.status !== 'Stopping')) return { kind: 'done' };
  const rt = new ExecutionRuntime(exec, deps.objectStore);
  const selective = exec.selective ? (JSON.parse(exec.selective) as { excluded?: string[] }) : {};
  const excluded = new Set(selective.excluded ?? []);
  const max = exec.parallelism ? (JSON.parse(exec.parallelism) as { MaxParallelExecutionSteps?: number }).MaxParallelExecutionSteps ?? Infinity : Infinity;

  const progress = new Map<string, StepProgress>();
  const rows = await db.selectFrom('pipeline_execution_steps').selectAll().where('execution_id', '=', executionId).execute();
  for (const r of rows) {
    progress.set(r.step_name, { status: r.status as StepStatus, ...(r.outcome !== null ? { outcome: r.outcome === 1 } : {}) });
    if (r.status === 'Succeeded' && r.properties) rt.properties.set(r.step_name, JSON.parse(r.properties));
  }

  let pulse: () => void = () => {};
  const sleepers = new Set<() => void>();
  const notify = (): void => {
    pulse();
    for (const s of [...sleepers]) s();
  };
  const unregister = wakers.add(executionId, notify);
  work.signal.addEventListener('abort', notify);
  const state = { stop: exec.status === 'Stopping' };
  const tasks = new Map<string, Promise<void>>();
  const launch = (row: StepRow): void => {
    const node = rt.graph.nodes.get(row.step_name);
    if (!node) return;
    const task = runStep({
      deps, rt, node, row, signal: work.signal, stopRequested: () => state.stop,
      sleep: (ms) => new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.add(done);
      }),
    }).then((final) => {
      if (final) {
        progress.set(row.step_name, { status: final.status, ...(final.outcome !== undefined ? { outcome: final.outcome } : {}) });
        if (final.status === 'Succeeded') rt.properties.set(row.step_name, final.properties);
      }
    }, async (error: unknown) => {
      // Only a store failure gets here (attempts catch everything else): fail the step rather than lose it.
      deps.logger.error({ err: error, step: row.step_name }, 'pipeline: step task crashed');
      progress.set(row.step_name, { status: 'Failed' });
      await db.updateTable('pipeline_execution_steps').set({
        status: 'Failed', failure_reason: `InternalServerError: ${(error as Error)?.message ?? String(error)}`.slice(0, 1024), end_time: deps.clock.now(),
      }).where('id', '=', row.id).execute().catch(() => {});
    })
      .finally(() => {
        tasks.delete(row.step_name);
        notify();
      });
    tasks.set(row.step_name, task);
  };

  try {
    for (const r of rows) if (ACTIVE.has(r.status)) launch(r);
    for (;;) {
      const pulsed = new Promise<void>((resolve) => (pulse = resolve));
      if (work.signal.aborted) {
        await Promise.all(tasks.values());
        return { kind: 'requeue', countAttempt: false, reason: 'engine shutdown' };
      }
      const status = (await db.selectFrom('pipeline_executions').select('status').where('id', '=', executionId).executeTakeFirst())?.status;
      if (status === 'Stopping' && !state.stop) {
        state.stop = true;
        for (const s of [...sleepers]) s();
      }
      const plan = planSteps(rt.graph, progress, excluded);
      if (!state.stop && plan.failed.length === 0 && plan.stopped.length === 0) {
        const free = max - tasks.size;
        for (const name of plan.ready.slice(0, Math.max(0, free))) {
          const row = await insertStepRow(deps, rt, name);
          progress.set(name, { status: 'Starting' });
          launch(row);
        }
      }
      if (tasks.size === 0) {
        await settle(deps, executionId, plan.failed, plan.stopped.length > 0 || state.stop);
        return { kind: 'done' };
      }
      await pulsed;
    }
  } finally {
    unregister();
    work.signal.removeEventListener('abort', notify);
  }
}

async function insertStepRow(deps: FeatureDeps, rt: ExecutionRuntime, name: string): Promise<StepRow> {
  const def = rt.step(name);
  const now = deps.clock.now();
  const values = {
    execution_id: rt.row.id, pipeline_id: rt.row.pipeline_id, step_name: name, step_type: def.Type,
    display_name: typeof def.DisplayName === 'string' ? def.DisplayName : null, description: typeof def.Description === 'string' ? def.Description : null,
    status: 'Starting', start_time: now, end_time: null, attempt_count: 1, failure_reason: null, metadata: '{}', properties: null, outcome: null,
    cache_key: null, cache_hit_source: null, selective_source: null, resource_name: null, attempt_started: now, callback_token: null,
    callback_result: null, last_modified_time: now,
  };
  const row = await deps.store.db.insertInto('pipeline_execution_steps').values(values).returning('id').executeTakeFirstOrThrow();
  return { ...values, id: Number(row.id) };
}

/** The end of an execution: Failed if a step failed, else Stopped if stopped, else Succeeded. */
async function settle(deps: FeatureDeps, executionId: number, failed: string[], stopped: boolean): Promise<void> {
  const db = deps.store.db;
  let byFail = 0;
  if (failed.length > 0) {
    const types = await db.selectFrom('pipeline_execution_steps').select('step_type').where('execution_id', '=', executionId).where('status', '=', 'Failed').execute();
    byFail = types.some((t) => t.step_type === 'Fail') ? 1 : 0;
  }
  const status = failed.length > 0 ? 'Failed' : stopped ? 'Stopped' : 'Succeeded';
  await db.updateTable('pipeline_executions').set({
    status, failure_reason: status === 'Failed' ? STEP_FAILURE : null, failed_by_fail_step: byFail, last_modified_time: deps.clock.now(),
  }).where('id', '=', executionId).execute();
  emitExecutionEnded(deps.store, executionId);
}
