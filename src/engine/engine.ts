/**
 * The durable engine: work is rows (Graphile-Worker style), never promises. Each registered kind
 * gets a number of slots; the engine claims due items with a lease, heartbeats while a handler
 * runs, and ends, requeues or hands back the item when the handler returns.
 *
 * After a crash the previous owner's items are still `running`. They are claimed again as soon
 * as the lease runs out, or at once when the owner is known dead (same host, pid gone: see
 * owner.ts), and the handler is told (`item.recovered`) so it can re-attach to what is still
 * running, retry, or fail the resource with a clear reason. An item is never held by two
 * engines at once: claims and heartbeats are conditional updates on the row.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/database.js';
import { systemClock, type Clock } from './clock.js';
import { isOwnerDead, ownerId } from './owner.js';
import * as W from './work-store.js';

/** A claimed item, as a handler sees it. */
export interface WorkItem<P = unknown> {
  id: number;
  kind: string;
  resourceKey: string;
  /** Claims so far, this one included. */
  attempts: number;
  payload: P;
  /** What a previous run recorded with `setHandle` (present after a crash). */
  handle: unknown;
  cancelRequested: boolean;
  /** True when a previous owner held it and died (or lost its lease) mid-run. */
  recovered: boolean;
}

/** Why a run's signal was aborted. */
export type AbortReason = 'cancel' | 'shutdown' | 'lease-lost';

/** What a handler gets besides the item. */
export interface WorkContext {
  /** Aborted on cancel (StopTrainingJob), engine shutdown or a lost lease; `abortReason()` says which. */
  signal: AbortSignal;
  abortReason(): AbortReason | undefined;
  /** Persists a handle (e.g. a process identity) so a later owner can find the work again. */
  setHandle(handle: unknown): Promise<void>;
}

/** How a run ended, from the engine's point of view. */
export type WorkOutcome =
  | { kind: 'done' }
  /** Back to the queue; `countAttempt: false` for interruptions that were not the work's fault. */
  | { kind: 'requeue'; afterMs?: number; countAttempt?: boolean; reason?: string };

/** Runs one kind of work. */
export interface WorkHandler<P = unknown> {
  run(item: WorkItem<P>, ctx: WorkContext): Promise<WorkOutcome>;
  /**
   * Called when `run` threw (a bug or a platform fault) `maxHandlerErrors` times: mark the
   * resource failed. The item is then done.
   */
  fail(item: WorkItem<P>, reason: string): Promise<void>;
}

/** Engine options. */
export interface EngineOptions {
  clock?: Clock;
  /** Lease length; default 30 s. Heartbeats every third of it. */
  leaseMs?: number;
  /** Poll interval; default 500 ms; 0: no timers (tests call `pollOnce`). */
  pollMs?: number;
  /** Errors thrown by `run` before the item is failed; default 3. */
  maxHandlerErrors?: number;
  logger?: Logger;
}

interface Registered {
  handler: WorkHandler<any>;
  slots: number;
}

interface Running {
  kind: string;
  controller: AbortController;
  reason: AbortReason | undefined;
  done: Promise<void>;
}

/**
 * @example
 *   const engine = new Engine(store, { leaseMs: 30_000 });
 *   engine.register('training-job', trainingHandler, 2);
 *   await engine.start();            // recovers what a crashed predecessor left running
 *   ...
 *   engine.notify();                 // after enqueueWork in a create transaction
 *   engine.cancel('training-job', key); // StopTrainingJob
 *   await engine.stop();
 */
