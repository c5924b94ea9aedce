#!/usr/bin/env node
// Builds the optional native addon of the LLM runtime (native/llm -> native/llm/build/sagebox_llm.node).
// It never fails the install: when a compiler, Node's headers or OpenBLAS are missing it prints
// why and exits 0, and the runtime uses its pure-TypeScript kernels instead.
// Usage: node scripts/llm/build-native.mjs [--quiet]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'native', 'llm', 'llm.c');
const outDir = join(root, 'native', 'llm', 'build');
const out = join(outDir, 'sagebox_llm.node');
const quiet = process.argv.includes('--quiet');
const log = (m) => { if (!quiet) console.log(`[sagebox llm addon] ${m}`); };

function firstExisting(paths) { return paths.find((p) => existsSync(p)); }

try {
  if (process.env.SAGEBOX_LLM_NATIVE === '0') { log('SAGEBOX_LLM_NATIVE=0: skipped'); process.exit(0); }
  const nodeInc = firstExisting([
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter((d) => existsSync(join(d, 'node_api.h'))));
  if (!nodeInc) { log('node_api.h not found: using the TypeScript kernels'); process.exit(0); }
  const blasInc = firstExisting([
    '/usr/include/x86_64-linux-gnu/openblas-pthread',
    '/usr/include/aarch64-linux-gnu/openblas-pthread',
    '/usr/include/x86_64-linux-gnu/openblas-openmp',
    '/usr/include/openblas',
  ].filter((d) => existsSync(join(d, 'cblas.h'))));
  if (!blasInc) { log('OpenBLAS (cblas.h) not found, install libopenblas-dev: using the TypeScript kernels'); process.exit(0); }
  const cc = process.env.CC || 'cc';
  mkdirSync(outDir, { recursive: true });
  const tmp = `${out}.tmp`;
  const args = ['-O3', '-march=native', '-fopenmp-simd', '-fno-math-errno', '-std=gnu99', '-fPIC', '-shared', '-DNODE_GYP_MODULE_NAME=sagebox_llm',
    '-DNAPI_VERSION=8', `-I${nodeInc}`, `-I${blasInc}`, src, '-o', tmp, '-lopenblas', '-lm'];
  execFileSync(cc, args, { stdio: quiet ? 'ignore' : 'inherit' });
  rmSync(out, { force: true });
  execFileSync('mv', [tmp, out]);
  log(`built ${out}`);
} catch (e) {
  log(`build failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): using the TypeScript kernels`);
}
process.exit(0);
