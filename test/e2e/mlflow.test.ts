/**
 * MLflow end to end through the real SageMaker SDK: a tracking server served by sagebox, a
 * training job with MlflowConfig that shows up as a run (params = hyperparameters, metric
 * history = the job's metric series, status from the job's end), MlflowDetails pointing at it,
 * an unknown MlflowResourceArn refused at create, failed and stopped jobs' FAILED / KILLED runs, a
 * stopped embedded server that delays logging until it starts again, and an external
 * server that is unreachable while the job runs (the job completes; the log says so; the run
 * arrives once the server answers, also across a sagebox restart), and the CLI reading it back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsJsonCall } from '../../src/cli/aws-call.js';
import { MlflowClient } from '../../src/mlflow/client.js';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { trainingRequest, waitForJob, ROLE } from '../helpers/training.js';

let sb: TestSagebox;
let serverArn: string;
let mlflow: MlflowClient;
let downPort: number;

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A job printing `loss=<1/e>` for e = 1..epochs (and failing at the end when asked). */
function job(name: string, mlflowConfig: sm.MlflowConfig | undefined, epochs: number, fail = false): sm.CreateTrainingJobRequest {
  const code = `import sys; [print(f"epoch={e} loss={1/e:.6f}") for e in range(1, ${epochs + 1})]; sys.exit(${fail ? 3 : 0})`;
  return trainingRequest(name, { epochs: String(epochs), lr: '0.01' }, {
    AlgorithmSpecification: {
      TrainingImage: 'trainer:1', TrainingInputMode: 'File', ContainerEntrypoint: ['python3', '-c', code],
      MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }],
    },
    ...(mlflowConfig ? { MlflowConfig: mlflowConfig } : {}),
  });
}

before(async () => {
  downPort = await freePort();
  process.env.SAGEBOX_MLFLOW_EXTERNAL = `late-server=http://127.0.0.1:${downPort}`;
  process.env.SAGEBOX_MLFLOW_RETRY_MAX_MS = '300';
  process.env.SAGEBOX_MLFLOW_TRANSITION_MS = '50';
  sb = await startTestSagebox();
  serverArn = (await sb.client.send(new sm.CreateMlflowTrackingServerCommand({
    TrackingServerName: 'team', ArtifactStoreUri: 's3://mlflow-bucket/team', RoleArn: ROLE,
  }))).TrackingServerArn!;
  const d = await until('the server to be Created', async () => {
    const out = await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'team' }));
    return out.TrackingServerStatus === 'Created' ? out : undefined;
  });
  mlflow = new MlflowClient(d.TrackingServerUrl!);
});
after(async () => {
  delete process.env.SAGEBOX_MLFLOW_EXTERNAL;
  await sb.close(true);
});

test('a training job with MlflowConfig logs a run whose history is the job series', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(job('logged-job', { MlflowResourceArn: serverArn, MlflowExperimentName: 'churn', MlflowRunName: 'first-try' }, 40)));
  const done = await waitForJob(sb.client, 'logged-job');
  assert.equal(done.TrainingJobStatus, 'Completed', done.FailureReason);
  assert.ok(done.MlflowDetails?.MlflowRunId, 'MlflowDetails once the job trained');
  assert.match(done.MlflowDetails.MlflowRunId, /^[0-9a-f]{32}$/);
  assert.deepEqual(done.MlflowConfig, { MlflowResourceArn: serverArn, MlflowExperimentName: 'churn', MlflowRunName: 'first-try' });
  const run = await until('the run to finish', async () => {
    const r = await mlflow.getRun(done.MlflowDetails!.MlflowRunId!);
    return r.info.status === 'FINISHED' ? r : undefined;
  });
  const experiment = await mlflow.getExperimentByName('churn');
  assert.equal(run.info.experiment_id, experiment?.experiment_id);
  assert.equal(done.MlflowDetails.MlflowExperimentId, experiment?.experiment_id);
  assert.equal(run.info.run_name, 'first-try');
  assert.ok(run.info.end_time! >= run.info.start_time!);
  assert.deepEqual(run.data.params, [{ key: 'epochs', value: '40' }, { key: 'lr', value: '0.01' }]);
  assert.ok(run.data.tags?.some((t) => t.key === 'sagemaker.training_job_arn' && t.value === done.TrainingJobArn));
  const history = await mlflow.getMetricHistory(run.info.run_id, 'train:loss', 7);
  assert.deepEqual(history.map((m) => [m.step, m.value]), Array.from({ length: 40 }, (_, i) => [i, Number((1 / (i + 1)).toFixed(6))]));
  const final = done.FinalMetricDataList!.find((m) => m.MetricName === 'train:loss')!;
  assert.deepEqual(run.data.metrics, [{ key: 'train:loss', value: final.Value, timestamp: final.Timestamp!.getTime(), step: 39 }]);
  // The run is found by MLflow's own search grammar.
  const found = await mlflow.searchRuns({ experiment_ids: [experiment!.experiment_id], filter: "metrics.`train:loss` < 0.05 and params.lr = '0.01'" });
  assert.deepEqual(found.runs?.map((r) => r.info.run_id), [run.info.run_id]);
});

