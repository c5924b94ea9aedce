/**
 * Selects the kernels: the native addon (native/llm/build/sagebox_llm.node, built by
 * scripts/llm/build-native.mjs) when it loads, else the pure-TypeScript twin.
 *
 * Environment:
 *   SAGEBOX_LLM_NATIVE=0   force the TypeScript kernels; =1 fail if the addon does not load
 *   SAGEBOX_LLM_THREADS=n  OpenBLAS threads (default: OpenBLAS's own default)
 * Before the addon (and so OpenBLAS) loads, OPENBLAS_CORETYPE is set to SkylakeX on CPUs with
 * AVX-512 (machines of this kind export Haswell, which halves sgemm speed there).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels } from './kernels.js';
import { jsKernels } from './kernels-js.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Project root: this file is src/llm/tensor/backend.ts or dist/llm/tensor/backend.js. */
export const projectRoot = resolve(here, '..', '..', '..');
export const addonPath = join(projectRoot, 'native', 'llm', 'build', 'sagebox_llm.node');

let nativeKernels: Kernels | null | undefined;
let nativeError: string | undefined;

function chooseCoreType(): void {
  try {
    const cpu = readFileSync('/proc/cpuinfo', 'utf8');
    if (/\bavx512f\b/.test(cpu)) process.env.OPENBLAS_CORETYPE = 'SkylakeX';
  } catch {
    /* not Linux: leave OpenBLAS to detect */
  }
}

export function loadNative(): Kernels | null {
  if (nativeKernels !== undefined) return nativeKernels;
  nativeKernels = null;
  if (!existsSync(addonPath)) {
    nativeError = `${addonPath} not built (node scripts/llm/build-native.mjs)`;
    return null;
  }
  try {
    chooseCoreType();
    const req = createRequire(import.meta.url);
    const addon = req(addonPath) as Omit<Kernels, 'name'>;
    const threads = Number(process.env.SAGEBOX_LLM_THREADS ?? '');
    if (threads > 0) addon.setThreads(threads);
    nativeKernels = Object.assign(Object.create(addon) as object, { name: "native" as const }) as Kernels;
  } catch (e) {
    nativeError = e instanceof Error ? e.message : String(e);
  }
  return nativeKernels;
}

function initial(): Kernels {
  const env = process.env.SAGEBOX_LLM_NATIVE;
  if (env === '0') return jsKernels;
  const n = loadNative();
  if (!n && env === '1') throw new Error(`SAGEBOX_LLM_NATIVE=1 but the addon did not load: ${nativeError}`);
  return n ?? jsKernels;
}

/** The active kernels (ops read this on every call). */
export let K: Kernels = initial();

/** Switch kernels ('native' throws if the addon is unavailable). Returns the previous name. */
export function useKernels(name: 'native' | 'js'): 'native' | 'js' {
  const prev = K.name;
  if (name === 'js') K = jsKernels;
  else {
    const n = loadNative();
    if (!n) throw new Error(`native kernels unavailable: ${nativeError}`);
    K = n;
  }
  return prev;
}

export function nativeAvailable(): boolean {
  return process.env.SAGEBOX_LLM_NATIVE !== '0' && loadNative() !== null;
}

export function backendInfo(): { kernels: 'native' | 'js'; coreType: string; threads: number; nativeError?: string } {
  return { kernels: K.name, ...K.info(), ...(nativeError ? { nativeError } : {}) };
}

/** Set the number of BLAS threads (no-op for the TypeScript kernels). */
export function setThreads(n: number): void {
  K.setThreads(n);
}
