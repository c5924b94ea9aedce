/**
 * One attempt of a processing job as a local process, start to finish: lay out /opt/ml, download
 * the inputs, start the command (sandboxed when possible) with the job's Environment, stream its
 * lines, honour a stop and MaxRuntimeInSeconds (SIGTERM to its group, SIGKILL after the grace
 * period), and report how it ended. Uploading the outputs is the executor's next step.
 *
 * Built on src/runtime's parts (image table, sandbox, process), not on runLocalJob, whose
 * /opt/ml layout and SM_* environment are the training contract's.
 */
import type { ObjectStore } from '../../artifacts/object-store.js';
import type { CreateProcessingJobRequest } from '../../aws/generated/sagemaker/types.js';
import {
  detectSandbox, ImageTable, planLaunch, startProcess, type LineSink, type ProcessIdentity,
} from '../../runtime/index.js';
import {
  hostPathOf, layoutProcessingDir, processingEnvironment, readJobFile, PROCESSING_ROOT, type ProcessingPaths,
} from './container.js';
import { downloadInputs } from './data.js';

/**
 * Everything one attempt needs.
 *
 * @example { jobName: 'p', jobArn, region: 'us-east-1', root, request, objectStore, sandbox: 'auto', stopGraceMs: 120_000, maxRuntimeSeconds: 3600, signal, onLine }
 */
export interface ProcessingAttemptSpec {
  jobName: string;
  jobArn: string;
  region: string;
  /** The attempt's directory (recreated). */
  root: string;
  /** The request with defaults filled in. */
  request: CreateProcessingJobRequest;
  objectStore: ObjectStore;
  imageTable?: ImageTable;
  /** `auto`: bubblewrap when usable; `required`: fail without it; `off`: plain process. */
  sandbox: 'auto' | 'required' | 'off';
  stopGraceMs: number;
  /** What is left of MaxRuntimeInSeconds, downloads included. */
  maxRuntimeSeconds: number;
  /** Aborting it stops the job (StopProcessingJob, shutdown). */
  signal: AbortSignal;
  onLine: LineSink;
  /** `downloading` before the inputs, `processing` when the process starts. */
  onPhase?: (phase: 'downloading' | 'processing') => void;
  onStarted?: (identity: ProcessIdentity) => void;
}

/**
 * How the attempt ended.
 *
 * @example { outcome: 'failed', failureReason: 'AlgorithmError: See job logs for more detail.', exitMessage: 'bad row 3', exitCode: 1, paths }
 */
export interface ProcessingAttemptResult {
  outcome: 'completed' | 'failed' | 'stopped';
  stoppedBy?: 'user' | 'max-runtime';
  failureReason?: string;
  /** /opt/ml/output/message, if the job wrote one. */
  exitMessage?: string;
  exitCode: number | null;
  identity?: ProcessIdentity;
  paths: ProcessingPaths;
}

/**
 * Runs one attempt. Throws only for platform faults (cannot create the directory).
 *
 * @example
 *   const result = await runProcessingAttempt({ jobName, jobArn, region, root, request, objectStore,
 *     sandbox: 'auto', stopGraceMs: 120_000, maxRuntimeSeconds: 3600, signal, onLine: (l) => log(l.text) });
 */
