/**
 * The MLflow benchmark (sagebox in process, real SDK / REST client over HTTP):
 *
 * 1. log-batch throughput: 1000-metric batches over HTTP with BENCH_CONCURRENCY (4) in flight,
 *    for BENCH_SECONDS, against the same batches written straight into the tracking store in
 *    process (the baseline: what the HTTP layer and JSON cost on top).
 * 2. runs/search latency with BENCH_RUNS (10,000) runs in one experiment (seeded in bulk), each
 *    with a metric, a param and tags: the default search (first 1000 runs, start_time DESC), a filtered one
 *    (`metrics.loss < 0.05 and params.opt = 'adam'`, ≤100), one ordered by a metric (100), and
 *    a 100-run page deep in the result; against `experiments/get` (the round-trip floor).
 * 3. Training job overhead: a job printing BENCH_POINTS (100,000) metric lines, with and
 *    without MlflowConfig, interleaved BENCH_JOB_PAIRS (4) times; the wall time from
 *    CreateTrainingJob to Completed (target: < 5% more with MLflow), sagebox's own CPU time per
 *    job (steadier than wall time on a shared machine), and how long after the job the run is
 *    FINISHED with every point.
 *
 *   npm run bench -- mlflow
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as sm from '@aws-sdk/client-sagemaker';
import { startSagebox } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import { MlflowClient } from '../src/mlflow/client.js';
import { logBatch } from '../src/mlflow/runs.js';
import { openStore } from '../src/store/database.js';
import { createDefaultExperiment } from '../src/mlflow/experiments.js';
import { createRun } from '../src/mlflow/runs.js';
import { randomBytes } from 'node:crypto';
import '../src/mlflow/tables.js';

export const name = 'mlflow';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
const POINTS = Number(process.env.BENCH_POINTS ?? 100_000);
const PAIRS = Number(process.env.BENCH_JOB_PAIRS ?? 4);
const ROLE = 'arn:aws:iam::123456789012:role/bench';

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const median = (xs: number[]): number => pct(xs, 50);
const batch = (i: number) => Array.from({ length: 1000 }, (_, k) => ({ key: `m${k % 10}`, value: Math.random(), timestamp: Date.now(), step: i * 100 + Math.floor(k / 10) }));

async function logBatchThroughput(client: MlflowClient): Promise<void> {
  const run = await client.createRun({ experiment_id: '0', run_name: 'throughput' });
  let sent = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let i = w; performance.now() < deadline; i += CONCURRENCY) {
      await client.logBatch({ run_id: run.info.run_id, metrics: batch(i) });
      sent += 1000;
    }
  }));
  const http = sent / ((performance.now() - started) / 1000);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'sagebox-bench-store-'));
  const store = await openStore({ dataDir: dir });
  try {
    await createDefaultExperiment(store.db, 1, Date.now());
    const direct = await createRun(store.db, 1, { experiment_id: '0' }, Date.now());
    let written = 0;
    const t0 = performance.now();
    for (let i = 0; performance.now() - t0 < SECONDS * 1000; i++) {
      await logBatch(store.db, 1, { run_id: direct.info.run_id, metrics: batch(i) }, Date.now());
      written += 1000;
    }
    const inProcess = written / ((performance.now() - t0) / 1000);
    out(`log-batch (1000 metrics, ${CONCURRENCY} in flight, HTTP): ${Math.round(http).toLocaleString('en-US')} metrics/s`);
    out(`  baseline, same batches into the store in process:  ${Math.round(inProcess).toLocaleString('en-US')} metrics/s  (HTTP/in-process ${(http / inProcess).toFixed(2)})`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function searchLatency(client: MlflowClient, dataDir: string): Promise<void> {
  const { experiment_id } = await client.createExperiment({ name: 'search-bench' });
  const seedStart = performance.now();
  // Seeded in bulk through a second connection to the same SQLite file (the timed part is the
  // search): RUNS runs, each with its latest `loss`, one history point, a param and two tags.
  const store = await openStore({ dataDir });
  try {
    const trackingId = Number((await store.db.selectFrom('mlflow_resources').select('id').where('name', '=', 'bench').executeTakeFirstOrThrow()).id);
    const opts = ['adam', 'sgd', 'rmsprop', 'adagrad'];
    for (let i = 0; i < RUNS; i += 500) {
      const ids = Array.from({ length: Math.min(500, RUNS - i) }, (_, k) => ({ n: i + k, id: randomBytes(16).toString('hex') }));
      await store.db.transaction().execute(async (trx) => {
        await trx.insertInto('mlflow_runs').values(ids.map(({ n, id }) => ({
          tracking_id: trackingId, run_uuid: id, experiment_id: Number(experiment_id), name: `run-${n}`, user_id: '', status: 'FINISHED',
          start_time: 1_700_000_000_000 + n, end_time: 1_700_000_000_500 + n, lifecycle_stage: 'active', artifact_uri: `mlflow-artifacts:/${experiment_id}/${id}/artifacts`, deleted_time: null,
        }))).execute();
        const metric = ({ n, id }: { n: number; id: string }) => ({ run_uuid: id, key: 'loss', value: (n % 1000) / 1000, is_nan: 0, timestamp: 1, step: 0 });
        await trx.insertInto('mlflow_latest_metrics').values(ids.map(metric)).execute();
        await trx.insertInto('mlflow_metrics').values(ids.map(metric)).execute();
        await trx.insertInto('mlflow_params').values(ids.map(({ n, id }) => ({ run_uuid: id, key: 'opt', value: opts[n % 4]! }))).execute();
        await trx.insertInto('mlflow_tags').values(ids.flatMap(({ n, id }) => [{ run_uuid: id, key: 'team', value: `t${n % 7}` }, { run_uuid: id, key: 'mlflow.runName', value: `run-${n}` }])).execute();
      });
    }
  } finally {
    await store.close();
  }
  out(`runs/search with ${RUNS.toLocaleString('en-US')} runs in one experiment (seeded in bulk in ${((performance.now() - seedStart) / 1000).toFixed(1)} s):`);
  const time = async (label: string, fn: () => Promise<unknown>, samples = 15): Promise<number> => {
    await fn();
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    out(`  ${label.padEnd(62)} p50 ${median(ms).toFixed(1)} ms  p90 ${pct(ms, 90).toFixed(1)} ms`);
    return median(ms);
  };
  const floor = await time('baseline: experiments/get (round-trip floor)', () => client.getExperiment(experiment_id), 50);
  const def = await time('default (1000 runs, start_time DESC)', () => client.searchRuns({ experiment_ids: [experiment_id] }));
  const filt = await time("filter metrics.loss < 0.05 and params.opt = 'adam' (≤100)", async () => {
    const r = await client.searchRuns({ experiment_ids: [experiment_id], filter: "metrics.loss < 0.05 and params.opt = 'adam'", max_results: 100 });
    if ((r.runs?.length ?? 0) === 0) throw new Error('the filtered search found nothing');
  });
  const ord = await time('order_by metrics.loss ASC (100)', () => client.searchRuns({ experiment_ids: [experiment_id], order_by: ['metrics.loss ASC'], max_results: 100 }));
  const token = Buffer.from(JSON.stringify({ offset: Math.floor(RUNS * 0.9) })).toString('base64');
  const deep = await time(`page at offset ${Math.floor(RUNS * 0.9).toLocaleString('en-US')} (100)`, () => client.searchRuns({ experiment_ids: [experiment_id], max_results: 100, page_token: token }));
  out(`  ratios to the floor: default ${(def / floor).toFixed(0)}x, filter ${(filt / floor).toFixed(1)}x, order_by ${(ord / floor).toFixed(1)}x, deep page ${(deep / floor).toFixed(1)}x`);
}

async function jobOverhead(sagemaker: sm.SageMakerClient, serverArn: string, client: MlflowClient): Promise<void> {
  const code = `import sys; w = sys.stdout.write; [w(f"step {i} loss={1/(i+1):.6f}\\n") for i in range(${POINTS})]`;
  const request = (jobName: string, withMlflow: boolean): sm.CreateTrainingJobRequest => ({
    TrainingJobName: jobName, RoleArn: ROLE,
    AlgorithmSpecification: { TrainingImage: 'bench:1', TrainingInputMode: 'File', ContainerEntrypoint: ['python3', '-c', code], MetricDefinitions: [{ Name: 'loss', Regex: 'loss=([0-9.]+)' }] },
    HyperParameters: { points: String(POINTS) },
    OutputDataConfig: { S3OutputPath: 's3://bench/output' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ...(withMlflow ? { MlflowConfig: { MlflowResourceArn: serverArn, MlflowExperimentName: 'overhead' } } : {}),
  });
  const histories: number[] = [];
  const run = async (jobName: string, withMlflow: boolean): Promise<{ wall: number; cpu: number; lag?: number }> => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await sagemaker.send(new sm.CreateTrainingJobCommand(request(jobName, withMlflow)));
    let d: sm.DescribeTrainingJobCommandOutput;
    for (;;) {
      d = await sagemaker.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      if (['Completed', 'Failed', 'Stopped'].includes(d.TrainingJobStatus!)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const wall = performance.now() - t0;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1000;
    if (d.TrainingJobStatus !== 'Completed') throw new Error(`${jobName}: ${d.TrainingJobStatus} ${d.FailureReason}`);
    if (!withMlflow) return { wall, cpu };
    for (;;) {
      const details = (await sagemaker.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jobName }))).MlflowDetails;
      const r = details?.MlflowRunId ? await client.getRun(details.MlflowRunId) : undefined;
      if (r?.info.status === 'FINISHED') {
        const lag = performance.now() - t0 - wall;
        const h0 = performance.now();
        const n = (await client.getMetricHistory(r.info.run_id, 'loss')).length;
        histories.push(performance.now() - h0);
        if (n !== POINTS) throw new Error(`${jobName}: the run has ${n} points, the job ${POINTS}`);
        return { wall, cpu, lag };
      }
      await new Promise((r2) => setTimeout(r2, 20));
    }
  };
  await run('warm-up', false);
  const plain: number[] = [];
  const logged: number[] = [];
  const plainCpu: number[] = [];
  const loggedCpu: number[] = [];
  const lags: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which goes first, so drift in machine load hits both alike.
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const withMlflow of order) {
      const r = await run(`${withMlflow ? 'mlflow' : 'plain'}-${i}`, withMlflow);
      (withMlflow ? logged : plain).push(r.wall);
      (withMlflow ? loggedCpu : plainCpu).push(r.cpu);
      if (r.lag !== undefined) lags.push(r.lag);
    }
  }
  const overhead = (median(logged) / median(plain) - 1) * 100;
  out(`training job printing ${POINTS.toLocaleString('en-US')} metric points (${PAIRS} pairs, medians):`);
  out(`  without MlflowConfig: ${(median(plain) / 1000).toFixed(2)} s   with: ${(median(logged) / 1000).toFixed(2)} s   overhead ${overhead.toFixed(1)}% (target < 5%)`);
  out(`  sagebox CPU per job: without ${(median(plainCpu) / 1000).toFixed(2)} s   with ${(median(loggedCpu) / 1000).toFixed(2)} s   overhead ${((median(loggedCpu) / median(plainCpu) - 1) * 100).toFixed(1)}%`);
  out(`  (all runs, wall s: without [${plain.map((x) => (x / 1000).toFixed(2)).join(', ')}], with [${logged.map((x) => (x / 1000).toFixed(2)).join(', ')}])`);
  out(`  run FINISHED ${(median(lags) / 1000).toFixed(2)} s after the job completed (median, polled every 20 ms)`);
  out(`  metrics/get-history of all ${POINTS.toLocaleString('en-US')} points in one response: ${(median(histories) / 1000).toFixed(2)} s (median)`);
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sagebox-bench-mlflow-'));
  process.env.SAGEBOX_MLFLOW_TRANSITION_MS = '0';
  const box = await startSagebox(resolveConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, { SAGEBOX_MAX_LOG_EVENTS: String(POINTS * 2) }));
  const sagemaker = new sm.SageMakerClient({ endpoint: box.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  try {
    const arn = (await sagemaker.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'bench', ArtifactStoreUri: 's3://bench/mlflow', RoleArn: ROLE }))).TrackingServerArn!;
    const url = (await sagemaker.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'bench' }))).TrackingServerUrl!;
    const client = new MlflowClient(url);
    const only = (process.env.BENCH_PARTS ?? 'batch,search,job').split(',');
    if (only.includes('batch')) await logBatchThroughput(client);
    if (only.includes('search')) await searchLatency(client, dataDir);
    if (only.includes('job')) await jobOverhead(sagemaker, arn, client);
  } finally {
    sagemaker.destroy();
    await box.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
