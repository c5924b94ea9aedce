/**
 * `sagebox mlflow runs|metrics|job`: reads MLflow runs back from a running sagebox. The tracking
 * server (name) or MLflow App / server (ARN) is resolved through the SageMaker API
 * (DescribeMlflowTrackingServer / DescribeMlflowApp → its TrackingServerUrl), then read with
 * sagebox's MLflow REST client, so external servers attached by configuration work too.
 *
 * Exit status: 0 done; 1 not found / MLflow error; 2 sagebox unreachable or bad input.
 *
 * @example
 *   sagebox mlflow runs my-server --experiment churn
 *   sagebox mlflow metrics my-server 0f1e…32hex --metric train:loss
 *   sagebox mlflow job my-training-job            # the job's run and its metric history
 */
import type { Command } from 'commander';
import { MlflowClient, clientOptionsFromEnv, MlflowUnavailableError } from '../mlflow/client.js';
import { MlflowError, type Metric, type Run } from '../mlflow/wire.js';
import { AwsCallError, awsEnv, awsJsonCall } from './aws-call.js';

interface CommonFlags { url?: string; json?: boolean }

function sageboxUrl(flags: CommonFlags): string {
  return flags.url ?? process.env.SAGEBOX_URL ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:8086';
}

function sagemaker<T>(flags: CommonFlags, operation: string, body: unknown): Promise<T> {
  return awsJsonCall<T>({ url: sageboxUrl(flags), ...awsEnv() }, 'sagemaker', `SageMaker.${operation}`, body);
}

/** A tracking server name or an MLflow resource ARN → its MLflow REST client. */
async function clientFor(flags: CommonFlags, resource: string): Promise<MlflowClient> {
  let url: string | undefined;
  if (resource.includes(':mlflow-app/')) {
    // Apps have no URL field in DescribeMlflowApp: sagebox serves them under /mlflow/<app id>.
    await sagemaker(flags, 'DescribeMlflowApp', { Arn: resource });
    url = `${sageboxUrl(flags).replace(/\/+$/, '')}/mlflow/${resource.split('/').pop()}`;
  } else {
    const name = resource.includes(':mlflow-tracking-server/') ? resource.split('/').pop()! : resource;
    url = (await sagemaker<{ TrackingServerUrl?: string }>(flags, 'DescribeMlflowTrackingServer', { TrackingServerName: name })).TrackingServerUrl;
  }
  if (!url) throw new Error(`${resource} has no tracking URL`);
  return new MlflowClient(url, clientOptionsFromEnv());
}

const iso = (ms: number | undefined): string => (ms === undefined ? '-' : new Date(ms).toISOString());

