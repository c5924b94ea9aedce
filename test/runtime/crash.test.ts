/**
 * What the durable engine relies on after `kill -9` of the server: a sandboxed job dies with it;
 * a plain job dies on its next write, or is found (same pid and start time) and killed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isProcessAlive, killProcessGroup, type ProcessIdentity } from '../../src/runtime/process.js';
import { detectSandbox } from '../../src/runtime/sandbox.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'orphan-runner.ts');
const support = await detectSandbox();

async function crashServerMidJob(t: TestContext, sandbox: 'off' | 'required', script: string): Promise<ProcessIdentity> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-crash-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const server = spawn(process.execPath, ['--import', 'tsx', RUNNER, path.join(root, 'job'), sandbox, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const identity = await new Promise<ProcessIdentity>((resolve, reject) => {
    server.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as ProcessIdentity));
    server.once('exit', () => reject(new Error('runner exited early')));
  });
  assert.equal(await isProcessAlive(identity), true);
  server.kill('SIGKILL');
  await new Promise((r) => server.once('exit', r));
  return identity;
}

async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

test('sandboxed: a job dies with its server (--die-with-parent)', { skip: support.available ? false : 'bubblewrap is not usable', timeout: 30_000 }, async (t) => {
  const identity = await crashServerMidJob(t, 'required', 'sleep 60');
  assert.ok(await eventually(async () => !(await isProcessAlive(identity)), 3000));
});

test('plain: a talking job dies on its next write; a silent one is found and killed by identity', { timeout: 30_000 }, async (t) => {
  const talking = await crashServerMidJob(t, 'off', 'while :; do echo tick; sleep 0.1; done');
  assert.ok(await eventually(async () => !(await isProcessAlive(talking)), 3000));

  const silent = await crashServerMidJob(t, 'off', 'sleep 60');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await isProcessAlive(silent), true, 'a silent orphan survives the server');
  assert.equal(await killProcessGroup(silent), true);
  assert.ok(await eventually(async () => !(await isProcessAlive(silent)), 3000));
});
