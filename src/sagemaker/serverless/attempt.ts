/**
 * One attempt of a serverless training job (ServerlessJobConfig), as the `training-job`
 * engine work runs it: the usual status machine Starting → Pending → Downloading → Training →
 * Uploading → Completed (or Failed / Stopping → Stopped / MaxRuntimeExceeded), with the
 * customization runtime in a worker thread. While Training, ProgressInfo and the metric series
 * (training_metrics: train_loss, learning_rate, rewards...) follow each step; the job's log
 * holds the runtime's lines. FineTuning allocates its Logged output model package before the
 * first download, and the package's status follows the job (see output-package.ts).
 *
 * Restarts: a serverless job has no RetryStrategy (the platform owns the compute), so an
 * attempt lost to a sagebox shutdown or crash starts again from the beginning on the next
 * start, up to MAX_ATTEMPTS attempts in all; ProgressInfo starts again with it.
 */
import path from 'node:path';
import type { WorkContext, WorkItem, WorkOutcome } from '../../engine/engine.js';
import type { Progress } from '../../llm/train/common.js';
import type { TrainingProgressInfo } from '../../aws/generated/sagemaker/types.js';
import { beginAttempt, endedStatus, finishFailed, finishStopped, requeueAfterShutdown, type ExecutorDeps } from '../training/executor.js';
import { loadJob, parseRequest, parseState, updateJob, type JobRow } from '../training/job-store.js';
import { emitEnded, emitTrainingStarted } from '../training/observer.js';
import type { JobOutputWriter } from '../training/log-writer.js';
import { allocateOutputPackage, settleOutputPackage } from './output-package.js';
import { attemptDirs, InputProblem, prepareAttempt } from './prepare.js';
import { uploadOutputs } from './upload.js';
import { startWorker, WorkerFailure, type WorkerRun } from './worker-host.js';
import type { WorkerMessage, WorkerResult } from './worker-protocol.js';

/** Attempts a serverless job gets in all (first run plus restarts after sagebox stopped). */
export const MAX_ATTEMPTS = 3;
/** How often live progress is written (the last step is always written). */
const PROGRESS_EVERY_MS = 200;
/** How long a stopped trainer may take to finish its step and save, before its thread is ended. */
const STOP_GRACE_MS = 30_000;

type Outcome =
  | { kind: 'result'; result: WorkerResult; how: 'completed' | 'user' | 'max-runtime' }
  | { kind: 'failed'; reason: string }
  | { kind: 'stopped-without-output'; how: 'user' | 'max-runtime' }
  | { kind: 'interrupted' };

/**
 * Runs (or re-runs, after a restart) one serverless job; the `training-job` work handler calls
 * it for jobs with a ServerlessJobConfig.
 *
 * @example if (req.ServerlessJobConfig) return runServerlessAttempt(deps, item, wctx, row);
 */
export async function runServerlessAttempt(deps: ExecutorDeps, item: WorkItem<{ jobId: number }>, wctx: WorkContext, row: JobRow): Promise<WorkOutcome> {
  const { store, clock } = deps;
  const db = store.db;
  const jobId = row.id;
  const state = parseState(row);
  if (row.status === 'Stopping' || item.cancelRequested) {
    await finishStopped(deps, jobId, 'user', undefined);
    await settleOutputPackage(deps, jobId);
    return { kind: 'done' };
  }
  if (state.attempt >= MAX_ATTEMPTS) {
    await finishFailed(deps, jobId, `InternalServerError: sagebox stopped while the job was running, ${state.attempt} times; the job was not run again.`);
    await settleOutputPackage(deps, jobId);
    return { kind: 'done' };
  }
  if (item.recovered) {
    // The previous owner died mid-attempt; its worker thread died with it.
    await updateJob(db, jobId, {
      secondary: 'Starting', message: 'sagebox stopped while the job was running; it runs again from the beginning',
    }, clock.now());
  }
  const attempt = state.attempt + 1;
  // A run of this attempt cut short by a shutdown left points that this run's would collide with.
  await db.deleteFrom('training_metrics').where('job_id', '=', jobId).where('attempt', '=', attempt).execute();
  const { root, writer, note } = await beginAttempt(deps, wctx, row, attempt, (s) => void (s.serverless!.progress = {}));
  const dirs = attemptDirs(root);
  if (attempt > 1) note(`sagebox: attempt ${attempt} of ${MAX_ATTEMPTS}: sagebox stopped while the job was running, so it runs again from the beginning`);

  const outcome = await runPhases(deps, wctx, row, dirs, note, writer);
  const why = wctx.abortReason();
  if (why === 'lease-lost') {
    await writer.close();
    return { kind: 'done' };
  }
  if (outcome.kind === 'interrupted') {
    note('sagebox: sagebox is shutting down; the job starts again when sagebox starts');
    await writer.close();
    return requeueAfterShutdown(deps, jobId, attempt);
  }
  if (outcome.kind === 'failed') {
    note(`sagebox: ${outcome.reason}`);
    await writer.close();
    await finishFailed(deps, jobId, outcome.reason);
  } else if (outcome.kind === 'stopped-without-output') {
    await writer.close();
    await finishStopped(deps, jobId, outcome.how, undefined);
  } else {
    await writer.close();
    await finishWithResult(deps, row, dirs, outcome.result, outcome.how);
  }
  await settleOutputPackage(deps, jobId);
  return { kind: 'done' };
}

