import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('SAGEBOX_LLM_NATIVE=0 selects the TypeScript kernels in a fresh process', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/llm/tensor/backend.ts').then((m) => console.log(m.backendInfo().kernels))"], {
    cwd: root, encoding: 'utf8', env: { ...process.env, SAGEBOX_LLM_NATIVE: '0' },
  });
  assert.equal(r.stdout.trim(), 'js', r.stderr);
});

test('the addon build never fails the install (missing compiler)', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'llm', 'build-native.mjs')], {
    cwd: root, encoding: 'utf8', env: { ...process.env, CC: '/nonexistent/cc', SAGEBOX_LLM_NATIVE: '' },
  });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /using the TypeScript kernels/);
});

test('OpenBLAS runs the SkylakeX kernels on AVX-512 CPUs even when the environment says Haswell', () => {
  let avx512 = false;
  try { avx512 = /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8')); } catch { /* not Linux */ }
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/llm/tensor/backend.ts').then((m) => console.log(JSON.stringify(m.backendInfo())))"], {
    cwd: root, encoding: 'utf8', env: { ...process.env, OPENBLAS_CORETYPE: 'Haswell', SAGEBOX_LLM_NATIVE: '' },
  });
  const info = JSON.parse(r.stdout.trim()) as { kernels: string; coreType: string };
  if (info.kernels !== 'native' || !avx512) return; // nothing to check without the addon or AVX-512
  assert.match(info.coreType, /skylakex/i);
});
