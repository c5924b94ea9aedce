/**
 * Pipelines end to end through the real SDK: definitions with conditions, Fail steps and real
 * training jobs; parameters; listing; caching; retry; stop; callbacks; tags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, awsError } from '../helpers/sagebox.js';
import { createPipeline, definition, start, stepMap, steps, token, trainingStep, waitForExecution } from './fixtures/pipelines/helpers.js';

test('pipelines run for real through the SDK', { timeout: 180_000 }, async (t) => {
  const sb = await startTestSagebox({ env: { SAGEBOX_STOP_GRACE_SECONDS: '1' } });
  t.after(() => sb.close(true));
  const client = sb.clientFor('111122223333');

  await t.test('a condition picks a branch; the other branch never runs or shows; a training step runs a real job', async () => {
    const def = definition([
      trainingStep('Train', { epochs: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Epochs' }] } } }),
      {
        Name: 'Check', Type: 'Condition',
        Arguments: {
          Conditions: [{ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: 'Parameters.Epochs' }, RightValue: 2 }],
          IfSteps: [{ Name: 'Good', Type: 'Condition', DependsOn: ['Train'], Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Steps.Train.TrainingJobStatus' }, RightValue: 'Completed' }], IfSteps: [], ElseSteps: [] } }],
          ElseSteps: [{ Name: 'TooFew', Type: 'Fail', Arguments: { ErrorMessage: { 'Std:Join': { On: ' ', Values: ['epochs', { Get: 'Parameters.Epochs' }, 'threshold', { Get: 'Parameters.Threshold' }] } } } }],
        },
      },
    ], [{ Name: 'Epochs', Type: 'Integer', DefaultValue: 2 }, { Name: 'Threshold', Type: 'Float', DefaultValue: 2.0 }]);
    await createPipeline(client, 'branchy', def);
    const ok = await start(client, 'branchy');
    const d = await waitForExecution(client, ok);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify(await steps(client, ok)));
    const listed = await steps(client, ok);
    assert.deepEqual(listed.map((s) => s.StepName).sort(), ['Check', 'Good', 'Train']);
    assert.equal(listed[0]!.StepName, 'Good', 'newest first');
    const m = new Map(listed.map((s) => [s.StepName, s]));
    assert.deepEqual(m.get('Check')!.Metadata, { Condition: { Outcome: 'True' } });
    const jobArn = m.get('Train')!.Metadata!.TrainingJob!.Arn!;
    assert.match(jobArn, /:training-job\/pipelines-[a-z0-9]{12}-train-[a-z0-9]{10}$/, 'training job ARNs carry the lower-cased name');
    const job = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jobArn.split('/')[1] }));
    assert.equal(job.TrainingJobStatus, 'Completed');
    assert.equal(job.HyperParameters!.epochs, '2');
    assert.equal(m.get('Train')!.AttemptCount, 1);

    const bad = await start(client, 'branchy', { Epochs: '1' });
    const failed = await waitForExecution(client, bad);
    assert.equal(failed.PipelineExecutionStatus, 'Failed');
    assert.equal(failed.FailureReason, 'Step failure: One or multiple steps failed.');
    const fm = await stepMap(client, bad);
    assert.deepEqual([...fm.keys()].sort(), ['Check', 'TooFew', 'Train']);
    assert.equal(fm.get('TooFew')!.FailureReason, 'epochs 1 threshold 2.0');
    assert.deepEqual(fm.get('TooFew')!.Metadata, { Fail: { ErrorMessage: 'epochs 1 threshold 2.0' } });
    const list = await client.send(new sm.ListPipelineExecutionsCommand({ PipelineName: 'branchy' }));
    assert.deepEqual(list.PipelineExecutionSummaries!.map((s) => s.PipelineExecutionStatus), ['Failed', 'Succeeded']);
    assert.equal(list.PipelineExecutionSummaries![0]!.PipelineExecutionFailureReason, 'Step failure: One or multiple steps failed.');
    const params = await client.send(new sm.ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: bad }));
    assert.deepEqual(params.PipelineParameters, [{ Name: 'Epochs', Value: '1' }, { Name: 'Threshold', Value: '2.0' }]);
    const retry = await awsError(() => client.send(new sm.RetryPipelineExecutionCommand({ PipelineExecutionArn: bad, ClientRequestToken: token() })));
    assert.equal(retry.name, 'ConflictException');
    assert.match(retry.message, /failed because of a Fail step/);
  });

  await t.test('a failed job step fails the execution; RetryPipelineExecution reruns only what failed', async () => {
    const def = definition([
      { Name: 'First', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] } },
      trainingStep('Flaky', { mode: { Get: 'Parameters.Mode' } }, { DependsOn: ['First'] }),
    ], [{ Name: 'Mode', Type: 'String', DefaultValue: 'fail' }]);
    await createPipeline(client, 'flaky', def);
    const arn = await start(client, 'flaky');
    const failed = await waitForExecution(client, arn);
    assert.equal(failed.PipelineExecutionStatus, 'Failed');
    const m = await stepMap(client, arn);
    assert.equal(m.get('Flaky')!.StepStatus, 'Failed');
    assert.ok(m.get('Flaky')!.FailureReason, 'the job failure is the step reason');
    const firstJob = m.get('Flaky')!.Metadata!.TrainingJob!.Arn;
    // Make the retried attempt succeed: the job reads the execution's parameters, which stay; so flip the step's script input instead.
    await client.send(new sm.RetryPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token() }));
    const again = await waitForExecution(client, arn, (d) => d.PipelineExecutionStatus !== 'Executing');
    assert.equal(again.PipelineExecutionStatus, 'Failed');
    const m2 = await stepMap(client, arn);
    assert.equal(m2.get('Flaky')!.AttemptCount, 2);
    assert.notEqual(m2.get('Flaky')!.Metadata!.TrainingJob!.Arn, firstJob, 'a retry creates a new job');
    assert.equal(m2.get('First')!.AttemptCount, 1, 'succeeded steps are not rerun');
  });

  await t.test('StopPipelineExecution stops the running job and the execution ends Stopped', async () => {
    await createPipeline(client, 'stoppable', definition([trainingStep('Long', { mode: 'sleep', seconds: '60' }), trainingStep('After', {}, { DependsOn: ['Long'] })]));
    const arn = await start(client, 'stoppable');
    await waitForExecution(client, arn, () => true);
    // Wait until the job exists, then stop.
    for (let i = 0; i < 100; i++) {
      const m = await stepMap(client, arn);
      if (m.get('Long')?.Metadata?.TrainingJob) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await client.send(new sm.StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token() }));
    const d = await waitForExecution(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Stopped');
    const m = await stepMap(client, arn);
    assert.equal(m.get('Long')!.StepStatus, 'Stopped');
    assert.equal(m.has('After'), false);
    const again = await awsError(() => client.send(new sm.StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token() })));
    assert.equal(again.name, 'ConflictException');

    // A Stopped execution can be resumed: the stopped step runs again as a new attempt with a new job.
    const firstJob = m.get('Long')!.Metadata!.TrainingJob!.Arn;
    await client.send(new sm.RetryPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token() }));
    let resumed: sm.PipelineExecutionStep | undefined;
    for (let i = 0; i < 100; i++) {
      resumed = (await stepMap(client, arn)).get('Long');
      if (resumed?.Metadata?.TrainingJob?.Arn && resumed.Metadata.TrainingJob.Arn !== firstJob) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(resumed!.AttemptCount, 2);
    assert.notEqual(resumed!.Metadata!.TrainingJob!.Arn, firstJob);
    await client.send(new sm.StopPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: token() }));
    assert.equal((await waitForExecution(client, arn)).PipelineExecutionStatus, 'Stopped');
  });

  await t.test('a callback step waits for SendPipelineExecutionStepSuccess and exposes its outputs', async () => {
    await createPipeline(client, 'callback', definition([
      { Name: 'Approve', Type: 'Callback', Arguments: { run: { Get: 'Execution.PipelineExecutionId' } }, SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/q', OutputParameters: [{ OutputName: 'score', OutputType: 'Float' }] },
      { Name: 'Gate', Type: 'Condition', Arguments: { Conditions: [{ Type: 'GreaterThan', LeftValue: { Get: "Steps.Approve.OutputParameters['score']" }, RightValue: 0.5 }], IfSteps: [], ElseSteps: [{ Name: 'Low', Type: 'Fail', Arguments: { ErrorMessage: 'low' } }] } },
    ]));
    const arn = await start(client, 'callback');
    let tokenValue: string | undefined;
    for (let i = 0; i < 100 && !tokenValue; i++) {
      tokenValue = (await stepMap(client, arn)).get('Approve')?.Metadata?.Callback?.CallbackToken;
      if (!tokenValue) await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(tokenValue!, /^[A-Za-z0-9]{10}$/);
    const sent = await client.send(new sm.SendPipelineExecutionStepSuccessCommand({ CallbackToken: tokenValue!, OutputParameters: [{ Name: 'score', Value: '0.9' }] }));
    assert.equal(sent.PipelineExecutionArn, arn);
    const d = await waitForExecution(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded');
    const m = await stepMap(client, arn);
    assert.deepEqual(m.get('Approve')!.Metadata!.Callback, { CallbackToken: tokenValue, SqsQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/q', OutputParameters: [{ Name: 'score', Value: '0.9' }] });
    const late = await awsError(() => client.send(new sm.SendPipelineExecutionStepFailureCommand({ CallbackToken: tokenValue!, FailureReason: 'x' })));
    assert.equal(late.name, 'ConflictException');
    const unknown = await awsError(() => client.send(new sm.SendPipelineExecutionStepFailureCommand({ CallbackToken: 'ZZZZZZZZZZ' })));
    assert.equal(unknown.name, 'ResourceNotFound');
  });
});