/** Downloading and Training; answers how the attempt ended. */
async function runPhases(
  deps: ExecutorDeps, wctx: WorkContext, row: JobRow, dirs: ReturnType<typeof attemptDirs>,
  note: (text: string) => void, writer: JobOutputWriter,
): Promise<Outcome> {
  const { store, clock } = deps;
  const db = store.db;
  const req = parseRequest(row);
  const plan = parseState(row).serverless!.plan;
  const inProgress = (r: JobRow): boolean => r.status === 'InProgress';
  try {
    await allocateOutputPackage(deps, row.id);
  } catch (error) {
    return { kind: 'failed', reason: `ClientError: could not create the output model package: ${(error as Error).message}` };
  }
  await updateJob(db, row.id, { secondary: 'Downloading', message: 'Downloading the input data and the base model', trainingStartTime: clock.now(), when: inProgress }, clock.now());
  let spec;
  try {
    spec = await prepareAttempt({
      store: deps.runner.objectStore, resolveDataset: deps.resolveDataset, modelCache: path.join(deps.dataDir, 'models'),
      ctx: { accountId: row.account_id, region: row.region }, note,
    }, req, plan, dirs);
  } catch (error) {
    if (wctx.abortReason() === 'shutdown' || wctx.abortReason() === 'lease-lost') return { kind: 'interrupted' };
    const what = error instanceof InputProblem ? error.message : `could not prepare the input data: ${(error as Error).message}`;
    return { kind: 'failed', reason: `ClientError: ${what}` };
  }
  if (wctx.signal.aborted) {
    const why = wctx.abortReason();
    return why === 'cancel' ? { kind: 'stopped-without-output', how: 'user' } : { kind: 'interrupted' };
  }
  const current = await loadJob(db, row.id);
  if (current?.status === 'Stopping') return { kind: 'stopped-without-output', how: 'user' };
  const live = liveProgress(deps, row.id, writer);
  // Training starts when the runtime has loaded (its thread and modules): that start-up is part of Downloading.
  const trainingStarted = (): void => live.enqueue(async () => {
    await updateJob(db, row.id, {
      secondary: 'Training',
      message: plan.jobType === 'FineTuning'
        ? `Training in progress: ${plan.technique}${plan.peft ? ' with LoRA' : ' (full fine-tuning)'} of ${plan.baseModel.name}`
        : `Evaluation in progress: ${plan.evaluationType} of ${plan.source ? plan.source.arn : plan.baseModel.name}`,
      when: inProgress,
    }, clock.now());
    await emitTrainingStarted(store, row.id); // as the executor does: observers finish before the job can end
  });
  const run: WorkerRun = startWorker(spec, (m: WorkerMessage) => {
    if (m.t === 'ready') trainingStarted();
    else if (m.t === 'log') note(m.text);
    else if (m.t === 'progress') live.step(m.p);
    else if (m.t === 'eval-progress') live.evalStep(m.done, m.total);
  });
  let stoppedBy: 'user' | 'max-runtime' | undefined;
  let killed = false;
  const stop = (how: 'user' | 'max-runtime'): void => {
    if (stoppedBy) return;
    stoppedBy = how;
    note(how === 'user' ? 'sagebox: stop requested; the trainer stops after its current step and saves the model' : 'sagebox: MaxRuntimeInSeconds reached; stopping the trainer');
    if (how === 'max-runtime') {
      void updateJob(db, row.id, { secondary: 'Stopping', status: 'Stopping', message: 'Stopping the training job: MaxRuntimeInSeconds exceeded' }, clock.now());
    }
    if (spec.kind === 'Evaluation') {
      killed = true;
      void run.terminate();
    } else {
      run.requestStop();
      setTimeout(() => { killed = true; void run.terminate(); }, STOP_GRACE_MS).unref();
    }
  };
  const onAbort = (): void => {
    const why = wctx.abortReason();
    if (why === 'cancel') stop('user');
    else { killed = true; void run.terminate(); }
  };
  wctx.signal.addEventListener('abort', onAbort, { once: true });
  const maxRuntime = (req.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400) * 1000;
  const latest = await loadJob(db, row.id);
  const startedAt = latest?.training_start_time ?? clock.now();
  const timer = setTimeout(() => stop('max-runtime'), Math.max(0, startedAt + maxRuntime - clock.now()));
  timer.unref();
  // A stop that arrived while the worker was starting.
  if (latest?.status === 'Stopping') stop('user');
  try {
    const result = await run.result;
    await live.flush();
    return { kind: 'result', result, how: stoppedBy ?? (result.stopped ? 'user' : 'completed') };
  } catch (error) {
    await live.flush();
    const why = wctx.abortReason();
    if (why === 'shutdown' || why === 'lease-lost') return { kind: 'interrupted' };
    if (stoppedBy && killed) return { kind: 'stopped-without-output', how: stoppedBy };
    const failure = error as WorkerFailure;
    return { kind: 'failed', reason: `${failure.client ? 'ClientError' : 'AlgorithmError'}: ${failure.message}` };
  } finally {
    clearTimeout(timer);
    wctx.signal.removeEventListener('abort', onAbort);
  }
}

