/**
 * Training-job start overhead: from calling `runLocalJob` (lay out /opt/ml, write the config
 * files, build the SM_* environment, plan the sandbox, spawn) to the first line the user's
 * process prints, against a bare `child_process.spawn` of the same command in the same run.
 * Runs are interleaved (bare, plain, sandboxed, bare, ...) so machine noise hits all alike.
 * Target: p50 overhead < 50 ms, sandboxed and not.
 *
 *   npx tsx bench/training-overhead.ts
 *
 * Environment:
 *   BENCH_RUNS     runs per variant (default 40)
 *   BENCH_COMMAND  JSON argv of the job (default ["sh","-c","echo first"])
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { runLocalJob } from '../src/runtime/run-local-job.js';
import { layoutJobDir } from '../src/runtime/job-dir.js';
import { detectSandbox, planLaunch } from '../src/runtime/sandbox.js';

export const name = 'training-overhead';

/** ms from spawn to the first stdout byte, bare. */
function bareSpawn(command: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first: number | undefined;
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => (first = performance.now() - started));
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', () => (first === undefined ? reject(new Error('no output')) : resolve(first)));
  });
}

/** ms from calling runLocalJob to the first stdout line. */
async function viaRuntime(command: string[], root: string, sandbox: 'off' | 'required'): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  const result = await runLocalJob({
    jobName: 'bench',
    jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/bench',
    region: 'us-east-1',
    root,
    resource: { instanceType: 'ml.m5.large', instanceCount: 1 },
    hyperParameters: { epochs: '1', lr: '0.1' },
    channels: [{ name: 'train' }],
    containerEntrypoint: command,
    sandbox,
    onLine: (line) => {
      if (line.stream === 'stdout' && first === undefined) first = performance.now() - started;
    },
  });
  if (result.outcome !== 'completed' || first === undefined) throw new Error(`bench job ${result.outcome}: ${result.failureReason ?? 'no output'}`);
  return first;
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 40);
  const command = JSON.parse(process.env.BENCH_COMMAND ?? '["sh","-c","echo first"]') as string[];
  const support = await detectSandbox();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-bench-training-'));
  const samples: Record<string, number[]> = { bare: [], plain: [], bwrap: [], sandboxed: [] };
  try {
    // The same bwrap command line runLocalJob builds, spawned bare: what bubblewrap itself costs.
    const paths = await layoutJobDir(path.join(dir, 'bare-bwrap'), { resource: { instanceType: 'ml.m5.large' } });
    const plan = planLaunch({ command, paths, env: {}, sandbox: true, networkIsolation: false });
    const bwrapArgv = [plan.file, ...plan.args.filter((a, i, all) => a !== '--info-fd' && all[i - 1] !== '--info-fd')];
    // Warm-up: module loading, the bwrap probe, the page cache.
    await bareSpawn(command);
    await viaRuntime(command, path.join(dir, 'warm-plain'), 'off');
    if (support.available) await viaRuntime(command, path.join(dir, 'warm-sandboxed'), 'required');
    if (support.available) await bareSpawn(bwrapArgv);
    for (let i = 0; i < runs; i++) {
      samples.bare!.push(await bareSpawn(command));
      samples.plain!.push(await viaRuntime(command, path.join(dir, `plain-${i}`), 'off'));
      if (support.available) {
        samples.bwrap!.push(await bareSpawn(bwrapArgv));
        samples.sandboxed!.push(await viaRuntime(command, path.join(dir, `sandboxed-${i}`), 'required'));
      }
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  const bare50 = quantile(samples.bare!, 0.5);
  const bare99 = quantile(samples.bare!, 0.99);
  const line = (label: string, values: number[], base = samples.bare!, baseLabel = 'bare spawn'): string => {
    const p50 = quantile(values, 0.5);
    const p99 = quantile(values, 0.99);
    const b50 = quantile(base, 0.5);
    const b99 = quantile(base, 0.99);
    return `${label.padEnd(28)} p50 ${p50.toFixed(1).padStart(6)} ms  p99 ${p99.toFixed(1).padStart(6)} ms  vs ${baseLabel}: overhead p50 ${(p50 - b50).toFixed(1).padStart(6)} ms  p99 ${(p99 - b99).toFixed(1).padStart(6)} ms  ratio ${(p50 / b50).toFixed(2)}x`;
  };
  process.stdout.write(`start → first line of ${JSON.stringify(command)}, ${runs} runs each, ${os.cpus().length} CPUs\n`);
  process.stdout.write(`${'bare child_process.spawn'.padEnd(28)} p50 ${bare50.toFixed(1).padStart(6)} ms  p99 ${bare99.toFixed(1).padStart(6)} ms\n`);
  process.stdout.write(`${line('runLocalJob, plain', samples.plain!)}\n`);
  if (support.available) {
    process.stdout.write(`${line('bare spawn of the bwrap argv', samples.bwrap!)}\n`);
    process.stdout.write(`${line('runLocalJob, bwrap sandbox', samples.sandboxed!)}\n`);
    process.stdout.write(`${line('runLocalJob, bwrap sandbox', samples.sandboxed!, samples.bwrap!, 'bare bwrap')}\n`);
  }
  else process.stdout.write(`runLocalJob, bwrap sandbox    skipped: ${support.reason}\n`);
  const plainOverhead = quantile(samples.plain!, 0.5) - bare50;
  const sandboxOverhead = support.available ? quantile(samples.sandboxed!, 0.5) - bare50 : 0;
  const verdict = (ms: number): string => `${ms.toFixed(1)} ms ${ms < 50 ? 'met' : 'MISSED'}`;
  process.stdout.write(`target p50 overhead < 50 ms: plain ${verdict(plainOverhead)}; sandboxed ${support.available ? verdict(sandboxOverhead) : 'n/a'}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await run();
