import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

function sagebox(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, SAGEBOX_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves with the stdout line that matches, or rejects when the process ends first. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms; stdout=${out} stderr=${err}`)), timeoutMs);
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = out.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing ${pattern}; stdout=${out} stderr=${err}`));
    });
  });
}

test('sagebox serve --port 0: prints the listening line, answers /health, exits 0 on SIGTERM', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sagebox-cli-'));
  const child = sagebox(['serve', '--port', '0', '--data-dir', dataDir]);
  const done = exited(child);
  try {
    const match = await waitForLine(child, /^sagebox listening on (http:\/\/127\.0\.0\.1:(\d+))$/m);
    assert.notEqual(Number(match[2]), 0);
    const health = await fetch(`${match[1]}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    child.kill('SIGTERM');
    assert.deepEqual(await done, { code: 0, signal: null });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('sagebox serve with a bad value exits 2 with a message naming it', async () => {
  const child = sagebox(['serve', '--port', '70000']);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const { code } = await exited(child);
  assert.equal(code, 2);
  assert.match(stderr, /Port \(--port \/ SAGEBOX_PORT\) must be an integer from 0 to 65535.*'70000'/);
});
