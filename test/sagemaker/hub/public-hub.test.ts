import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerPublicHubContent } from '../../../src/sagemaker/hub/index.js';
import { ctx, otherAccount, otherRegion, rejectsWith, setup } from './fixtures.js';

const PUBLIC = 'SageMakerPublicHub';
const modelDoc = { GatedBucket: false, RecipeCollection: [{ CustomizationTechnique: 'SFT', Peft: 'LORA' }] };

describe('the public hub', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  const unregister: (() => void)[] = [];
  before(async () => {
    env = await setup();
    unregister.push(
      registerPublicHubContent({
        HubContentType: 'Model', HubContentName: 'test-tiny-model', HubContentVersion: '1.0.0', HubContentDocument: modelDoc,
        HubContentDisplayName: 'Tiny', HubContentDescription: 'a test model', HubContentSearchKeywords: ['@task:text-generation'],
        SupportStatus: 'Supported', HubContentMarkdown: '# Tiny',
      }),
      registerPublicHubContent({
        HubContentType: 'Model', HubContentName: 'test-tiny-model', HubContentVersion: '1.2.0', DocumentSchemaVersion: '2.1.0',
        HubContentDocument: JSON.stringify({ ...modelDoc, GatedBucket: true }), CreationTime: new Date(Date.UTC(2026, 0, 1)),
      }),
      registerPublicHubContent({
        HubContentType: 'Model', HubContentName: 'test-other-model', HubContentVersion: '3.0.0', HubContentDocument: {},
      }),
    );
  });
  after(async () => {
    for (const u of unregister) u();
    await env.store.close();
  });

  it('is described in every account and region, with account aws in its ARN', async () => {
    for (const c of [ctx, otherAccount, otherRegion(ctx)]) {
      for (const ref of [PUBLIC, 'sagemakerpublichub', `arn:aws:sagemaker:${c.region}:aws:hub/${PUBLIC}`]) {
        const d = await env.hub.DescribeHub({ HubName: ref }, c);
        assert.equal(d.HubName, PUBLIC);
        assert.equal(d.HubArn, `arn:aws:sagemaker:${c.region}:aws:hub/${PUBLIC}`);
        assert.equal(d.HubStatus, 'InService');
      }
    }
  });

  it('serves registered content: describe (latest or a version), list, versions', async () => {
    const latest = await env.hub.DescribeHubContent({ HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'test-tiny-model' }, ctx);
    assert.equal(latest.HubContentArn, 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/test-tiny-model/1.2.0');
    assert.equal(latest.HubArn, 'arn:aws:sagemaker:us-east-1:aws:hub/SageMakerPublicHub');
    assert.equal(latest.DocumentSchemaVersion, '2.1.0');
    assert.equal(JSON.parse(latest.HubContentDocument).GatedBucket, true);
    assert.equal(latest.CreationTime.toISOString(), '2026-01-01T00:00:00.000Z');
    const v1 = await env.hub.DescribeHubContent({ HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'test-tiny-model', HubContentVersion: '1.0.0' }, otherRegion(ctx));
    assert.equal(v1.HubContentArn, 'arn:aws:sagemaker:eu-west-1:aws:hub-content/SageMakerPublicHub/Model/test-tiny-model/1.0.0');
    assert.equal(v1.DocumentSchemaVersion, '2.0.0', 'the default schema version');
    assert.equal(v1.HubContentDisplayName, 'Tiny');
    assert.equal(v1.HubContentMarkdown, '# Tiny');
    assert.equal(v1.SupportStatus, 'Supported');
    assert.deepEqual(v1.HubContentSearchKeywords, ['@task:text-generation']);

    const list = await env.hub.ListHubContents({ HubName: PUBLIC, HubContentType: 'Model', NameContains: 'test-', SortBy: 'HubContentName' }, ctx);
    assert.deepEqual(list.HubContentSummaries.map((s) => `${s.HubContentName}@${s.HubContentVersion}`), ['test-other-model@3.0.0', 'test-tiny-model@1.2.0']);
    assert.ok(list.HubContentSummaries[1]!.OriginalCreationTime!.getTime() < list.HubContentSummaries[1]!.CreationTime.getTime());
    const readable = await env.hub.ListHubContents({ HubName: PUBLIC, HubContentType: 'Model', NameContains: 'tiny', MaxSchemaVersion: '2.0.0' }, ctx);
    assert.deepEqual(readable.HubContentSummaries.map((s) => s.HubContentVersion), ['1.0.0']);
    const p1 = await env.hub.ListHubContents({ HubName: PUBLIC, HubContentType: 'Model', NameContains: 'test', SortBy: 'HubContentName', SortOrder: 'Descending', MaxResults: 1 }, ctx);
    assert.deepEqual(p1.HubContentSummaries.map((s) => s.HubContentName), ['test-tiny-model']);
    const p2 = await env.hub.ListHubContents({ HubName: PUBLIC, HubContentType: 'Model', NameContains: 'test', SortBy: 'HubContentName', SortOrder: 'Descending', MaxResults: 1, NextToken: p1.NextToken }, ctx);
    assert.deepEqual(p2.HubContentSummaries.map((s) => s.HubContentName), ['test-other-model']);
    assert.equal(p2.NextToken, undefined);

    const versions = await env.hub.ListHubContentVersions({ HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'test-tiny-model', SortBy: 'HubContentName', SortOrder: 'Descending' }, ctx);
    assert.deepEqual(versions.HubContentSummaries.map((s) => s.HubContentVersion), ['1.2.0', '1.0.0']);
    const min = await env.hub.ListHubContentVersions({ HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'test-tiny-model', MinVersion: '1.1.0' }, ctx);
    assert.deepEqual(min.HubContentSummaries.map((s) => s.HubContentVersion), ['1.2.0']);
    assert.deepEqual((await env.hub.ListHubContents({ HubName: PUBLIC, HubContentType: 'DataSet' }, ctx)).HubContentSummaries, []);
  });

  it('answers ResourceNotFound for content it does not hold', async () => {
    await rejectsWith(env.hub.DescribeHubContent({ HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'nope' }, ctx), 'ResourceNotFound',
      'Hub content arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/nope does not exist.');
  });

  it('refuses writes', async () => {
    await rejectsWith(env.hub.ImportHubContent({
      HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'x', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0', HubContentDocument: '{}',
    }, ctx), 'ValidationException', 'SageMakerPublicHub is the read-only SageMaker public hub: ImportHubContent cannot change it.');
    await rejectsWith(env.hub.DeleteHubContent({
      HubName: 'arn:aws:sagemaker:us-east-1:aws:hub/SageMakerPublicHub', HubContentType: 'Model', HubContentName: 'test-tiny-model', HubContentVersion: '1.0.0',
    }, ctx), 'ValidationException', 'SageMakerPublicHub is the read-only SageMaker public hub: DeleteHubContent cannot change it.');
    const arn = 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/test-tiny-model/1.0.0';
    await rejectsWith(env.tags.AddTags({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] }, ctx), 'ValidationException', `Resource ${arn} does not exist.`);
  });

  it('refuses bad registrations and replaces a re-registered version', () => {
    assert.throws(() => registerPublicHubContent({ HubContentType: 'DataSet', HubContentName: 'bad', HubContentVersion: '1.0.0', HubContentDocument: {} }),
      /public hub content bad: Invalid HubContentDocument for HubContentType DataSet/);
    assert.throws(() => registerPublicHubContent({ HubContentType: 'Model', HubContentName: 'bad_name', HubContentVersion: '1.0.0', HubContentDocument: {} }),
      /not a valid HubContentName/);
    const undo = registerPublicHubContent({ HubContentType: 'Model', HubContentName: 'test-other-model', HubContentVersion: '3.0.0', HubContentDocument: { replaced: true } });
    unregister.push(undo);
  });

  it('serves the replacement, and forgets an entry once unregistered', async () => {
    const d = await env.hub.DescribeHubContent({ HubName: PUBLIC, HubContentType: 'Model', HubContentName: 'test-other-model' }, ctx);
    assert.equal(d.HubContentDocument, '{"replaced":true}');
    const undo = registerPublicHubContent({ HubContentType: 'JsonDoc', HubContentName: 'test-gone', HubContentVersion: '1.0.0', HubContentDocument: {} });
    await env.hub.DescribeHubContent({ HubName: PUBLIC, HubContentType: 'JsonDoc', HubContentName: 'test-gone' }, ctx);
    undo();
    await rejectsWith(env.hub.DescribeHubContent({ HubName: PUBLIC, HubContentType: 'JsonDoc', HubContentName: 'test-gone' }, ctx), 'ResourceNotFound');
  });
});
