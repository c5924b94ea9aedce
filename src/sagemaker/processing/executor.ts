/**
 * The engine's `processing-job` work: one claimed item runs one attempt of a job and ends it
 * Completed (outputs uploaded), Failed, or Stopped.
 *
 * A graceful shutdown kills the process and requeues the job without counting the attempt: it
 * starts again, from the beginning, when sagebox starts. After a crash (`item.recovered`) the
 * previous attempt's process is killed if it still runs (a restarted server cannot observe its
 * exit status) and is waited for, then the job starts again from the beginning, so it is never
 * lost and never runs twice at once; after MAX_ATTEMPTS crashed attempts it is Failed instead.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { ObjectStore } from '../../artifacts/object-store.js';
import type { CreateProcessingJobRequest } from '../../aws/generated/sagemaker/types.js';
import type { Clock } from '../../engine/clock.js';
import type { WorkContext, WorkHandler, WorkItem, WorkOutcome } from '../../engine/engine.js';
import { isProcessAlive, killProcessGroup, type ImageTable, type ProcessIdentity } from '../../runtime/index.js';
import type { Store } from '../../store/database.js';
import { runProcessingAttempt, type ProcessingAttemptResult } from './attempt.js';
import { uploadOutputs } from './data.js';
import { loadJob, parseRequest, parseState, TERMINAL, updateJob } from './job-store.js';
import { logStreamName, openProcessingLogStream, processingLogWriter } from './logs.js';
import type { ProcessingJobRow } from './tables.js';

export const PROCESSING_WORK = 'processing-job';
/** Attempts a job may start in all (each restart after a crash starts one). */
export const MAX_ATTEMPTS = 3;
/** How long a shutdown waits after SIGTERM before SIGKILL (shutdown must not take the full grace). */
const SHUTDOWN_GRACE_MS = 3000;

/**
 * What a running attempt records so a restarted sagebox can find its process.
 *
 * @example await wctx.setHandle({ root, attempt: 1, identity } satisfies ProcessingHandle)
 */
export interface ProcessingHandle {
  root: string;
  attempt: number;
  identity?: ProcessIdentity;
}

/**
 * Everything the executor needs.
 *
 * @example { store, objectStore, dataDir, clock: systemClock, maxLogEvents: 100_000, sandbox: 'auto', stopGraceMs: 120_000 }
 */
export interface ProcessingExecutorDeps {
  store: Store;
  objectStore: ObjectStore;
  /** Attempt directories go under `<dataDir>/processing/`. */
  dataDir: string;
  clock: Clock;
  maxLogEvents: number;
  sandbox: 'auto' | 'required' | 'off';
  stopGraceMs: number;
  imageTable?: ImageTable;
  logger?: Logger;
}

/**
 * The `processing-job` WorkHandler.
 *
 * @example engine.register(PROCESSING_WORK, processingWorkHandler(deps), config.jobs.maxConcurrentJobs);
 */
export function processingWorkHandler(deps: ProcessingExecutorDeps): WorkHandler<{ jobId: number }> {
  return {
    async run(item, wctx) {
      const row = await loadJob(deps.store.db, item.payload.jobId);
      if (!row || TERMINAL.has(row.status)) return { kind: 'done' };
      if (item.recovered) {
        const ended = await recoverCrashed(deps, item, row);
        if (ended) return { kind: 'done' };
      }
      return runAttempt(deps, item, wctx, (await loadJob(deps.store.db, row.id))!);
    },
    async fail(item, reason) {
      const now = deps.clock.now();
      await updateJob(deps.store.db, item.payload.jobId, { status: 'Failed', failureReason: reason, endTime: now }, now);
    },
  };
}

/**
 * A job whose previous owner died mid-attempt: kill what is left of its process, then either end
 * it (a stop was asked for; attempts used up) or let the caller start a fresh attempt.
 * Returns true when the job was ended here.
 */
