/**
 * Training jobs through the API, in one sagebox started in this process:
 *
 * 1. Start latency: from sending CreateTrainingJob (real SDK, HTTP) to the first line the
 *    user's process prints (the log event's timestamp, taken when sagebox reads the line),
 *    against a bare `child_process.spawn` of the same command in the same run, interleaved.
 *    Sandboxed (bubblewrap, when usable) and plain, each in its own sagebox.
 * 2. Queue: BENCH_QUEUE trivial jobs (`true`) created at once at concurrency 2: all must end
 *    Completed, none lost; reports jobs per second.
 *
 *   npx tsx bench/training-api.ts            (or: npm run bench -- training-api)
 *
 * Environment: BENCH_RUNS (default 30), BENCH_QUEUE (default 200).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as sm from '@aws-sdk/client-sagemaker';
import { detectSandbox } from '../src/runtime/sandbox.js';
import { startTestSagebox, type TestSagebox } from '../test/helpers/sagebox.js';
import { awsJsonCall } from '../src/cli/aws-call.js';

export const name = 'training-api';
const COMMAND = ['sh', '-c', 'echo first'];
const role = 'arn:aws:iam::123456789012:role/r';

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

const request = (jobName: string, command: string[]): sm.CreateTrainingJobRequest => ({
  TrainingJobName: jobName, RoleArn: role,
  AlgorithmSpecification: { TrainingImage: 'bench:1', TrainingInputMode: 'File', ContainerEntrypoint: command },
  OutputDataConfig: { S3OutputPath: 's3://bench/out' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
});

/**
 * Polls Describe until the job ends. The first line's time is taken by the server, so polling
 * slowly (50 ms) only keeps the benchmark's own requests from competing with the job start.
 */
async function waitDone(sb: TestSagebox, jobName: string, pollMs = 50): Promise<sm.DescribeTrainingJobCommandOutput> {
  for (;;) {
    await new Promise((r) => setTimeout(r, pollMs));
    const d = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    if (['Completed', 'Failed', 'Stopped'].includes(d.TrainingJobStatus!)) return d;
  }
}

/** ms from Create to the first line of the job's log. */
async function viaApi(sb: TestSagebox, jobName: string): Promise<number> {
  const started = Date.now();
  await sb.client.send(new sm.CreateTrainingJobCommand(request(jobName, COMMAND)));
  const d = await waitDone(sb, jobName);
  if (d.TrainingJobStatus !== 'Completed') throw new Error(`${jobName}: ${d.FailureReason}`);
  const events = await awsJsonCall<{ events: { timestamp: number; message: string }[] }>(
    { url: sb.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } }, 'logs', 'Logs_20140328.FilterLogEvents',
    { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: `${jobName}/`, filterPattern: '"first"' });
  const line = events.events.find((e) => e.message === 'first');
  if (!line) throw new Error(`${jobName}: no first line`);
  return line.timestamp - started;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 30);
  const queue = Number(process.env.BENCH_QUEUE ?? 200);
  const sandbox = await detectSandbox();
  const modes: ('off' | 'auto')[] = sandbox.available ? ['off', 'auto'] : ['off'];
  process.stdout.write(`training-api: ${runs} runs per variant; bubblewrap ${sandbox.available ? 'usable' : `not usable (${sandbox.reason})`}\n`);
  for (const mode of modes) {
    const sb = await startTestSagebox({ env: { SAGEBOX_SANDBOX: mode, SAGEBOX_MAX_CONCURRENT_JOBS: '2' } });
    try {
      const bare: number[] = [];
      const api: number[] = [];
      await viaApi(sb, `warm-${mode}`);
      for (let i = 0; i < runs; i++) {
        bare.push(await bareSpawn());
        api.push(await viaApi(sb, `start-${mode}-${i}`));
      }
      const over = api.map((a, i) => a - bare[i]!);
      process.stdout.write(
        `  ${mode === 'off' ? 'plain    ' : 'sandboxed'}  Create→first line p50 ${pct(api, 50).toFixed(0)} ms p90 ${pct(api, 90).toFixed(0)} ms; ` +
        `bare spawn p50 ${pct(bare, 50).toFixed(1)} ms; overhead p50 ${pct(over, 50).toFixed(0)} ms p90 ${pct(over, 90).toFixed(0)} ms\n`,
      );
    } finally {
      await sb.close(true);
    }
  }

  if (queue <= 0) return;
  const sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '2' } });
  try {
    const t0 = performance.now();
    await Promise.all(Array.from({ length: queue }, (_, i) => sb.client.send(new sm.CreateTrainingJobCommand(request(`q-${i}`, ['true'])))));
    const created = performance.now() - t0;
    const results = [];
    for (let i = 0; i < queue; i++) results.push(await waitDone(sb, `q-${i}`, 5));
    const total = performance.now() - t0;
    const completed = results.filter((d) => d.TrainingJobStatus === 'Completed').length;
    // None lost: every created job is listed, Completed, exactly once (paging through all of them).
    const listedNames = new Set<string>();
    let listedRows = 0;
    let token: string | undefined;
    do {
      const page = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'q-', MaxResults: 100, StatusEquals: 'Completed', NextToken: token }));
      for (const j of page.TrainingJobSummaries ?? []) listedNames.add(j.TrainingJobName!);
      listedRows += page.TrainingJobSummaries?.length ?? 0;
      token = page.NextToken;
    } while (token);
    const lost = queue - listedNames.size;
    process.stdout.write(
      `  queue: ${queue} jobs created in ${created.toFixed(0)} ms; all ended in ${(total / 1000).toFixed(1)} s at concurrency 2 ` +
      `(${(queue / (total / 1000)).toFixed(1)} jobs/s); Completed ${completed}/${queue}; listed Completed ${listedNames.size}, lost ${lost}` +
      `${listedRows === listedNames.size ? '' : `, listed twice ${listedRows - listedNames.size}`}\n`,
    );
    if (lost !== 0 || listedRows !== listedNames.size) throw new Error(`queue: ${lost} jobs lost, ${listedRows - listedNames.size} listed twice`);
    if (completed !== queue) throw new Error(`${queue - completed} jobs did not complete`);
  } finally {
    await sb.close(true);
    rmSync(sb.dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await run();
}
