/** The README's boto3 walkthrough runs unchanged against sagebox. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const script = fileURLToPath(new URL('../../examples/registry_boto3.py', import.meta.url));

let sb: TestSagebox;
before(async () => {
  if (hasBoto3) sb = await startTestSagebox();
});
after(async () => {
  if (hasBoto3) await sb.close(true);
});

test('examples/registry_boto3.py', { skip: !hasBoto3 && 'python3 has no boto3 here' }, async () => {
  // Asynchronous: the server answering the script runs in this process.
  const run = await promisify(execFile)('python3', [script], { env: { ...process.env, SAGEBOX_URL: sb.url }, timeout: 60_000 });
  assert.match(run.stdout, /expected error: ValidationException - ModelPackage .* does not exist\./);
  assert.match(run.stdout, /boto3 walkthrough: ok/);
});
