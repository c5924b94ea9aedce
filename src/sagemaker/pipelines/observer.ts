/**
 * Hooks other features hang on pipeline executions without the pipeline code knowing them (the
 * MLflow feature keeps a parent run per execution through these). Observers are registered per
 * store, like training observers, so tests that open many sagebox instances in one process keep
 * them apart.
 *
 * `executing` runs inside the transaction that makes an execution Executing (Start, Retry), so
 * whatever an observer records there commits with the execution. `ended` must not block and can
 * not fail the execution (errors are swallowed).
 */
import type { Kysely } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import type { ExecutionRow } from './tables.js';

/**
 * A feature's view of pipeline execution events.
 *
 * @example
 *   addPipelineObserver(store, {
 *     async executing(trx, execution) { await trx.insertInto('my_rows').values({ execution_id: execution.id }).execute(); },
 *     ended: (id) => console.log('execution', id, 'ended'),
 *   });
 */
export interface PipelineObserver {
  /** Inside the transaction that set the execution Executing: at start (`run` 1) and at each RetryPipelineExecution. */
  executing?(trx: Kysely<Database>, execution: ExecutionRow, now: number): Promise<void>;
  /** The execution reached Succeeded, Failed or Stopped (its row says which). */
  ended?(executionId: number): void;
}

const byStore = new WeakMap<Store, PipelineObserver[]>();

/**
 * Registers an observer for the executions of one store; returns the function that removes it.
 *
 * @example const off = addPipelineObserver(store, { ended: (id) => nudge(id) }); off();
 */
export function addPipelineObserver(store: Store, observer: PipelineObserver): () => void {
  const list = byStore.get(store) ?? [];
  list.push(observer);
  byStore.set(store, list);
  return () => {
    const i = list.indexOf(observer);
    if (i >= 0) list.splice(i, 1);
  };
}

/**
 * Tells every observer an execution is Executing, inside the caller's transaction. An observer
 * that throws fails the transaction: observers keep to their own rows there.
 *
 * @example await emitExecuting(store, trx, row, now);
 */
export async function emitExecuting(store: Store, trx: Kysely<Database>, execution: ExecutionRow, now: number): Promise<void> {
  for (const o of byStore.get(store) ?? []) await o.executing?.(trx, execution, now);
}

/**
 * Tells every observer an execution ended (never throws).
 *
 * @example emitExecutionEnded(store, executionId);
 */
export function emitExecutionEnded(store: Store, executionId: number): void {
  for (const o of byStore.get(store) ?? []) {
    try {
      o.ended?.(executionId);
    } catch {
      // an observer failing must not touch the execution
    }
  }
}
