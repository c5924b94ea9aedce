import type { Clock } from '../../engine/clock.js';
import type { Engine } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';
import type { DatasetResolver } from './inputs.js';
import type { RequestContext } from '../../aws/context.js';
import type { ServerlessPlan } from '../serverless/plan.js';
import type { CreateTrainingJobRequest } from './shapes.js';
import type { AlgorithmHook } from './validate-create.js';

/**
 * What the training handlers share.
 *
 * @example
 *   const deps: TrainingDeps = { store, engine, clock: systemClock, maxConcurrentJobs: 2,
 *     applyAlgorithm: noAlgorithms, resolveDataset };
 */
export interface TrainingDeps {
  store: Store;
  engine: Engine;
  clock: Clock;
  maxConcurrentJobs: number;
  /** AlgorithmName → the request to run (see AlgorithmHook); `noAlgorithms` until algorithms are wired in. */
  applyAlgorithm: AlgorithmHook;
  resolveDataset: DatasetResolver;
  /**
   * Checks and resolves a serverless (ServerlessJobConfig) request (src/sagemaker/serverless
   * planServerlessJob). Absent: serverless jobs are stored and Failed, saying they cannot run.
   */
  planServerless?: (input: CreateTrainingJobRequest, ctx: RequestContext) => Promise<{ plan: ServerlessPlan; request: CreateTrainingJobRequest }>;
}
