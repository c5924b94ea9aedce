/**
 * The durable engine on a real (in-memory) store: slots, single claim, lease expiry and dead
 * owners, shutdown requeue, cancel, handler errors. Engines run with `pollMs: 0` and are driven
 * by `pollOnce`, with a ManualClock for leases.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { Engine, ManualClock, enqueueWork, isOwnerDead, ownerId, type WorkContext, type WorkHandler, type WorkItem, type WorkOutcome } from '../../src/engine/index.js';
import { openStore, type Store } from '../../src/store/database.js';

let store: Store;
let engines: Engine[] = [];
beforeEach(async () => {
  store = await openStore({ sqlitePath: ':memory:' });
});
afterEach(async () => {
  for (const e of engines) await e.stop();
  engines = [];
  await store.close();
});

const tick = () => new Promise((r) => setTimeout(r, 10));

/** A handler whose runs the test finishes by hand. */
function controlled() {
  const runs: { item: WorkItem; ctx: WorkContext; finish: (o?: WorkOutcome) => void; fail: (e: Error) => void }[] = [];
  const failed: { item: WorkItem; reason: string }[] = [];
  const handler: WorkHandler = {
    run: (item, ctx) => new Promise<WorkOutcome>((resolve, reject) => {
      runs.push({ item, ctx, finish: (o) => resolve(o ?? { kind: 'done' }), fail: reject });
      ctx.signal.addEventListener('abort', () => {
        if (ctx.abortReason() === 'shutdown') resolve({ kind: 'requeue', countAttempt: false });
      });
    }),
    fail: async (item, reason) => void failed.push({ item, reason }),
  };
  return { handler, runs, failed };
}

function engine(options: ConstructorParameters<typeof Engine>[1] = {}): Engine {
  const e = new Engine(store, { pollMs: 0, ...options });
  engines.push(e);
  return e;
}

async function add(n: number, kind = 'job'): Promise<void> {
  for (let i = 0; i < n; i++) await enqueueWork(store.db, { kind, resourceKey: `${kind}-${i}`, payload: { i } }, 0); // due whatever the clock says
}

async function states(): Promise<string[]> {
  return (await store.db.selectFrom('work_items').select('state').orderBy('id').execute()).map((r) => r.state);
}

test('runs at most `slots` items at once; the rest wait and start as slots free up', async () => {
  const { handler, runs } = controlled();
  const e = engine();
  e.register('job', handler, 2);
  await add(5);
  await e.start();
  assert.equal(runs.length, 2);
  assert.equal(e.freeSlots('job'), 0);
  assert.deepEqual(await states(), ['running', 'running', 'queued', 'queued', 'queued']);
  runs[0]!.finish();
  await tick();
  assert.equal(runs.length, 3);
  assert.deepEqual(runs.map((r) => r.item.payload), [{ i: 0 }, { i: 1 }, { i: 2 }]);
  for (const r of runs.slice(1)) r.finish();
  await tick();
  for (const r of runs.slice(3)) r.finish();
  await tick();
  assert.deepEqual(await states(), ['done', 'done', 'done', 'done', 'done']);
});

test('two engines on one store never run an item twice', async () => {
  const seen: number[] = [];
  const handler: WorkHandler = { run: async (item) => (seen.push(item.id), { kind: 'done' }), fail: async () => {} };
  const a = engine();
  const b = engine();
  a.register('job', handler, 3);
  b.register('job', handler, 3);
  await add(40);
  await Promise.all([a.start(), b.start()]);
  for (let i = 0; i < 40 && (await states()).some((s) => s !== 'done'); i++) await Promise.all([a.pollOnce(), b.pollOnce(), tick()]);
  assert.equal(seen.length, 40);
  assert.equal(new Set(seen).size, 40);
});

