import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  hubDatasetResolver, registerPublicHubContent, resolveDatasetLocation, resolveEvaluator, resolveHubContent,
} from '../../../src/sagemaker/hub/index.js';
import { ctx, datasetDocument, datasetImport, evaluatorDocument, otherAccount, otherRegion, rejectsWith, setup } from './fixtures.js';

const HUB = 'AiRegistry';
const arn = (type: string, name: string, version?: string) =>
  `arn:aws:sagemaker:us-east-1:123456789012:hub-content/${HUB}/${type}/${name}${version ? `/${version}` : ''}`;

describe('resolving hub content for other providers', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let unregister: () => void;
  before(async () => {
    env = await setup();
    await env.hub.CreateHub({ HubName: HUB, HubDescription: 'AI Registry Hub' }, ctx);
    await env.hub.ImportHubContent(datasetImport(HUB, 'train', { HubContentDocument: datasetDocument('bkt', 'datasets/train/a.jsonl') }), ctx);
    await env.hub.ImportHubContent(datasetImport(HUB, 'train', { HubContentVersion: '2.0.0', HubContentDocument: datasetDocument('bkt', 'datasets/train/b.jsonl') }), ctx);
    await env.hub.ImportHubContent(datasetImport(HUB, 'whole-bucket', { HubContentDocument: '{"DatasetS3Bucket":"bkt"}' }), ctx);
    await env.hub.ImportHubContent({
      HubName: HUB, HubContentType: 'JsonDoc', HubContentName: 'reward', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0',
      HubContentDocument: evaluatorDocument('arn:aws:lambda:us-east-1:123456789012:function:f'),
    }, ctx);
    await env.hub.ImportHubContent({
      HubName: HUB, HubContentType: 'JsonDoc', HubContentName: 'spec', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0',
      HubContentDocument: '{"SubType":"AWS/Specification","JsonContent":"{}"}',
    }, ctx);
    unregister = registerPublicHubContent({ HubContentType: 'Model', HubContentName: 'test-base', HubContentVersion: '1.0.0', HubContentDocument: { GatedBucket: false } });
  });
  after(async () => {
    unregister();
    await env.store.close();
  });

  it('resolves a versioned ARN, and an unversioned one to the latest version', async () => {
    const v1 = await resolveHubContent(env.store, ctx, arn('DataSet', 'train', '1.0.0'), 'DataSet');
    assert.equal(v1.arn, arn('DataSet', 'train', '1.0.0'));
    assert.equal(v1.version, '1.0.0');
    assert.equal(v1.hubName, HUB);
    assert.equal(v1.hubArn, 'arn:aws:sagemaker:us-east-1:123456789012:hub/AiRegistry');
    assert.equal(v1.isPublic, false);
    assert.equal(v1.type, 'DataSet');
    assert.equal(v1.status, 'Available');
    assert.equal(v1.document['DatasetS3Prefix'], 'datasets/train/a.jsonl');
    const latest = await resolveHubContent(env.store, ctx, arn('DataSet', 'TRAIN').replace('AiRegistry', 'airegistry'));
    assert.equal(latest.arn, arn('DataSet', 'train', '2.0.0'));
  });

  it('resolves public hub content (account aws) in the caller\'s region', async () => {
    const m = await resolveHubContent(env.store, ctx, 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/test-base', 'Model');
    assert.equal(m.arn, 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/test-base/1.0.0');
    assert.equal(m.isPublic, true);
    assert.equal(m.hubName, 'SageMakerPublicHub');
    assert.deepEqual(m.document, { GatedBucket: false });
    await rejectsWith(resolveHubContent(env.store, ctx, 'arn:aws:sagemaker:us-west-2:aws:hub-content/SageMakerPublicHub/Model/test-base'),
      'ResourceNotFound', 'Hub content arn:aws:sagemaker:us-west-2:aws:hub-content/SageMakerPublicHub/Model/test-base does not exist.');
  });

  it('resolves a DataSet to its S3 location', async () => {
    assert.equal(await resolveDatasetLocation(env.store, ctx, arn('DataSet', 'train')), 's3://bkt/datasets/train/b.jsonl');
    assert.equal(await resolveDatasetLocation(env.store, ctx, arn('DataSet', 'train', '1.0.0')), 's3://bkt/datasets/train/a.jsonl');
    assert.equal(await resolveDatasetLocation(env.store, ctx, arn('DataSet', 'whole-bucket')), 's3://bkt/');
    const resolve = hubDatasetResolver(env.store);
    assert.deepEqual(await resolve(arn('DataSet', 'train'), { accountId: ctx.accountId, region: ctx.region }),
      { s3Uri: 's3://bkt/datasets/train/b.jsonl', s3DataType: 'S3Prefix' });
  });

  it('resolves an evaluator JsonDoc to its reference and type', async () => {
    const e = await resolveEvaluator(env.store, ctx, arn('JsonDoc', 'reward', '1.0.0'));
    assert.equal(e.reference, 'arn:aws:lambda:us-east-1:123456789012:function:f');
    assert.equal(e.evaluatorType, 'RewardFunction');
    assert.equal(e.hubContent.name, 'reward');
    await rejectsWith(resolveEvaluator(env.store, ctx, arn('JsonDoc', 'spec')), 'ValidationException',
      `Hub content ${arn('JsonDoc', 'spec', '1.0.0')} is not an evaluator (its document's SubType is not AWS/Evaluator).`);
  });

  it('refuses what is not there, of the wrong type, or not an ARN', async () => {
    for (const missing of [
      arn('DataSet', 'nope'), arn('DataSet', 'train', '9.0.0'), arn('DataSet', 'train', '1-0-0'),
      'arn:aws:sagemaker:us-east-1:123456789012:hub-content/nohub/DataSet/train',
    ]) {
      await rejectsWith(resolveDatasetLocation(env.store, ctx, missing), 'ResourceNotFound', `Hub content ${missing} does not exist.`);
    }
    await rejectsWith(resolveHubContent(env.store, otherAccount, arn('DataSet', 'train')), 'ResourceNotFound');
    await rejectsWith(resolveHubContent(env.store, otherRegion(ctx), arn('DataSet', 'train')), 'ResourceNotFound');
    await rejectsWith(resolveDatasetLocation(env.store, ctx, arn('JsonDoc', 'reward')), 'ValidationException',
      `${arn('JsonDoc', 'reward')} is not a DataSet hub content ARN.`);
    await rejectsWith(resolveHubContent(env.store, ctx, 's3://bucket/data.jsonl'), 'ValidationException', 's3://bucket/data.jsonl is not a hub content ARN.');
    await rejectsWith(resolveHubContent(env.store, ctx, arn('Notebook', 'n')), 'ValidationException', /is not a Model, DataSet or JsonDoc hub content ARN\.$/);
  });
});
