import type { Clock } from '../../engine/clock.js';
import type { Engine } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';
import type { DatasetResolver } from './inputs.js';
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
  /** Set once a runtime for serverless (ServerlessJobConfig) jobs exists; absent: they are stored and Failed. */
  runServerless?: boolean;
}
