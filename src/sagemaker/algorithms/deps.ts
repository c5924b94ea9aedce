import type { Logger } from 'pino';
import type { Clock } from '../../engine/clock.js';
import type { Engine } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';
import type { ValidationTrainingApi } from './validation.js';

/**
 * What the algorithm handlers share.
 *
 * @example
 *   const deps: AlgorithmDeps = { store, engine: training.engine, clock: systemClock,
 *     training: trainingApiFromHandlers(training.handlers) };
 */
export interface AlgorithmDeps {
  store: Store;
  /** Runs the `algorithm-validation` work (registered by `createAlgorithmHandlers`). */
  engine: Engine;
  clock: Clock;
  /** Creates and describes the validation training jobs. */
  training: ValidationTrainingApi;
  /** How often a running validation job is looked at; default 500 ms. */
  pollMs?: number;
  /** Concurrent validation steps (each is short: it polls, it does not wait); default 4. */
  validationSlots?: number;
  logger?: Logger;
  /** Validation job name suffixes; default 8 random hex digits. */
  suffix?: () => string;
}
