/** A processing job through boto3: create, poll DescribeProcessingJob, read its CloudWatch log. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createObjectStore } from '../../src/artifacts/index.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { PROCESS_PY } from './fixtures/processing/helpers.js';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const script = fileURLToPath(new URL('./fixtures/processing/processing_boto3.py', import.meta.url));

let sb: TestSagebox;
before(async () => {
  if (!hasBoto3) return;
  sb = await startTestSagebox();
  await createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') }).putBuffer('s3://bucket/code/process.py', readFileSync(PROCESS_PY));
});
after(async () => {
  if (hasBoto3) await sb.close(true);
});

test('boto3: create, wait, log, list', { skip: !hasBoto3 && 'python3 has no boto3 here' }, async () => {
  const run = await promisify(execFile)('python3', [script], { env: { ...process.env, SAGEBOX_URL: sb.url }, timeout: 60_000 });
  assert.match(run.stdout, /^status: Completed $/m);
  assert.match(run.stdout, /^log: sagebox: input 'code': 1 file\(s\)/m);
  assert.match(run.stdout, /^log: job=boto3-prep-\d+ host=algo-1$/m);
  assert.match(run.stdout, /^log: done$/m);
  assert.match(run.stdout, /^listed: \['boto3-prep-\d+'\]$/m);
  const uri = /^output: (s3:\/\/\S+)$/m.exec(run.stdout)![1]!;
  const summary = JSON.parse((await createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') }).getBuffer(`${uri}/summary.json`)).toString()) as { env: string };
  assert.equal(summary.env, 'from boto3');
});
