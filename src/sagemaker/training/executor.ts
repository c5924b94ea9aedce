/**
 * The engine's `training-job` work: one claimed item drives one attempt of a job through the
 * status machine Starting → Pending → Downloading → Training → Uploading → Completed, or to
 * Failed / Stopping → Stopped (SAGEMAKER-SEMANTICS §2.3), keeping its log and metrics.
 *
 * Retries follow RetryStrategy, and only for internal errors (as SageMaker does): a training
 * process that exits non-zero fails the job; a sagebox crash that leaves the attempt's outcome
 * unknown is an internal error. A graceful shutdown kills the process and requeues the job
 * without counting an attempt. After a crash (`item.recovered`) see recovery.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../engine/clock.js';
import type { WorkContext, WorkHandler, WorkItem, WorkOutcome } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';
import type { LocalJobResult, ProcessIdentity } from '../../runtime/index.js';
import { channelSpecs, inputPreparer, type DatasetResolver } from './inputs.js';
import { parseRequest, parseState, loadJob, TERMINAL, updateJob, type JobRow, type TrainingJobState } from './job-store.js';
import { JobOutputWriter, logStreamName, openLogStream, TRAINING_LOG_GROUP } from './log-writer.js';
import { recoverAttempt } from './recovery.js';
import { emitEnded, emitTrainingStarted } from './observer.js';
import type { AttemptPaths, TrainingRunner } from './runner.js';

export const TRAINING_WORK = 'training-job';

/** What a running attempt records so a restarted sagebox can find it again. */
export interface AttemptHandle {
  root: string;
  attempt: number;
  streamId: number;
  identity?: ProcessIdentity;
}

/** Everything the executor needs. */
export interface ExecutorDeps {
  store: Store;
  runner: TrainingRunner;
  /** Attempt directories go under `<dataDir>/jobs/`. */
  dataDir: string;
  clock: Clock;
  maxLogEvents: number;
  resolveDataset: DatasetResolver;
  logger?: Logger;
  /** Runs jobs with a ServerlessJobConfig (src/sagemaker/serverless); absent: they are never queued. */
  serverless?: ServerlessRunner;
}

/** The serverless branch of the `training-job` work (kept out of this file: see src/sagemaker/serverless). */
export interface ServerlessRunner {
  run(deps: ExecutorDeps, item: WorkItem<{ jobId: number }>, wctx: WorkContext, row: JobRow): Promise<WorkOutcome>;
  /** After the engine failed the job (a handler fault): settle what the job made. */
  afterFail(deps: ExecutorDeps, jobId: number): Promise<void>;
}

/** How long a shutdown waits after SIGTERM before SIGKILL (shutdown must not take 120 s). */
const SHUTDOWN_GRACE_MS = 3000;

/** The `training-job` WorkHandler. */
export function trainingWorkHandler(deps: ExecutorDeps): WorkHandler<{ jobId: number }> {
  return {
    async run(item, wctx) {
      const row = await loadJob(deps.store.db, item.payload.jobId);
      if (!row || TERMINAL.has(row.status)) return { kind: 'done' };
      if (deps.serverless && parseState(row).serverless) return deps.serverless.run(deps, item, wctx, row);
      if (item.recovered) return recoverAttempt(deps, item, wctx, row);
      return runAttempt(deps, item, wctx, row);
    },
    async fail(item, reason) {
      await finishFailed(deps, item.payload.jobId, reason);
      await deps.serverless?.afterFail(deps, item.payload.jobId);
    },
  };
}

