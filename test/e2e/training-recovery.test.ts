/**
 * kill -9 of the server mid-job: after the restart every job ends in a true state. With
 * SAGEBOX_SANDBOX=off the training processes outlive the server; a job whose process died (it
 * printed to the closed pipe) is retried per RetryStrategy or failed with a clear reason, and a
 * job whose process still runs is re-attached (and can still be stopped, its model uploaded).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsJsonCall } from '../../src/cli/aws-call.js';
import { spawnServe, type ServeProcess } from '../helpers/cli-process.js';
import { sdkClient, tempDataDir } from '../helpers/sagebox.js';
import { trainingRequest, waitForJob } from '../helpers/training.js';

const dataDir = tempDataDir();
const env = { SAGEBOX_SANDBOX: 'off', SAGEBOX_MAX_CONCURRENT_JOBS: '4', SAGEBOX_STOP_GRACE_SECONDS: '5' };
let server: ServeProcess | undefined;
after(async () => {
  server?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function logLines(url: string, job: string): Promise<string[]> {
  const answer = await awsJsonCall<{ events: { message: string }[] }>({ url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } },
    'logs', 'Logs_20140328.FilterLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: `${job}/` }).catch(() => ({ events: [] }));
  return answer.events.map((e) => e.message);
}

test('kill -9 mid-job: failed with a reason, retried, or re-attached', { timeout: 180_000 }, async () => {
  server = await spawnServe(['--data-dir', dataDir], env);
  let client = sdkClient(server.url);
  await client.send(new sm.CreateTrainingJobCommand(trainingRequest('r-noretry', { mode: 'sleep', seconds: '60' })));
  await client.send(new sm.CreateTrainingJobCommand(trainingRequest('r-retry', { mode: 'sleep', seconds: '3' }, { RetryStrategy: { MaximumRetryAttempts: 1 } })));
  await client.send(new sm.CreateTrainingJobCommand(trainingRequest('r-quiet', { mode: 'quiet', seconds: '120' })));
  for (const job of ['r-noretry', 'r-retry', 'r-quiet']) {
    const deadline = Date.now() + 30_000;
    while (!(await logLines(server.url, job)).some((l) => /^(tick 0|quiet from now on)/.test(l))) {
      assert.ok(Date.now() < deadline, `${job} did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  server.child.kill('SIGKILL');
  await server.exited();
  client.destroy();

  server = await spawnServe(['--data-dir', dataDir], env);
  client = sdkClient(server.url);
  const noRetry = await waitForJob(client, 'r-noretry', undefined, 60_000);
  assert.equal(noRetry.TrainingJobStatus, 'Failed');
  assert.match(noRetry.FailureReason!, /^InternalServerError: sagebox stopped while the training job was running \(attempt 1\); its training process \(pid \d+\) is gone and its exit status is unknown \(no RetryStrategy\)\.$/);

  const retried = await waitForJob(client, 'r-retry', undefined, 90_000);
  assert.equal(retried.TrainingJobStatus, 'Completed', retried.FailureReason);
  const statuses = retried.SecondaryStatusTransitions!.map((t) => t.Status);
  assert.deepEqual(statuses.slice(0, 4), ['Starting', 'Pending', 'Downloading', 'Training']);
  assert.deepEqual(statuses.slice(4), ['Starting', 'Pending', 'Downloading', 'Training', 'Uploading', 'Completed']);
  assert.match(retried.SecondaryStatusTransitions!.find((t, i) => i > 0 && t.Status === 'Starting')!.StatusMessage!, /Restarting the training job after an internal error \(attempt 2 of 2\)/);
  const streams = await awsJsonCall<{ logStreams: unknown[] }>({ url: server.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } },
    'logs', 'Logs_20140328.DescribeLogStreams', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'r-retry/' });
  assert.equal(streams.logStreams.length, 2, 'one log stream per attempt');

  const quiet = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'r-quiet' }));
  assert.equal(quiet.TrainingJobStatus, 'InProgress');
  const deadline = Date.now() + 30_000;
  while (!(await logLines(server.url, 'r-quiet')).some((l) => l.includes('re-attached to the training process'))) {
    assert.ok(Date.now() < deadline, 'r-quiet was not re-attached');
    await new Promise((r) => setTimeout(r, 200));
  }
  await client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'r-quiet' }));
  const stopped = await waitForJob(client, 'r-quiet', undefined, 30_000);
  assert.equal(stopped.TrainingJobStatus, 'Stopped');
  assert.equal(stopped.ModelArtifacts?.S3ModelArtifacts, 's3://bucket/output/r-quiet/output/model.tar.gz');
  client.destroy();
});

test('kill -9 with bubblewrap: the sandboxed process dies with the server; the job is failed with a reason', { timeout: 120_000 }, async (t) => {
  const { detectSandbox } = await import('../../src/runtime/sandbox.js');
  const support = await detectSandbox();
  if (!support.available) return t.skip(`bubblewrap not usable: ${support.reason}`);
  const dir = tempDataDir();
  const boxEnv = { SAGEBOX_SANDBOX: 'required' };
  let box = await spawnServe(['--data-dir', dir], boxEnv);
  try {
    let client = sdkClient(box.url);
    await client.send(new sm.CreateTrainingJobCommand(trainingRequest('s-quiet', { mode: 'quiet', seconds: '120' })));
    const deadline = Date.now() + 30_000;
    while (!(await logLines(box.url, 's-quiet')).includes('quiet from now on')) {
      assert.ok(Date.now() < deadline, 's-quiet did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    box.child.kill('SIGKILL');
    await box.exited();
    client.destroy();
    box = await spawnServe(['--data-dir', dir], boxEnv);
    client = sdkClient(box.url);
    const d = await waitForJob(client, 's-quiet', undefined, 60_000);
    assert.equal(d.TrainingJobStatus, 'Failed');
    assert.match(d.FailureReason!, /its training process \(pid \d+\) is gone/);
    client.destroy();
  } finally {
    box.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
