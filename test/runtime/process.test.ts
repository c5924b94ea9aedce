import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { layoutJobDir, type JobPaths } from '../../src/runtime/job-dir.js';
import { isProcessAlive, killProcessGroup, startProcess, type OutputLine } from '../../src/runtime/process.js';
import { detectSandbox, planLaunch } from '../../src/runtime/sandbox.js';

async function jobDir(t: TestContext): Promise<JobPaths> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-proc-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  return layoutJobDir(root, { resource: { instanceType: 'ml.m5.large' } });
}

const support = await detectSandbox();

for (const sandbox of [false, true]) {
  test(`${sandbox ? 'sandboxed' : 'plain'}: identity survives as pid + start time; killProcessGroup refuses a wrong start time`, { skip: sandbox && !support.available ? 'bubblewrap is not usable' : false }, async (t) => {
    const paths = await jobDir(t);
    const plan = planLaunch({ command: ['sh', '-c', 'sleep 30 & echo ready; wait'], paths, env: { PATH: process.env.PATH! }, sandbox, networkIsolation: false });
    let ready!: () => void;
    const readyLine = new Promise<void>((r) => (ready = r));
    const proc = startProcess(plan, (line) => void (line.text === 'ready' && ready()));
    await readyLine;
    const identity = (await proc.identity)!;
    assert.ok(identity.pid > 0 && identity.pgid > 0 && /^\d+$/.test(identity.startTime));
    assert.equal(await isProcessAlive(identity), true);
    assert.equal(await killProcessGroup({ ...identity, startTime: '1' }), false, 'a recycled pid is never signalled');
    assert.equal(await killProcessGroup(identity, 'SIGKILL'), true);
    const exit = await proc.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(await isProcessAlive(identity), false);
  });
}

test('a sink that returns a promise holds the job back (backpressure), then lets it finish', async (t) => {
  const paths = await jobDir(t);
  const plan = planLaunch({ command: ['sh', '-c', "yes 'a line of output' | head -c 5000000; echo done"], paths, env: { PATH: process.env.PATH! }, sandbox: false, networkIsolation: false });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const lines: OutputLine[] = [];
  let exited = false;
  const proc = startProcess(plan, (line) => {
    lines.push(line);
    return lines.length === 1 ? gate : undefined;
  });
  void proc.exited.then(() => (exited = true));
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(exited, false, 'the job is blocked on its full pipe');
  assert.ok(lines.length < 20_000, `only about one chunk was read: ${lines.length} lines`);
  release();
  const exit = await proc.exited;
  assert.equal(exit.exitCode, 0);
  assert.ok(lines.at(-1)?.text.endsWith('done'));
});

test('a daemon that escaped the process group and holds stdout does not hang the exit', async (t) => {
  const paths = await jobDir(t);
  const pidFile = path.join(paths.tmp, 'daemon.pid');
  const plan = planLaunch({
    command: ['sh', '-c', `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & sleep 0.2; echo bye`],
    paths,
    env: { PATH: process.env.PATH! },
    sandbox: false,
    networkIsolation: false,
  });
  const started = Date.now();
  const lines: string[] = [];
  const exit = await startProcess(plan, (line) => void lines.push(line.text)).exited;
  const daemon = Number(await fs.readFile(pidFile, 'utf8'));
  t.after(() => {
    try {
      process.kill(daemon, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  assert.equal(exit.exitCode, 0);
  assert.deepEqual(lines, ['bye']);
  assert.ok(Date.now() - started < 6000, `${Date.now() - started} ms`);
});
