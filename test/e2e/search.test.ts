/**
 * Search over training jobs through the real SDK (and the raw wire where the SDK's model lacks
 * members): records identical to DescribeTrainingJob plus Tags, every operator, typed values
 * (numbers, timestamps, map entries), nested filters bound to one list element, sub-expressions
 * with And / Or, sorting by a metric with missing values last, paging, lazy index refresh.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../src/artifacts/index.js';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { ROLE, trainingRequest, waitForJob } from '../helpers/training.js';
import { jobNames, rawCall, searchAll } from '../sagemaker/search/helpers.js';

let sb: TestSagebox;
let t0: Date;
const BASE_MODEL = 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/sagebox-tiny';

const channel = (ChannelName: string, S3Uri: string): sm.Channel => ({ ChannelName, DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri } } });

before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '4' } });
  t0 = new Date(Date.now() - 1000);
  const objects = createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') });
  for (const prefix of ['one-train', 'one-test', 'two-test-data']) await objects.putBuffer(`s3://bucket/sd/${prefix}/part-0.csv`, Buffer.from('a\n1\n'));
  objects.close();
  const server = await sb.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'search-ts', ArtifactStoreUri: 's3://bucket/mlflow', RoleArn: ROLE }));
  const group = await sb.client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: 'search-finetunes' }));
  const jobs: sm.CreateTrainingJobRequest[] = [
    trainingRequest('sj-one', { epochs: '1', lr: '0.05' }, {
      InputDataConfig: [channel('train', 's3://bucket/sd/one-train/'), channel('test', 's3://bucket/sd/one-test/')],
      Tags: [{ Key: 'team', Value: 'a' }, { Key: 'stage', Value: 'dev' }],
    }),
    trainingRequest('sj-two', { epochs: '2', lr: '0.5' }, { InputDataConfig: [channel('train', 's3://bucket/sd/two-test-data/')], Tags: [{ Key: 'team', Value: 'a' }] }),
    trainingRequest('sj-four', { epochs: '4', lr: '1.5' }, {
      Tags: [{ Key: 'team', Value: 'b' }],
      MlflowConfig: { MlflowResourceArn: server.TrackingServerArn!, MlflowExperimentName: 'search-exp' },
    }),
    trainingRequest('sj-fail', { epochs: '2', mode: 'fail' }, { Tags: [{ Key: 'team', Value: 'a' }] }),
    {
      // A serverless job whose data is missing: it fails at once, but its record is real.
      TrainingJobName: 'sj-serverless', RoleArn: ROLE, OutputDataConfig: { S3OutputPath: 's3://bucket/out/' },
      InputDataConfig: [channel('train', 's3://bucket/sd/missing/')],
      ServerlessJobConfig: { BaseModelArn: BASE_MODEL, JobType: 'FineTuning', CustomizationTechnique: 'SFT', Peft: 'LORA', AcceptEula: false },
      ModelPackageConfig: { ModelPackageGroupArn: group.ModelPackageGroupArn! },
    },
  ];
  for (const job of jobs) await sb.client.send(new sm.CreateTrainingJobCommand(job));
  for (const job of jobs) await waitForJob(sb.client, job.TrainingJobName!);
  // MlflowDetails appears once the job's MLflow run exists.
  await waitForJob(sb.client, 'sj-four', (d) => d.MlflowDetails !== undefined, 20_000);
});
after(async () => sb?.close(true));

const search = (input: Partial<sm.SearchCommandInput>) => sb.client.send(new sm.SearchCommand({ Resource: 'TrainingJob', ...input }));
/** Names matching one filter, in name order. */
async function names(...filters: sm.Filter[]): Promise<string[]> {
  const r = await search({ SearchExpression: { Filters: filters }, SortBy: 'TrainingJobName', SortOrder: 'Ascending', MaxResults: 100 });
  assert.equal(r.TotalHits?.Value, r.Results?.length);
  return jobNames(r.Results);
}

