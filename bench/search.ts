/**
 * The Search benchmark (issue 9): Search over BENCH_SEARCH_JOBS (100,000) training jobs with a
 * filter on a metric and a tag, sorted by a metric, MaxResults 100.
 *
 * 1. Seeds the training jobs straight into the store (rows as CreateTrainingJob and the
 *    executor write them: the request, the status transitions, two final metrics, an artifact;
 *    plus tags). Running 100,000 real jobs would take hours and measure the runtime, not Search;
 *    the records Search returns are still DescribeTrainingJob's answers for these rows.
 * 2. Starts sagebox on that store and times the first Search, which builds the index (the
 *    one-off catch-up a store gets when Search first meets it).
 * 3. Times the query through the real SDK over HTTP: the first page and pages reached by
 *    NextToken, BENCH_SEARCH_SAMPLES times each; p50 / p99 per page.
 * 4. The same pages from the Search handler called in process (no HTTP, no SDK parsing): the
 *    store's share of the time.
 * 5. Baseline, in the same process: the same query answered the way an index-less Search
 *    would, by loading every job (and the tags) and filtering / sorting in memory.
 *
 * Environment: BENCH_SEARCH_JOBS (default 100000), BENCH_SEARCH_SAMPLES (default 30),
 * BENCH_SEARCH_DIR (keep the seeded, indexed store there and reuse it on the next run; default: a
 * temporary directory, removed).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SearchCommand, SageMakerClient, type SearchCommandInput } from '@aws-sdk/client-sagemaker';
import { startSagebox } from '../src/app.js';
import { resolveConfig } from '../src/config.js';
import type { FeatureDeps } from '../src/feature.js';
import { searchFeature } from '../src/sagemaker/search/feature.js';
import { describeRow } from '../src/sagemaker/training/describe.js';
import { openStore } from '../src/store/database.js';

export const name = 'search';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function envInt(key: string, fallback: number): number {
  const raw = process.env[key];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${key} must be a positive integer, got '${raw}'`);
  return n;
}

/** A deterministic pseudo-random sequence (the same store every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export async function seed(dataDir: string, jobs: number): Promise<void> {
  const store = await openStore({ dataDir });
  const random = rng(42);
  const t0 = Date.now() - jobs * 60_000 - 86_400_000;
  const BATCH = 1_000;
  for (let start = 0; start < jobs; start += BATCH) {
    await store.db.transaction().execute(async (trx) => {
      const rows = [];
      const tags = [];
      for (let i = start; i < Math.min(jobs, start + BATCH); i++) {
        const name = `bench-job-${String(i).padStart(6, '0')}`;
        const arn = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${name}`;
        const created = t0 + i * 60_000;
        const started = created + 5_000;
        const ended = started + 120_000;
        const loss = random();
        const request = {
          TrainingJobName: name, RoleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerRole`,
          AlgorithmSpecification: { TrainingImage: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/trainer:latest`, TrainingInputMode: 'File',
            MetricDefinitions: [{ Name: 'loss', Regex: 'loss=([0-9.]+)' }, { Name: 'accuracy', Regex: 'acc=([0-9.]+)' }] },
          HyperParameters: { epochs: String(1 + (i % 10)), learning_rate: (random() / 10).toFixed(4) },
          InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://bench/data/${i % 50}/` } } }],
          OutputDataConfig: { S3OutputPath: 's3://bench/output' },
          ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
          StoppingCondition: { MaxRuntimeInSeconds: 3_600 },
        };
        const steps = ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'];
        const state = {
          transitions: steps.map((s, k) => ({ Status: s, StartTime: started + k * 10_000, EndTime: started + (k + 1) * 10_000, StatusMessage: `${s} step` })),
          finalMetrics: [{ MetricName: 'loss', Value: loss, Timestamp: ended }, { MetricName: 'accuracy', Value: 1 - loss / 2, Timestamp: ended }],
          modelArtifacts: `s3://bench/output/${name}/output/model.tar.gz`, attempt: 1, maxAttempts: 1, logStreams: [`${name}/algo-1-${created}`],
        };
        rows.push({
          account_id: ACCOUNT, region: REGION, name, name_key: name, arn, status: 'Completed', secondary_status: 'Completed',
          creation_time: created, last_modified_time: ended, training_start_time: started, training_end_time: ended,
          failure_reason: null, request: JSON.stringify(request), state: JSON.stringify(state),
        });
        // 10% of the jobs belong to team a; every job has a project tag.
        tags.push({ account_id: ACCOUNT, region: REGION, resource_key: arn, resource_arn: arn, tag_key: 'team', tag_value: i % 10 === 0 ? 'a' : 'b' });
        tags.push({ account_id: ACCOUNT, region: REGION, resource_key: arn, resource_arn: arn, tag_key: 'project', tag_value: `p${i % 7}` });
      }
      for (let k = 0; k < rows.length; k += 200) await trx.insertInto('training_jobs').values(rows.slice(k, k + 200)).execute();
      for (let k = 0; k < tags.length; k += 500) await trx.insertInto('tags').values(tags.slice(k, k + 500)).execute();
    });
  }
  await store.close();
}

const QUERY: SearchCommandInput = {
  Resource: 'TrainingJob',
  SearchExpression: { Filters: [
    { Name: 'Metrics.loss', Operator: 'LessThan', Value: '0.5' },
    { Name: 'Tags.team', Operator: 'Equals', Value: 'a' },
  ] },
  SortBy: 'Metrics.loss', SortOrder: 'Ascending', MaxResults: 100,
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stats(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** The index-less answer: every job loaded, described, tag-checked, filtered and sorted. */
async function inMemoryPage(dataDir: string): Promise<number> {
  const store = await openStore({ dataDir });
  try {
    const started = performance.now();
    const rows = await store.db.selectFrom('training_jobs').selectAll().where('account_id', '=', ACCOUNT).where('region', '=', REGION).execute();
    const team = new Set((await store.db.selectFrom('tags').select('resource_key')
      .where('account_id', '=', ACCOUNT).where('region', '=', REGION).where('tag_key', '=', 'team').where('tag_value', '=', 'a').execute())
      .map((t) => t.resource_key));
    const hits = rows.map((r) => ({ row: r, d: describeRow(r) }))
      .map((x) => ({ ...x, loss: x.d.FinalMetricDataList?.find((m) => m.MetricName === 'loss')?.Value }))
      .filter((x) => x.loss !== undefined && x.loss < 0.5 && team.has(x.row.arn.toLowerCase()))
      .sort((a, b) => a.loss! - b.loss! || a.row.id - b.row.id);
    void hits.slice(0, 100);
    return performance.now() - started;
  } finally {
    await store.close();
  }
}