export async function runProcessingAttempt(spec: ProcessingAttemptSpec): Promise<ProcessingAttemptResult> {
  const callStart = Date.now();
  const req = spec.request;
  const paths = await layoutProcessingDir(spec.root, req, spec.jobArn);
  const note = (text: string): void => void spec.onLine({ stream: 'system', text: `sagebox: ${text}`, timestamp: Date.now() });
  const fail = (failureReason: string): ProcessingAttemptResult => {
    note(failureReason);
    return { outcome: 'failed', failureReason, exitCode: null, paths };
  };

  const control = new AbortController();
  let stoppedBy: 'user' | 'max-runtime' | undefined;
  const stopWith = (who: 'user' | 'max-runtime'): void => {
    stoppedBy ??= who;
    control.abort();
  };
  const onUserStop = (): void => stopWith('user');
  if (spec.signal.aborted) stopWith('user');
  spec.signal.addEventListener('abort', onUserStop, { once: true });
  const runtimeTimer = setTimeout(() => stopWith('max-runtime'), Math.max(0, spec.maxRuntimeSeconds * 1000 - (Date.now() - callStart)));
  const stoppedEarly = (): ProcessingAttemptResult => ({ outcome: 'stopped', stoppedBy: stoppedBy!, exitCode: null, paths });

  try {
    // What to run, decided before any download so a bad image fails fast.
    const app = req.AppSpecification;
    let command: string[];
    try {
      command = (spec.imageTable ?? new ImageTable()).resolve({
        trainingImage: app.ImageUri,
        ...(app.ContainerEntrypoint ? { containerEntrypoint: app.ContainerEntrypoint } : {}),
        ...(app.ContainerArguments ? { containerArguments: app.ContainerArguments } : {}),
        hyperParameters: {},
      });
    } catch (error) {
      const message = (error as Error).message;
      return fail(/sagemaker_program/.test(message)
        ? `ClientError: sagebox cannot run image ${app.ImageUri} without AppSpecification.ContainerEntrypoint: processing jobs name the command to run (e.g. ["python3", "/opt/ml/processing/input/code/script.py"])`
        : `ClientError: ${message}`);
    }
    const support = spec.sandbox === 'off' ? undefined : await detectSandbox();
    const sandboxed = support?.available === true;
    if (spec.sandbox === 'required' && !sandboxed) return fail(`ClientError: a sandbox is required and bubblewrap is not usable: ${support?.reason ?? 'unknown'}`);
    const isolate = req.NetworkConfig?.EnableNetworkIsolation === true;
    const networkIsolated = sandboxed && isolate && support!.networkIsolation;
    if (isolate && !networkIsolated) note('NetworkConfig.EnableNetworkIsolation is NOT enforced: bubblewrap cannot isolate the network here');
    if (!sandboxed) {
      note(`${spec.sandbox === 'off' ? 'the sandbox is off' : `bubblewrap is not available (${support?.reason ?? 'unknown'})`}; running as a plain process: /opt/ml paths in the command and Environment point into ${paths.ml}`);
      command = command.map((arg) => hostPathOf(arg, paths.ml));
    }

    spec.onPhase?.('downloading');
    try {
      await downloadInputs(spec.objectStore, req, paths, control.signal, note);
    } catch (error) {
      if (stoppedBy) return stoppedEarly();
      return fail(`ClientError: could not prepare the input data: ${(error as Error).message}`);
    }
    if (stoppedBy) return stoppedEarly();

    let env = processingEnvironment(req, spec.region, sandboxed ? '/tmp' : paths.tmp);
    if (!sandboxed) env = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, hostPathOf(v, paths.ml)]));
    const plan = planLaunch({
      command, paths: { root: paths.root, ml: paths.ml, tmp: paths.tmp, code: paths.processing },
      env, sandbox: sandboxed, networkIsolation: networkIsolated, workdir: PROCESSING_ROOT,
    });
    spec.onPhase?.('processing');
    const proc = startProcess(plan, spec.onLine);
    void proc.identity.then((id) => id && spec.onStarted?.(id));
    const onStop = (): void => {
      note(stoppedBy === 'max-runtime'
        ? `MaxRuntimeInSeconds reached: stopping (SIGTERM, SIGKILL after ${spec.stopGraceMs} ms)`
        : `stop requested: SIGTERM, SIGKILL after ${spec.stopGraceMs} ms`);
      void proc.stop(spec.stopGraceMs);
    };
    if (control.signal.aborted) onStop();
    else control.signal.addEventListener('abort', onStop, { once: true });
    const exit = await proc.exited;
    control.signal.removeEventListener('abort', onStop);
    const identity = await proc.identity;
    const exitMessage = await readJobFile(paths.messageFile);
    const base = { exitCode: exit.exitCode, paths, ...(identity ? { identity } : {}), ...(exitMessage ? { exitMessage } : {}) };
    if (stoppedBy) return { ...base, outcome: 'stopped', stoppedBy };
    if (exit.exitCode === 0) return { ...base, outcome: 'completed' };
    const failureReason = exit.spawnError
      ? `ClientError: cannot start the processing command '${command[0]}': ${exit.spawnError.message}`
      : (await readJobFile(paths.failureFile)) ?? 'AlgorithmError: See job logs for more detail.';
    note(`the processing process ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`}`);
    return { ...base, outcome: 'failed', failureReason };
  } finally {
    clearTimeout(runtimeTimer);
    spec.signal.removeEventListener('abort', onUserStop);
  }
}