test('a failed job ends its run FAILED; the default experiment and run names are the job name', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(job('failing-job', { MlflowResourceArn: serverArn }, 3, true)));
  const done = await waitForJob(sb.client, 'failing-job');
  assert.equal(done.TrainingJobStatus, 'Failed');
  const run = await until('the run to fail', async () => {
    const r = await mlflow.getRun(done.MlflowDetails!.MlflowRunId!);
    return r.info.status === 'FAILED' ? r : undefined;
  });
  assert.equal(run.info.run_name, 'failing-job');
  assert.equal((await mlflow.getExperiment(run.info.experiment_id)).name, 'failing-job');
  assert.equal((await mlflow.getMetricHistory(run.info.run_id, 'train:loss')).length, 3);
});

test('a job without MlflowConfig has no MlflowDetails', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(job('plain-job', undefined, 2)));
  const done = await waitForJob(sb.client, 'plain-job');
  assert.equal(done.TrainingJobStatus, 'Completed');
  assert.equal(done.MlflowDetails, undefined);
});

test('CreateTrainingJob refuses an unknown MlflowResourceArn', async () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/nobody';
  const error = await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand(job('orphan-job', { MlflowResourceArn: arn }, 1))));
  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, `MlflowResourceArn ${arn} does not exist: create it with CreateMlflowTrackingServer or CreateMlflowApp first.`);
  const other = 'arn:aws:sagemaker:us-east-1:999999999999:mlflow-app/app-ABC';
  assert.equal((await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand(job('orphan-job', { MlflowResourceArn: other }, 1))))).name, 'ValidationException');
  assert.equal((await awsError(() => sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'orphan-job' })))).name, 'ValidationException', 'nothing was stored');
});

