/**
 * Builds the training side of sagebox from the configuration: the ObjectStore, the local
 * runner, the durable engine with its `training-job` slots, and the operation handlers.
 * app.ts starts the engine after the server listens and stops it before the store closes.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { createObjectStore } from '../../artifacts/index.js';
import type { ObjectStore } from '../../artifacts/object-store.js';
import type { JobsConfig } from '../../config.js';
import { systemClock, type Clock } from '../../engine/clock.js';
import { Engine } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';
import { ImageTable } from '../../runtime/image-table.js';
import { resolveDatasetLocation } from '../hub/resolve.js';
import { planServerlessJob, registerBuiltinModels, serverlessRunner } from '../serverless/index.js';
import { TRAINING_WORK, trainingWorkHandler } from './executor.js';
import { createTrainingHandlers } from './index.js';
import type { DatasetResolver } from './inputs.js';
import { LocalTrainingRunner, type TrainingRunner } from './runner.js';
import { noAlgorithms, type AlgorithmHook } from './validate-create.js';

/** The training side, ready to wire. */
export interface TrainingSetup {
  handlers: ReturnType<typeof createTrainingHandlers>;
  engine: Engine;
  objectStore: ObjectStore;
}

/**
 * @example
 *   const training = setUpTraining({ store, dataDir, jobs: config.jobs, logger });
 *   createSageMakerService({ ...training.handlers });
 *   await training.engine.start(); ... await training.engine.stop();
 */
export function setUpTraining(options: {
  store: Store; dataDir: string; jobs: JobsConfig; logger?: Logger; clock?: Clock; objectStore?: ObjectStore; runner?: TrainingRunner;
  /** AlgorithmName support (src/sagemaker/algorithms); default: every algorithm is unknown. */
  applyAlgorithm?: AlgorithmHook;
}): TrainingSetup {
  const clock = options.clock ?? systemClock;
  const objectStore = options.objectStore ?? createObjectStore({ driver: 'file', root: path.join(options.dataDir, 'objects') });
  const runner = options.runner ?? new LocalTrainingRunner({
    objectStore, stopGraceMs: options.jobs.stopGraceSeconds * 1000, sandbox: options.jobs.sandbox,
    ...(options.jobs.imageTable?.length ? { imageTable: new ImageTable(options.jobs.imageTable) } : {}),
  });
  const engine = new Engine(options.store, { clock, ...(options.logger ? { logger: options.logger } : {}) });
  const resolveDataset: DatasetResolver = async (arn, ctx) => ({ s3Uri: await resolveDatasetLocation(options.store, ctx, arn), s3DataType: 'S3Prefix' });
  // The built-in base model of serverless jobs, in the public hub.
  registerBuiltinModels();
  engine.register(TRAINING_WORK, trainingWorkHandler({
    store: options.store, runner, dataDir: options.dataDir, clock, maxLogEvents: options.jobs.maxLogEvents, resolveDataset,
    ...(options.logger ? { logger: options.logger } : {}), serverless: serverlessRunner,
  }), options.jobs.maxConcurrentJobs);
  const handlers = createTrainingHandlers({
    store: options.store, engine, clock, maxConcurrentJobs: options.jobs.maxConcurrentJobs,
    applyAlgorithm: options.applyAlgorithm ?? noAlgorithms, resolveDataset,
    planServerless: (input, ctx) => planServerlessJob(options.store, input, ctx),
  });
  return { handlers, engine, objectStore };
}