async function runAttempt(deps: ExecutorDeps, item: WorkItem<{ jobId: number }>, wctx: WorkContext, row: JobRow): Promise<WorkOutcome> {
  const { store, runner, clock } = deps;
  const db = store.db;
  const jobId = row.id;
  const req = parseRequest(row);
  const state = parseState(row);
  if (row.status === 'Stopping' || item.cancelRequested) {
    await finishStopped(deps, jobId, 'user', undefined);
    return { kind: 'done' };
  }
  const attempt = state.attempt + 1;
  const { root, streamId, writer, note } = await beginAttempt(deps, wctx, row, attempt);
  if (attempt > 1) note(`sagebox: attempt ${attempt} of ${state.maxAttempts}`);

  // Status changes from runtime callbacks are chained, so they commit in order.
  let chain: Promise<unknown> = Promise.resolve();
  const later = (fn: () => Promise<unknown>): void => void (chain = chain.then(fn).catch((e: unknown) => deps.logger?.error({ err: e }, 'training status update failed')));
  const maxRuntime = req.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400;
  const used = row.training_start_time !== null ? (clock.now() - row.training_start_time) / 1000 : 0;
  let identity: ProcessIdentity | undefined;
  const onAbort = (): void => {
    const why = wctx.abortReason();
    if (why !== 'shutdown' && why !== 'lease-lost') return;
    note(`sagebox: ${why === 'shutdown' ? 'sagebox is shutting down' : 'this server lost the job lease'}: stopping the training process`);
    setTimeout(() => void (identity && runner.kill(identity, 'SIGKILL')), SHUTDOWN_GRACE_MS).unref();
  };
  wctx.signal.addEventListener('abort', onAbort, { once: true });

  const s = req.AlgorithmSpecification;
  let result: LocalJobResult;
  try {
    result = await runner.run({
      jobName: row.name, jobArn: row.arn, region: row.region, root,
      ...(req.HyperParameters ? { hyperParameters: req.HyperParameters } : {}),
      channels: channelSpecs(req),
      resource: { instanceType: req.ResourceConfig?.InstanceType ?? 'ml.m5.large', instanceCount: req.ResourceConfig?.InstanceCount ?? 1 },
      ...(req.Environment ? { environment: req.Environment } : {}),
      ...(s?.TrainingImage ? { trainingImage: s.TrainingImage } : {}),
      ...(s?.ContainerEntrypoint ? { containerEntrypoint: s.ContainerEntrypoint } : {}),
      ...(s?.ContainerArguments ? { containerArguments: s.ContainerArguments } : {}),
      ...(s?.MetricDefinitions ? { metricDefinitions: s.MetricDefinitions } : {}),
      enableNetworkIsolation: req.EnableNetworkIsolation === true,
      maxRuntimeSeconds: Math.max(0, maxRuntime - used),
      signal: wctx.signal,
      ...(req.CheckpointConfig ? { checkpoint: { store: runner.objectStore, s3Uri: req.CheckpointConfig.S3Uri } } : {}),
      prepare: inputPreparer(runner.objectStore, req, { accountId: row.account_id, region: row.region }, deps.resolveDataset, note),
      onLine: (line) => writer.line(line.text, line.timestamp),
      onMetric: (point) => writer.metric(point),
      onPhase: (phase) => later(() => phase === 'downloading'
        ? updateJob(db, jobId, { secondary: 'Downloading', message: 'Downloading input data', trainingStartTime: clock.now(), when: (r) => r.status === 'InProgress' }, clock.now())
        : updateJob(db, jobId, { secondary: 'Training', message: 'Training image download completed. Training in progress.', when: (r) => r.status === 'InProgress' }, clock.now())
          .then(() => emitTrainingStarted(store, jobId))),
      onStarted: (id) => {
        identity = id;
        later(() => wctx.setHandle({ root, attempt, streamId, identity: id } satisfies AttemptHandle));
      },
    });
  } finally {
    wctx.signal.removeEventListener('abort', onAbort);
  }
  await chain;
  const why = wctx.abortReason();
  if (why === 'lease-lost') {
    await writer.close();
    return { kind: 'done' }; // the engine ignores it: the item belongs to another owner now
  }
  if (why === 'shutdown' && result.outcome !== 'completed') {
    note('sagebox: the job will start again when sagebox starts');
    await writer.close();
    return requeueAfterShutdown(deps, jobId, attempt);
  }
  const writeError = await writer.close();
  if (writeError) deps.logger?.error({ err: writeError, jobId }, 'could not store the job log');
  const finalMetrics = result.finalMetrics.map((p) => ({ MetricName: p.name, Value: p.value, Timestamp: p.timestamp }));
  const paths = runner.pathsOf(root);
  if (result.outcome === 'failed') {
    await finishFailed(deps, jobId, result.failureReason ?? 'AlgorithmError: the training process failed', finalMetrics);
  } else {
    await finishWithOutputs(deps, jobId, result.outcome === 'completed' ? 'completed' : (result.stoppedBy ?? 'user'), paths, finalMetrics);
  }
  return { kind: 'done' };
}

/**
 * Starts attempt `attempt` of a job: a new log stream, a fresh attempt directory (recorded, with
 * the stream, as the work item's handle), SecondaryStatus Pending, and an open log writer.
 * `patch` adds the caller's own changes to the state document.
 */
export async function beginAttempt(
  deps: ExecutorDeps, wctx: WorkContext, row: JobRow, attempt: number, patch?: (state: TrainingJobState) => void,
): Promise<{ root: string; streamId: number; writer: JobOutputWriter; note: (text: string) => void }> {
  const { store: { db }, clock } = deps;
  const startedAt = clock.now();
  const streamName = logStreamName(row.name, startedAt);
  const streamId = await openLogStream(db, { accountId: row.account_id, region: row.region, jobId: row.id }, streamName, startedAt);
  const root = path.join(deps.dataDir, 'jobs', row.account_id, row.region, row.name_key, `attempt-${attempt}`);
  await fs.rm(root, { recursive: true, force: true }); // a half-made attempt directory of a crashed run
  await fs.mkdir(root, { recursive: true });
  await wctx.setHandle({ root, attempt, streamId } satisfies AttemptHandle);
  await updateJob(db, row.id, {
    ...(row.secondary_status === 'Pending' ? {} : { secondary: 'Pending', message: 'Preparing the instances for training' }),
    patch: (s) => {
      s.attempt = attempt;
      if (!s.logStreams.includes(streamName)) s.logStreams.push(streamName);
      patch?.(s);
    },
  }, clock.now());
  const writer = new JobOutputWriter(db, streamId, row.id, attempt, { maxEvents: deps.maxLogEvents, now: () => clock.now() });
  await writer.init();
  return { root, streamId, writer, note: (text) => void writer.line(text, clock.now()) };
}