function printRuns(runs: Run[], experiments: Map<string, string>): void {
  const rows = runs.map((r) => [
    r.info.run_id, r.info.run_name ?? '', experiments.get(r.info.experiment_id) ?? r.info.experiment_id, r.info.status, iso(r.info.start_time),
    (r.data.metrics ?? []).map((m) => `${m.key}=${m.value}`).join(' '),
  ]);
  const head = ['RUN ID', 'NAME', 'EXPERIMENT', 'STATUS', 'STARTED', 'LATEST METRICS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
}

function printHistory(key: string, points: Metric[]): void {
  process.stdout.write(`${key}\n  STEP  VALUE  TIMESTAMP\n`);
  for (const p of points) process.stdout.write(`  ${p.step ?? 0}  ${p.value}  ${iso(p.timestamp)}\n`);
}

/** Every point of each of the run's metrics (or of `only`); `run` when the caller already has it. */
async function metricsOf(client: MlflowClient, runId: string, only: string | undefined, run?: Run): Promise<Record<string, Metric[]>> {
  const found = run ?? await client.getRun(runId);
  const keys = only ? [only] : (found.data.metrics ?? []).map((m) => m.key);
  const out: Record<string, Metric[]> = {};
  for (const key of keys) out[key] = await client.getMetricHistory(runId, key, 10_000);
  return out;
}

/** Runs a subcommand body, mapping failures to messages and exit codes. */
async function guarded(what: string, flags: CommonFlags, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof AwsCallError || error instanceof MlflowError) {
      process.stderr.write(`sagebox mlflow ${what}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    const message = error instanceof MlflowUnavailableError ? error.message : `cannot reach sagebox at ${sageboxUrl(flags)}: ${(error as Error).message}`;
    process.stderr.write(`sagebox mlflow ${what}: ${message}\n`);
    process.exitCode = 2;
  }
}

/** Adds `sagebox mlflow …` to the program. */
export function registerMlflowCommands(program: Command): void {
  const mlflow = program.command('mlflow').description('Read MLflow runs and metrics from a running sagebox (AWS_ACCESS_KEY_ID picks the account).');
  const common = (c: Command): Command => c
    .option('--url <url>', 'sagebox endpoint (SAGEBOX_URL, AWS_ENDPOINT_URL, default http://127.0.0.1:8086)')
    .option('--json', 'print the MLflow JSON instead of a table');

  common(mlflow.command('runs')
    .description('List runs of a tracking server or MLflow App, newest first.')
    .argument('<server>', 'tracking server name, or an MLflow App / tracking server ARN')
    .option('--experiment <name>', 'only this experiment (default: every active experiment)')
    .option('--filter <expr>', "MLflow filter, e.g. \"metrics.loss < 0.1 and params.lr = '0.01'\"")
    .option('--max <n>', 'at most this many runs', '100'))
    .action((server: string, flags: CommonFlags & { experiment?: string; filter?: string; max: string }) => guarded('runs', flags, async () => {
      const client = await clientFor(flags, server);
      const experiments = (await client.searchExperiments({ max_results: 1000 })).experiments ?? [];
      const names = new Map(experiments.map((e) => [e.experiment_id, e.name]));
      const ids = flags.experiment ? experiments.filter((e) => e.name === flags.experiment).map((e) => e.experiment_id) : [...names.keys()];
      if (flags.experiment && ids.length === 0) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${flags.experiment}'`);
      const res = await client.searchRuns({ experiment_ids: ids, max_results: Number(flags.max), ...(flags.filter ? { filter: flags.filter } : {}) });
      if (flags.json) process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      else printRuns(res.runs ?? [], names);
    }));

  common(mlflow.command('metrics')
    .description("Print a run's metric history (every point with its step).")
    .argument('<server>', 'tracking server name, or an MLflow App / tracking server ARN')
    .argument('<run-id>', 'the run (32 hex characters)')
    .option('--metric <key>', 'only this metric'))
    .action((server: string, runId: string, flags: CommonFlags & { metric?: string }) => guarded('metrics', flags, async () => {
      const series = await metricsOf(await clientFor(flags, server), runId, flags.metric);
      if (flags.json) process.stdout.write(`${JSON.stringify(series, null, 2)}\n`);
      else for (const [key, points] of Object.entries(series)) printHistory(key, points);
    }));

  common(mlflow.command('job')
    .description("Print a training job's MLflow run (from MlflowDetails) and its metric history.")
    .argument('<job>', 'training job name'))
    .action((job: string, flags: CommonFlags) => guarded('job', flags, async () => {
      const d = await sagemaker<{ MlflowConfig?: { MlflowResourceArn: string }; MlflowDetails?: { MlflowRunId?: string; MlflowExperimentId?: string } }>(
        flags, 'DescribeTrainingJob', { TrainingJobName: job });
      if (!d.MlflowConfig) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Training job ${job} has no MlflowConfig.`);
      if (!d.MlflowDetails?.MlflowRunId) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Training job ${job} has no MLflow run yet (it is created when the job starts training).`);
      const client = await clientFor(flags, d.MlflowConfig.MlflowResourceArn);
      const run = await client.getRun(d.MlflowDetails.MlflowRunId);
      const series = await metricsOf(client, run.info.run_id, undefined, run);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ run, metrics: series }, null, 2)}\n`);
        return;
      }
      printRuns([run], new Map());
      for (const p of run.data.params ?? []) process.stdout.write(`param ${p.key}=${p.value}\n`);
      for (const [key, points] of Object.entries(series)) printHistory(key, points);
    }));
}
