/**
 * The README's AWS CLI smoke script (scripts/cli-smoke.sh) runs unchanged against a sagebox
 * started in this process.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSagebox, type RunningSagebox } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

const script = fileURLToPath(new URL('../../scripts/cli-smoke.sh', import.meta.url));
const hasAwsCli = spawnSync('bash', ['-c', 'command -v aws'], { stdio: 'ignore' }).status === 0;
const skip = !hasAwsCli && 'the AWS CLI (`aws`) is not on PATH';

let box: RunningSagebox | undefined;
let dataDir: string | undefined;

before(async () => {
  if (!hasAwsCli) return;
  dataDir = mkdtempSync(join(tmpdir(), 'sagebox-cli-smoke-'));
  // Flags only, no SAGEBOX_* from the environment: the test decides everything.
  const config = resolveConfig({ host: '127.0.0.1', port: 0, dataDir, auth: 'parse', logLevel: 'silent' }, {});
  box = await startSagebox(config);
});

after(async () => {
  await box?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('scripts/cli-smoke.sh passes against sagebox', { skip, timeout: 300_000 }, async () => {
  // Asynchronous on purpose: the server answering the CLI runs in this process.
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile('bash', [script], { env: { ...process.env, SAGEBOX_URL: box!.url }, timeout: 290_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
  assert.equal(result.code, 0, `cli-smoke.sh exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  assert.match(result.stdout, /cli smoke: \d+ passed, 0 failed/);
  assert.match(result.stdout, /ValidationException/);
});