test('an expired lease is recovered by another engine, which is told so; the old owner learns it lost the lease', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const first = controlled();
  const a = engine({ clock, leaseMs: 90 });
  a.register('job', first.handler, 1);
  await add(1);
  await a.start();
  await first.runs[0]!.ctx.setHandle({ pid: 42 });
  clock.advance(1000); // no heartbeat can keep up: the lease has run out
  const second = controlled();
  const b = engine({ clock, leaseMs: 60_000 });
  b.register('job', second.handler, 1);
  await b.start();
  assert.equal(second.runs.length, 1);
  const item = second.runs[0]!.item;
  assert.equal(item.recovered, true);
  assert.equal(item.attempts, 2);
  assert.deepEqual(item.handle, { pid: 42 });
  // a's heartbeat (every 30 ms) now fails: its run is aborted as lease-lost, and its outcome ignored
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(first.runs[0]!.ctx.abortReason(), 'lease-lost');
  first.runs[0]!.finish();
  await tick();
  assert.deepEqual(await states(), ['running']);
  second.runs[0]!.finish();
  await tick();
  assert.deepEqual(await states(), ['done']);
});

test('an item held by a dead owner on this host is recovered at once, without waiting for its lease', async () => {
  const dead = `${os.hostname()}/999999999/1/gone`;
  assert.equal(isOwnerDead(dead), true);
  assert.equal(isOwnerDead(ownerId('me')), false);
  assert.equal(isOwnerDead('another-host/1/1/x'), false);
  await add(1);
  await store.db.updateTable('work_items').set({ state: 'running', lease_owner: dead, lease_expires_at: Date.now() + 3_600_000, attempts: 1 }).execute();
  const { handler, runs } = controlled();
  const e = engine();
  e.register('job', handler, 1);
  await e.start();
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.item.recovered, true);
});

test('shutdown aborts runs and requeues them without counting an attempt', async () => {
  const { handler, runs } = controlled();
  const e = engine();
  e.register('job', handler, 1);
  await add(1);
  await e.start();
  await e.stop();
  assert.equal(runs[0]!.ctx.abortReason(), 'shutdown');
  const row = await store.db.selectFrom('work_items').selectAll().executeTakeFirstOrThrow();
  assert.deepEqual([row.state, row.attempts, row.lease_owner], ['queued', 0, null]);
  const next = controlled();
  const e2 = engine();
  e2.register('job', next.handler, 1);
  await e2.start();
  assert.equal(next.runs[0]!.item.recovered, false);
  assert.equal(next.runs[0]!.item.attempts, 1);
});

test('cancel flags the row and aborts the run here; a later owner sees the flag', async () => {
  const { handler, runs } = controlled();
  const e = engine();
  e.register('job', handler, 1);
  await add(2);
  await e.start();
  await e.cancel('job', 'job-0');
  assert.equal(runs[0]!.ctx.abortReason(), 'cancel');
  const queued = await e.cancel('job', 'job-1');
  assert.equal(queued?.state, 'queued');
  runs[0]!.finish();
  await tick();
  assert.equal(runs[1]!.item.cancelRequested, true);
  assert.equal(runs[1]!.ctx.signal.aborted, true);
  runs[1]!.finish();
});

test('a handler that throws is retried with back-off, then failed', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const { handler, runs, failed } = controlled();
  const e = engine({ clock, maxHandlerErrors: 2 });
  e.register('job', handler, 1);
  await add(1);
  await e.start();
  runs[0]!.fail(new Error('boom'));
  await tick();
  assert.deepEqual(await states(), ['queued']);
  await e.pollOnce();
  assert.equal(runs.length, 1, 'not before the back-off');
  clock.advance(1000);
  await e.pollOnce();
  assert.equal(runs.length, 2);
  runs[1]!.fail(new Error('boom again'));
  await tick();
  assert.deepEqual(await states(), ['done']);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.reason, 'InternalServerError: boom again');
});

test('register refuses zero slots', () => {
  assert.throws(() => engine().register('job', controlled().handler, 0), /at least one slot/);
});