async function recoverCrashed(deps: ProcessingExecutorDeps, item: WorkItem<{ jobId: number }>, row: ProcessingJobRow): Promise<boolean> {
  const handle = item.handle as ProcessingHandle | undefined;
  const state = parseState(row);
  let what = `sagebox stopped while the processing job was starting (attempt ${state.attempt})`;
  if (handle?.identity) {
    const identity = handle.identity;
    what = `sagebox stopped while the processing job was running (attempt ${state.attempt}); its process (pid ${identity.pid})`;
    if (await isProcessAlive(identity)) {
      await killProcessGroup(identity, 'SIGKILL');
      for (let i = 0; i < 50 && (await isProcessAlive(identity)); i++) await new Promise((r) => setTimeout(r, 100));
      what += ' was still running and was killed, as its exit status cannot be observed by a restarted server';
    } else what += ' is gone';
  }
  const now = deps.clock.now();
  if (row.status === 'Stopping' || item.cancelRequested) {
    await appendNote(deps, row, `sagebox: ${what}; the job was stopping: it ends Stopped`);
    await updateJob(deps.store.db, row.id, { status: 'Stopped', endTime: now }, now);
    return true;
  }
  if (state.attempt >= MAX_ATTEMPTS) {
    await appendNote(deps, row, `sagebox: ${what}`);
    await updateJob(deps.store.db, row.id, {
      status: 'Failed', endTime: now,
      failureReason: `InternalServerError: ${what}; sagebox restarted the job ${MAX_ATTEMPTS - 1} times and gives up.`,
    }, now);
    return true;
  }
  await appendNote(deps, row, `sagebox: ${what}; the job starts again from the beginning (attempt ${state.attempt + 1} of at most ${MAX_ATTEMPTS})`);
  return false;
}

async function runAttempt(deps: ProcessingExecutorDeps, item: WorkItem<{ jobId: number }>, wctx: WorkContext, row: ProcessingJobRow): Promise<WorkOutcome> {
  const { store, clock } = deps;
  const db = store.db;
  const jobId = row.id;
  if (row.status === 'Stopping' || item.cancelRequested) {
    await updateJob(db, jobId, { status: 'Stopped', endTime: clock.now() }, clock.now());
    return { kind: 'done' };
  }
  const req = parseRequest(row);
  const attempt = parseState(row).attempt + 1;
  const startedAt = clock.now();
  const streamName = logStreamName(row.name, startedAt);
  const streamId = await openProcessingLogStream(db, { accountId: row.account_id, region: row.region }, streamName, startedAt);
  const root = path.join(deps.dataDir, 'processing', row.account_id, row.region, row.name_key, `attempt-${attempt}`);
  await wctx.setHandle({ root, attempt } satisfies ProcessingHandle);
  await updateJob(db, jobId, {
    patch: (s) => {
      s.attempt = attempt;
      if (!s.logStreams.includes(streamName)) s.logStreams.push(streamName);
    },
  }, clock.now());
  const writer = await processingLogWriter(db, streamId, deps.maxLogEvents, () => clock.now());
  const note = (text: string): void => void writer.line(text, clock.now());
  if (attempt > 1) note(`sagebox: attempt ${attempt}`);

  // Status changes from runtime callbacks are chained, so they commit in order.
  let chain: Promise<unknown> = Promise.resolve();
  const later = (fn: () => Promise<unknown>): void =>
    void (chain = chain.then(fn).catch((e: unknown) => deps.logger?.error({ err: e }, 'processing status update failed')));
  const maxRuntime = req.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400;
  const used = row.processing_start_time !== null ? (clock.now() - row.processing_start_time) / 1000 : 0;
  let identity: ProcessIdentity | undefined;
  const onAbort = (): void => {
    const why = wctx.abortReason();
    if (why !== 'shutdown' && why !== 'lease-lost') return;
    note(`sagebox: ${why === 'shutdown' ? 'sagebox is shutting down' : 'this server lost the job lease'}: stopping the processing process`);
    setTimeout(() => void (identity && killProcessGroup(identity, 'SIGKILL')), SHUTDOWN_GRACE_MS).unref();
  };
  wctx.signal.addEventListener('abort', onAbort, { once: true });
  let result: ProcessingAttemptResult;
  try {
    result = await runProcessingAttempt({
      jobName: row.name, jobArn: row.arn, region: row.region, root, request: req, objectStore: deps.objectStore,
      ...(deps.imageTable ? { imageTable: deps.imageTable } : {}),
      sandbox: deps.sandbox, stopGraceMs: deps.stopGraceMs, maxRuntimeSeconds: Math.max(0, maxRuntime - used),
      signal: wctx.signal,
      onLine: (line) => writer.line(line.text, line.timestamp),
      onPhase: (phase) => {
        if (phase === 'downloading') later(() => updateJob(db, jobId, { startTime: clock.now(), when: (r) => r.status === 'InProgress' }, clock.now()));
      },
      onStarted: (id) => {
        identity = id;
        later(() => wctx.setHandle({ root, attempt, identity: id } satisfies ProcessingHandle));
      },
    });
  } finally {
    wctx.signal.removeEventListener('abort', onAbort);
  }
  await chain;
  const why = wctx.abortReason();
  if (why === 'lease-lost') {
    await writer.close();
    return { kind: 'done' }; // the item belongs to another owner now
  }
  if (why === 'shutdown' && result.outcome !== 'completed') {
    note('sagebox: the job will start again from the beginning when sagebox starts');
    await writer.close();
    await updateJob(db, jobId, { patch: (s) => void (s.attempt = attempt - 1) }, clock.now());
    return { kind: 'requeue', countAttempt: false, reason: 'shutdown' };
  }
  await finishAttempt(deps, row, req, result, note);
  const writeError = await writer.close();
  if (writeError) deps.logger?.error({ err: writeError, jobId }, 'could not store the processing job log');
  return { kind: 'done' };
}

