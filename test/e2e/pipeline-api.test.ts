/**
 * The pipeline operations around executions, through the real SDK: versions, definitions from
 * S3, ListPipelines paging, tags on pipelines and executions, idempotent starts, selective
 * execution, DescribePipelineDefinitionForExecution, retry policies and DeletePipeline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../src/artifacts/index.js';
import { awsError, startTestSagebox } from '../helpers/sagebox.js';
import { tuningRequest } from './fixtures/tuning/requests.js';
import { createPipeline, definition, ROLE, SCRIPTS_DIR, start, stepMap, steps, token, trainingStep, waitForExecution } from './fixtures/pipelines/helpers.js';

const cond = (name: string, extra: Record<string, unknown> = {}) => ({ Name: name, Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] }, ...extra });

test('pipeline operations', { timeout: 120_000 }, async (t) => {
  const sb = await startTestSagebox();
  t.after(() => sb.close(true));
  const client = sb.clientFor('111122223333');

  await t.test('versions, S3 definitions, describe and list', async () => {
    const objects = createObjectStore({ driver: 'file', root: join(sb.dataDir, 'objects') });
    const v1 = JSON.stringify(definition([cond('A')]));
    await objects.putBuffer('s3://defs/pipeline.json', v1);
    objects.close();
    const arn = await createPipeline(client, 'Versioned', undefined, {
      PipelineDefinition: undefined, PipelineDefinitionS3Location: { Bucket: 'defs', ObjectKey: 'pipeline.json' },
      PipelineDisplayName: 'shown', PipelineDescription: 'd', Tags: [{ Key: 'team', Value: 'ml' }], ParallelismConfiguration: { MaxParallelExecutionSteps: 3 },
    });
    assert.equal(arn, 'arn:aws:sagemaker:us-east-1:111122223333:pipeline/Versioned');
    const d1 = await client.send(new sm.DescribePipelineCommand({ PipelineName: 'versioned' }));
    assert.equal(d1.PipelineDefinition, v1);
    assert.equal(d1.PipelineDisplayName, 'shown');
    assert.equal(d1.PipelineStatus, 'Active');
    assert.deepEqual(d1.ParallelismConfiguration, { MaxParallelExecutionSteps: 3 });
    const up = await client.send(new sm.UpdatePipelineCommand({ PipelineName: 'Versioned', PipelineDefinition: JSON.stringify(definition([cond('A'), cond('B', { DependsOn: ['A'] })])) }));
    assert.equal(up.PipelineVersionId, 2);
    assert.equal((await client.send(new sm.DescribePipelineCommand({ PipelineName: 'Versioned', PipelineVersionId: 1 }))).PipelineDefinition, v1);
    const e1 = await start(client, 'Versioned', {}, { PipelineVersionId: 1 });
    const e2 = await start(client, 'Versioned');
    const d = await waitForExecution(client, e1);
    assert.equal(d.PipelineVersionId, 1);
    assert.deepEqual(d.ParallelismConfiguration, { MaxParallelExecutionSteps: 3 }, 'the pipeline\'s parallelism applies');
    assert.equal((await waitForExecution(client, e2)).PipelineVersionId, 2);
    assert.equal((await steps(client, e1)).length, 1);
    assert.equal((await steps(client, e2)).length, 2);
    assert.equal((await client.send(new sm.DescribePipelineDefinitionForExecutionCommand({ PipelineExecutionArn: e1 }))).PipelineDefinition, v1);
    assert.match(d.PipelineExecutionDisplayName!, /^execution-\d{13}$/);
    assert.match(e1, /^arn:aws:sagemaker:us-east-1:111122223333:pipeline\/Versioned\/execution\/[a-z0-9]{12}$/);

    for (const n of ['ListMe1', 'ListMe2', 'ListMe3']) await createPipeline(client, n, definition([cond('A')]));
    const page1 = await client.send(new sm.ListPipelinesCommand({ PipelineNamePrefix: 'listme', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2 }));
    assert.deepEqual(page1.PipelineSummaries!.map((p) => p.PipelineName), ['ListMe1', 'ListMe2']);
    const page2 = await client.send(new sm.ListPipelinesCommand({ PipelineNamePrefix: 'listme', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2, NextToken: page1.NextToken }));
    assert.deepEqual(page2.PipelineSummaries!.map((p) => p.PipelineName), ['ListMe3']);
    assert.equal(page2.NextToken, undefined);
  });

  await t.test('tags on pipelines and executions; idempotent starts', async () => {
    const arn = await createPipeline(client, 'Tagged', definition([cond('A')]), { Tags: [{ Key: 'team', Value: 'ml' }] });
    assert.deepEqual((await client.send(new sm.ListTagsCommand({ ResourceArn: arn }))).Tags, [{ Key: 'team', Value: 'ml' }]);
    const tok = token();
    const e = await start(client, 'Tagged', {}, { ClientRequestToken: tok });
    assert.equal(await start(client, 'Tagged', {}, { ClientRequestToken: tok }), e, 'same token, same execution');
    const conflictErr = await awsError(() => start(client, 'Tagged', {}, { ClientRequestToken: tok, PipelineExecutionDescription: 'other' }));
    assert.equal(conflictErr.name, 'ConflictException');
    await client.send(new sm.AddTagsCommand({ ResourceArn: e, Tags: [{ Key: 'run', Value: '1' }] }));
    assert.deepEqual((await client.send(new sm.ListTagsCommand({ ResourceArn: e }))).Tags, [{ Key: 'run', Value: '1' }]);
    await waitForExecution(client, e);
    const again = await awsError(() => client.send(new sm.CreatePipelineCommand({ PipelineName: 'tagged', RoleArn: ROLE, ClientRequestToken: token(), PipelineDefinition: JSON.stringify(definition([cond('A')])) })));
    assert.match(again.message, /already exists/);
    await client.send(new sm.DeletePipelineCommand({ PipelineName: 'Tagged', ClientRequestToken: token() }));
    assert.equal((await awsError(() => client.send(new sm.DescribePipelineExecutionCommand({ PipelineExecutionArn: e })))).name, 'ResourceNotFound');
    assert.equal((await awsError(() => client.send(new sm.ListTagsCommand({ ResourceArn: arn })))).name, 'ValidationException');
  });

  await t.test('selective execution reuses the source\'s upstream steps and runs only the selected ones', async () => {
    await createPipeline(client, 'Selective', definition([
      cond('A'),
      { Name: 'B', Type: 'Condition', Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Steps.A.Outcome' }, RightValue: true }], IfSteps: [], ElseSteps: [] } },
      cond('C', { DependsOn: ['B'] }),
    ]));
    const source = await start(client, 'Selective');
    await waitForExecution(client, source);
    const missing = await awsError(() => start(client, 'Selective', {}, { SelectiveExecutionConfig: { SelectedSteps: [{ StepName: 'B' }] } }));
    assert.equal(missing.message, 'SourcePipelineExecutionArn is required when the selected steps depend on steps that are not selected.');
    const gap = await awsError(() => start(client, 'Selective', {}, { SelectiveExecutionConfig: { SourcePipelineExecutionArn: source, SelectedSteps: [{ StepName: 'A' }, { StepName: 'C' }] } }));
    assert.match(gap.message, /^Step B lies on a path between selected steps/);
    const config = { SourcePipelineExecutionArn: source, SelectedSteps: [{ StepName: 'B' }] };
    const sel = await start(client, 'Selective', {}, { SelectiveExecutionConfig: config });
    const d = await waitForExecution(client, sel);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded');
    assert.deepEqual(d.SelectiveExecutionConfig, config);
    const m = await stepMap(client, sel);
    assert.deepEqual([...m.keys()].sort(), ['A', 'B']);
    assert.deepEqual(m.get('A')!.SelectiveExecutionResult, { SourcePipelineExecutionArn: source });
    assert.equal(m.get('B')!.SelectiveExecutionResult, undefined);
    assert.deepEqual(m.get('B')!.Metadata, { Condition: { Outcome: 'True' } }, 'B read the reused A\'s properties');
  });

  await t.test('a retry policy retries a job that failed for capacity, each attempt a new job', async () => {
    const failing = (name: string, reason: string, policies: unknown[]) => {
      const step = trainingStep(name, { reason }, { RetryPolicies: policies });
      (step.Arguments as any).AlgorithmSpecification.ContainerEntrypoint = ['python3', `${SCRIPTS_DIR}fail_with.py`];
      return step;
    };
    await createPipeline(client, 'Retrying', definition([
      failing('Capacity', 'CapacityError: InsufficientCapacity for ml.p3.2xlarge', [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 0, BackoffRate: 1, MaxAttempts: 3 }]),
      failing('Algorithm', 'AlgorithmError: bad data', [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 0, MaxAttempts: 3 }]),
    ]));
    const arn = await start(client, 'Retrying');
    const d = await waitForExecution(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Failed');
    const m = await stepMap(client, arn);
    assert.equal(m.get('Capacity')!.AttemptCount, 3);
    assert.match(m.get('Capacity')!.FailureReason!, /^CapacityError: InsufficientCapacity/);
    assert.equal(m.get('Algorithm')!.AttemptCount, 1, 'a failure no policy names is not retried');
    const jobs = await client.send(new sm.ListTrainingJobsCommand({ NameContains: `${arn.split('/').pop()}-capacity` }));
    assert.equal(jobs.TrainingJobSummaries!.length, 3, 'each attempt is a new job');

    // A stop during the backoff before the next attempt ends the step Stopped, at once.
    await createPipeline(client, 'BackingOff', definition([
      failing('Waiting', 'CapacityError: InsufficientCapacity', [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 600, MaxAttempts: 3 }]),
    ]));
    const waiting = await start(client, 'BackingOff');
    for (let i = 0; i < 200; i++) {
      const job = (await stepMap(client, waiting)).get('Waiting')?.Metadata?.TrainingJob?.Arn;
      if (job && (await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: job.split('/')[1] }))).TrainingJobStatus === 'Failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.send(new sm.StopPipelineExecutionCommand({ PipelineExecutionArn: waiting, ClientRequestToken: token() }));
    const stopped = await waitForExecution(client, waiting, undefined, 10_000);
    assert.equal(stopped.PipelineExecutionStatus, 'Stopped');
    const w = (await stepMap(client, waiting)).get('Waiting')!;
    assert.equal(w.StepStatus, 'Stopped');
    assert.equal(w.AttemptCount, 1);
  });

  await t.test('a Tuning step runs a real tuning job; its trials are properties best-first', async () => {
    const { HyperParameterTuningJobName: _name, ...args } = tuningRequest('unused', { ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 2 } });
    (args.HyperParameterTuningJobConfig as any).ResourceLimits.MaxNumberOfTrainingJobs = { Get: 'Parameters.MaxJobs' };
    await createPipeline(client, 'Tuned', definition([
      { Name: 'Tune', Type: 'Tuning', Arguments: args },
      {
        Name: 'Best', Type: 'Condition',
        Arguments: { Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Steps.Tune.TrainingJobSummaries[0].TrainingJobName' }, RightValue: { Get: 'Steps.Tune.BestTrainingJob.TrainingJobName' } }], IfSteps: [], ElseSteps: [] },
      },
    ], [{ Name: 'MaxJobs', Type: 'Integer', DefaultValue: 2 }]));
    const arn = await start(client, 'Tuned');
    const d = await waitForExecution(client, arn);
    const m = await stepMap(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify([...m.values()], null, 1));
    const tuningArn = m.get('Tune')!.Metadata!.TuningJob!.Arn!;
    assert.match(tuningArn, /:hyper-parameter-tuning-job\/pipelines-[a-z0-9]{12}-[a-z0-9]{9}$/);
    const tuning = await client.send(new sm.DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningArn.split('/')[1] }));
    assert.equal(tuning.HyperParameterTuningJobConfig!.ResourceLimits!.MaxNumberOfTrainingJobs, 2);
    assert.deepEqual(m.get('Best')!.Metadata, { Condition: { Outcome: 'True' } });
  });

  await t.test('a Lineage step creates artifacts, contexts and their associations, reported in Metadata.Lineage', async () => {
    const ctxName = { 'Std:Join': { On: '-', Values: ['demo-ctx', { Get: 'Execution.PipelineExecutionId' }] } };
    await createPipeline(client, 'Lineaged', definition([{
      Name: 'RecordLineage', Type: 'Lineage',
      Arguments: {
        Artifacts: [{ ArtifactName: 'demo-weights', ArtifactType: 'Model', Source: { SourceUri: { Get: 'Parameters.Weights' } } }],
        Contexts: [{ ContextName: ctxName, ContextType: 'Endpoint', Source: { SourceUri: 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/demo' } }],
        Associations: [{ Source: { Name: 'demo-weights', Type: 'Artifact' }, Destination: { Name: ctxName, Type: 'Context' }, AssociationType: 'ContributedTo' }],
      },
    }], [{ Name: 'Weights', Type: 'String', DefaultValue: 's3://bucket/weights/' }]));
    const arn = await start(client, 'Lineaged');
    const d = await waitForExecution(client, arn);
    const m = await stepMap(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify([...m.values()], null, 1));
    const lineage = m.get('RecordLineage')!.Metadata!.Lineage!;
    const execId = arn.split('/').pop();
    assert.deepEqual(Object.keys(lineage.ArtifactArns!), ['demo-weights']);
    assert.match(lineage.ArtifactArns!['demo-weights']!, /:artifact\//);
    assert.deepEqual(Object.keys(lineage.ContextArns!), [`demo-ctx-${execId}`]);
    assert.deepEqual(lineage.ActionArns, {});
    assert.deepEqual(lineage.Associations, [{ SourceArn: lineage.ArtifactArns!['demo-weights'], DestinationArn: lineage.ContextArns![`demo-ctx-${execId}`] }]);
    const assoc = await client.send(new sm.ListAssociationsCommand({ SourceArn: lineage.ArtifactArns!['demo-weights'] }));
    assert.equal(assoc.AssociationSummaries!.length, 1);
  });
});
