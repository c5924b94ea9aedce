/**
 * Hooks other features hang on training jobs without the training code knowing them (the MLflow
 * feature logs jobs with MlflowConfig through these). Observers are registered per store, so
 * tests that open many sagebox instances in one process keep them apart.
 *
 * Every hook is optional. `trainingStarted` is awaited before the job can end (keep it to a
 * quick local write; never wait on a network there), `ended` must not block; neither may fail
 * the job (errors are swallowed). `checkCreate` may refuse a request with a ServiceError.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import type { JobRow } from './job-store.js';
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from './shapes.js';

/**
 * A feature's view of training job events.
 *
 * @example
 *   addTrainingObserver(store, {
 *     async checkCreate(input) { if (input.MlflowConfig && !(await known(input.MlflowConfig.MlflowResourceArn))) throw validation('...'); },
 *     trainingStarted: (jobId) => nudge(jobId),
 *   });
 */
export interface TrainingObserver {
  /** CreateTrainingJob, before the job is stored: throw a ServiceError to refuse the request. */
  checkCreate?(input: CreateTrainingJobRequest, ctx: RequestContext): Promise<void>;
  /** Inside CreateTrainingJob's transaction, once the job row exists (store own rows / work with it). */
  created?(trx: Kysely<Database>, job: { id: number; name: string; arn: string; runs: boolean }, input: CreateTrainingJobRequest, ctx: RequestContext, now: number): Promise<void>;
  /** The job's SecondaryStatus became Training. */
  trainingStarted?(jobId: number): void | Promise<void>;
  /** The job reached Completed, Failed or Stopped. */
  ended?(jobId: number): void;
  /** Fields DescribeTrainingJob adds (e.g. MlflowDetails). */
  describe?(row: JobRow): Promise<Partial<DescribeTrainingJobResponse>>;
}

const byStore = new WeakMap<Store, TrainingObserver[]>();

/**
 * Registers an observer for the jobs of one store; returns the function that removes it.
 *
 * @example
 *   const off = addTrainingObserver(store, { trainingStarted: (id) => console.log('job', id, 'trains') });
 */
export function addTrainingObserver(store: Store, observer: TrainingObserver): () => void {
  const list = byStore.get(store) ?? [];
  list.push(observer);
  byStore.set(store, list);
  return () => {
    const i = list.indexOf(observer);
    if (i >= 0) list.splice(i, 1);
  };
}

/** The observers of a store (empty when none registered). */
export function trainingObservers(store: Store): readonly TrainingObserver[] {
  return byStore.get(store) ?? [];
}

/** Tells every observer a job started training; resolves when they are done (never rejects). */
export async function emitTrainingStarted(store: Store, jobId: number): Promise<void> {
  for (const o of trainingObservers(store)) {
    try {
      await o.trainingStarted?.(jobId);
    } catch {
      // an observer failing must not touch the job
    }
  }
}

/** Tells every observer a job ended (never throws). */
export function emitEnded(store: Store, jobId: number): void {
  for (const o of trainingObservers(store)) {
    try {
      o.ended?.(jobId);
    } catch {
      // as above
    }
  }
}

/** The extra DescribeTrainingJob fields of every observer. */
export async function observedDescribeFields(store: Store, row: JobRow): Promise<Partial<DescribeTrainingJobResponse>> {
  let out: Partial<DescribeTrainingJobResponse> = {};
  for (const o of trainingObservers(store)) if (o.describe) out = { ...out, ...(await o.describe(row)) };
  return out;
}
