/**
 * The SQL of durable work: enqueue, claim with a lease, heartbeat, finish, requeue, cancel.
 *
 * A claim is a compare-and-set UPDATE (`... WHERE id = ? AND state = ? AND attempts = ? AND lease_owner IS ?`;
 * every claim increments `attempts`, so it is the row's version):
 * of two engines that read the same candidate, exactly one update matches, so an item is
 * never held twice. That needs no lock beyond the row write itself, and works the same on
 * SQLite (one writer at a time) and PostgreSQL. On PostgreSQL the candidate SELECT would add
 * `FOR UPDATE SKIP LOCKED` inside the transaction so that competing engines skip each other's
 * rows instead of racing for them (fewer lost CAS rounds; same correctness).
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import type { WorkItemTable } from '../store/schema-training.js';

export type WorkRow = Selectable<WorkItemTable>;

/** A row to add to the queue. */
export interface NewWork {
  kind: string;
  resourceKey: string;
  payload: unknown;
  /** Epoch ms; default now. */
  runAfter?: number;
}

/**
 * Inserts a queued item (inside the caller's transaction, so a resource and its work commit
 * together).
 *
 * @example
 *   await db.transaction().execute(async (trx) => {
 *     const job = await insertJob(trx, ...);
 *     await enqueueWork(trx, { kind: 'training-job', resourceKey: String(job.id), payload: { jobId: job.id } }, Date.now());
 *   });
 */
export async function enqueueWork(db: Kysely<Database>, work: NewWork, now: number): Promise<number> {
  const row = await db.insertInto('work_items').values({
    kind: work.kind, resource_key: work.resourceKey, state: 'queued', attempts: 0,
    lease_owner: null, lease_expires_at: null, heartbeat_at: null, run_after: work.runAfter ?? now,
    cancel_requested: 0, payload: JSON.stringify(work.payload ?? null), handle: null, last_error: null,
    created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Candidates a claim may take, oldest first: queued items that are due, and running items
 * whose lease expired or whose owner is known dead.
 */
export async function claimCandidates(
  db: Kysely<Database>, kind: string, now: number, deadOwners: readonly string[], limit: number,
): Promise<WorkRow[]> {
  return db.selectFrom('work_items').selectAll()
    .where('kind', '=', kind)
    .where((eb) => eb.or([
      eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
      eb.and([
        eb('state', '=', 'running'),
        eb.or([
          eb('lease_expires_at', '<', now),
          ...(deadOwners.length > 0 ? [eb('lease_owner', 'in', [...deadOwners])] : []),
        ]),
      ]),
    ]))
    .orderBy('id').limit(limit).execute();
}

/** Takes one candidate if nobody changed it since it was read; returns the claimed row or undefined. */
export async function claimRow(db: Kysely<Database>, row: WorkRow, owner: string, now: number, leaseMs: number): Promise<WorkRow | undefined> {
  const result = await db.updateTable('work_items')
    .set({ state: 'running', lease_owner: owner, lease_expires_at: now + leaseMs, heartbeat_at: now, attempts: row.attempts + 1, updated_at: now })
    .where('id', '=', row.id).where('state', '=', row.state).where('attempts', '=', row.attempts)
    .where((eb) => (row.lease_owner === null ? eb('lease_owner', 'is', null) : eb('lease_owner', '=', row.lease_owner)))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  return { ...row, state: 'running', lease_owner: owner, lease_expires_at: now + leaseMs, heartbeat_at: now, attempts: row.attempts + 1, updated_at: now };
}

/** Extends a held lease; false when the lease was lost (another owner took the item, or it ended). */
export async function heartbeat(db: Kysely<Database>, id: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const result = await db.updateTable('work_items')
    .set({ lease_expires_at: now + leaseMs, heartbeat_at: now })
    .where('id', '=', id).where('lease_owner', '=', owner).where('state', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records the handle (e.g. process identity) of a held item. */
export async function setHandle(db: Kysely<Database>, id: number, owner: string, handle: unknown, now: number): Promise<void> {
  await db.updateTable('work_items').set({ handle: handle === undefined ? null : JSON.stringify(handle), updated_at: now })
    .where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** Ends a held item. */
export async function finishRow(db: Kysely<Database>, id: number, owner: string, now: number, lastError?: string): Promise<void> {
  await db.updateTable('work_items')
    .set({ state: 'done', lease_owner: null, lease_expires_at: null, handle: null, updated_at: now, last_error: lastError ?? null })
    .where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** Puts a held item back in the queue (shutdown, or a retry after `runAfter`). */
export async function requeueRow(
  db: Kysely<Database>, id: number, owner: string, now: number, runAfter: number, options: { uncountAttempt?: boolean; lastError?: string } = {},
): Promise<void> {
  await db.updateTable('work_items')
    .set((eb) => ({
      state: 'queued', lease_owner: null, lease_expires_at: null, handle: null, run_after: runAfter, updated_at: now,
      ...(options.uncountAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
      ...(options.lastError !== undefined ? { last_error: options.lastError } : {}),
    }))
    .where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/** Marks an item's cancel flag; returns the row as it is now (undefined if none). */
export async function requestCancel(db: Kysely<Database>, kind: string, resourceKey: string, now: number): Promise<WorkRow | undefined> {
  await db.updateTable('work_items').set({ cancel_requested: 1, updated_at: now })
    .where('kind', '=', kind).where('resource_key', '=', resourceKey).where('state', '!=', 'done').execute();
  return db.selectFrom('work_items').selectAll().where('kind', '=', kind).where('resource_key', '=', resourceKey).executeTakeFirst();
}

/** Ends a queued (unclaimed) item directly, e.g. a job stopped before it started; false if it was claimed meanwhile. */
export async function finishQueued(db: Kysely<Database>, id: number, now: number): Promise<boolean> {
  const result = await db.updateTable('work_items').set({ state: 'done', updated_at: now })
    .where('id', '=', id).where('state', '=', 'queued').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Owners of running items (to check which are dead). */
export async function runningOwners(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('work_items').select('lease_owner').distinct()
    .where('state', '=', 'running').where('lease_owner', 'is not', null).execute();
  return rows.map((r) => r.lease_owner!).filter(Boolean);
}

/** Counts by state (for status and benchmarks). */
export async function countByState(db: Kysely<Database>, kind: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('work_items').select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', '=', kind).groupBy('state').execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
