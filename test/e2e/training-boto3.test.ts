/** The README's "first training job" with boto3 runs unchanged against sagebox. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const script = fileURLToPath(new URL('../../examples/training_boto3.py', import.meta.url));

let sb: TestSagebox;
before(async () => {
  if (hasBoto3) sb = await startTestSagebox();
});
after(async () => {
  if (hasBoto3) await sb.close(true);
});

test('examples/training_boto3.py', { skip: !hasBoto3 && 'python3 has no boto3 here' }, async () => {
  const run = await promisify(execFile)('python3', [script], { env: { ...process.env, SAGEBOX_URL: sb.url }, timeout: 120_000 });
  assert.match(run.stdout, /\] epoch=3 loss=0\.3333/);
  assert.match(run.stdout, /transitions: Starting -> Pending -> Downloading -> Training -> Uploading -> Completed/);
  assert.match(run.stdout, /final metrics: \{'train:loss': 0\.3333\}/);
  assert.match(run.stdout, /model: s3:\/\/my-bucket\/output\/boto3-first-job-\d+\/output\/model\.tar\.gz/);
  assert.match(run.stdout, /boto3 training walkthrough: ok/);
});