/** Writes ProgressInfo (throttled) and the metric series from the worker's per-step reports. */
function liveProgress(deps: ExecutorDeps, jobId: number, writer: JobOutputWriter) {
  let pending: TrainingProgressInfo | undefined;
  let lastWrite = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const write = (): void => {
    const info = pending;
    if (!info) return;
    pending = undefined;
    lastWrite = Date.now();
    chain = chain.then(() => updateJob(deps.store.db, jobId, { patch: (s) => void (s.serverless!.progress = info) }, deps.clock.now()))
      .catch((e: unknown) => deps.logger?.error({ err: e }, 'serverless progress update failed'));
  };
  const offer = (info: TrainingProgressInfo, last: boolean): void => {
    pending = info;
    if (last || Date.now() - lastWrite >= PROGRESS_EVERY_MS) write();
  };
  return {
    /** Runs `fn` after the writes queued so far (status changes and progress commit in order). */
    enqueue(fn: () => Promise<unknown>): void {
      chain = chain.then(fn).catch((e: unknown) => deps.logger?.error({ err: e }, 'serverless status update failed'));
    },
    step(p: Progress): void {
      const now = deps.clock.now();
      const step = p.globalStep - 1;
      writer.metric({ name: 'train_loss', value: p.loss, timestamp: now, step });
      writer.metric({ name: 'learning_rate', value: p.learningRate, timestamp: now, step });
      for (const [name, value] of Object.entries(p.metrics)) if (Number.isFinite(value)) writer.metric({ name, value, timestamp: now, step });
      offer({ CurrentEpoch: p.epoch, CurrentStep: p.step, TotalStepCountPerEpoch: p.stepsPerEpoch, MaxEpoch: p.maxEpochs }, p.globalStep === p.totalSteps);
    },
    evalStep(done: number, total: number): void {
      offer({ CurrentEpoch: 1, CurrentStep: done, TotalStepCountPerEpoch: total, MaxEpoch: 1 }, done === total);
    },
    async flush(): Promise<void> {
      write();
      await chain;
    },
  };
}

/** Uploading, then Completed / Stopped / MaxRuntimeExceeded with metrics, tokens and artifacts. */
async function finishWithResult(
  deps: ExecutorDeps, row: JobRow, dirs: ReturnType<typeof attemptDirs>, result: WorkerResult, how: 'completed' | 'user' | 'max-runtime',
): Promise<void> {
  const db = deps.store.db;
  const req = parseRequest(row);
  const plan = parseState(row).serverless!.plan;
  if (how === 'completed') await updateJob(db, row.id, { secondary: 'Uploading', message: 'Uploading the customized model and results' }, deps.clock.now());
  let artifacts: string | undefined;
  try {
    artifacts = await uploadOutputs(deps.runner.objectStore, req, plan, dirs, result);
  } catch (error) {
    await finishFailed(deps, row.id, `ClientError: could not upload the outputs to ${req.OutputDataConfig.S3OutputPath}: ${(error as Error).message}`);
    return;
  }
  const end = deps.clock.now();
  const [secondary, message] = endedStatus(how);
  await updateJob(db, row.id, {
    secondary, message, trainingEndTime: end,
    patch: (s) => {
      if (artifacts) s.modelArtifacts = artifacts;
      s.finalMetrics = Object.entries(result.finalMetrics).map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: end }));
      s.serverless!.billableTokens = result.tokens;
      // A completed job's progress ends complete, also when max_steps ended training inside an epoch.
      const p = s.serverless!.progress;
      if (how === 'completed' && p?.MaxEpoch !== undefined) s.serverless!.progress = { ...p, CurrentEpoch: p.MaxEpoch, CurrentStep: p.TotalStepCountPerEpoch };
      s.serverless!.result = { adapter: result.adapter === true, merged: result.merged === true, stopped: how !== 'completed' };
    },
  }, end);
  emitEnded(deps.store, row.id);
}
