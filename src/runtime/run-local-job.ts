/**
 * One attempt of a training job as a local process, start to finish: lay out /opt/ml, fill it
 * (the caller's `prepare` hook: channels, code, checkpoints), start the command (sandboxed when
 * possible), stream its lines and metrics, enforce MaxRuntimeInSeconds, honour a stop, and
 * report how it ended. Uploading outputs is the separate `packageOutputs` step, so the engine
 * can record `Uploading` between the two.
 *
 * The durable engine owns states and retries; this function owns one process. It throws only
 * for platform faults (cannot create the job directory); everything the job or its inputs cause
 * comes back as `outcome: 'failed'` with a FailureReason.
 */
import type { ObjectStore } from '../artifacts/object-store.js';
import { CheckpointSync } from './data-plane.js';
import { buildEnvironment, splitHyperParameters, userArgs } from './environment.js';
import { readFailureReason } from './failure.js';
import { ImageTable } from './image-table.js';
import { OPT_ML, layoutJobDir, type ChannelSpec, type JobPaths, type ResourceSpec } from './job-dir.js';
import { MetricCollector, type MetricDefinition, type MetricPoint } from './metrics.js';
import { startProcess, type LineSink, type OutputLine, type ProcessExit, type ProcessIdentity } from './process.js';
import { detectSandbox, planLaunch } from './sandbox.js';

/** SageMaker's defaults. */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86_400;
export const DEFAULT_STOP_GRACE_MS = 120_000;

/** Everything one attempt needs. */
export interface LocalJobSpec {
  jobName: string;
  jobArn: string;
  region: string;
  /** The attempt's directory (created); e.g. `<dataDir>/jobs/<account>/<region>/<job>/attempt-1`. */
  root: string;
  /** `HyperParameters` as in the request. */
  hyperParameters?: Readonly<Record<string, string>>;
  channels?: readonly ChannelSpec[];
  resource: ResourceSpec;
  /** The request's `Environment`. */
  environment?: Readonly<Record<string, string>>;
  /** What to run: ContainerEntrypoint(+Arguments), or an image looked up in the image table. */
  trainingImage?: string;
  containerEntrypoint?: readonly string[];
  containerArguments?: readonly string[];
  metricDefinitions?: readonly MetricDefinition[];
  /** Default: the built-in table only. */
  imageTable?: ImageTable;
  enableNetworkIsolation?: boolean;
  /** Counted from the call, downloads included; default 86400. With retries, pass what is left. */
  maxRuntimeSeconds?: number;
  /** SIGTERM → SIGKILL grace; default 120 s. */
  stopGraceMs?: number;
  /** Aborting it is StopTrainingJob. */
  signal?: AbortSignal;
  /** `auto` (default): bubblewrap when usable; `required`: fail without it; `off`: plain process. */
  sandbox?: 'auto' | 'required' | 'off';
  /** Checkpoint sync (CheckpointConfig): restored before `prepare`, uploaded during and after. */
  checkpoint?: { store: ObjectStore; s3Uri: string; intervalMs?: number };
  /** The Downloading phase: fill channels (see `downloadChannel`) and code. Gets an abort signal. */
  prepare?: (paths: JobPaths, signal: AbortSignal) => Promise<void>;
  /** Each output line, and sagebox's own notes (stream `system`). May return a promise (backpressure). */
  onLine?: LineSink;
  onMetric?: (point: MetricPoint) => void;
  /** `downloading` before prepare, `training` when the process starts. */
  onPhase?: (phase: 'downloading' | 'training') => void;
  /** The process identity, for the engine's re-attach check after a restart. */
  onStarted?: (identity: ProcessIdentity) => void;
  /** Lines longer than this many characters are split; default 256 KiB. */
  maxLineLength?: number;
}

/** How the attempt ended. */
export interface LocalJobResult {
  /** completed: exit 0; failed: non-zero, killed, or could not start; stopped: stop or max runtime. */
  outcome: 'completed' | 'failed' | 'stopped';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stoppedBy?: 'user' | 'max-runtime';
  /** From /opt/ml/output/failure (first 1024 chars), else a platform message; failed only. */
  failureReason?: string;
  /** Last value of each metric (FinalMetricDataList). */
  finalMetrics: MetricPoint[];
  /** From process start to exit (0 if it never started). */
  durationMs: number;
  /** Epoch ms: process start (undefined if it never started) and end. */
  trainingStartedAt?: number;
  endedAt: number;
  killedAfterGrace: boolean;
  sandboxed: boolean;
  networkIsolated: boolean;
  identity?: ProcessIdentity;
  paths: JobPaths;
}

