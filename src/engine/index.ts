/**
 * The durable engine: work items as rows, claimed with leases, recovered after a crash.
 * See engine.ts for the model and work-store.ts for the SQL.
 */
export * from './clock.js';
export * from './engine.js';
export { isOwnerDead, ownerId } from './owner.js';
export { enqueueWork, countByState, finishQueued, type NewWork, type WorkRow } from './work-store.js';
