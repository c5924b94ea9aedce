/**
 * Processing-job start overhead: from calling `runProcessingAttempt` (lay out /opt/ml, write
 * processingjobconfig.json and resourceconfig.json, download one small input, plan the sandbox,
 * spawn) to the first line the process prints, against its peer `runLocalJob` (a training
 * attempt of the same command) and a bare `child_process.spawn`, interleaved in the same run so
 * machine noise hits all alike.
 *
 *   npx tsx bench/processing.ts        (or: npm run bench -- processing)
 *
 * Environment: BENCH_RUNS runs per variant (default 30).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createObjectStore } from '../src/artifacts/index.js';
import type { ObjectStore } from '../src/artifacts/object-store.js';
import type { CreateProcessingJobRequest } from '../src/aws/generated/sagemaker/types.js';
import { detectSandbox } from '../src/runtime/sandbox.js';
import { runLocalJob } from '../src/runtime/run-local-job.js';
import { runProcessingAttempt } from '../src/sagemaker/processing/attempt.js';
import { withDefaults } from '../src/sagemaker/processing/create.js';

export const name = 'processing';
const COMMAND = ['sh', '-c', 'echo first'];

function bareSpawn(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first: number | undefined;
    const child = spawn(COMMAND[0]!, COMMAND.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => (first = performance.now() - started));
    child.stdout.resume();
    child.once('error', reject);
    child.once('close', () => (first === undefined ? reject(new Error('no output')) : resolve(first)));
  });
}

const request: CreateProcessingJobRequest = withDefaults({
  ProcessingJobName: 'bench', RoleArn: 'arn:aws:iam::000000000000:role/R',
  AppSpecification: { ImageUri: 'sagebox/shell', ContainerEntrypoint: COMMAND },
  ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 1 } },
  ProcessingInputs: [{ InputName: 'data', S3Input: { S3Uri: 's3://bench/data/', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix' } }],
  ProcessingOutputConfig: { Outputs: [{ OutputName: 'out', S3Output: { S3Uri: 's3://bench/out', LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } }] },
});

async function viaProcessing(store: ObjectStore, root: string, sandbox: 'off' | 'required'): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  const result = await runProcessingAttempt({
    jobName: 'bench', jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:processing-job/bench', region: 'us-east-1', root,
    request, objectStore: store, sandbox, stopGraceMs: 1000, maxRuntimeSeconds: 60, signal: new AbortController().signal,
    onLine: (line) => {
      if (line.stream === 'stdout' && first === undefined) first = performance.now() - started;
    },
  });
  if (result.outcome !== 'completed' || first === undefined) throw new Error(`bench processing job ${result.outcome}: ${result.failureReason ?? 'no output'}`);
  return first;
}

async function viaTraining(root: string, sandbox: 'off' | 'required'): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  const result = await runLocalJob({
    jobName: 'bench', jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/bench', region: 'us-east-1', root,
    resource: { instanceType: 'ml.m5.large', instanceCount: 1 }, channels: [{ name: 'train' }], containerEntrypoint: COMMAND, sandbox,
    onLine: (line) => {
      if (line.stream === 'stdout' && first === undefined) first = performance.now() - started;
    },
  });
  if (result.outcome !== 'completed' || first === undefined) throw new Error(`bench training job ${result.outcome}`);
  return first;
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 30);
  const support = await detectSandbox();
  const modes: ('off' | 'required')[] = support.available ? ['off', 'required'] : ['off'];
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-bench-processing-'));
  const store = createObjectStore({ driver: 'file', root: path.join(dir, 'objects') });
  await store.putBuffer('s3://bench/data/part-0.csv', 'a,b\n1,2\n');
  const samples: Record<string, number[]> = { bare: [] };
  try {
    await bareSpawn();
    for (const mode of modes) {
      samples[`processing ${mode}`] = [];
      samples[`training ${mode}`] = [];
      await viaProcessing(store, path.join(dir, `warm-p-${mode}`), mode);
      await viaTraining(path.join(dir, `warm-t-${mode}`), mode);
    }
    for (let i = 0; i < runs; i++) {
      samples.bare!.push(await bareSpawn());
      for (const mode of modes) {
        samples[`processing ${mode}`]!.push(await viaProcessing(store, path.join(dir, `p-${mode}-${i}`), mode));
        samples[`training ${mode}`]!.push(await viaTraining(path.join(dir, `t-${mode}-${i}`), mode));
      }
    }
  } finally {
    store.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
  const bare = quantile(samples.bare!, 0.5);
  process.stdout.write(`start → first line of ${JSON.stringify(COMMAND)}, ${runs} runs each, ${os.cpus().length} CPUs\n`);
  process.stdout.write(`${'bare child_process.spawn'.padEnd(46)} p50 ${bare.toFixed(1).padStart(6)} ms\n`);
  for (const mode of modes) {
    const label = mode === 'off' ? 'plain' : 'bwrap sandbox';
    const p = samples[`processing ${mode}`]!;
    const t = samples[`training ${mode}`]!;
    const p50 = quantile(p, 0.5);
    const t50 = quantile(t, 0.5);
    process.stdout.write(`${`runProcessingAttempt (1 input), ${label}`.padEnd(46)} p50 ${p50.toFixed(1).padStart(6)} ms  p99 ${quantile(p, 0.99).toFixed(1).padStart(6)} ms  overhead vs bare p50 ${(p50 - bare).toFixed(1)} ms\n`);
    process.stdout.write(`${`runLocalJob (training peer), ${label}`.padEnd(46)} p50 ${t50.toFixed(1).padStart(6)} ms  p99 ${quantile(t, 0.99).toFixed(1).padStart(6)} ms  processing/training ratio ${(p50 / t50).toFixed(2)}x\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await run();
