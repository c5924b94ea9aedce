/**
 * kill -9 of the server mid-job. With SAGEBOX_SANDBOX=off the job's process outlives the server:
 * the restarted server kills it (its exit status could not be observed) before the job starts
 * again from the beginning, so the job is never lost and never runs twice at once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../src/artifacts/index.js';
import { readStartTime } from '../../src/runtime/index.js';
import { spawnServe, type ServeProcess } from '../helpers/cli-process.js';
import { sdkClient, tempDataDir } from '../helpers/sagebox.js';
import { PROCESS_PY, processingLogLines, processingRequest, waitForLogLine, waitForProcessingJob } from './fixtures/processing/helpers.js';

const dataDir = tempDataDir();
const env = { SAGEBOX_SANDBOX: 'off', SAGEBOX_STOP_GRACE_SECONDS: '5' };
let server: ServeProcess | undefined;
after(async () => {
  server?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

test('kill -9 mid-job: the leftover process is killed and the job runs again to Completed', { timeout: 90_000 }, async () => {
  await createObjectStore({ driver: 'file', root: path.join(dataDir, 'objects') }).putBuffer('s3://bucket/code/process.py', readFileSync(PROCESS_PY));
  server = await spawnServe(['--data-dir', dataDir], env);
  let client = sdkClient(server.url);
  await client.send(new sm.CreateProcessingJobCommand(processingRequest('crash-1', { MODE: 'sleep', SECONDS: '60', ONCE: path.join(dataDir, 'crash-1-once') })));
  await waitForLogLine(server.url, 'crash-1', /^started$/);
  server.child.kill('SIGKILL');
  await server.exited();
  client.destroy();

  server = await spawnServe(['--data-dir', dataDir], env);
  client = sdkClient(server.url);
  const d = await waitForProcessingJob(client, 'crash-1', undefined, 60_000);
  assert.equal(d.ProcessingJobStatus, 'Completed', d.FailureReason);
  const lines = await processingLogLines(server.url, 'crash-1');
  assert.ok(lines.some((l) => /^sagebox: sagebox stopped while the processing job was running \(attempt 1\); its process \(pid \d+\) was still running and was killed, as its exit status cannot be observed by a restarted server; the job starts again from the beginning \(attempt 2 of at most 3\)$/.test(l)), lines.join('\n'));
  assert.deepEqual(lines.filter((l) => l.startsWith('started')), ['started', 'started again'], lines.join('\n'));
  // The first attempt's process (its pid in the marker file) is gone: killed, not left sleeping.
  const pid = Number(readFileSync(path.join(dataDir, 'crash-1-once'), 'utf8'));
  assert.equal(await readStartTime(pid), undefined, `process ${pid} still runs`); // gone, or a zombie nobody reaped yet
  assert.ok(lines.includes('done'));
  client.destroy();
});
