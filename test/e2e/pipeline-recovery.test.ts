/**
 * A sagebox restart in the middle of an execution (a clean close, and kill -9): the execution
 * resumes where it was, the running training step re-attaches to its job (no second job is
 * created), and the steps after it run once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { rmSync } from 'node:fs';
import { spawnServe } from '../helpers/cli-process.js';
import { sdkClient, startTestSagebox, tempDataDir } from '../helpers/sagebox.js';
import { createPipeline, definition, start, stepMap, trainingStep, waitForExecution } from './fixtures/pipelines/helpers.js';

test('an execution survives a restart mid-step and nothing runs twice', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDataDir();
  let sb = await startTestSagebox({ dataDir, env: { SAGEBOX_STOP_GRACE_SECONDS: '1' } });
  t.after(() => sb.close(true));
  let client = sb.clientFor('111122223333');
  await createPipeline(client, 'restartable', definition([
    { Name: 'Before', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] } },
    trainingStep('Slow', { mode: 'sleep', seconds: '2' }, { DependsOn: ['Before'] }),
    { Name: 'After', Type: 'Condition', Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Steps.Slow.TrainingJobStatus' }, RightValue: 'Completed' }], IfSteps: [], ElseSteps: [] } },
  ]));
  const arn = await start(client, 'restartable');
  let job: string | undefined;
  for (let i = 0; i < 200 && !job; i++) {
    job = (await stepMap(client, arn)).get('Slow')?.Metadata?.TrainingJob?.Arn;
    if (!job) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(job, 'the training step created its job');
  await sb.close();

  sb = await startTestSagebox({ dataDir, env: { SAGEBOX_STOP_GRACE_SECONDS: '1' } });
  client = sb.clientFor('111122223333');
  const d = await waitForExecution(client, arn);
  const m = await stepMap(client, arn);
  assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify([...m.values()], null, 1));
  assert.equal(m.get('Slow')!.Metadata!.TrainingJob!.Arn, job, 'the step re-attached to its job');
  assert.equal(m.get('Slow')!.AttemptCount, 1);
  assert.equal(m.get('Before')!.AttemptCount, 1);
  assert.deepEqual(m.get('After')!.Metadata, { Condition: { Outcome: 'True' } });
  const execId = arn.split('/').pop()!;
  const jobs = await client.send(new sm.ListTrainingJobsCommand({ NameContains: execId }));
  assert.equal(jobs.TrainingJobSummaries!.length, 1, 'exactly one job for the execution');
});

// Without the sandbox the job's process outlives the server until it next prints to the closed
// pipe; the training runtime then fails the job with InternalServerError, which the step's retry
// policy answers with a second job. The orchestration itself is recovered: one row per step, the
// first job kept, nothing started twice.
test('kill -9 of the server mid-execution: the orchestration is recovered, the lost job retried by policy', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDataDir();
  const env = { SAGEBOX_SANDBOX: 'off', SAGEBOX_STOP_GRACE_SECONDS: '1' };
  let server = await spawnServe(['--data-dir', dataDir], env);
  t.after(() => {
    server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  let client = sdkClient(server.url, '111122223333');
  await createPipeline(client, 'killed', definition([
    trainingStep('Quiet', { mode: 'sleep', seconds: '2' }, { RetryPolicies: [{ ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR'], IntervalSeconds: 0, MaxAttempts: 2 }] }),
    { Name: 'After', Type: 'Condition', Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Steps.Quiet.TrainingJobStatus' }, RightValue: 'Completed' }], IfSteps: [], ElseSteps: [] } },
  ]));
  const arn = await start(client, 'killed');
  let job: string | undefined;
  for (let i = 0; i < 200; i++) {
    job = (await stepMap(client, arn)).get('Quiet')?.Metadata?.TrainingJob?.Arn;
    if (job && (await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: job.split('/')[1] }))).SecondaryStatus === 'Training') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(job, 'the training step created its job');
  server.child.kill('SIGKILL');
  await server.exited();
  client.destroy();

  server = await spawnServe(['--data-dir', dataDir], env);
  client = sdkClient(server.url, '111122223333');
  const d = await waitForExecution(client, arn, undefined, 60_000);
  const m = await stepMap(client, arn);
  assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify([...m.values()], null, 1));
  assert.equal(m.get('Quiet')!.AttemptCount, 2);
  const second = m.get('Quiet')!.Metadata!.TrainingJob!.Arn!;
  assert.notEqual(second, job);
  const lost = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: job!.split('/')[1] }));
  assert.equal(lost.TrainingJobStatus, 'Failed');
  assert.match(lost.FailureReason!, /^InternalServerError: sagebox stopped while the training job was (running|starting)/);
  const jobs = await client.send(new sm.ListTrainingJobsCommand({ NameContains: arn.split('/').pop()! }));
  assert.equal(jobs.TrainingJobSummaries!.length, 2, 'the lost job and its retry, nothing more');
  assert.deepEqual(m.get('After')!.Metadata, { Condition: { Outcome: 'True' } });
  client.destroy();
});
