/**
 * What the training executor needs from a runtime, and the local-process implementation over
 * src/runtime. The executor owns states, logs, metrics and retries; a runner owns one process.
 */
import type { ObjectStore } from '../../artifacts/object-store.js';
import {
  isProcessAlive, jobPaths, killProcessGroup, packageOutputs, readFailureReason, runLocalJob,
  type ImageTable, type LocalJobResult, type LocalJobSpec, type PackagedOutputs, type ProcessIdentity,
} from '../../runtime/index.js';

/** One attempt, as the executor describes it (runLocalJob's spec minus the runner's own settings). */
export type AttemptSpec = Omit<LocalJobSpec, 'imageTable' | 'sandbox' | 'stopGraceMs'>;

/** Where a finished attempt's outputs live (host paths). */
export interface AttemptPaths {
  model: string;
  outputData: string;
  tmp: string;
  failureFile: string;
}

/**
 * @example
 *   const runner = new LocalTrainingRunner({ objectStore, stopGraceMs: 120_000, sandbox: 'auto' });
 *   const result = await runner.run({ jobName, jobArn, region, root, resource, containerEntrypoint: ['python3', 'train.py'] });
 *   if (result.outcome === 'completed') await runner.upload(result.paths, 's3://b/out', jobName, 'GZIP');
 */
export interface TrainingRunner {
  readonly objectStore: ObjectStore;
  /** SIGTERM → SIGKILL grace for stops. */
  readonly stopGraceMs: number;
  run(spec: AttemptSpec): Promise<LocalJobResult>;
  upload(paths: AttemptPaths, s3OutputPath: string, jobName: string, compression: 'GZIP' | 'NONE'): Promise<PackagedOutputs>;
  /** The host paths of an attempt directory (for a job recovered after a restart). */
  pathsOf(root: string): AttemptPaths;
  /** Whether a process started by an earlier server still runs (pid and start time match). */
  isAlive(identity: ProcessIdentity): Promise<boolean>;
  /** Signals its process group (only if the identity still matches). */
  kill(identity: ProcessIdentity, signal: NodeJS.Signals): Promise<boolean>;
  /** `/opt/ml/output/failure`'s first 1024 characters, if written. */
  readFailure(paths: AttemptPaths): Promise<string | undefined>;
}

/** Options of the local runner. */
export interface LocalRunnerOptions {
  objectStore: ObjectStore;
  stopGraceMs: number;
  /** `auto`: bubblewrap when usable. */
  sandbox?: 'auto' | 'required' | 'off';
  imageTable?: ImageTable;
}

/** The local process runtime (src/runtime) as a TrainingRunner. */
export class LocalTrainingRunner implements TrainingRunner {
  readonly objectStore: ObjectStore;
  readonly stopGraceMs: number;

  constructor(private readonly options: LocalRunnerOptions) {
    this.objectStore = options.objectStore;
    this.stopGraceMs = options.stopGraceMs;
  }

  run(spec: AttemptSpec): Promise<LocalJobResult> {
    return runLocalJob({
      ...spec,
      stopGraceMs: this.stopGraceMs,
      sandbox: this.options.sandbox ?? 'auto',
      ...(this.options.imageTable ? { imageTable: this.options.imageTable } : {}),
    });
  }

  upload(paths: AttemptPaths, s3OutputPath: string, jobName: string, compression: 'GZIP' | 'NONE'): Promise<PackagedOutputs> {
    return packageOutputs(paths, this.objectStore, s3OutputPath, jobName, compression);
  }

  pathsOf(root: string): AttemptPaths {
    const p = jobPaths(root);
    return { model: p.model, outputData: p.outputData, tmp: p.tmp, failureFile: p.failureFile };
  }

  isAlive(identity: ProcessIdentity): Promise<boolean> {
    return isProcessAlive(identity);
  }

  kill(identity: ProcessIdentity, signal: NodeJS.Signals): Promise<boolean> {
    return killProcessGroup(identity, signal);
  }

  readFailure(paths: AttemptPaths): Promise<string | undefined> {
    return readFailureReason(paths.failureFile);
  }
}
