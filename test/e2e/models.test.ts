/**
 * Models through the real SDK: CreateModel / DescribeModel / ListModels / DeleteModel records,
 * their tags, and bad input with the service's messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { enumSet, maxVal, minVal, notNull, one, pattern, runBadInputCases } from '../helpers/bad-input.js';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3-cpu-py311';
const ARN = (name: string) => `arn:aws:sagemaker:us-east-1:123456789012:model/${name}`;

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
});
after(async () => sb.close(true));

describe('models', () => {
  test('create, describe (defaults echoed), tags, delete', async () => {
    const { ModelArn } = await sb.client.send(new sm.CreateModelCommand({
      ModelName: 'Scoring-Model', ExecutionRoleArn: ROLE,
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: 's3://bucket/out/job/output/model.tar.gz', Environment: { SAGEMAKER_PROGRAM: 'inference.py' } },
      Tags: [{ Key: 'stage', Value: 'dev' }],
    }));
    assert.equal(ModelArn, ARN('scoring-model'));
    const d = await sb.client.send(new sm.DescribeModelCommand({ ModelName: 'scoring-MODEL' }));
    assert.equal(d.ModelName, 'Scoring-Model');
    assert.equal(d.ModelArn, ModelArn);
    assert.equal(d.ExecutionRoleArn, ROLE);
    assert.equal(d.EnableNetworkIsolation, false);
    assert.deepEqual(d.PrimaryContainer, {
      Image: IMAGE, Mode: 'SingleModel', ModelDataUrl: 's3://bucket/out/job/output/model.tar.gz', Environment: { SAGEMAKER_PROGRAM: 'inference.py' },
    });
    assert.ok(d.CreationTime instanceof Date);
    assert.deepEqual((await sb.client.send(new sm.ListTagsCommand({ ResourceArn: ModelArn }))).Tags, [{ Key: 'stage', Value: 'dev' }]);

    await sb.client.send(new sm.DeleteModelCommand({ ModelName: 'SCORING-model' }));
    const gone = await awsError(() => sb.client.send(new sm.DescribeModelCommand({ ModelName: 'Scoring-Model' })));
    assert.equal(gone.name, 'ValidationException');
    assert.equal(gone.message, `Could not find model "${ARN('scoring-model')}".`);
    const tagsGone = await awsError(() => sb.client.send(new sm.ListTagsCommand({ ResourceArn: ModelArn })));
    assert.equal(tagsGone.name, 'ValidationException');
  });

  test('a serial inference pipeline with Containers and ModelDataSource', async () => {
    await sb.client.send(new sm.CreateModelCommand({
      ModelName: 'serial', ExecutionRoleArn: ROLE, InferenceExecutionConfig: { Mode: 'Serial' }, EnableNetworkIsolation: true,
      Containers: [
        { ContainerHostname: 'pre', Image: IMAGE, ModelDataSource: { S3DataSource: { S3Uri: 's3://bucket/pre/', S3DataType: 'S3Prefix', CompressionType: 'None' } } },
        { ContainerHostname: 'main', Image: IMAGE, Environment: { A: '1' } },
      ],
    }));
    const d = await sb.client.send(new sm.DescribeModelCommand({ ModelName: 'serial' }));
    assert.equal(d.PrimaryContainer, undefined);
    assert.deepEqual(d.InferenceExecutionConfig, { Mode: 'Serial' });
    assert.equal(d.EnableNetworkIsolation, true);
    assert.deepEqual(d.Containers!.map((c) => [c.ContainerHostname, c.Mode, c.Environment]), [['pre', 'SingleModel', {}], ['main', 'SingleModel', { A: '1' }]]);
    assert.deepEqual(d.Containers![0]!.ModelDataSource, { S3DataSource: { S3Uri: 's3://bucket/pre/', S3DataType: 'S3Prefix', CompressionType: 'None' } });
  });

  test('ListModels: newest first by default, NameContains, Name order, pages', async () => {
    for (const name of ['list-b', 'list-a', 'list-c']) {
      await sb.client.send(new sm.CreateModelCommand({ ModelName: name, ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } }));
      await new Promise((r) => setTimeout(r, 5));
    }
    const byTime = await sb.client.send(new sm.ListModelsCommand({ NameContains: 'LIST-' }));
    assert.deepEqual(byTime.Models!.map((m) => m.ModelName), ['list-c', 'list-a', 'list-b']);
    const byName = await sb.client.send(new sm.ListModelsCommand({ NameContains: 'list-', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2 }));
    assert.deepEqual(byName.Models!.map((m) => m.ModelName), ['list-a', 'list-b']);
    const next = await sb.client.send(new sm.ListModelsCommand({ NameContains: 'list-', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2, NextToken: byName.NextToken }));
    assert.deepEqual(next.Models!.map((m) => m.ModelName), ['list-c']);
    assert.equal(next.NextToken, undefined);
    assert.equal(next.Models![0]!.ModelArn, ARN('list-c'));
  });

  test('another account or region sees none of them', async () => {
    await sb.client.send(new sm.CreateModelCommand({ ModelName: 'mine', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } }));
    const other = sb.clientFor('210987654321');
    assert.deepEqual((await other.send(new sm.ListModelsCommand({ NameContains: 'mine' }))).Models, []);
    const error = await awsError(() => other.send(new sm.DescribeModelCommand({ ModelName: 'mine' })));
    assert.equal(error.message, 'Could not find model "arn:aws:sagemaker:us-east-1:210987654321:model/mine".');
    assert.deepEqual((await sb.clientFor('123456789012', 'eu-west-1').send(new sm.ListModelsCommand({ NameContains: 'mine' }))).Models, []);
  });

  test('a duplicate name is refused, case-insensitively', async () => {
    await sb.client.send(new sm.CreateModelCommand({ ModelName: 'dup-model', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } }));
    const error = await awsError(() => sb.client.send(new sm.CreateModelCommand({ ModelName: 'DUP-model', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } })));
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, `Cannot create already existing model "${ARN('dup-model')}".`);
  });
});

const c = { Image: IMAGE };
runBadInputCases(() => sb.client, {
  CreateModel: [
    { what: 'missing name', input: { PrimaryContainer: c }, message: one(notNull('modelName')) },
    { what: 'name with an underscore', input: { ModelName: 'bad_name', PrimaryContainer: c }, message: one(pattern('bad_name', 'modelName', '[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?')) },
    { what: 'no container', input: { ModelName: 'm1', ExecutionRoleArn: ROLE }, message: 'Either PrimaryContainer or Containers must be specified.' },
    { what: 'empty Containers', input: { ModelName: 'm1', Containers: [] }, message: 'Either PrimaryContainer or Containers must be specified.' },
    { what: 'both PrimaryContainer and Containers', input: { ModelName: 'm1', PrimaryContainer: c, Containers: [c] }, message: 'PrimaryContainer and Containers cannot both be specified.' },
    { what: 'container without image', input: { ModelName: 'm1', PrimaryContainer: { ModelDataUrl: 's3://b/m.tar.gz' } }, message: 'PrimaryContainer: either Image or ModelPackageName must be specified.' },
    {
      what: 'ModelDataUrl and ModelDataSource', input: { ModelName: 'm1', Containers: [c, { ...c, ModelDataUrl: 's3://b/m.tar.gz', ModelDataSource: { S3DataSource: { S3Uri: 's3://b/m/', S3DataType: 'S3Prefix', CompressionType: 'None' } } }] },
      message: 'Containers[1]: ModelDataUrl and ModelDataSource cannot both be specified.',
    },
    { what: 'InferenceExecutionConfig without Containers', input: { ModelName: 'm1', PrimaryContainer: c, InferenceExecutionConfig: { Mode: 'Direct' } }, message: 'InferenceExecutionConfig can only be specified with Containers.' },
    { what: 'duplicate ContainerHostname', input: { ModelName: 'm1', Containers: [{ ...c, ContainerHostname: 'h' }, { ...c, ContainerHostname: 'h' }] }, message: 'ContainerHostname must be unique within Containers.' },
    { what: 'bad Mode', input: { ModelName: 'm1', PrimaryContainer: { ...c, Mode: 'ManyModels' } }, message: one(enumSet('ManyModels', 'primaryContainer.mode', ['SingleModel', 'MultiModel'])) },
    { what: 'bad role', input: { ModelName: 'm1', PrimaryContainer: c, ExecutionRoleArn: 'role/x-but-not-an-arn' }, message: one(pattern('role/x-but-not-an-arn', 'executionRoleArn', 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+')) },
  ],
  DescribeModel: [
    { what: 'missing name', input: {}, message: one(notNull('modelName')) },
    { what: 'unknown model', input: { ModelName: 'Nope' }, message: `Could not find model "${ARN('nope')}".` },
  ],
  DeleteModel: [
    { what: 'missing name', input: {}, message: one(notNull('modelName')) },
    { what: 'unknown model', input: { ModelName: 'nope' }, message: `Could not find model "${ARN('nope')}".` },
  ],
  ListModels: [
    { what: 'MaxResults 0', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'MaxResults 101', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
    { what: 'bad SortBy', input: { SortBy: 'Size' }, message: one(enumSet('Size', 'sortBy', ['Name', 'CreationTime'])) },
    { what: 'bad NameContains', input: { NameContains: 'a_b' }, message: one(pattern('a_b', 'nameContains', '[a-zA-Z0-9-]+')) },
    { what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: /pagination token/i },
  ],
});