export class Engine {
  readonly owner = ownerId(randomBytes(3).toString('hex'));
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxHandlerErrors: number;
  private readonly kinds = new Map<string, Registered>();
  private readonly running = new Map<number, Running>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly store: Store, private readonly options: EngineOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 500;
    this.maxHandlerErrors = options.maxHandlerErrors ?? 3;
  }

  /** Registers a kind with its number of concurrent slots (≥ 1). */
  register<P>(kind: string, handler: WorkHandler<P>, slots: number): void {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`engine: ${kind} needs at least one slot, got ${slots}`);
    this.kinds.set(kind, { handler, slots });
  }

  /** Starts polling (and so recovery of a predecessor's items). */
  async start(): Promise<void> {
    this.stopped = false;
    if (this.pollMs > 0) this.timer = setInterval(() => this.notify(), this.pollMs);
    await this.pollOnce();
  }

  /** Free slots of a kind right now (a create uses it to say a job is waiting). */
  freeSlots(kind: string): number {
    const reg = this.kinds.get(kind);
    if (!reg) return 0;
    let used = 0;
    for (const r of this.running.values()) if (r.kind === kind) used++;
    return Math.max(0, reg.slots - used);
  }

  /** Asks for a poll soon (new work, a freed slot). */
  notify(): void {
    if (this.stopped) return;
    void this.pollOnce().catch((error: unknown) => this.options.logger?.error({ err: error }, 'engine poll failed'));
  }

  /**
   * Claims and starts what fits in the free slots. Overlapping calls coalesce into one more pass.
   * Resolves once the pass has claimed (not finished) its items.
   */
  async pollOnce(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = (async () => {
      do {
        this.again = false;
        await this.claimPass();
      } while (this.again && !this.stopped);
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async claimPass(): Promise<void> {
    if (this.stopped) return;
    const owners = await W.runningOwners(this.store.db);
    const dead = owners.filter((o) => o !== this.owner && isOwnerDead(o));
    for (const [kind, reg] of this.kinds) {
      let free = this.freeSlots(kind);
      if (free === 0) continue;
      const now = this.clock.now();
      const candidates = await W.claimCandidates(this.store.db, kind, now, dead, free * 2 + 4);
      for (const row of candidates) {
        if (free === 0 || this.stopped) break;
        if (this.running.has(row.id)) continue;
        const recovered = row.state === 'running';
        const claimed = await W.claimRow(this.store.db, row, this.owner, this.clock.now(), this.leaseMs);
        if (!claimed) continue;
        free--;
        if (recovered) this.options.logger?.warn({ item: row.id, kind, previousOwner: row.lease_owner }, 'engine: recovering work from a dead or expired owner');
        this.launch(reg, claimed, recovered);
      }
    }
  }

  private launch(reg: Registered, row: W.WorkRow, recovered: boolean): void {
    const controller = new AbortController();
    const entry: Running = { kind: row.kind, controller, reason: undefined, done: Promise.resolve() };
    this.running.set(row.id, entry);
    const item: WorkItem = {
      id: row.id, kind: row.kind, resourceKey: row.resource_key, attempts: row.attempts,
      payload: JSON.parse(row.payload), handle: row.handle ? JSON.parse(row.handle) : undefined,
      cancelRequested: row.cancel_requested === 1, recovered,
    };
    if (item.cancelRequested) this.abort(row.id, 'cancel');
    const beat = setInterval(() => {
      void W.heartbeat(this.store.db, row.id, this.owner, this.clock.now(), this.leaseMs).then(
        (held) => {
          if (!held) this.abort(row.id, 'lease-lost');
        },
        (error: unknown) => this.options.logger?.warn({ err: error, item: row.id }, 'engine heartbeat failed'),
      );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    const ctx: WorkContext = {
      signal: controller.signal,
      abortReason: () => entry.reason,
      setHandle: (handle) => W.setHandle(this.store.db, row.id, this.owner, handle, this.clock.now()),
    };
    entry.done = (async () => {
      try {
        let outcome: WorkOutcome;
        try {
          outcome = await reg.handler.run(item, ctx);
        } catch (error) {
          const message = (error as Error)?.stack ?? String(error);
          this.options.logger?.error({ err: error, item: row.id, kind: row.kind }, 'engine: handler failed');
          if (entry.reason === 'lease-lost') return;
          const errors = (await this.handlerErrors(row.id)) + 1;
          if (errors >= this.maxHandlerErrors || entry.reason === 'shutdown') {
            if (entry.reason === 'shutdown') {
              await W.requeueRow(this.store.db, row.id, this.owner, this.clock.now(), this.clock.now(), { uncountAttempt: true, lastError: message });
              return;
            }
            await reg.handler.fail(item, `InternalServerError: ${(error as Error)?.message ?? String(error)}`).catch(() => {});
            await W.finishRow(this.store.db, row.id, this.owner, this.clock.now(), `errors=${errors} ${message}`);
          } else {
            await W.requeueRow(this.store.db, row.id, this.owner, this.clock.now(), this.clock.now() + 1000 * errors, { lastError: `errors=${errors} ${message}` });
          }
          return;
        }
        if (entry.reason === 'lease-lost') return; // the row belongs to someone else now
        if (outcome.kind === 'done') await W.finishRow(this.store.db, row.id, this.owner, this.clock.now());
        else {
          await W.requeueRow(this.store.db, row.id, this.owner, this.clock.now(), this.clock.now() + (outcome.afterMs ?? 0), {
            uncountAttempt: outcome.countAttempt === false,
            ...(outcome.reason ? { lastError: outcome.reason } : {}),
          });
        }
      } finally {
        clearInterval(beat);
        this.running.delete(row.id);
        this.notify(); // a slot is free
      }
    })().catch((error: unknown) => this.options.logger?.error({ err: error, item: row.id }, 'engine: could not record the end of a run'));
  }

  /** `errors=N` kept in last_error by earlier failed runs. */
  private async handlerErrors(id: number): Promise<number> {
    const row = await this.store.db.selectFrom('work_items').select('last_error').where('id', '=', id).executeTakeFirst();
    const m = /^errors=(\d+)/.exec(row?.last_error ?? '');
    return m ? Number(m[1]) : 0;
  }

  private abort(id: number, reason: AbortReason): void {
    const entry = this.running.get(id);
    if (!entry || entry.controller.signal.aborted) return;
    entry.reason = reason;
    entry.controller.abort(reason);
  }

  /**
   * Cancels the item of a resource: flags the row (so a later owner honours it too) and aborts
   * the run if it is here. Returns the row as it was after flagging.
   */
  async cancel(kind: string, resourceKey: string): Promise<W.WorkRow | undefined> {
    const row = await W.requestCancel(this.store.db, kind, resourceKey, this.clock.now());
    if (row && this.running.has(row.id)) this.abort(row.id, 'cancel');
    return row;
  }

  /** Items of a kind running in this engine. */
  runningCount(kind?: string): number {
    let n = 0;
    for (const r of this.running.values()) if (!kind || r.kind === kind) n++;
    return n;
  }

  /**
   * Stops claiming, aborts the runs here with reason `shutdown` and waits for them (handlers
   * requeue their items, so the next start picks them up).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling?.catch(() => {});
    const pending = [...this.running.entries()].map(([id, r]) => {
      this.abort(id, 'shutdown');
      return r.done;
    });
    await Promise.all(pending);
  }
}