/**
 * Runs one attempt.
 *
 * @example
 *   const stop = new AbortController();
 *   const result = await runLocalJob({
 *     jobName: 'j1', jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/j1', region: 'us-east-1',
 *     root: '/data/.sagebox/jobs/000000000000/us-east-1/j1/attempt-1',
 *     trainingImage: 'sagebox/python', containerArguments: ['train.py'],
 *     hyperParameters: { epochs: '2' }, channels: [{ name: 'train' }],
 *     resource: { instanceType: 'ml.m5.large', instanceCount: 1 },
 *     metricDefinitions: [{ Name: 'loss', Regex: 'loss=([0-9.]+)' }],
 *     prepare: async (paths) => { await downloadChannel(store, 's3://b/train/', 'S3Prefix', paths.channel('train')); },
 *     onLine: (line) => logs.append(line), signal: stop.signal,
 *   });
 *   if (result.outcome !== 'failed') await packageOutputs(result.paths, store, 's3://b/out', 'j1', 'GZIP');
 */
export async function runLocalJob(spec: LocalJobSpec): Promise<LocalJobResult> {
  const callStart = Date.now();
  const paths = await layoutJobDir(spec.root, {
    ...(spec.hyperParameters ? { hyperParameters: spec.hyperParameters } : {}),
    ...(spec.channels ? { channels: spec.channels } : {}),
    resource: spec.resource,
  });
  const sinkLine: LineSink = spec.onLine ?? (() => {});
  const note = (text: string): void => void sinkLine({ stream: 'system', text: `sagebox: ${text}`, timestamp: Date.now() });
  const base = { exitCode: null, signal: null, finalMetrics: [] as MetricPoint[], durationMs: 0, killedAfterGrace: false, paths };
  const fail = (failureReason: string, sandboxed = false, networkIsolated = false): LocalJobResult => {
    note(failureReason);
    return { ...base, outcome: 'failed', failureReason, endedAt: Date.now(), sandboxed, networkIsolated };
  };

  // Stop and max runtime share one controller; `stoppedBy` remembers which fired first.
  const control = new AbortController();
  let stoppedBy: 'user' | 'max-runtime' | undefined;
  const stopWith = (who: 'user' | 'max-runtime'): void => {
    stoppedBy ??= who;
    control.abort();
  };
  const onUserStop = (): void => stopWith('user');
  if (spec.signal?.aborted) stopWith('user');
  spec.signal?.addEventListener('abort', onUserStop, { once: true });
  const maxRuntimeMs = (spec.maxRuntimeSeconds ?? DEFAULT_MAX_RUNTIME_SECONDS) * 1000;
  const runtimeTimer = setTimeout(() => stopWith('max-runtime'), Math.max(0, maxRuntimeMs - (Date.now() - callStart)));
  const checkpoint = spec.checkpoint
    ? new CheckpointSync(spec.checkpoint.store, paths.checkpoints, spec.checkpoint.s3Uri, (e) => note(`checkpoint upload failed, will retry: ${e.message}`))
    : undefined;
  const stoppedEarly = (): LocalJobResult => ({ ...base, outcome: 'stopped', stoppedBy: stoppedBy!, endedAt: Date.now(), sandboxed: false, networkIsolated: false });

  try {
    // What to run, and where: decided before any download so a bad image fails fast.
    let command: string[];
    let metrics: MetricCollector;
    try {
      const hps = splitHyperParameters(spec.hyperParameters ?? {});
      command = (spec.imageTable ?? new ImageTable()).resolve({
        ...(spec.trainingImage ? { trainingImage: spec.trainingImage } : {}),
        ...(spec.containerEntrypoint ? { containerEntrypoint: spec.containerEntrypoint } : {}),
        ...(spec.containerArguments ? { containerArguments: spec.containerArguments } : {}),
        ...(spec.hyperParameters ? { hyperParameters: spec.hyperParameters } : {}),
        userArgs: userArgs(hps.user),
      });
      metrics = new MetricCollector(spec.metricDefinitions ?? []);
    } catch (error) {
      return fail(`ClientError: ${(error as Error).message}`);
    }
    const mode = spec.sandbox ?? 'auto';
    const support = mode === 'off' ? undefined : await detectSandbox();
    const sandboxed = support?.available === true;
    if (mode === 'required' && !sandboxed) return fail(`ClientError: a sandbox is required and bubblewrap is not usable: ${support?.reason ?? 'unknown'}`);
    const networkIsolated = sandboxed && spec.enableNetworkIsolation === true && support!.networkIsolation;
    if (spec.enableNetworkIsolation && !networkIsolated) {
      note(
        sandboxed
          ? `EnableNetworkIsolation is NOT enforced: this machine's bubblewrap cannot unshare the network (${support!.reason ?? ''})`
          : 'EnableNetworkIsolation is NOT enforced: bubblewrap is not available, the job runs as a plain process with network access',
      );
    }
    if (!sandboxed && mode === 'auto') note(`bubblewrap is not available (${support?.reason ?? 'unknown'}); running as a plain process, SM_* paths point into ${paths.ml}`);

    // Downloading: checkpoints in, then the caller's channels and code.
    spec.onPhase?.('downloading');
    try {
      await checkpoint?.restore();
      await spec.prepare?.(paths, control.signal);
    } catch (error) {
      if (stoppedBy) return stoppedEarly();
      return fail(`ClientError: could not prepare the input data: ${(error as Error).message}`, sandboxed, networkIsolated);
    }
    if (stoppedBy) return stoppedEarly();

    const env = buildEnvironment({
      jobName: spec.jobName,
      jobArn: spec.jobArn,
      region: spec.region,
      ...(spec.hyperParameters ? { hyperParameters: spec.hyperParameters } : {}),
      ...(spec.channels ? { channels: spec.channels } : {}),
      resource: spec.resource,
      ...(spec.environment ? { environment: spec.environment } : {}),
      mlRoot: sandboxed ? OPT_ML : paths.ml,
      tmpDir: sandboxed ? '/tmp' : paths.tmp,
    });
    const plan = planLaunch({ command, paths, env, sandbox: sandboxed, networkIsolation: networkIsolated });

    const onLine: LineSink = (line: OutputLine) => {
      for (const point of metrics.observe(line.text, line.timestamp)) spec.onMetric?.(point);
      return sinkLine(line);
    };
    spec.onPhase?.('training');
    const trainingStartedAt = Date.now();
    const proc = startProcess(plan, onLine, spec.maxLineLength ? { maxLineLength: spec.maxLineLength } : {});
    void proc.identity.then((id) => id && spec.onStarted?.(id));
    checkpoint?.start(spec.checkpoint?.intervalMs ?? 30_000);
    const grace = spec.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    const onStop = (): void => {
      note(stoppedBy === 'max-runtime' ? `MaxRuntimeInSeconds reached: stopping (SIGTERM, SIGKILL after ${grace} ms)` : `stop requested: SIGTERM, SIGKILL after ${grace} ms`);
      void proc.stop(grace);
    };
    if (control.signal.aborted) onStop();
    else control.signal.addEventListener('abort', onStop, { once: true });

    const exit: ProcessExit = await proc.exited;
    const endedAt = Date.now();
    control.signal.removeEventListener('abort', onStop);
    await checkpoint?.stop().catch((e: Error) => note(`final checkpoint upload failed: ${e.message}`));
    const identity = await proc.identity;

    const outcome = stoppedBy ? 'stopped' : exit.exitCode === 0 ? 'completed' : 'failed';
    let failureReason: string | undefined;
    if (outcome === 'failed') {
      failureReason =
        exit.spawnError ? `ClientError: cannot start the training process '${command[0]}': ${exit.spawnError.message}`
        : ((await readFailureReason(paths.failureFile)) ??
          `AlgorithmError: the training process ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`}; see the job's log`);
    }
    return {
      outcome,
      exitCode: exit.exitCode,
      signal: exit.signal,
      ...(stoppedBy ? { stoppedBy } : {}),
      ...(failureReason ? { failureReason } : {}),
      finalMetrics: metrics.finalMetrics(),
      durationMs: endedAt - trainingStartedAt,
      trainingStartedAt,
      endedAt,
      killedAfterGrace: exit.killedAfterGrace,
      sandboxed,
      networkIsolated,
      ...(identity ? { identity } : {}),
      paths,
    };
  } finally {
    clearTimeout(runtimeTimer);
    spec.signal?.removeEventListener('abort', onUserStop);
  }
}
