/**
 * Training jobs end to end through the real SDK: Python and Node scripts that read the
 * container contract, print metrics and write a model; stop; max runtime; failure file;
 * crash; waiting for a slot; input channels; logs through the CloudWatch Logs API, the AWS CLI
 * (`aws sagemaker wait`, `aws logs`) and `sagebox logs`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore, extractTarGz } from '../../src/artifacts/index.js';
import { awsJsonCall } from '../../src/cli/aws-call.js';
import { printJobLogs } from '../../src/cli/logs.js';
import { openStore } from '../../src/store/database.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { TRAIN_MJS, trainingRequest, waitForJob } from '../helpers/training.js';
import fs from 'node:fs/promises';

const exec = promisify(execFile);
const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
const AWS_V2 = '/usr/bin/aws';
const hasAwsV2 = /aws-cli\/2\./.test(spawnSync(AWS_V2, ['--version'], { encoding: 'utf8' }).stdout ?? '');
const root = fileURLToPath(new URL('../../', import.meta.url));
const CREDS = { accessKeyId: '123456789012', secretAccessKey: 'x' };

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_STOP_GRACE_SECONDS: '2', SAGEBOX_MAX_CONCURRENT_JOBS: '2' } });
});
after(async () => {
  await sb.close(true);
});

const store = () => createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') });
const create = (req: sm.CreateTrainingJobRequest) => sb.client.send(new sm.CreateTrainingJobCommand(req));
const logs = (target: string, body: Record<string, unknown>) =>
  awsJsonCall<any>({ url: sb.url, region: 'us-east-1', credentials: CREDS }, 'logs', `Logs_20140328.${target}`, body);

/** Waits until a line containing `text` is in the job's log. */
async function waitForLog(job: string, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await logs('FilterLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: `${job}/`, filterPattern: `"${text}"` })
      .catch(() => ({ events: [] }));
    if (found.events.length > 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no '${text}' in the log of ${job}`);
}

/** The files of a model.tar.gz in the object store. */
async function modelFiles(uri: string): Promise<Record<string, string>> {
  const dir = await fs.mkdtemp(path.join(sb.dataDir, 'x-'));
  await store().getFile(uri, path.join(dir, 'model.tar.gz'));
  await extractTarGz(path.join(dir, 'model.tar.gz'), path.join(dir, 'out'));
  const out: Record<string, string> = {};
  for (const name of await fs.readdir(path.join(dir, 'out'))) out[name] = await fs.readFile(path.join(dir, 'out', name), 'utf8');
  return out;
}

describe('a Python job that completes', () => {
  test('runs Starting → Pending → Downloading → Training → Uploading → Completed, with metrics, artifacts and logs', async () => {
    await store().putBuffer('s3://bucket/data/train/part-0.csv', Buffer.from('a,b\n1,2\n'));
    const t0 = Date.now();
    await create(trainingRequest('py-ok', { epochs: '3', mode: 'ok' }, {
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/data/train/' } } }],
      Tags: [{ Key: 'team', Value: 'ml' }],
    }));
    const d = await waitForJob(sb.client, 'py-ok');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    assert.deepEqual(d.SecondaryStatusTransitions!.map((t) => t.Status), ['Starting', 'Pending', 'Downloading', 'Training', 'Uploading', 'Completed']);
    const ts = d.SecondaryStatusTransitions!;
    for (let i = 1; i < ts.length; i++) assert.equal(ts[i]!.StartTime!.getTime(), ts[i - 1]!.EndTime!.getTime());
    assert.equal(ts.at(-1)!.StartTime!.getTime(), ts.at(-1)!.EndTime!.getTime());
    assert.equal(d.SecondaryStatus, 'Completed');
    assert.ok(d.TrainingStartTime && d.TrainingEndTime && d.TrainingStartTime <= d.TrainingEndTime);
    assert.ok(d.TrainingTimeInSeconds! >= 1 && d.BillableTimeInSeconds === d.TrainingTimeInSeconds);
    assert.ok(Date.now() - t0 < 30_000);
    assert.deepEqual(d.FinalMetricDataList!.map((m) => [m.MetricName, m.Value]), [['train:loss', 0.3333], ['validation:error', 0.1]]);
    assert.equal(d.ModelArtifacts?.S3ModelArtifacts, 's3://bucket/output/py-ok/output/model.tar.gz');
    const model = JSON.parse((await modelFiles(d.ModelArtifacts!.S3ModelArtifacts!))['model.json']!);
    assert.deepEqual([model.note, model.job, model.hps.epochs], ['trained', 'py-ok', '3']);
    assert.ok(await store().head('s3://bucket/output/py-ok/output/output.tar.gz'));
    // defaults echoed (§2.2)
    assert.equal(d.EnableNetworkIsolation, false);
    assert.equal(d.EnableManagedSpotTraining, false);
    assert.equal(d.OutputDataConfig?.KmsKeyId, '');
    assert.equal(d.InputDataConfig![0]!.CompressionType, 'None');
    assert.equal(d.InputDataConfig![0]!.RecordWrapperType, 'None');
    // The full metric time series is kept (tuning and the console read it), one row per match.
    const db = await openStore({ dataDir: sb.dataDir });
    try {
      const points = await db.db.selectFrom('training_metrics').innerJoin('training_jobs', 'training_jobs.id', 'training_metrics.job_id')
        .select(['training_metrics.name', 'step', 'value']).where('training_jobs.name', '=', 'py-ok').orderBy('training_metrics.name').orderBy('step').execute();
      assert.deepEqual(points.map((p) => [p.name, p.step, p.value]), [
        ['train:loss', 0, 1], ['train:loss', 1, 0.5], ['train:loss', 2, 0.3333],
        ['validation:error', 0, 0.3], ['validation:error', 1, 0.15], ['validation:error', 2, 0.1],
      ]);
    } finally {
      await db.close();
    }
    const tags = await sb.client.send(new sm.ListTagsCommand({ ResourceArn: d.TrainingJobArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }]);

    // Logs: the stream `<job>/algo-1-<epoch>` holds every line, stdout and stderr.
    const streams = await logs('DescribeLogStreams', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'py-ok/', orderBy: 'LogStreamName' });
    assert.equal(streams.logStreams.length, 1);
    assert.match(streams.logStreams[0].logStreamName, /^py-ok\/algo-1-\d{10}$/);
    const events = await logs('GetLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamName: streams.logStreams[0].logStreamName, startFromHead: true });
    const text = events.events.map((e: { message: string }) => e.message);
    assert.ok(text.includes('train file part-0.csv 8 bytes'), text.join('\n'));
    assert.ok(text.includes('epoch=3 train_loss=0.3333 accuracy=0.53'));
    assert.ok(text.includes('validation error=0.100'));
    const again = await logs('GetLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamName: streams.logStreams[0].logStreamName, nextToken: events.nextForwardToken, startFromHead: true });
    assert.deepEqual(again.events, []);
    assert.equal(again.nextForwardToken, events.nextForwardToken); // the end: the SDK stops on an empty page
    const filtered = await logs('FilterLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'py-ok/', filterPattern: '"train_loss" -epoch=1' });
    assert.deepEqual(filtered.events.map((e: { message: string }) => e.message), ['epoch=2 train_loss=0.5000 accuracy=0.52', 'epoch=3 train_loss=0.3333 accuracy=0.53']);

    // sagebox logs <job>
    let printed = '';
    assert.equal(await printJobLogs('py-ok', { url: sb.url, region: 'us-east-1', credentials: CREDS, write: (t) => (printed += t) }), 'Completed');
    assert.match(printed, /epoch=2 train_loss=0\.5000/);
  });

  test('a Node.js script', async () => {
    await create(trainingRequest('node-ok', { epochs: '2' }, {
      AlgorithmSpecification: { TrainingImage: 'my-node-trainer:1', TrainingInputMode: 'File', ContainerEntrypoint: ['node', TRAIN_MJS], MetricDefinitions: [{ Name: 'loss', Regex: 'train_loss=(\\S+)' }] },
    }));
    const d = await waitForJob(sb.client, 'node-ok');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    assert.deepEqual(d.FinalMetricDataList!.map((m) => [m.MetricName, m.Value]), [['loss', 0.5]]);
    assert.deepEqual(JSON.parse((await modelFiles(d.ModelArtifacts!.S3ModelArtifacts!))['model.json']!), { runtime: 'node', epochs: 2 });
  });

  test('CompressionType NONE uploads the model uncompressed under <job>/output/model', async () => {
    await create(trainingRequest('py-none', { epochs: '1' }, { OutputDataConfig: { S3OutputPath: 's3://bucket/plain', CompressionType: 'NONE' } }));
    const d = await waitForJob(sb.client, 'py-none');
    assert.equal(d.ModelArtifacts?.S3ModelArtifacts, 's3://bucket/plain/py-none/output/model');
    assert.ok(await store().head('s3://bucket/plain/py-none/output/model/model.json'));
  });
});

test('CheckpointConfig: checkpoints are restored at start and uploaded during and after training', async () => {
  await store().putBuffer('s3://bucket/ckpt/py-ckpt/step-0.txt', 'zero');
  await create(trainingRequest('py-ckpt', { mode: 'ckpt' }, { CheckpointConfig: { S3Uri: 's3://bucket/ckpt/py-ckpt' } }));
  const d = await waitForJob(sb.client, 'py-ckpt');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  assert.deepEqual(d.CheckpointConfig, { S3Uri: 's3://bucket/ckpt/py-ckpt', LocalPath: '/opt/ml/checkpoints' });
  await waitForLog('py-ckpt', "restored ['step-0.txt']");
  assert.equal((await store().getBuffer('s3://bucket/ckpt/py-ckpt/step-1.txt')).toString(), 'one');
});

describe('jobs that fail', () => {
  test('a failure file becomes the FailureReason', async () => {
    await create(trainingRequest('py-fail', { mode: 'fail', epochs: '1' }));
    const d = await waitForJob(sb.client, 'py-fail');
    assert.equal(d.TrainingJobStatus, 'Failed');
    assert.equal(d.SecondaryStatus, 'Failed');
    assert.equal(d.FailureReason, 'ValueError: the learning rate is too high');
    assert.equal(d.SecondaryStatusTransitions!.at(-1)!.StatusMessage, 'Training job failed');
    assert.equal(d.ModelArtifacts, undefined);
    assert.deepEqual(d.FinalMetricDataList!.map((m) => m.MetricName), ['train:loss', 'validation:error']);
  });

  test('a non-zero exit without a failure file says so', async () => {
    await create(trainingRequest('py-crash', { mode: 'crash', epochs: '1' }));
    const d = await waitForJob(sb.client, 'py-crash');
    assert.equal(d.TrainingJobStatus, 'Failed');
    assert.match(d.FailureReason!, /exited with code 3/);
  });

  test('a command that does not exist', async () => {
    await create(trainingRequest('no-such-cmd', {}, { AlgorithmSpecification: { TrainingImage: 'x:1', TrainingInputMode: 'File', ContainerEntrypoint: ['/nonexistent/trainer'] } }));
    const d = await waitForJob(sb.client, 'no-such-cmd');
    assert.equal(d.TrainingJobStatus, 'Failed');
    // Sandboxed, bwrap reports the failed exec as exit 1; unsandboxed, the spawn error is a ClientError.
    assert.match(d.FailureReason!, /ClientError|exited with code 1/);
  });
});

describe('stopping', () => {
  test('StopTrainingJob: Stopping at once, then Stopped with the model saved on SIGTERM uploaded', async () => {
    await create(trainingRequest('py-stop', { mode: 'sleep', seconds: '60' }));
    await waitForLog('py-stop', 'tick 0'); // python has installed its SIGTERM handler
    await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'py-stop' }));
    const stopping = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'py-stop' }));
    assert.ok(['Stopping', 'Stopped'].includes(stopping.TrainingJobStatus!));
    const d = await waitForJob(sb.client, 'py-stop');
    assert.equal(d.TrainingJobStatus, 'Stopped');
    assert.equal(d.SecondaryStatus, 'Stopped');
    assert.ok(d.SecondaryStatusTransitions!.some((t) => t.Status === 'Stopping'));
    assert.equal(JSON.parse((await modelFiles(d.ModelArtifacts!.S3ModelArtifacts!))['model.json']!).note, 'stopped');
    const again = await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'py-stop' })).catch((e: Error) => e);
    assert.equal((again as Error).name, 'ValidationException');
    assert.equal((again as Error).message, 'The request was rejected because the training job is in status Stopped.');
  });

  test('a process that ignores SIGTERM is killed after the grace period', async () => {
    await create(trainingRequest('py-hang', { mode: 'hang' }));
    await waitForLog('py-hang', 'ignoring SIGTERM');
    const t0 = Date.now();
    await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'py-hang' }));
    const d = await waitForJob(sb.client, 'py-hang');
    assert.equal(d.TrainingJobStatus, 'Stopped');
    assert.ok(Date.now() - t0 >= 1900, 'SIGKILL only after the 2 s grace');
  });

  test('MaxRuntimeInSeconds: Stopped / MaxRuntimeExceeded, artifacts still uploaded', async () => {
    // 5 s leaves python (sandboxed, on a busy machine) time to install its SIGTERM handler.
    await create(trainingRequest('py-maxrt', { mode: 'sleep', seconds: '60' }, { StoppingCondition: { MaxRuntimeInSeconds: 5 } }));
    const d = await waitForJob(sb.client, 'py-maxrt');
    assert.equal(d.TrainingJobStatus, 'Stopped');
    assert.equal(d.SecondaryStatus, 'MaxRuntimeExceeded');
    assert.ok(d.SecondaryStatusTransitions!.some((t) => t.Status === 'Stopping'));
    assert.equal(JSON.parse((await modelFiles(d.ModelArtifacts!.S3ModelArtifacts!))['model.json']!).note, 'stopped');
  });
});

test('jobs beyond SAGEBOX_MAX_CONCURRENT_JOBS wait as Pending, then run; a waiting job stops at once', async () => {
  for (const n of ['q-1', 'q-2', 'q-3', 'q-4']) await create(trainingRequest(n, { mode: 'sleep', seconds: n === 'q-4' ? '0' : '1.5' }));
  const waiting = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'q-3' }));
  assert.equal(waiting.SecondaryStatus, 'Pending');
  assert.match(waiting.SecondaryStatusTransitions!.at(-1)!.StatusMessage!, /Waiting for a free training slot/);
  await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'q-4' }));
  for (const n of ['q-1', 'q-2', 'q-3']) assert.equal((await waitForJob(sb.client, n)).TrainingJobStatus, 'Completed');
  const stopped = await waitForJob(sb.client, 'q-4');
  assert.equal(stopped.TrainingJobStatus, 'Stopped');
  assert.equal(stopped.SecondaryStatusTransitions!.at(-1)!.StatusMessage, 'Training job stopped before it started');
});

describe('the AWS CLI', { skip: !hasAws && 'no aws CLI here' }, () => {
  const env = () => ({ ...process.env, AWS_ACCESS_KEY_ID: '123456789012', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' });
  test('aws sagemaker wait training-job-completed-or-stopped, aws logs', async () => {
    await create(trainingRequest('cli-job', { mode: 'sleep', seconds: '1' }));
    // The waiter polls every 120 s (botocore's TrainingJobCompletedOrStopped): let the job end first,
    // so its first Describe sees Completed.
    await waitForJob(sb.client, 'cli-job');
    const t0 = Date.now();
    await exec('aws', ['sagemaker', 'wait', 'training-job-completed-or-stopped', '--training-job-name', 'cli-job', '--endpoint-url', sb.url], { env: env(), timeout: 120_000 });
    assert.equal((await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'cli-job' }))).TrainingJobStatus, 'Completed');
    assert.ok(Date.now() - t0 < 30_000);
    const failed = await exec('aws', ['sagemaker', 'wait', 'training-job-completed-or-stopped', '--training-job-name', 'py-fail', '--endpoint-url', sb.url], { env: env() }).catch((e) => e);
    assert.match(String(failed.stderr), /Waiter TrainingJobCompletedOrStopped failed/);
    const unknown = await exec('aws', ['sagemaker', 'wait', 'training-job-completed-or-stopped', '--training-job-name', 'nope', '--endpoint-url', sb.url], { env: env() }).catch((e) => e);
    assert.match(String(unknown.stderr), /Matched expected service error code: ValidationException/);
    const { stdout: streams } = await exec('aws', ['logs', 'describe-log-streams', '--log-group-name', '/aws/sagemaker/TrainingJobs', '--log-stream-name-prefix', 'cli-job/', '--endpoint-url', sb.url], { env: env() });
    const stream = JSON.parse(streams).logStreams[0].logStreamName;
    const { stdout: events } = await exec('aws', ['logs', 'get-log-events', '--log-group-name', '/aws/sagemaker/TrainingJobs', '--log-stream-name', stream, '--start-from-head', '--endpoint-url', sb.url], { env: env() });
    assert.ok(JSON.parse(events).events.some((e: { message: string }) => e.message.startsWith('tick 0 loss=')));
    const { stdout: filtered } = await exec('aws', ['logs', 'filter-log-events', '--log-group-name', '/aws/sagemaker/TrainingJobs', '--log-stream-name-prefix', 'cli-job/', '--filter-pattern', 'tick', '--endpoint-url', sb.url], { env: env() });
    assert.ok(JSON.parse(filtered).events.length >= 1);
  });

  // `aws logs tail` exists only in AWS CLI v2 (Debian's awscli package, /usr/bin/aws); the CLI
  // first on PATH here is v1. Run against a finished job, tail prints its lines and exits.
  test('aws logs tail (AWS CLI v2)', { skip: !hasAwsV2 && 'no AWS CLI v2 at /usr/bin/aws (apt-get install awscli)' }, async () => {
    await create(trainingRequest('tail-job', { mode: 'sleep', seconds: '1' }));
    assert.equal((await waitForJob(sb.client, 'tail-job')).TrainingJobStatus, 'Completed');
    const { stdout } = await exec(AWS_V2, ['logs', 'tail', '/aws/sagemaker/TrainingJobs', '--log-stream-name-prefix', 'tail-job/', '--since', '1h',
      '--format', 'short', '--endpoint-url', sb.url], { env: env(), timeout: 60_000 });
    assert.match(stdout, /tick 0 loss=1\.0000/);
    const lines = stdout.trim().split('\n');
    assert.ok(lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d /.test(l)), stdout);
  });

  test('sagebox logs --follow prints the job as it runs, through the CLI entry point', async () => {
    await create(trainingRequest('follow-job', { mode: 'sleep', seconds: '1' }));
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'logs', 'follow-job', '--follow', '--url', sb.url], { cwd: root, env: env(), timeout: 60_000 });
    assert.match(stdout, /tick 0 loss=1\.0000/);
    const missing = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'logs', 'nope', '--url', sb.url], { cwd: root, env: env() }).catch((e) => e);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ValidationException: Requested resource not found\./);
  });
});