describe('records', () => {
  test('each record is DescribeTrainingJob as sent on the wire, plus Tags as ListTags answers them', async () => {
    const raw = await rawCall(sb.url, 'Search', { Resource: 'TrainingJob', SortBy: 'TrainingJobName', SortOrder: 'Ascending', MaxResults: 100 });
    assert.equal(raw.Results.length, 5);
    assert.deepEqual(raw.TotalHits, { Value: 5, Relation: 'EqualTo' });
    for (const result of raw.Results) {
      const { Tags, ...record } = result.TrainingJob;
      const described = await rawCall(sb.url, 'DescribeTrainingJob', { TrainingJobName: record.TrainingJobName });
      assert.deepEqual(record, described, record.TrainingJobName);
      const listed = await rawCall(sb.url, 'ListTags', { ResourceArn: record.TrainingJobArn });
      assert.deepEqual(Tags, listed.Tags);
    }
    const byName = Object.fromEntries(raw.Results.map((r: any) => [r.TrainingJob.TrainingJobName, r.TrainingJob]));
    // The 2025-12 members: ServerlessJobConfig and ProgressInfo on a serverless job, MlflowConfig
    // (and MlflowDetails) on a job logging to MLflow.
    assert.equal(byName['sj-serverless'].ServerlessJobConfig.JobType, 'FineTuning');
    assert.deepEqual(byName['sj-serverless'].ProgressInfo, {});
    assert.equal(byName['sj-four'].MlflowConfig.MlflowExperimentName, 'search-exp');
    assert.ok(byName['sj-four'].MlflowDetails.MlflowRunId);
  });

  test('through the SDK: the record members its model knows, Tags and final metrics included', async () => {
    const r = await search({ SearchExpression: { Filters: [{ Name: 'TrainingJobName', Operator: 'Equals', Value: 'sj-one' }] } });
    const job = r.Results![0]!.TrainingJob!;
    const d = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'sj-one' }));
    assert.equal(job.TrainingJobArn, d.TrainingJobArn);
    assert.deepEqual(job.HyperParameters, d.HyperParameters);
    assert.deepEqual(job.FinalMetricDataList, d.FinalMetricDataList);
    assert.deepEqual(job.SecondaryStatusTransitions, d.SecondaryStatusTransitions);
    assert.deepEqual(job.Tags, [{ Key: 'stage', Value: 'dev' }, { Key: 'team', Value: 'a' }]);
  });
});

