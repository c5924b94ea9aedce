/**
 * One step from start to end: its attempts (a new job each), retry policies with their backoff
 * (PIPELINES.md §8.7), and the final row. An attempt interrupted by shutdown leaves the row as it
 * is, so the next owner resumes the same attempt.
 */
import { ExpressionError } from './expressions.js';
import type { StepStatus } from './dag.js';
import type { AttemptContext, AttemptResult } from './attempt.js';
import { JOB_KINDS, runJobAttempt } from './job-steps.js';
import { runCallback, runCondition, runFail, runLineage, runModel, runRegisterModel, runUnsupported } from './other-steps.js';
import { decideRetry } from './retry-policy.js';
import type { StepRow } from './tables.js';

/** The task's inputs: an attempt context without the per-attempt `update`. */
export type StepTaskOptions = Omit<AttemptContext, 'update'>;

/** How the step ended (undefined: interrupted by shutdown). */
export interface StepFinal {
  status: StepStatus;
  outcome?: boolean;
  properties?: unknown;
}

/** Step FailureReason holds at most 1024 chars. */
const MAX_REASON = 1024;

async function runAttempt(a: AttemptContext): Promise<AttemptResult> {
  try {
    const kind = JOB_KINDS[a.node.type];
    if (kind) return await runJobAttempt(a, kind);
    switch (a.node.type) {
      case 'Condition': return await runCondition(a);
      case 'Fail': return await runFail(a);
      case 'Model': return await runModel(a);
      case 'RegisterModel': return await runRegisterModel(a);
      case 'Lineage': return await runLineage(a);
      case 'Callback': return await runCallback(a);
      default: return runUnsupported(a);
    }
  } catch (error) {
    if (error instanceof ExpressionError) return { status: 'Failed', reason: error.message, metadata: {} };
    if (a.signal.aborted) return { status: 'Interrupted' };
    return { status: 'Failed', reason: `InternalServerError: ${(error as Error)?.message ?? String(error)}`, metadata: {}, exception: 'Step.SERVICE_FAULT' };
  }
}

/**
 * Runs a step's attempts until it ends.
 *
 * @example const final = await runStep({ deps, rt, node, row, signal, stopRequested, sleep });
 */
export async function runStep(options: StepTaskOptions): Promise<StepFinal | undefined> {
  const { deps } = options;
  const db = deps.store.db;
  let row: StepRow = options.row;
  const update: AttemptContext['update'] = async (patch) => {
    const now = deps.clock.now();
    await db.updateTable('pipeline_execution_steps').set({ ...patch, last_modified_time: now }).where('id', '=', row.id).execute();
    row = { ...row, ...patch, last_modified_time: now };
  };
  for (;;) {
    if (row.attempt_started === null) {
      // A new attempt: a retry, or the first after RetryPipelineExecution.
      const now = deps.clock.now();
      await db.updateTable('pipeline_execution_steps').set({
        attempt_count: row.attempt_count + 1, attempt_started: now, resource_name: null, callback_token: null, callback_result: null,
        status: 'Starting', last_modified_time: now,
      }).where('id', '=', row.id).execute();
      row = { ...row, attempt_count: row.attempt_count + 1, attempt_started: now, resource_name: null, callback_token: null, callback_result: null, status: 'Starting' };
    }
    const result = await runAttempt({ ...options, row, update });
    if (result.status === 'Interrupted') return undefined;
    if (result.status === 'Failed' && result.exception) {
      const decision = decideRetry(row.step_type === 'Fail' ? [] : options.node.def.RetryPolicies ?? [], result.exception, row.attempt_count, deps.clock.now() - row.start_time);
      if (decision.retry) {
        // A stop during (or before) the backoff ends the step Stopped: RetryPipelineExecution resumes it.
        if (!options.stopRequested()) {
          await update({ metadata: JSON.stringify(result.metadata) });
          // sleep() also ends on every wake-up of the execution: wait out the whole backoff.
          const deadline = deps.clock.now() + decision.delayMs;
          for (let left = decision.delayMs; left > 0 && !options.stopRequested(); left = deadline - deps.clock.now()) {
            await options.sleep(left);
            if (options.signal.aborted) return undefined;
          }
        }
        if (options.stopRequested()) return finish(options, row, { status: 'Stopped', metadata: result.metadata });
        row = { ...row, attempt_started: null };
        continue;
      } else {
        result.reason += `\nRetry not appropriate on execution of step with PipelineExecutionArn ${options.rt.row.arn} and StepId ${row.step_name}. ${decision.reason}`;
      }
    }
    return finish(options, row, result);
  }
}

async function finish(options: StepTaskOptions, row: StepRow, result: Exclude<AttemptResult, { status: 'Interrupted' }>): Promise<StepFinal> {
  const now = options.deps.clock.now();
  const reason = result.status === 'Failed' && result.reason !== '' ? result.reason.slice(0, MAX_REASON) : null;
  const succeeded = result.status === 'Succeeded' ? result : undefined;
  await options.deps.store.db.updateTable('pipeline_execution_steps').set({
    status: result.status, end_time: now, failure_reason: reason, metadata: JSON.stringify(result.metadata),
    properties: succeeded ? JSON.stringify(succeeded.properties ?? {}) : null,
    outcome: succeeded?.outcome === undefined ? null : succeeded.outcome ? 1 : 0,
    cache_key: succeeded?.cacheKey ?? null, cache_hit_source: succeeded?.cacheHitSource ?? null, last_modified_time: now,
  }).where('id', '=', row.id).execute();
  return { status: result.status, ...(succeeded?.outcome !== undefined ? { outcome: succeeded.outcome } : {}), ...(succeeded ? { properties: succeeded.properties } : {}) };
}
