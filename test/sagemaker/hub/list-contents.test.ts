import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, datasetImport, rejectsWith, setup } from './fixtures.js';

const HUB = 'lists';
const names = (r: { HubContentSummaries: { HubContentName: string; HubContentVersion: string }[] }) =>
  r.HubContentSummaries.map((s) => `${s.HubContentName}@${s.HubContentVersion}`);

describe('ListHubContents and ListHubContentVersions', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    await env.hub.CreateHub({ HubName: HUB, HubDescription: 'd' }, ctx);
    // Imported in this order (creation order): beta@1.0.0, alpha@1.0.0, alpha@2.0.0 (schema 3.0.0), gamma@1.0.0, beta@1.1.0
    const imports: [string, string, string][] = [
      ['beta', '1.0.0', '2.0.0'], ['alpha', '1.0.0', '2.0.0'], ['alpha', '2.0.0', '3.0.0'], ['gamma', '1.0.0', '2.0.0'], ['beta', '1.1.0', '2.0.0'],
    ];
    for (const [name, version, schema] of imports) {
      await env.hub.ImportHubContent(datasetImport(HUB, name, {
        HubContentVersion: version, DocumentSchemaVersion: schema, HubContentSearchKeywords: [`v:${version}`],
      }), ctx);
      await new Promise((r) => setTimeout(r, 3)); // distinct creation times
    }
    await env.hub.ImportHubContent({ ...datasetImport(HUB, 'model-x'), HubContentType: 'Model', HubContentDocument: '{}' }, ctx);
  });
  after(async () => { await env.store.close(); });

  it('lists the latest version of each name, of the type asked, by creation time', async () => {
    const r = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet' }, ctx);
    assert.deepEqual(names(r), ['alpha@2.0.0', 'gamma@1.0.0', 'beta@1.1.0']);
    const s = r.HubContentSummaries[2]!;
    assert.equal(s.HubContentArn, 'arn:aws:sagemaker:us-east-1:123456789012:hub-content/lists/DataSet/beta/1.1.0');
    assert.equal(s.HubContentType, 'DataSet');
    assert.equal(s.DocumentSchemaVersion, '2.0.0');
    assert.equal(s.HubContentStatus, 'Available');
    assert.deepEqual(s.HubContentSearchKeywords, ['v:1.1.0']);
    assert.ok(s.OriginalCreationTime!.getTime() < s.CreationTime.getTime(), 'OriginalCreationTime is the first version\'s');
    const models = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'Model' }, ctx);
    assert.deepEqual(names(models), ['model-x@1.0.0']);
    assert.deepEqual(names(await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'JsonDoc' }, ctx)), []);
  });

  it('MaxSchemaVersion shows the newest version the caller can read', async () => {
    const r = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', MaxSchemaVersion: '2.0.0', SortBy: 'HubContentName' }, ctx);
    assert.deepEqual(names(r), ['alpha@1.0.0', 'beta@1.1.0', 'gamma@1.0.0']);
  });

  it('sorts by name and status, both orders, and filters by name and creation time', async () => {
    const byName = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', SortBy: 'HubContentName', SortOrder: 'Descending' }, ctx);
    assert.deepEqual(names(byName), ['gamma@1.0.0', 'beta@1.1.0', 'alpha@2.0.0']);
    const byStatus = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', SortBy: 'HubContentStatus' }, ctx);
    assert.equal(byStatus.HubContentSummaries.length, 3);
    const needle = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', NameContains: 'MM' }, ctx);
    assert.deepEqual(names(needle), ['gamma@1.0.0']);
    const all = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet' }, ctx);
    const gammaTime = all.HubContentSummaries[1]!.CreationTime;
    const after = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', CreationTimeAfter: gammaTime }, ctx);
    assert.deepEqual(names(after), ['beta@1.1.0'], 'exclusive bound');
    const before = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', CreationTimeBefore: gammaTime }, ctx);
    assert.deepEqual(names(before), ['alpha@2.0.0']);
  });

  it('pages with MaxResults and NextToken', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const r = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', SortBy: 'HubContentName', MaxResults: 1, NextToken: token }, ctx);
      seen.push(...names(r));
      token = r.NextToken;
    } while (token);
    assert.deepEqual(seen, ['alpha@2.0.0', 'beta@1.1.0', 'gamma@1.0.0']);
    const p1 = await env.hub.ListHubContents({ HubName: HUB, HubContentType: 'DataSet', MaxResults: 1 }, ctx);
    await rejectsWith(env.hub.ListHubContents({ HubName: HUB, HubContentType: 'Model', MaxResults: 1, NextToken: p1.NextToken }, ctx),
      'ValidationException', /Invalid pagination token/);
    await rejectsWith(env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'alpha', NextToken: p1.NextToken }, ctx),
      'ValidationException', /Invalid pagination token/);
  });

  it('lists every version of one content with MinVersion, MaxSchemaVersion and sorting', async () => {
    const all = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'BETA' }, ctx);
    assert.deepEqual(names(all), ['beta@1.0.0', 'beta@1.1.0']);
    const min = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'beta', MinVersion: '1.0.1' }, ctx);
    assert.deepEqual(names(min), ['beta@1.1.0']);
    const schema = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'alpha', MaxSchemaVersion: '2.9.9' }, ctx);
    assert.deepEqual(names(schema), ['alpha@1.0.0']);
    const desc = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'alpha', SortBy: 'HubContentName', SortOrder: 'Descending' }, ctx);
    assert.deepEqual(names(desc), ['alpha@2.0.0', 'alpha@1.0.0']);
    const p1 = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'alpha', MaxResults: 1 }, ctx);
    assert.deepEqual(names(p1), ['alpha@1.0.0']);
    const p2 = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'alpha', MaxResults: 1, NextToken: p1.NextToken }, ctx);
    assert.deepEqual(names(p2), ['alpha@2.0.0']);
    assert.equal(p2.NextToken, undefined);
    const none = await env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'nope' }, ctx);
    assert.deepEqual(none.HubContentSummaries, []);
    await rejectsWith(env.hub.ListHubContentVersions({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'beta', MinVersion: '1x0x0' }, ctx),
      'ValidationException', /^Invalid minVersion '1x0x0'/);
  });

  it('answers ResourceNotFound for an unknown hub', async () => {
    await rejectsWith(env.hub.ListHubContents({ HubName: 'nope', HubContentType: 'DataSet' }, ctx), 'ResourceNotFound', 'Hub nope does not exist.');
    await rejectsWith(env.hub.ListHubContentVersions({ HubName: 'nope', HubContentType: 'DataSet', HubContentName: 'x' }, ctx),
      'ResourceNotFound', 'Hub nope does not exist.');
  });
});