describe('operators', () => {
  test('Equals, NotEquals, Contains (case-insensitive), In on text', async () => {
    assert.deepEqual(await names({ Name: 'TrainingJobName', Operator: 'Equals', Value: 'sj-two' }), ['sj-two']);
    assert.deepEqual(await names({ Name: 'TrainingJobName', Value: 'sj-two' }), ['sj-two'], 'a Value without Operator is Equals');
    assert.deepEqual(await names({ Name: 'TrainingJobStatus', Operator: 'NotEquals', Value: 'Completed' }), ['sj-fail', 'sj-serverless']);
    assert.deepEqual(await names({ Name: 'TrainingJobName', Operator: 'Contains', Value: 'TWO' }), ['sj-two']);
    assert.deepEqual(await names({ Name: 'TrainingJobStatus', Operator: 'In', Value: 'Failed,Stopped' }), ['sj-fail', 'sj-serverless']);
  });

  test('GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo on a final metric', async () => {
    // train:loss is 1/epochs: sj-one 1, sj-two 0.5, sj-fail 0.5, sj-four 0.25; sj-serverless has none.
    assert.deepEqual(await names({ Name: 'Metrics.train:loss', Operator: 'GreaterThan', Value: '0.5' }), ['sj-one']);
    assert.deepEqual(await names({ Name: 'Metrics.train:loss', Operator: 'GreaterThanOrEqualTo', Value: '0.5' }), ['sj-fail', 'sj-one', 'sj-two']);
    assert.deepEqual(await names({ Name: 'Metrics.train:loss', Operator: 'LessThan', Value: '0.5' }), ['sj-four']);
    assert.deepEqual(await names({ Name: 'Metrics.train:loss', Operator: 'LessThanOrEqualTo', Value: '0.5' }), ['sj-fail', 'sj-four', 'sj-two']);
    assert.deepEqual(await names({ Name: 'Metrics.validation:error', Operator: 'LessThan', Value: '0.1' }), ['sj-four']);
  });

  test('Exists and NotExists (a filter with neither Operator nor Value is Exists)', async () => {
    assert.deepEqual(await names({ Name: 'FailureReason', Operator: 'Exists' }), ['sj-fail', 'sj-serverless']);
    assert.deepEqual(await names({ Name: 'FailureReason' }), ['sj-fail', 'sj-serverless']);
    assert.deepEqual(await names({ Name: 'FailureReason', Operator: 'NotExists' }), ['sj-four', 'sj-one', 'sj-two']);
    assert.deepEqual(await names({ Name: 'ServerlessJobConfig', Operator: 'Exists' }), ['sj-serverless'], 'Exists on a structure');
    assert.deepEqual(await names({ Name: 'MlflowConfig.MlflowExperimentName', Operator: 'Equals', Value: 'search-exp' }), ['sj-four']);
  });

  test('timestamps compare as times (ISO 8601)', async () => {
    const iso = (d: Date) => d.toISOString().slice(0, 19);
    assert.equal((await names({ Name: 'CreationTime', Operator: 'GreaterThan', Value: iso(t0) })).length, 5);
    assert.deepEqual(await names({ Name: 'CreationTime', Operator: 'LessThan', Value: iso(t0) }), []);
    assert.deepEqual(await names({ Name: 'TrainingEndTime', Operator: 'LessThan', Value: '2001-01-01T00:00:00' }), []);
  });

  test('hyperparameters compare numerically; an integer Value compares their integer parts', async () => {
    assert.deepEqual(await names({ Name: 'HyperParameters.epochs', Operator: 'GreaterThanOrEqualTo', Value: '2' }), ['sj-fail', 'sj-four', 'sj-two']);
    assert.deepEqual(await names({ Name: 'HyperParameters.lr', Operator: 'LessThanOrEqualTo', Value: '1.0' }), ['sj-one', 'sj-two']);
    assert.deepEqual(await names({ Name: 'HyperParameters.lr', Operator: 'LessThanOrEqualTo', Value: '1' }), ['sj-four', 'sj-one', 'sj-two']);
    assert.deepEqual(await names({ Name: 'HyperParameters.mode', Operator: 'Equals', Value: 'fail' }), ['sj-fail']);
  });

  test('tags: Equals, NotEquals (resources without the tag match), Exists', async () => {
    assert.deepEqual(await names({ Name: 'Tags.team', Operator: 'Equals', Value: 'a' }), ['sj-fail', 'sj-one', 'sj-two']);
    assert.deepEqual(await names({ Name: 'Tags.team', Operator: 'NotEquals', Value: 'a' }), ['sj-four', 'sj-serverless']);
    assert.deepEqual(await names({ Name: 'Tags.stage', Operator: 'Exists' }), ['sj-one']);
  });
});

describe('expressions', () => {
  test('nested filters hold on one element of the list; plain filters on any', async () => {
    const train = { Name: 'InputDataConfig.ChannelName', Operator: 'Equals' as const, Value: 'train' };
    const test = { Name: 'InputDataConfig.DataSource.S3DataSource.S3Uri', Operator: 'Contains' as const, Value: 'test' };
    const nested = await search({ SearchExpression: { NestedFilters: [{ NestedPropertyName: 'InputDataConfig', Filters: [train, test] }] } });
    assert.deepEqual(jobNames(nested.Results), ['sj-two'], 'only sj-two has a train channel whose URI contains "test"');
    assert.deepEqual(await names(train, test), ['sj-one', 'sj-two'], 'sj-one has train and test channels, on different elements');
    const notTrain = await search({ SearchExpression: { NestedFilters: [{ NestedPropertyName: 'InputDataConfig', Filters: [
      { Name: 'InputDataConfig.ChannelName', Operator: 'NotEquals', Value: 'train' }] }] } });
    assert.deepEqual(jobNames(notTrain.Results), ['sj-one'], 'some channel is not "train"');
  });

  test('Or at the top, And of sub-expressions, Or inside', async () => {
    const or = await search({ SortBy: 'TrainingJobName', SortOrder: 'Ascending', SearchExpression: { Operator: 'Or', Filters: [
      { Name: 'Metrics.train:loss', Operator: 'LessThan', Value: '0.3' }, { Name: 'TrainingJobStatus', Operator: 'Equals', Value: 'Failed' }] } });
    assert.deepEqual(jobNames(or.Results), ['sj-fail', 'sj-four', 'sj-serverless']);
    const and = await search({ SearchExpression: { Operator: 'And', SubExpressions: [
      { Operator: 'Or', Filters: [{ Name: 'Metrics.train:loss', Operator: 'LessThan', Value: '0.3' }, { Name: 'TrainingJobName', Operator: 'Equals', Value: 'sj-one' }] },
      { Filters: [{ Name: 'Tags.team', Operator: 'Equals', Value: 'a' }] },
    ] } });
    assert.deepEqual(jobNames(and.Results), ['sj-one']);
  });
});