/** Uploads the outputs of a completed attempt and ends the job in the state the attempt earned. */
async function finishAttempt(
  deps: ProcessingExecutorDeps, row: ProcessingJobRow, req: CreateProcessingJobRequest, result: ProcessingAttemptResult, note: (text: string) => void,
): Promise<void> {
  const db = deps.store.db;
  const exit = result.exitMessage !== undefined ? { exitMessage: result.exitMessage } : {};
  if (result.outcome === 'failed') {
    const end = deps.clock.now();
    await updateJob(db, row.id, { status: 'Failed', failureReason: result.failureReason ?? 'AlgorithmError: See job logs for more detail.', endTime: end, ...exit }, end);
    return;
  }
  if (result.outcome === 'stopped') {
    const end = deps.clock.now();
    const maxRuntime = req.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400;
    await updateJob(db, row.id, {
      status: 'Stopped', endTime: end, ...exit,
      ...(result.stoppedBy === 'max-runtime'
        ? { failureReason: `MaxRuntimeExceeded: the processing job ran longer than MaxRuntimeInSeconds (${maxRuntime} s) and was stopped.` }
        : {}),
    }, end);
    return;
  }
  try {
    await uploadOutputs(deps.objectStore, req, result.paths, (text) => note(`sagebox: ${text}`));
  } catch (error) {
    const end = deps.clock.now();
    const reason = `ClientError: could not upload the processing outputs: ${(error as Error).message}`;
    note(`sagebox: ${reason}`);
    await updateJob(db, row.id, { status: 'Failed', failureReason: reason, endTime: end, ...exit }, end);
    return;
  }
  const end = deps.clock.now();
  await updateJob(db, row.id, { status: 'Completed', endTime: end, ...exit }, end);
}

/** Appends sagebox's own note to a job's latest log stream (used where no writer is open). */
async function appendNote(deps: ProcessingExecutorDeps, row: ProcessingJobRow, text: string): Promise<void> {
  const stream = parseState(row).logStreams.at(-1);
  if (!stream) return;
  const streamId = await openProcessingLogStream(deps.store.db, { accountId: row.account_id, region: row.region }, stream, deps.clock.now());
  const writer = await processingLogWriter(deps.store.db, streamId, deps.maxLogEvents);
  void writer.line(text, deps.clock.now());
  await writer.close();
}
