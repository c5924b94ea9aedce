import type { Clock } from '../../engine/clock.js';
import type { Engine } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';

/**
 * What the processing handlers share.
 *
 * @example const deps: ProcessingDeps = { store, engine, clock: systemClock };
 */
export interface ProcessingDeps {
  store: Store;
  engine: Engine;
  clock: Clock;
}