describe('sorting and paging', () => {
  test('by a metric, ascending and descending; jobs without it come last', async () => {
    const asc = jobNames((await search({ SortBy: 'Metrics.train:loss', SortOrder: 'Ascending' })).Results);
    assert.equal(asc[0], 'sj-four');
    assert.deepEqual(new Set(asc.slice(1, 3)), new Set(['sj-two', 'sj-fail']));
    assert.deepEqual(asc.slice(3), ['sj-one', 'sj-serverless']);
    const desc = jobNames((await search({ SortBy: 'Metrics.train:loss', SortOrder: 'Descending' })).Results);
    assert.equal(desc[0], 'sj-one');
    assert.deepEqual(desc.slice(3), ['sj-four', 'sj-serverless']);
  });

  test('by a tag value; resources without the tag come last', async () => {
    const byTeam = jobNames((await search({ SortBy: 'Tags.team', SortOrder: 'Descending' })).Results);
    assert.equal(byTeam[0], 'sj-four', 'team b first when descending');
    assert.deepEqual(new Set(byTeam.slice(1, 4)), new Set(['sj-one', 'sj-two', 'sj-fail']));
    assert.equal(byTeam[4], 'sj-serverless');
  });

  test('default order: LastModifiedTime, Descending', async () => {
    const r = await search({});
    const times = r.Results!.map((x) => x.TrainingJob!.LastModifiedTime!.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
  });

  test('pages by NextToken (MaxResults 2), TotalHits on every page; a token is bound to its query', async () => {
    const { pages, results } = await searchAll(sb.client, { Resource: 'TrainingJob', SortBy: 'TrainingJobName', SortOrder: 'Ascending', MaxResults: 2 });
    assert.deepEqual(pages.map((p) => p.Results!.length), [2, 2, 1]);
    assert.deepEqual(jobNames(results), ['sj-fail', 'sj-four', 'sj-one', 'sj-serverless', 'sj-two']);
    for (const p of pages) assert.deepEqual(p.TotalHits, { Value: 5, Relation: 'EqualTo' });
    assert.equal(pages.at(-1)!.NextToken, undefined);
    const metric = await searchAll(sb.client, { Resource: 'TrainingJob', SortBy: 'Metrics.train:loss', SortOrder: 'Ascending', MaxResults: 1 });
    assert.deepEqual(jobNames(metric.results).slice(3), ['sj-one', 'sj-serverless'], 'paging crosses into the jobs without the metric');
    assert.equal(new Set(jobNames(metric.results)).size, 5);
    const error = await awsError(() => search({ SortBy: 'CreationTime', NextToken: pages[0]!.NextToken }));
    assert.equal(error.name, 'ValidationException');
    assert.match(error.message, /Invalid pagination token/);
    const otherExpression = await awsError(() => search({ SortBy: 'TrainingJobName', SortOrder: 'Ascending', MaxResults: 2, NextToken: pages[0]!.NextToken,
      SearchExpression: { Filters: [{ Name: 'TrainingJobStatus', Value: 'Completed' }] } }));
    assert.match(otherExpression.message, /Invalid pagination token/, 'a token is bound to its expression too');
  });
});

describe('freshness and isolation', () => {
  test('tag changes show at once; other accounts see nothing', async () => {
    const arn = (await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'sj-four' }))).TrainingJobArn!;
    await sb.client.send(new sm.AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'stage', Value: 'prod' }] }));
    assert.deepEqual(await names({ Name: 'Tags.stage', Operator: 'Exists' }), ['sj-four', 'sj-one']);
    await sb.client.send(new sm.DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['stage'] }));
    assert.deepEqual(await names({ Name: 'Tags.stage', Operator: 'Exists' }), ['sj-one']);
    const other = await sb.clientFor('111122223333').send(new sm.SearchCommand({ Resource: 'TrainingJob' }));
    assert.deepEqual(other.Results, []);
    assert.deepEqual(other.TotalHits, { Value: 0, Relation: 'EqualTo' });
  });
});
