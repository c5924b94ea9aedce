import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, datasetImport, otherAccount, otherRegion, rejectsWith, setup } from './fixtures.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:hub/AI-Assets';

describe('hubs', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => { env = await setup(); });
  after(async () => { await env.store.close(); });

  it('creates a hub and describes it by name (any casing) and by ARN', async () => {
    const { HubArn } = await env.hub.CreateHub({
      HubName: 'AI-Assets', HubDescription: 'datasets and evaluators', HubDisplayName: 'AI assets',
      HubSearchKeywords: ['team:ml'], S3StorageConfig: { S3OutputPath: 's3://bucket/hub/' },
      Tags: [{ Key: 'team', Value: 'ml' }],
    }, ctx);
    assert.equal(HubArn, ARN);
    for (const ref of ['AI-Assets', 'ai-assets', ARN, ARN.toLowerCase()]) {
      const d = await env.hub.DescribeHub({ HubName: ref }, ctx);
      assert.equal(d.HubName, 'AI-Assets');
      assert.equal(d.HubArn, ARN);
      assert.equal(d.HubDescription, 'datasets and evaluators');
      assert.equal(d.HubDisplayName, 'AI assets');
      assert.deepEqual(d.HubSearchKeywords, ['team:ml']);
      assert.deepEqual(d.S3StorageConfig, { S3OutputPath: 's3://bucket/hub/' });
      assert.equal(d.HubStatus, 'InService');
      assert.ok(d.CreationTime instanceof Date);
      assert.equal(d.LastModifiedTime.getTime(), d.CreationTime.getTime());
    }
    const tags = await env.tags.ListTags({ ResourceArn: ARN }, ctx);
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }]);
  });

  it('refuses a duplicate name in any casing with ResourceInUse', async () => {
    await rejectsWith(env.hub.CreateHub({ HubName: 'ai-ASSETS', HubDescription: 'd' }, ctx),
      'ResourceInUse', `Hub already exists: ${ARN}`);
  });

  it('refuses concurrent duplicates: exactly one create wins', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => env.hub.CreateHub({ HubName: 'race', HubDescription: 'd' }, ctx)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('answers ResourceNotFound for an unknown hub, another account, another region', async () => {
    await rejectsWith(env.hub.DescribeHub({ HubName: 'nope' }, ctx), 'ResourceNotFound', 'Hub nope does not exist.');
    await rejectsWith(env.hub.DescribeHub({ HubName: 'AI-Assets' }, otherAccount), 'ResourceNotFound', 'Hub AI-Assets does not exist.');
    await rejectsWith(env.hub.DescribeHub({ HubName: 'AI-Assets' }, otherRegion(ctx)), 'ResourceNotFound');
    await rejectsWith(env.hub.DescribeHub({ HubName: 'arn:aws:sagemaker:us-east-1:210987654321:hub/AI-Assets' }, ctx),
      'ResourceNotFound', 'Hub AI-Assets does not exist.');
    await rejectsWith(env.hub.DeleteHub({ HubName: 'nope' }, ctx), 'ResourceNotFound', 'Hub nope does not exist.');
  });

  it('refuses the public hub name for a private hub', async () => {
    await rejectsWith(env.hub.CreateHub({ HubName: 'sagemakerpublichub', HubDescription: 'd' }, ctx), 'ResourceInUse',
      /^Hub already exists: arn:aws:sagemaker:us-east-1:aws:hub\/SageMakerPublicHub \(SageMakerPublicHub is the SageMaker public hub/);
  });

  it('lists hubs with filters, sorting and pages', async () => {
    for (const n of ['list-b', 'list-a', 'list-c']) await env.hub.CreateHub({ HubName: n, HubDescription: n }, ctx);
    const all = await env.hub.ListHubs({ NameContains: 'LIST' }, ctx);
    assert.deepEqual(all.HubSummaries.map((h) => h.HubName), ['list-b', 'list-a', 'list-c']);
    assert.equal(all.NextToken, undefined);
    const byName = await env.hub.ListHubs({ NameContains: 'list', SortBy: 'HubName', SortOrder: 'Descending' }, ctx);
    assert.deepEqual(byName.HubSummaries.map((h) => h.HubName), ['list-c', 'list-b', 'list-a']);
    const p1 = await env.hub.ListHubs({ NameContains: 'list', SortBy: 'HubName', MaxResults: 2 }, ctx);
    assert.deepEqual(p1.HubSummaries.map((h) => h.HubName), ['list-a', 'list-b']);
    assert.ok(p1.NextToken);
    const p2 = await env.hub.ListHubs({ NameContains: 'list', SortBy: 'HubName', MaxResults: 2, NextToken: p1.NextToken }, ctx);
    assert.deepEqual(p2.HubSummaries.map((h) => h.HubName), ['list-c']);
    assert.equal(p2.NextToken, undefined);
    await rejectsWith(env.hub.ListHubs({ NameContains: 'other', NextToken: p1.NextToken }, ctx), 'ValidationException', /pagination token/);
    const first = all.HubSummaries[0]!.CreationTime;
    const later = await env.hub.ListHubs({ NameContains: 'list', CreationTimeAfter: new Date(first.getTime() - 1) }, ctx);
    assert.equal(later.HubSummaries.length, 3);
    const none = await env.hub.ListHubs({ NameContains: 'list', LastModifiedTimeBefore: new Date(first.getTime()) }, ctx);
    assert.equal(none.HubSummaries.length, 0);
    for (const sortBy of ['HubStatus', 'AccountIdOwner'] as const) {
      const r = await env.hub.ListHubs({ NameContains: 'list', SortBy: sortBy }, ctx);
      assert.deepEqual(r.HubSummaries.map((h) => h.HubName), ['list-b', 'list-a', 'list-c']);
    }
    const listed = await env.hub.ListHubs({}, ctx);
    assert.ok(!listed.HubSummaries.some((h) => h.HubName === 'SageMakerPublicHub'), 'the public hub is not listed');
    assert.equal((await env.hub.ListHubs({}, otherAccount)).HubSummaries.length, 0);
  });

  it('refuses to delete a hub that holds content (ResourceInUse), then deletes it with its tags', async () => {
    await env.hub.CreateHub({ HubName: 'full', HubDescription: 'd', Tags: [{ Key: 'k', Value: 'v' }] }, ctx);
    await env.hub.ImportHubContent(datasetImport('full', 'train'), ctx);
    await rejectsWith(env.hub.DeleteHub({ HubName: 'full' }, ctx), 'ResourceInUse',
      'Hub full cannot be deleted: it still holds 1 hub content version(s). Delete its content first.');
    await env.hub.DeleteHubContent({ HubName: 'full', HubContentType: 'DataSet', HubContentName: 'train', HubContentVersion: '1.0.0' }, ctx);
    await env.hub.DeleteHub({ HubName: 'arn:aws:sagemaker:us-east-1:123456789012:hub/full' }, ctx);
    await rejectsWith(env.hub.DescribeHub({ HubName: 'full' }, ctx), 'ResourceNotFound');
    const tags = await env.store.db.selectFrom('tags').selectAll().where('resource_key', 'like', '%hub/full').execute();
    assert.equal(tags.length, 0);
    // The name is free again.
    await env.hub.CreateHub({ HubName: 'full', HubDescription: 'again' }, ctx);
  });

  it('refuses to delete the public hub', async () => {
    await rejectsWith(env.hub.DeleteHub({ HubName: 'SageMakerPublicHub' }, ctx), 'ValidationException',
      'SageMakerPublicHub is the read-only SageMaker public hub: DeleteHub cannot change it.');
  });
});
