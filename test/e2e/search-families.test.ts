/**
 * Search over the families that joined later: hyperparameter tuning jobs, pipelines and
 * pipeline executions, through the real SDK. Records are the Describe answers plus Tags.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { tuningRequest, waitForTuning } from './fixtures/tuning/requests.js';
import { rawCall } from '../sagemaker/search/helpers.js';

let sb: TestSagebox;
let pipelineArn: string;
const executions: string[] = [];
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';

/** A pipeline whose one Condition step fails the execution when `go` is not "yes" (no jobs run). */
const DEFINITION = JSON.stringify({
  Version: '2020-12-01', Metadata: {}, PipelineExperimentConfig: null,
  Parameters: [{ Name: 'go', Type: 'String', DefaultValue: 'yes' }],
  Steps: [{ Name: 'Check', Type: 'Condition', Arguments: {
    Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Parameters.go' }, RightValue: 'yes' }],
    IfSteps: [], ElseSteps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: 'not going' } }] } }],
});

async function waitForExecution(arn: string): Promise<sm.DescribePipelineExecutionCommandOutput> {
  for (let i = 0; i < 300; i++) {
    const d = await sb.client.send(new sm.DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
    if (['Succeeded', 'Failed', 'Stopped'].includes(d.PipelineExecutionStatus!)) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`execution ${arn} did not end`);
}

before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '4', SAGEBOX_SANDBOX: 'off' } });
  await sb.client.send(new sm.CreateHyperParameterTuningJobCommand({
    ...tuningRequest('search-hpo', { ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 2 } }),
    Tags: [{ Key: 'team', Value: 'a' }],
  }));
  pipelineArn = (await sb.client.send(new sm.CreatePipelineCommand({
    PipelineName: 'search-pipe', PipelineDefinition: DEFINITION, RoleArn: ROLE, ClientRequestToken: randomUUID(), Tags: [{ Key: 'team', Value: 'a' }],
  }))).PipelineArn!;
  for (const go of ['yes', 'no']) {
    const arn = (await sb.client.send(new sm.StartPipelineExecutionCommand({
      PipelineName: 'search-pipe', ClientRequestToken: randomUUID(), PipelineParameters: [{ Name: 'go', Value: go }],
    }))).PipelineExecutionArn!;
    executions.push(arn);
    await waitForExecution(arn);
  }
  await waitForTuning(sb.client, 'search-hpo');
});
after(async () => sb?.close(true));

/** The raw records of a Search, each compared with the raw Describe answer (Tags apart). */
async function assertRecordsAreDescribe(resource: string, member: string, describe: (r: any) => [string, object]): Promise<any[]> {
  const raw = await rawCall(sb.url, 'Search', { Resource: resource, MaxResults: 100 });
  assert.ok(raw.Results.length > 0);
  for (const result of raw.Results) {
    const { Tags, ...record } = result[member];
    const [operation, input] = describe(record);
    assert.deepEqual(record, await rawCall(sb.url, operation, input));
  }
  return raw.Results.map((r: any) => r[member]);
}

describe('HyperParameterTuningJob', () => {
  test('records are DescribeHyperParameterTuningJob plus Tags; filter on the config and the best job; sort', async () => {
    const [record] = await assertRecordsAreDescribe('HyperParameterTuningJob', 'HyperParameterTuningJob',
      (r) => ['DescribeHyperParameterTuningJob', { HyperParameterTuningJobName: r.HyperParameterTuningJobName }]);
    assert.deepEqual(record.Tags, [{ Key: 'team', Value: 'a' }]);
    const r = await sb.client.send(new sm.SearchCommand({ Resource: 'HyperParameterTuningJob', SortBy: 'BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value', SortOrder: 'Ascending', SearchExpression: { Filters: [
      { Name: 'HyperParameterTuningJobConfig.Strategy', Operator: 'Equals', Value: 'Random' },
      { Name: 'BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value', Operator: 'GreaterThanOrEqualTo', Value: '0' },
      { Name: 'Tags.team', Operator: 'Equals', Value: 'a' }] } }));
    assert.deepEqual(r.Results!.map((x) => x.HyperParameterTuningJob!.HyperParameterTuningJobName), ['search-hpo']);
    assert.equal(r.Results![0]!.HyperParameterTuningJob!.HyperParameterTuningJobStatus, 'Completed');
    assert.ok(r.Results![0]!.HyperParameterTuningJob!.BestTrainingJob?.TrainingJobName);
  });
});

describe('Pipeline and PipelineExecution', () => {
  test('pipeline records are DescribePipeline plus Tags', async () => {
    const [record] = await assertRecordsAreDescribe('Pipeline', 'Pipeline', (r) => ['DescribePipeline', { PipelineName: r.PipelineName }]);
    assert.deepEqual(record.Tags, [{ Key: 'team', Value: 'a' }]);
    const r = await sb.client.send(new sm.SearchCommand({ Resource: 'Pipeline', SearchExpression: { Filters: [{ Name: 'PipelineName', Operator: 'Contains', Value: 'search' }] } }));
    assert.deepEqual(r.Results!.map((x) => x.Pipeline!.PipelineArn), [pipelineArn]);
  });

  test('"executions of pipeline p that failed"', async () => {
    await assertRecordsAreDescribe('PipelineExecution', 'PipelineExecution', (r) => ['DescribePipelineExecution', { PipelineExecutionArn: r.PipelineExecutionArn }]);
    const failed = await sb.client.send(new sm.SearchCommand({ Resource: 'PipelineExecution', SearchExpression: { Filters: [
      { Name: 'PipelineArn', Operator: 'Equals', Value: pipelineArn }, { Name: 'PipelineExecutionStatus', Operator: 'Equals', Value: 'Failed' }] } }));
    assert.deepEqual(failed.Results!.map((x) => x.PipelineExecution!.PipelineExecutionArn), [executions[1]]);
    const all = await sb.client.send(new sm.SearchCommand({ Resource: 'PipelineExecution', SortBy: 'CreationTime', SortOrder: 'Ascending' }));
    assert.deepEqual(all.Results!.map((x) => x.PipelineExecution!.PipelineExecutionArn), executions);
    assert.deepEqual(all.TotalHits, { Value: 2, Relation: 'EqualTo' });
  });
});
