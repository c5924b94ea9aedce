/**
 * Starts a serverless job's worker thread and turns it into a promise. Under tsx (tests, `npm
 * run dev`) worker threads do not inherit tsx's loader, so the worker first registers it; the
 * built server (dist/) loads worker.js directly.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerData, WorkerMessage, WorkerResult, WorkerSpec } from './worker-protocol.js';

const RUNNING_TS = import.meta.url.endsWith('.ts');
const ENTRY = new URL(RUNNING_TS ? './worker.ts' : './worker.js', import.meta.url).href;

/** A running worker. */
export interface WorkerRun {
  /** Resolves with the result, or rejects with a WorkerFailure (or an Error if the thread died). */
  result: Promise<WorkerResult>;
  /** Asks the trainer to stop after its current step (it then saves what it has). */
  requestStop(): void;
  /** Ends the thread now (evaluation stops, shutdown). */
  terminate(): Promise<void>;
}

/** A failure the worker reported. */
export class WorkerFailure extends Error {
  constructor(message: string, readonly client: boolean) {
    super(message);
  }
}

/**
 * @example
 *   const run = startWorker(spec, (m) => m.t === 'log' && console.log(m.text));
 *   const result = await run.result;
 */
export function startWorker(spec: WorkerSpec, onMessage: (m: WorkerMessage) => void): WorkerRun {
  const stopFlag = new SharedArrayBuffer(4);
  const data: WorkerData = { spec, stopFlag };
  // One BLAS thread unless told otherwise: jobs share the machine's cores (several may run at
  // once), and the small matrices of models this size lose more to thread hand-offs than they gain.
  const env = { ...process.env, SAGEBOX_LLM_THREADS: process.env.SAGEBOX_LLM_THREADS ?? '1' };
  const worker = RUNNING_TS
    ? new Worker(
      `const { workerData } = require('node:worker_threads');
       import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); })
         .catch((e) => { require('node:worker_threads').parentPort.postMessage({ t: 'fail', message: 'the worker could not start: ' + (e && e.message), client: false }); });`,
      { eval: true, env, workerData: { ...data, tsx: tsxApiUrl(), entry: ENTRY } },
    )
    : new Worker(new URL(ENTRY), { env, workerData: data });
  let settled = false;
  const result = new Promise<WorkerResult>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.t === 'done') {
        settled = true;
        resolve(m.result);
        void worker.terminate();
      } else if (m.t === 'fail') {
        settled = true;
        reject(new WorkerFailure(m.message, m.client));
        void worker.terminate();
      } else {
        onMessage(m);
      }
    });
    worker.on('error', (error) => {
      if (!settled) reject(new WorkerFailure(`the runtime crashed: ${error.message}`, false));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new WorkerFailure(`the runtime ended without a result (exit code ${code})`, false));
      settled = true;
    });
  });
  return {
    result,
    requestStop: () => void Atomics.store(new Int32Array(stopFlag), 0, 1),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/** tsx's ESM API, resolved from here (only under tsx, where it is installed). */
function tsxApiUrl(): string {
  return import.meta.resolve('tsx/esm/api');
}
