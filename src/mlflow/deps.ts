import type { Logger } from 'pino';
import type { ObjectStore } from '../artifacts/object-store.js';
import type { Clock } from '../engine/clock.js';
import type { Engine } from '../engine/engine.js';
import type { Invoke } from '../feature.js';
import type { Store } from '../store/database.js';
import type { ExternalServers } from './external.js';

/**
 * What the MLflow feature's parts share.
 *
 * @example
 *   const deps: MlflowDeps = { store, clock: systemClock, engine, objectStore, logger, invoke, baseUrl: () => url, external: new Map() };
 */
export interface MlflowDeps {
  store: Store;
  clock: Clock;
  engine: Engine;
  objectStore: ObjectStore;
  logger: Logger;
  invoke: Invoke;
  baseUrl(): string;
  external: ExternalServers;
}

/** The REST root of a resource: the external URI, or sagebox's own `/mlflow/<id>`. */
export function trackingUrl(deps: Pick<MlflowDeps, 'baseUrl'>, row: { public_id: string; external_uri: string | null }): string {
  return row.external_uri ?? `${deps.baseUrl()}/mlflow/${row.public_id}`;
}
