/**
 * Search over model packages and model package groups through the real SDK: records identical
 * to DescribeModelPackage / DescribeModelPackageGroup plus Tags (BaseModel, IsCheckpoint and
 * ModelPackageRegistrationType included), filters on nested container members and booleans,
 * and the index following updates and deletes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { rawCall } from '../sagemaker/search/helpers.js';

let sb: TestSagebox;
const arns: string[] = [];

function spec(isCheckpoint: boolean, recipe: string): sm.InferenceSpecification {
  return {
    Containers: [{
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/serve:1', ModelDataUrl: 's3://bucket/model.tar.gz',
      IsCheckpoint: isCheckpoint, BaseModel: { HubContentName: 'sagebox-tiny', HubContentVersion: '1.0.0', RecipeName: recipe },
    }],
    SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'],
  };
}

before(async () => {
  sb = await startTestSagebox();
  await sb.client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: 'churn-models', ModelPackageGroupDescription: 'churn', Tags: [{ Key: 'team', Value: 'a' }] }));
  await sb.client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: 'fraud-models' }));
  const versions: sm.CreateModelPackageInput[] = [
    { ModelPackageGroupName: 'churn-models', InferenceSpecification: spec(false, 'sft-lora'), ModelApprovalStatus: 'Approved' },
    { ModelPackageGroupName: 'churn-models', InferenceSpecification: spec(true, 'sft-lora'), ModelApprovalStatus: 'PendingManualApproval', ModelPackageRegistrationType: 'Logged' },
    { ModelPackageGroupName: 'fraud-models', InferenceSpecification: spec(false, 'dpo'), ModelApprovalStatus: 'Rejected' },
    // Unversioned: the kind of package that holds tags of its own.
    {
      ModelPackageName: 'standalone-pkg', Tags: [{ Key: 'stage', Value: 'prod' }],
      InferenceSpecification: { ...spec(false, 'sft-full'), SupportedTransformInstanceTypes: ['ml.m5.large'], SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'] },
    },
  ];
  for (const v of versions) arns.push((await sb.client.send(new sm.CreateModelPackageCommand(v))).ModelPackageArn!);
});
after(async () => sb?.close(true));

const search = (input: Partial<sm.SearchCommandInput>) => sb.client.send(new sm.SearchCommand({ Resource: 'ModelPackage', ...input }));
const arnsOf = (r: sm.SearchCommandOutput) => r.Results!.map((x) => x.ModelPackage!.ModelPackageArn!);

describe('ModelPackage', () => {
  test('records are DescribeModelPackage plus Tags, with BaseModel, IsCheckpoint and ModelPackageRegistrationType', async () => {
    const r = await search({ SortBy: 'CreationTime', SortOrder: 'Ascending' });
    assert.deepEqual(r.TotalHits, { Value: 4, Relation: 'EqualTo' });
    assert.deepEqual(arnsOf(r), arns);
    for (const [i, result] of r.Results!.entries()) {
      const { Tags, ...record } = result.ModelPackage!;
      const { $metadata, ...described } = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: arns[i]! }));
      assert.deepEqual(record, described);
      assert.deepEqual(Tags, (await sb.client.send(new sm.ListTagsCommand({ ResourceArn: arns[i]! }))).Tags);
    }
    assert.deepEqual(r.Results![3]!.ModelPackage!.Tags, [{ Key: 'stage', Value: 'prod' }]);
    assert.deepEqual(r.Results![0]!.ModelPackage!.Tags, [], 'versioned packages hold no tags of their own (ListTags answers none)');
    const logged = r.Results![1]!.ModelPackage!;
    assert.equal(logged.ModelPackageRegistrationType, 'Logged');
    assert.equal(logged.InferenceSpecification!.Containers![0]!.IsCheckpoint, true);
    assert.deepEqual(logged.InferenceSpecification!.Containers![0]!.BaseModel, { HubContentName: 'sagebox-tiny', HubContentVersion: '1.0.0', RecipeName: 'sft-lora' });
    // The raw wire agrees with Describe's raw answer too (nothing the SDK might drop is missing).
    const raw = await rawCall(sb.url, 'Search', { Resource: 'ModelPackage', SortBy: 'CreationTime', SortOrder: 'Ascending' });
    const { Tags: _t, ...rawRecord } = raw.Results[1].ModelPackage;
    assert.deepEqual(rawRecord, await rawCall(sb.url, 'DescribeModelPackage', { ModelPackageName: arns[1] }));
  });

  test('"approved packages of a group"; booleans and text inside the container list', async () => {
    const approved = await search({ SearchExpression: { Filters: [
      { Name: 'ModelPackageGroupName', Operator: 'Equals', Value: 'churn-models' }, { Name: 'ModelApprovalStatus', Operator: 'Equals', Value: 'Approved' }] } });
    assert.deepEqual(arnsOf(approved), [arns[0]]);
    const checkpoints = await search({ SearchExpression: { Filters: [{ Name: 'InferenceSpecification.Containers.IsCheckpoint', Operator: 'Equals', Value: 'true' }] } });
    assert.deepEqual(arnsOf(checkpoints), [arns[1]]);
    const dpo = await search({ SearchExpression: { NestedFilters: [{ NestedPropertyName: 'InferenceSpecification.Containers', Filters: [
      { Name: 'InferenceSpecification.Containers.BaseModel.RecipeName', Operator: 'Equals', Value: 'dpo' },
      { Name: 'InferenceSpecification.Containers.IsCheckpoint', Operator: 'Equals', Value: 'false' }] }] } });
    assert.deepEqual(arnsOf(dpo), [arns[2]]);
    const tagged = await search({ SearchExpression: { Filters: [{ Name: 'Tags.stage', Operator: 'Equals', Value: 'prod' }] } });
    assert.deepEqual(arnsOf(tagged), [arns[3]]);
    const unversioned = await search({ SearchExpression: { Filters: [{ Name: 'ModelPackageGroupName', Operator: 'NotExists' }] } });
    assert.deepEqual(arnsOf(unversioned), [arns[3]]);
    const logged = await search({ SearchExpression: { Filters: [{ Name: 'ModelPackageRegistrationType', Operator: 'Equals', Value: 'Logged' }] } });
    assert.deepEqual(arnsOf(logged), [arns[1]]);
    const versions = await search({ SortBy: 'ModelPackageVersion', SortOrder: 'Descending', SearchExpression: { Filters: [
      { Name: 'ModelPackageVersion', Operator: 'GreaterThanOrEqualTo', Value: '1' }, { Name: 'ModelPackageGroupName', Operator: 'Contains', Value: 'CHURN' }] } });
    assert.deepEqual(arnsOf(versions), [arns[1], arns[0]]);
  });

  test('updates and deletes are seen by the next Search', async () => {
    await sb.client.send(new sm.UpdateModelPackageCommand({ ModelPackageArn: arns[1]!, ModelApprovalStatus: 'Approved' }));
    const approved = await search({ SortBy: 'CreationTime', SortOrder: 'Ascending', SearchExpression: { Filters: [{ Name: 'ModelApprovalStatus', Operator: 'Equals', Value: 'Approved' }] } });
    assert.deepEqual(arnsOf(approved), [arns[0], arns[1]]);
    assert.equal(approved.Results![1]!.ModelPackage!.ModelApprovalStatus, 'Approved');
    await sb.client.send(new sm.DeleteModelPackageCommand({ ModelPackageName: arns[2]! }));
    const all = await search({});
    assert.deepEqual(all.TotalHits, { Value: 3, Relation: 'EqualTo' });
    assert.ok(!arnsOf(all).includes(arns[2]!));
  });
});

describe('ModelPackageGroup', () => {
  test('records are DescribeModelPackageGroup plus Tags; filters on name and tags; default order CreationTime Descending', async () => {
    const r = await sb.client.send(new sm.SearchCommand({ Resource: 'ModelPackageGroup' }));
    assert.deepEqual(r.Results!.map((x) => x.ModelPackageGroup!.ModelPackageGroupName), ['fraud-models', 'churn-models']);
    const churn = r.Results![1]!.ModelPackageGroup!;
    const { $metadata, ...described } = await sb.client.send(new sm.DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'churn-models' }));
    const { Tags, ...record } = churn;
    assert.deepEqual(record, described);
    assert.deepEqual(Tags, [{ Key: 'team', Value: 'a' }]);
    const tagged = await sb.client.send(new sm.SearchCommand({ Resource: 'ModelPackageGroup', SearchExpression: { Filters: [{ Name: 'Tags.team', Value: 'a' }] } }));
    assert.deepEqual(tagged.Results!.map((x) => x.ModelPackageGroup!.ModelPackageGroupName), ['churn-models']);
    const described2 = await sb.client.send(new sm.SearchCommand({ Resource: 'ModelPackageGroup', SearchExpression: { Filters: [
      { Name: 'ModelPackageGroupDescription', Operator: 'Exists' }] } }));
    assert.deepEqual(described2.Results!.map((x) => x.ModelPackageGroup!.ModelPackageGroupName), ['churn-models']);
  });
});
