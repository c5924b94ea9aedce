/**
 * The `processing-job` work handler after a crash (item.recovered), driven directly: a job whose
 * crashed attempts used up MAX_ATTEMPTS is Failed with the reason; a job that was stopping ends
 * Stopped; otherwise it starts again and runs to Completed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createObjectStore } from '../../../src/artifacts/index.js';
import type { RequestContext } from '../../../src/aws/context.js';
import { systemClock } from '../../../src/engine/clock.js';
import { Engine, type WorkContext, type WorkItem } from '../../../src/engine/engine.js';
import { openStore } from '../../../src/store/database.js';
import type { Store } from '../../../src/store/database.js';
import { createProcessingJob } from '../../../src/sagemaker/processing/create.js';
import { MAX_ATTEMPTS, PROCESSING_WORK, processingWorkHandler } from '../../../src/sagemaker/processing/executor.js';
import { findJob, updateJob } from '../../../src/sagemaker/processing/job-store.js';
import '../../../src/sagemaker/processing/tables.js';

const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'r' };
let dir: string;
let store: Store;
let handler: ReturnType<typeof processingWorkHandler>;
let engine: Engine;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sagebox-proc-exec-'));
  store = await openStore({ dataDir: dir });
  engine = new Engine(store, { pollMs: 0 }); // never started: work rows stay queued, the test drives the handler
  handler = processingWorkHandler({
    store, objectStore: createObjectStore({ driver: 'file', root: path.join(dir, 'objects') }), dataDir: dir, clock: systemClock,
    maxLogEvents: 1000, sandbox: 'auto', stopGraceMs: 1000,
  });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newJob(name: string): Promise<number> {
  await createProcessingJob({ store, engine, clock: systemClock }, {
    ProcessingJobName: name, RoleArn: 'arn:aws:iam::123456789012:role/R',
    AppSpecification: { ImageUri: 'sagebox/shell', ContainerArguments: ['echo hi'] },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 } },
  }, ctx);
  return (await findJob(store.db, ctx, name))!.id;
}

const recovered = (jobId: number, handle?: unknown): WorkItem<{ jobId: number }> => ({
  id: 1, kind: PROCESSING_WORK, resourceKey: String(jobId), attempts: 2, payload: { jobId }, handle, cancelRequested: false, recovered: true,
});
const wctx = (): WorkContext => ({ signal: new AbortController().signal, abortReason: () => undefined, setHandle: async () => {} });

test('attempts used up: Failed with an InternalServerError that says what happened', async () => {
  const id = await newJob('used-up');
  await updateJob(store.db, id, { patch: (s) => void (s.attempt = MAX_ATTEMPTS) }, Date.now());
  const handle = { root: path.join(dir, 'x'), attempt: MAX_ATTEMPTS, identity: { pid: 999_999_999, startTime: '1', pgid: 999_999_999 } };
  assert.deepEqual(await handler.run(recovered(id, handle), wctx()), { kind: 'done' });
  const row = (await findJob(store.db, ctx, 'used-up'))!;
  assert.equal(row.status, 'Failed');
  assert.equal(row.failure_reason, `InternalServerError: sagebox stopped while the processing job was running (attempt ${MAX_ATTEMPTS}); its process (pid 999999999) is gone; sagebox restarted the job 2 times and gives up.`);
  assert.ok(row.processing_end_time !== null);
});

test('a job that was stopping ends Stopped', async () => {
  const id = await newJob('was-stopping');
  await updateJob(store.db, id, { status: 'Stopping', patch: (s) => void (s.attempt = 1) }, Date.now());
  await handler.run(recovered(id), wctx());
  assert.equal((await findJob(store.db, ctx, 'was-stopping'))!.status, 'Stopped');
});

test('otherwise it starts again and completes', async () => {
  const id = await newJob('again');
  await updateJob(store.db, id, { patch: (s) => void (s.attempt = 1) }, Date.now());
  await handler.run(recovered(id), wctx());
  const row = (await findJob(store.db, ctx, 'again'))!;
  assert.equal(row.status, 'Completed', row.failure_reason ?? '');
  assert.equal(JSON.parse(row.state).attempt, 2);
});