test('an unreachable external server never blocks the job; metrics arrive when it answers', async () => {
  const arn = (await sb.client.send(new sm.CreateMlflowTrackingServerCommand({
    TrackingServerName: 'late-server', ArtifactStoreUri: 's3://mlflow-bucket/late', RoleArn: ROLE,
  }))).TrackingServerArn!;
  const described = await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'late-server' }));
  assert.equal(described.TrackingServerUrl, `http://127.0.0.1:${downPort}`);
  await until('late-server Created', async () =>
    (await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'late-server' }))).TrackingServerStatus === 'Created' ? true : undefined);
  await sb.client.send(new sm.CreateTrainingJobCommand(job('offline-job', { MlflowResourceArn: arn, MlflowExperimentName: 'offline' }, 5)));
  const done = await waitForJob(sb.client, 'offline-job');
  assert.equal(done.TrainingJobStatus, 'Completed', 'the job does not wait for MLflow');
  assert.equal(done.MlflowDetails, undefined, 'no run could be created yet');
  const logs = await until('the delay note', async () => {
    const stream = done.TrainingJobName + '/';
    const streams = await awsJsonCall<any>({ url: sb.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } }, 'logs',
      'Logs_20140328.DescribeLogStreams', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: stream });
    const events = await awsJsonCall<any>({ url: sb.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } }, 'logs',
      'Logs_20140328.GetLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamName: streams.logStreams[0].logStreamName, startFromHead: true });
    const lines: string[] = events.events.map((e: { message: string }) => e.message);
    return lines.some((l) => l.includes('MLflow logging is delayed')) ? lines : undefined;
  });
  assert.ok(logs.some((l) => /sagebox: MLflow logging is delayed: MLflow server http:\/\/127\.0\.0\.1:\d+ is unreachable/.test(l)), logs.join('\n'));

  // The "external" server comes up: a forwarder on the configured port to sagebox's own server 'team'.
  const target = new URL((await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'team' }))).TrackingServerUrl!);
  const proxy = http.createServer((req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${req.url}`, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(downPort, '127.0.0.1', r));
  try {
    const details = await until('MlflowDetails after recovery', async () => {
      const d = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'offline-job' }));
      return d.MlflowDetails?.MlflowRunId ? d.MlflowDetails : undefined;
    });
    const run = await until('the run to finish', async () => {
      const r = await mlflow.getRun(details.MlflowRunId!);
      return r.info.status === 'FINISHED' ? r : undefined;
    });
    assert.equal((await mlflow.getExperiment(run.info.experiment_id)).name, 'offline');
    assert.deepEqual((await mlflow.getMetricHistory(run.info.run_id, 'train:loss')).map((m) => m.step), [0, 1, 2, 3, 4]);
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  }
});

test('`sagebox mlflow runs|metrics|job` read the runs back', async () => {
  // In process (commander program as main.ts builds it): spawning tsx three times costs more than the rest of this file.
  const { Command } = await import('commander');
  const { registerMlflowCommands } = await import('../../src/cli/mlflow.js');
  const env = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = '123456789012';
  process.env.AWS_SECRET_ACCESS_KEY = 'x';
  const cli = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const program = new Command('sagebox').exitOverride();
    registerMlflowCommands(program);
    let out = '';
    let err = '';
    const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
    process.exitCode = 0;
    try {
      await program.parseAsync(['node', 'sagebox', 'mlflow', ...args, '--url', sb.url]);
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    const code = Number(process.exitCode ?? 0);
    process.exitCode = 0;
    return { code, out, err };
  };
  try {
    const d = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'logged-job' }));
    const runId = d.MlflowDetails!.MlflowRunId!;
    const runs = await cli('runs', 'team', '--experiment', 'churn');
    assert.equal(runs.code, 0, runs.err);
    assert.match(runs.out, new RegExp(`^${runId}\\s+first-try\\s+churn\\s+FINISHED\\s+\\S+\\s+train:loss=0\\.025$`, 'm'));
    const job = await cli('job', 'logged-job', '--json');
    assert.equal(job.code, 0, job.err);
    const parsed = JSON.parse(job.out) as { run: { info: { run_id: string } }; metrics: Record<string, { step: number }[]> };
    assert.equal(parsed.run.info.run_id, runId);
    assert.equal(parsed.metrics['train:loss']!.length, 40);
    const metrics = await cli('metrics', 'team', runId, '--metric', 'train:loss');
    assert.match(metrics.out, /^train:loss\n  STEP  VALUE  TIMESTAMP\n  0  1  \S+\n  1  0\.5  /);
    const missing = await cli('metrics', 'no-such-server', runId);
    assert.equal(missing.code, 1);
    assert.equal(missing.err.trim(), 'sagebox mlflow metrics: ResourceNotFound: Tracking server no-such-server does not exist.');
  } finally {
    Object.assign(process.env, env);
    if (env.AWS_ACCESS_KEY_ID === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (env.AWS_SECRET_ACCESS_KEY === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  }
});

test('the buffered logging survives a sagebox restart', async () => {
  const { tempDataDir } = await import('../helpers/sagebox.js');
  const port = await freePort();
  process.env.SAGEBOX_MLFLOW_EXTERNAL = `restart-server=http://127.0.0.1:${port}`;
  const dataDir = tempDataDir();
  let first: TestSagebox | undefined = await startTestSagebox({ dataDir });
  let second: TestSagebox | undefined;
  const proxyTo = async (target: URL) => {
    const proxy = http.createServer((req, res) => {
      const upstream = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${req.url}`, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', r));
    return proxy;
  };
  let proxy: http.Server | undefined;
  try {
    const arn = (await first.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'restart-server', ArtifactStoreUri: 's3://b/r', RoleArn: ROLE }))).TrackingServerArn!;
    await until('Created', async () => ((await first!.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'restart-server' }))).TrackingServerStatus === 'Created' ? true : undefined));
    await first.client.send(new sm.CreateTrainingJobCommand(job('restart-job', { MlflowResourceArn: arn, MlflowExperimentName: 'restarted' }, 4)));
    assert.equal((await waitForJob(first.client, 'restart-job')).TrainingJobStatus, 'Completed');
    await first.close();
    first = undefined;
    // The "external" server is the restarted sagebox's own server 'team2', reached through the configured port.
    second = await startTestSagebox({ dataDir });
    await second.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'team2', ArtifactStoreUri: 's3://b/t2', RoleArn: ROLE }));
    const url = await until('team2', async () => {
      const d = await second!.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'team2' }));
      return d.TrackingServerStatus === 'Created' ? d.TrackingServerUrl : undefined;
    });
    proxy = await proxyTo(new URL(url!));
    const details = await until('MlflowDetails after the restart', async () =>
      (await second!.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'restart-job' }))).MlflowDetails?.MlflowRunId ? true : undefined, 30_000);
    assert.ok(details);
    const runId = (await second.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'restart-job' }))).MlflowDetails!.MlflowRunId!;
    const client = new MlflowClient(url!);
    const run = await until('FINISHED', async () => {
      const r = await client.getRun(runId);
      return r.info.status === 'FINISHED' ? r : undefined;
    });
    assert.deepEqual((await client.getMetricHistory(run.info.run_id, 'train:loss')).map((m) => m.step), [0, 1, 2, 3]);
  } finally {
    proxy?.closeAllConnections();
    if (proxy) await new Promise((r) => proxy!.close(r));
    await first?.close();
    await second?.close(true);
  }
});

test('a stopped embedded server delays logging; starting it delivers the run', async () => {
  const arn = (await sb.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'pausable', ArtifactStoreUri: 's3://mlflow-bucket/p', RoleArn: ROLE }))).TrackingServerArn!;
  const status = async () => (await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'pausable' }))).TrackingServerStatus;
  await until('Created', async () => ((await status()) === 'Created' ? true : undefined));
  await sb.client.send(new sm.StopMlflowTrackingServerCommand({ TrackingServerName: 'pausable' }));
  await until('Stopped', async () => ((await status()) === 'Stopped' ? true : undefined));
  await sb.client.send(new sm.CreateTrainingJobCommand(job('paused-job', { MlflowResourceArn: arn }, 3)));
  const done = await waitForJob(sb.client, 'paused-job');
  assert.equal(done.TrainingJobStatus, 'Completed');
  assert.equal(done.MlflowDetails, undefined);
  const creds = { url: sb.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } };
  const lines = await until('the delay note', async () => {
    const streams = await awsJsonCall<any>(creds, 'logs', 'Logs_20140328.DescribeLogStreams', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'paused-job/' });
    const events = await awsJsonCall<any>(creds, 'logs', 'Logs_20140328.GetLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamName: streams.logStreams[0].logStreamName, startFromHead: true });
    const all: string[] = events.events.map((e: { message: string }) => e.message);
    return all.some((l) => l.includes('MLflow logging is delayed')) ? all : undefined;
  });
  assert.ok(lines.includes('sagebox: MLflow logging is delayed: the MLflow tracking server pausable is Stopped. Metrics are kept and sent when the server answers; the job is not affected.'), lines.join('\n'));
  await sb.client.send(new sm.StartMlflowTrackingServerCommand({ TrackingServerName: 'pausable' }));
  const runId = await until('MlflowDetails', async () =>
    (await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'paused-job' }))).MlflowDetails?.MlflowRunId, 15_000);
  const url = (await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'pausable' }))).TrackingServerUrl!;
  const client = new MlflowClient(url);
  const run = await until('FINISHED', async () => {
    const r = await client.getRun(runId);
    return r.info.status === 'FINISHED' ? r : undefined;
  });
  assert.equal((await client.getMetricHistory(run.info.run_id, 'train:loss')).length, 3);
});

test('a stopped job ends its run KILLED', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(trainingRequest('stopped-job', { epochs: '2' }, {
    AlgorithmSpecification: {
      TrainingImage: 'trainer:1', TrainingInputMode: 'File',
      ContainerEntrypoint: ['python3', '-u', '-c', 'import time; print("loss=0.5"); print("loss=0.25"); time.sleep(60)'],
      MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }],
    },
    MlflowConfig: { MlflowResourceArn: serverArn, MlflowExperimentName: 'stops' },
  })));
  const runId = await until('the run', async () =>
    (await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'stopped-job' }))).MlflowDetails?.MlflowRunId);
  await until('both points', async () => ((await mlflow.getMetricHistory(runId, 'train:loss')).length === 2 ? true : undefined));
  await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'stopped-job' }));
  assert.equal((await waitForJob(sb.client, 'stopped-job')).TrainingJobStatus, 'Stopped');
  const run = await until('KILLED', async () => {
    const r = await mlflow.getRun(runId);
    return r.info.status === 'KILLED' ? r : undefined;
  });
  assert.deepEqual(run.data.metrics, [{ key: 'train:loss', value: 0.25, timestamp: run.data.metrics![0]!.timestamp, step: 1 }]);
});