export async function run(): Promise<void> {
  const jobs = envInt('BENCH_SEARCH_JOBS', 100_000);
  const samples = envInt('BENCH_SEARCH_SAMPLES', 30);
  const keep = process.env.BENCH_SEARCH_DIR;
  const dataDir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'sagebox-bench-search-'));
  try {
    let t = performance.now();
    const reused = keep !== undefined && existsSync(path.join(keep, 'sagebox.sqlite'));
    if (reused) {
      process.stdout.write(`reusing the store in ${keep}\n`);
    } else {
      await seed(dataDir, jobs);
      process.stdout.write(`seeded ${jobs} training jobs (rows written directly to the store) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    }

    const box = await startSagebox(resolveConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, {}));
    const client = new SageMakerClient({ endpoint: box.url, region: REGION, maxAttempts: 1, credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'bench' } });
    try {
      t = performance.now();
      const first = await client.send(new SearchCommand(QUERY));
      const buildMs = performance.now() - t;
      const what = reused ? 'index already built' : `builds the index for ${jobs} jobs: ${Math.round(jobs / (buildMs / 1000))} jobs/s`;
      process.stdout.write(`first Search (${what}): ${(buildMs / 1000).toFixed(1)} s; TotalHits ${first.TotalHits?.Value} (${first.TotalHits?.Relation})\n`);

      const firstPage: number[] = [];
      const laterPage: number[] = [];
      for (let i = 0; i < samples; i++) {
        t = performance.now();
        const page = await client.send(new SearchCommand(QUERY));
        firstPage.push(performance.now() - t);
        let token = page.NextToken;
        for (let p = 0; p < 3 && token; p++) {
          t = performance.now();
          const next = await client.send(new SearchCommand({ ...QUERY, NextToken: token }));
          laterPage.push(performance.now() - t);
          token = next.NextToken;
        }
      }
      const handler = await inProcessPages(dataDir, samples);
      const baseline: number[] = [];
      for (let i = 0; i < 3; i++) baseline.push(await inMemoryPage(dataDir));
      const a = stats(firstPage);
      const b = stats(laterPage);
      const c = stats(baseline);
      const h = stats(handler);
      process.stdout.write([
        `query: Metrics.loss < 0.5 AND Tags.team = a, SortBy Metrics.loss Ascending, MaxResults 100 (${jobs} jobs, 10% team a)`,
        `  sagebox Search, first page (SDK over HTTP):   p50 ${ms(a.p50)}  p99 ${ms(a.p99)}  (${firstPage.length} samples)`,
        `  sagebox Search, pages 2-4 by NextToken:       p50 ${ms(b.p50)}  p99 ${ms(b.p99)}  (${laterPage.length} samples)`,
        `  Search handler in process (no HTTP / SDK):    p50 ${ms(h.p50)}  p99 ${ms(h.p99)}  (${handler.length} samples, first pages)`,
        `  baseline, load every job and filter in memory: p50 ${ms(c.p50)}  p99 ${ms(c.p99)}  (${baseline.length} samples, in process, no HTTP)`,
        `  ratio baseline / Search (p50, first page): ${(c.p50 / a.p50).toFixed(1)}x`,
        `  target p50 < 50 ms per page: ${a.p50 < 50 && b.p50 < 50 ? 'met' : 'NOT met'}`,
        '',
      ].join('\n'));
    } finally {
      client.destroy();
      await box.close();
    }
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** First pages from the Search handler over a second connection to the (indexed) store. */
async function inProcessPages(dataDir: string, samples: number): Promise<number[]> {
  const store = await openStore({ dataDir });
  try {
    const deps = { store, invoke: async () => { throw new Error('training job records need no Describe call'); } } as unknown as FeatureDeps;
    const handler = searchFeature(deps).handlers!.Search!;
    const ctx = { accountId: ACCOUNT, region: REGION, requestId: 'bench' };
    await handler(QUERY, ctx);
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await handler(QUERY, ctx);
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    await store.close();
  }
}