type Metrics = { MetricName: string; Value: number; Timestamp: number }[];

/**
 * Puts an attempt cut short by a graceful shutdown back to Starting, uncounted, and requeues it
 * (the caller has closed its log writer).
 */
export async function requeueAfterShutdown(deps: ExecutorDeps, jobId: number, attempt: number): Promise<WorkOutcome> {
  await updateJob(deps.store.db, jobId, {
    secondary: 'Starting', message: 'sagebox was shut down while the job was running; it starts again when sagebox restarts',
    patch: (st) => void (st.attempt = attempt - 1),
  }, deps.clock.now());
  return { kind: 'requeue', countAttempt: false, reason: 'shutdown' };
}

/** The SecondaryStatus and message of a job that ran and ended with its outputs uploaded. */
export function endedStatus(how: 'completed' | 'user' | 'max-runtime'): readonly ['Completed' | 'MaxRuntimeExceeded' | 'Stopped', string] {
  return how === 'completed' ? ['Completed', 'Training job completed']
    : how === 'max-runtime' ? ['MaxRuntimeExceeded', 'Training job stopped: MaxRuntimeInSeconds exceeded']
    : ['Stopped', 'Training job stopped'];
}

/**
 * Uploads the outputs and ends the job: Completed, Stopped, or Stopped/MaxRuntimeExceeded.
 * Used by recovery too.
 */
export async function finishWithOutputs(
  deps: ExecutorDeps, jobId: number, how: 'completed' | 'user' | 'max-runtime', paths: AttemptPaths, finalMetrics?: Metrics,
): Promise<void> {
  const db = deps.store.db;
  const row = await loadJob(db, jobId);
  if (!row || TERMINAL.has(row.status)) return;
  const req = parseRequest(row);
  const now = deps.clock.now();
  if (how === 'completed') await updateJob(db, jobId, { secondary: 'Uploading', message: 'Uploading generated training model' }, now);
  else if (how === 'max-runtime') {
    await updateJob(db, jobId, { secondary: 'Stopping', status: 'Stopping', message: `Stopping the training job: MaxRuntimeInSeconds (${req.StoppingCondition?.MaxRuntimeInSeconds ?? 86400} s) exceeded` }, now);
  }
  let artifacts: string | undefined;
  try {
    const out = await deps.runner.upload(paths, req.OutputDataConfig.S3OutputPath, row.name, req.OutputDataConfig.CompressionType === 'NONE' ? 'NONE' : 'GZIP');
    artifacts = out.modelArtifacts;
  } catch (error) {
    await finishFailed(deps, jobId, `ClientError: could not upload the training outputs to ${req.OutputDataConfig.S3OutputPath}: ${(error as Error).message}`, finalMetrics);
    return;
  }
  const end = deps.clock.now();
  const [secondary, message] = endedStatus(how);
  await updateJob(db, jobId, {
    secondary, message, trainingEndTime: end,
    patch: (s) => {
      s.modelArtifacts = artifacts;
      if (finalMetrics) s.finalMetrics = finalMetrics;
    },
  }, end);
  emitEnded(deps.store, jobId);
}

/** Ends the job Failed with a FailureReason (first 1024 characters). */
export async function finishFailed(deps: ExecutorDeps, jobId: number, reason: string, finalMetrics?: Metrics): Promise<void> {
  const end = deps.clock.now();
  await updateJob(deps.store.db, jobId, {
    secondary: 'Failed', message: 'Training job failed', failureReason: reason, trainingEndTime: end,
    patch: (s) => void (finalMetrics && (s.finalMetrics = finalMetrics)),
  }, end);
  emitEnded(deps.store, jobId);
}

/** Ends a job that was stopped before or without a process (nothing to upload when `paths` is undefined). */
export async function finishStopped(deps: ExecutorDeps, jobId: number, how: 'user' | 'max-runtime', paths: AttemptPaths | undefined): Promise<void> {
  if (paths) return finishWithOutputs(deps, jobId, how, paths);
  const end = deps.clock.now();
  await updateJob(deps.store.db, jobId, {
    secondary: how === 'user' ? 'Stopped' : 'MaxRuntimeExceeded',
    message: how === 'user' ? 'Training job stopped before it started' : 'Training job stopped: MaxRuntimeInSeconds exceeded',
    trainingEndTime: end,
  }, end);
  emitEnded(deps.store, jobId);
}

/** Appends sagebox's own note to a job's latest log stream (used where no writer is open). */
export async function appendNote(deps: ExecutorDeps, row: JobRow, text: string): Promise<void> {
  const stream = parseState(row).logStreams.at(-1);
  if (!stream) return;
  const streamId = await openLogStream(deps.store.db, { accountId: row.account_id, region: row.region, jobId: row.id }, stream, deps.clock.now());
  const writer = new JobOutputWriter(deps.store.db, streamId, row.id, parseState(row).attempt, { maxEvents: deps.maxLogEvents });
  await writer.init();
  void writer.line(text, deps.clock.now());
  await writer.close();
}

export { TRAINING_LOG_GROUP };
