/**
 * Hubs end to end: the real @aws-sdk/client-sagemaker over HTTP against a
 * sagebox started by the test. Private hubs with DataSet / JsonDoc / Model
 * content as the SageMaker Python SDK writes it, versions, the public hub,
 * tags on hub ARNs, restart persistence, and bad input for every hub
 * operation with the service's exact messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  AddTagsCommand, CreateHubCommand, DeleteHubCommand, DeleteHubContentCommand, DeleteTagsCommand, DescribeHubCommand,
  DescribeHubContentCommand, ImportHubContentCommand, ListHubContentVersionsCommand, ListHubContentsCommand,
  ListHubsCommand, ListTagsCommand,
} from '@aws-sdk/client-sagemaker';
import { registerPublicHubContent } from '../../src/sagemaker/hub/index.js';
import { awsError, startTestSagebox, tempDataDir, type TestSagebox } from '../helpers/sagebox.js';
import { enumSet, many, maxLen, minLen, minVal, notNull, one, pattern, runBadInputCases, type BadInputCase } from '../helpers/bad-input.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const HUB = 'AI-Registry';
const hubArn = (h: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hub/${h}`;
const contentArn = (type: string, name: string, version: string) =>
  `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hub-content/${HUB}/${type}/${name}/${version}`;

/** Documents exactly as sagemaker.ai_registry (SDK v3) builds them. */
const datasetDoc = (prefix: string) => JSON.stringify({
  DatasetType: 'CUSTOMER_PROVIDED', DatasetRoleArn: 'arn:aws:iam::123456789012:role/r',
  DatasetS3Bucket: 'sagemaker-us-east-1-123456789012', DatasetS3Prefix: prefix, DatasetContextS3Uri: '""',
  ConversationId: 'default-conversation', ConversationCheckpointId: 'default-checkpoint', Dependencies: [],
});
const evaluatorDoc = JSON.stringify({
  SubType: 'AWS/Evaluator',
  JsonContent: JSON.stringify({ Reference: 'arn:aws:lambda:us-east-1:123456789012:function:reward', EvaluatorType: 'RewardFunction' }),
});

let sb: TestSagebox;
let unregister: () => void;
before(async () => {
  unregister = registerPublicHubContent({
    HubContentType: 'Model', HubContentName: 'e2e-base-model', HubContentVersion: '1.0.0',
    HubContentDocument: { GatedBucket: false, RecipeCollection: [] }, HubContentDisplayName: 'E2E base model',
  });
  sb = await startTestSagebox();
});
after(async () => {
  unregister();
  await sb.close(true);
});

describe('hubs through the SDK', () => {
  test('the AI registry flow: create hub, import datasets and evaluators, versions, describe, list, delete', async () => {
    const created = await sb.client.send(new CreateHubCommand({
      HubName: HUB, HubDescription: 'AI Registry Hub', HubDisplayName: `AiRegistry-${REGION}-${ACCOUNT}`,
      HubSearchKeywords: ['ai-registry'], Tags: [{ Key: 'team', Value: 'ml' }],
    }));
    assert.equal(created.HubArn, hubArn(HUB));
    const described = await sb.client.send(new DescribeHubCommand({ HubName: HUB.toLowerCase() }));
    assert.equal(described.HubName, HUB);
    assert.equal(described.HubStatus, 'InService');
    assert.equal(described.HubDisplayName, `AiRegistry-${REGION}-${ACCOUNT}`);
    assert.deepEqual(described.HubSearchKeywords, ['ai-registry']);
    assert.ok(described.CreationTime instanceof Date && described.LastModifiedTime instanceof Date);

    const v1 = await sb.client.send(new ImportHubContentCommand({
      HubName: HUB, HubContentType: 'DataSet', HubContentName: 'sft-train', HubContentVersion: '1.0.0',
      DocumentSchemaVersion: '2.0.0', HubContentDocument: datasetDoc('datasets/sft-train/20251203_101010.jsonl'),
      HubContentSearchKeywords: ['method:uploaded', 'customization_technique:sft'],
    }));
    assert.deepEqual({ HubArn: v1.HubArn, HubContentArn: v1.HubContentArn }, { HubArn: hubArn(HUB), HubContentArn: contentArn('DataSet', 'sft-train', '1.0.0') });
    // The SDK's re-import: describe the latest, bump the major.
    const latest = await sb.client.send(new DescribeHubContentCommand({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'sft-train' }));
    const next = `${Number(latest.HubContentVersion!.split('.')[0]) + 1}.0.0`;
    await sb.client.send(new ImportHubContentCommand({
      HubName: HUB, HubContentType: 'DataSet', HubContentName: 'sft-train', HubContentVersion: next,
      DocumentSchemaVersion: '2.0.0', HubContentDocument: datasetDoc('datasets/sft-train/20251204_101010.jsonl'),
    }));
    const now = await sb.client.send(new DescribeHubContentCommand({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'sft-train' }));
    assert.equal(now.HubContentVersion, '2.0.0');
    assert.equal(now.HubContentStatus, 'Available');
    assert.equal(now.HubContentArn, contentArn('DataSet', 'sft-train', '2.0.0'));
    assert.equal(JSON.parse(now.HubContentDocument!).DatasetS3Prefix, 'datasets/sft-train/20251204_101010.jsonl');
    assert.ok(now.CreationTime instanceof Date && now.LastModifiedTime instanceof Date);

    await sb.client.send(new ImportHubContentCommand({
      HubName: HUB, HubContentType: 'JsonDoc', HubContentName: 'reward-fn', HubContentVersion: '1.0.0',
      DocumentSchemaVersion: '2.0.0', HubContentDocument: evaluatorDoc,
      HubContentSearchKeywords: ['method:lambda', '@subtype:aws/evaluator', '@evaluatortype:rewardfunction', '@contenttype:byolambda'],
    }));
    const evaluator = await sb.client.send(new DescribeHubContentCommand({ HubName: hubArn(HUB), HubContentType: 'JsonDoc', HubContentName: 'reward-fn', HubContentVersion: '1.0.0' }));
    assert.equal(JSON.parse(JSON.parse(evaluator.HubContentDocument!).JsonContent).EvaluatorType, 'RewardFunction');

    const datasets = await sb.client.send(new ListHubContentsCommand({ HubName: HUB, HubContentType: 'DataSet' }));
    assert.deepEqual(datasets.HubContentSummaries?.map((s) => [s.HubContentName, s.HubContentVersion]), [['sft-train', '2.0.0']]);
    assert.deepEqual(datasets.HubContentSummaries?.[0]?.HubContentSearchKeywords, undefined, 'v2 was imported without keywords');
    const versions = await sb.client.send(new ListHubContentVersionsCommand({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'sft-train' }));
    assert.deepEqual(versions.HubContentSummaries?.map((s) => s.HubContentVersion), ['1.0.0', '2.0.0']);
    assert.deepEqual(versions.HubContentSummaries?.[0]?.HubContentSearchKeywords, ['method:uploaded', 'customization_technique:sft']);

    const hubs = await sb.client.send(new ListHubsCommand({ NameContains: 'registry' }));
    assert.deepEqual(hubs.HubSummaries?.map((h) => h.HubName), [HUB]);

    const inUse = await awsError(() => sb.client.send(new DeleteHubCommand({ HubName: HUB })));
    assert.equal(inUse.name, 'ResourceInUse');
    assert.equal(inUse.$metadata?.httpStatusCode, 400);
    assert.equal(inUse.message, `Hub ${HUB} cannot be deleted: it still holds 3 hub content version(s). Delete its content first.`);

    const dup = await awsError(() => sb.client.send(new ImportHubContentCommand({
      HubName: HUB, HubContentType: 'JsonDoc', HubContentName: 'reward-fn', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0', HubContentDocument: evaluatorDoc,
    })));
    assert.equal(dup.name, 'ResourceInUse');
    assert.equal(dup.message, `Hub content already exists: ${contentArn('JsonDoc', 'reward-fn', '1.0.0')}`);

    for (const [type, name, version] of [['DataSet', 'sft-train', '1.0.0'], ['DataSet', 'sft-train', '2.0.0'], ['JsonDoc', 'reward-fn', '1.0.0']] as const) {
      await sb.client.send(new DeleteHubContentCommand({ HubName: HUB, HubContentType: type, HubContentName: name, HubContentVersion: version }));
    }
    const gone = await awsError(() => sb.client.send(new DescribeHubContentCommand({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'sft-train' })));
    assert.equal(gone.name, 'ResourceNotFound');
    assert.equal(gone.message, `Hub content arn:aws:sagemaker:${REGION}:${ACCOUNT}:hub-content/${HUB}/DataSet/sft-train does not exist.`);
    await sb.client.send(new DeleteHubCommand({ HubName: HUB }));
    const noHub = await awsError(() => sb.client.send(new DescribeHubCommand({ HubName: HUB })));
    assert.equal(noHub.name, 'ResourceNotFound');
    assert.equal(noHub.message, `Hub ${HUB} does not exist.`);
  });

  test('tags on hub and hub content ARNs', async () => {
    const { HubArn } = await sb.client.send(new CreateHubCommand({ HubName: 'tagged', HubDescription: 'd', Tags: [{ Key: 'a', Value: '1' }] }));
    const { HubContentArn } = await sb.client.send(new ImportHubContentCommand({
      HubName: 'tagged', HubContentType: 'Model', HubContentName: 'm', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0',
      HubContentDocument: '{}', Tags: [{ Key: 'b', Value: '2' }],
    }));
    assert.deepEqual((await sb.client.send(new ListTagsCommand({ ResourceArn: HubArn }))).Tags, [{ Key: 'a', Value: '1' }]);
    assert.deepEqual((await sb.client.send(new ListTagsCommand({ ResourceArn: HubContentArn }))).Tags, [{ Key: 'b', Value: '2' }]);
    await sb.client.send(new AddTagsCommand({ ResourceArn: HubContentArn, Tags: [{ Key: 'c', Value: '3' }] }));
    await sb.client.send(new DeleteTagsCommand({ ResourceArn: HubContentArn, TagKeys: ['b'] }));
    assert.deepEqual((await sb.client.send(new ListTagsCommand({ ResourceArn: HubContentArn }))).Tags, [{ Key: 'c', Value: '3' }]);
    await sb.client.send(new AddTagsCommand({ ResourceArn: HubArn!, Tags: [{ Key: 'a', Value: 'x' }] }));
    assert.deepEqual((await sb.client.send(new ListTagsCommand({ ResourceArn: HubArn }))).Tags, [{ Key: 'a', Value: 'x' }]);
    const missing = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hub-content/tagged/Model/m/9.0.0`;
    const err = await awsError(() => sb.client.send(new AddTagsCommand({ ResourceArn: missing, Tags: [{ Key: 'k', Value: 'v' }] })));
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.message, `Resource ${missing} does not exist.`);
    await sb.client.send(new DeleteHubContentCommand({ HubName: 'tagged', HubContentType: 'Model', HubContentName: 'm', HubContentVersion: '1.0.0' }));
    const after = await awsError(() => sb.client.send(new ListTagsCommand({ ResourceArn: HubContentArn })));
    assert.equal(after.message, `Resource ${HubContentArn} does not exist.`);
  });

  test('the public hub serves built-in content read-only, in any account', async () => {
    const other = sb.clientFor('210987654321', 'eu-west-1');
    const hub = await other.send(new DescribeHubCommand({ HubName: 'SageMakerPublicHub' }));
    assert.equal(hub.HubArn, 'arn:aws:sagemaker:eu-west-1:aws:hub/SageMakerPublicHub');
    const model = await other.send(new DescribeHubContentCommand({ HubName: 'SageMakerPublicHub', HubContentType: 'Model', HubContentName: 'e2e-base-model' }));
    assert.equal(model.HubContentArn, 'arn:aws:sagemaker:eu-west-1:aws:hub-content/SageMakerPublicHub/Model/e2e-base-model/1.0.0');
    assert.equal(model.HubContentDisplayName, 'E2E base model');
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await sb.client.send(new ListHubContentsCommand({ HubName: 'SageMakerPublicHub', HubContentType: 'Model', NameContains: 'e2e', MaxResults: 1, NextToken: token }));
      names.push(...(page.HubContentSummaries ?? []).map((s) => s.HubContentName!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(names, ['e2e-base-model']);
    const refused = await awsError(() => sb.client.send(new ImportHubContentCommand({
      HubName: 'SageMakerPublicHub', HubContentType: 'Model', HubContentName: 'mine', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0', HubContentDocument: '{}',
    })));
    assert.equal(refused.name, 'ValidationException');
    assert.equal(refused.message, 'SageMakerPublicHub is the read-only SageMaker public hub: ImportHubContent cannot change it.');
  });
});

test('hubs and their content survive a restart', async () => {
  const dataDir = tempDataDir();
  try {
    const first = await startTestSagebox({ dataDir });
    await first.client.send(new CreateHubCommand({ HubName: 'durable', HubDescription: 'd', Tags: [{ Key: 'k', Value: 'v' }] }));
    const { HubContentArn } = await first.client.send(new ImportHubContentCommand({
      HubName: 'durable', HubContentType: 'DataSet', HubContentName: 'data', HubContentVersion: '1.2.3',
      DocumentSchemaVersion: '2.0.0', HubContentDocument: datasetDoc('d.jsonl'), HubContentMarkdown: '# data',
    }));
    await first.close();
    const second = await startTestSagebox({ dataDir });
    try {
      const d = await second.client.send(new DescribeHubContentCommand({ HubName: 'durable', HubContentType: 'DataSet', HubContentName: 'data' }));
      assert.equal(d.HubContentArn, HubContentArn);
      assert.equal(d.HubContentVersion, '1.2.3');
      assert.equal(d.HubContentMarkdown, '# data');
      assert.equal(d.HubContentDocument, datasetDoc('d.jsonl'));
      assert.deepEqual((await second.client.send(new ListTagsCommand({ ResourceArn: hubArn('durable') }))).Tags, [{ Key: 'k', Value: 'v' }]);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// ---- bad input for every hub operation --------------------------------------------------------

const NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
const NAME_OR_ARN = '(arn:[a-z0-9-\\.]{1,63}:sagemaker:\\w+(?:-\\w+)+:(\\d{12}|aws):hub\\/)?[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
const VERSION = '\\d{1,4}.\\d{1,4}.\\d{1,4}';
const CONTENT_TYPES = ['Model', 'Notebook', 'ModelReference', 'DataSet', 'JsonDoc'];
const CONTENT_SORT = ['HubContentName', 'CreationTime', 'HubContentStatus'];


const BAD_HUB = 'bad-input-hub';
const content = { HubName: BAD_HUB, HubContentType: 'DataSet', HubContentName: 'ds', HubContentVersion: '1.0.0' };
const importOf = (extra: Record<string, unknown>) => ({ ...content, DocumentSchemaVersion: '2.0.0', HubContentDocument: datasetDoc('x.jsonl'), ...extra });
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));


const cases: Record<string, BadInputCase[]> = {
  CreateHub: [
    { what: 'missing required members', input: {}, message: many(notNull('hubName'), notNull('hubDescription')) },
    { what: 'bad name pattern', input: { HubName: 'a_b', HubDescription: 'd' }, message: one(pattern('a_b', 'hubName', NAME)) },
    { what: 'name too long', input: { HubName: 'h'.repeat(64), HubDescription: 'd' }, message: many(maxLen('h'.repeat(64), 'hubName', 63), pattern('h'.repeat(64), 'hubName', NAME)) },
    { what: 'description too long', input: { HubName: 'h', HubDescription: 'd'.repeat(1024) }, message: one(maxLen('d'.repeat(1024), 'hubDescription', 1023)) },
    { what: 'upper-case search keyword', input: { HubName: 'h', HubDescription: 'd', HubSearchKeywords: ['ok', 'Bad'] }, message: one(pattern('Bad', 'hubSearchKeywords.2.member', '[^A-Z]*')) },
    { what: 'bad S3 output path', input: { HubName: 'h', HubDescription: 'd', S3StorageConfig: { S3OutputPath: 'ftp://b/p' } }, message: one(pattern('ftp://b/p', 's3StorageConfig.s3OutputPath', '(https|s3)://([^/]+)/?(.*)')) },
    { what: 'too many tags', input: { HubName: 'h', HubDescription: 'd', Tags: tags(51) }, message: /^1 validation error detected: Value '\[.*\]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/ },
    { what: 'wrong type', input: { HubName: 'h', HubDescription: 7 }, code: 'SerializationException', message: 'NUMBER_VALUE can not be converted to a String' },
    { what: 'duplicate name', input: { HubName: BAD_HUB.toUpperCase(), HubDescription: 'd' }, code: 'ResourceInUse', message: `Hub already exists: ${hubArn(BAD_HUB)}` },
    { what: 'the public hub name', input: { HubName: 'SageMakerPublicHub', HubDescription: 'd' }, code: 'ResourceInUse', message: /^Hub already exists: arn:aws:sagemaker:us-east-1:aws:hub\/SageMakerPublicHub / },
  ],
  DescribeHub: [
    { what: 'missing name', input: {}, message: one(notNull('hubName')) },
    { what: 'bad pattern', input: { HubName: 'a_b' }, message: one(pattern('a_b', 'hubName', NAME_OR_ARN)) },
    { what: 'not a hub ARN', input: { HubName: 'arn:aws:sagemaker:us-east-1:123456789012:model/x' }, message: one(pattern('arn:aws:sagemaker:us-east-1:123456789012:model/x', 'hubName', NAME_OR_ARN)) },
    { what: 'unknown hub', input: { HubName: 'nope' }, code: 'ResourceNotFound', message: 'Hub nope does not exist.' },
  ],
  ListHubs: [
    { what: 'bad enums', input: { SortBy: 'Size', SortOrder: 'Up' }, message: many(enumSet('Size', 'sortBy', ['HubName', 'CreationTime', 'HubStatus', 'AccountIdOwner']), enumSet('Up', 'sortOrder', ['Ascending', 'Descending'])) },
    { what: 'MaxResults below range', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'bad NameContains', input: { NameContains: 'a_b' }, message: one(pattern('a_b', 'nameContains', '[a-zA-Z0-9\\-]+')) },
    { what: 'wrong timestamp type', input: { CreationTimeAfter: 'yesterday' }, code: 'SerializationException', message: "STRING_VALUE 'yesterday' can not be converted to a Date" },
    { what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: 'Invalid pagination token: the NextToken is malformed or was issued for a different request.' },
  ],
  DeleteHub: [
    { what: 'missing name', input: {}, message: one(notNull('hubName')) },
    { what: 'trailing hyphen', input: { HubName: 'x-' }, message: one(pattern('x-', 'hubName', NAME_OR_ARN)) },
    { what: 'unknown hub', input: { HubName: 'nope' }, code: 'ResourceNotFound', message: 'Hub nope does not exist.' },
    { what: 'the public hub', input: { HubName: 'SageMakerPublicHub' }, message: 'SageMakerPublicHub is the read-only SageMaker public hub: DeleteHub cannot change it.' },
  ],
  ImportHubContent: [
    { what: 'missing required members', input: {}, message: many(notNull('hubContentName'), notNull('hubContentType'), notNull('documentSchemaVersion'), notNull('hubName'), notNull('hubContentDocument')) },
    { what: 'bad content type', input: importOf({ HubContentType: 'Dataset' }), message: one(enumSet('Dataset', 'hubContentType', CONTENT_TYPES)) },
    { what: 'version too short', input: importOf({ HubContentVersion: '1.0' }), message: many(minLen('1.0', 'hubContentVersion', 5), pattern('1.0', 'hubContentVersion', VERSION)) },
    { what: 'schema version off pattern', input: importOf({ DocumentSchemaVersion: 'v2.0.0' }), message: one(pattern('v2.0.0', 'documentSchemaVersion', VERSION)) },
    { what: 'bad content name', input: importOf({ HubContentName: 'my_data' }), message: one(pattern('my_data', 'hubContentName', NAME)) },
    { what: 'bad support status', input: importOf({ SupportStatus: 'Active' }), message: one(enumSet('Active', 'supportStatus', ['Supported', 'Deprecated', 'Restricted'])) },
    { what: 'document too long', input: importOf({ HubContentDocument: 'x'.repeat(327681) }), message: /^1 validation error detected: Value 'x+' at 'hubContentDocument' failed to satisfy constraint: Member must have length less than or equal to 327680$/ },
    { what: 'markdown too long', input: importOf({ HubContentMarkdown: 'm'.repeat(170392) }), message: /at 'hubContentMarkdown' failed to satisfy constraint: Member must have length less than or equal to 170391$/ },
    { what: 'too many keywords', input: importOf({ HubContentSearchKeywords: Array.from({ length: 51 }, (_, i) => `k${i}`) }), message: /at 'hubContentSearchKeywords' failed to satisfy constraint: Member must have length less than or equal to 50$/ },
    { what: 'document not JSON', input: importOf({ HubContentDocument: '{oops' }), message: /^Invalid HubContentDocument for HubContentType DataSet: it is not valid JSON/ },
    { what: 'DataSet without a bucket', input: importOf({ HubContentDocument: '{"DatasetS3Prefix":"p"}' }), message: 'Invalid HubContentDocument for HubContentType DataSet: DatasetS3Bucket must be the name of the S3 bucket that holds the data set.' },
    { what: 'version with other separators', input: importOf({ HubContentVersion: '1-0-0' }), message: "Invalid hubContentVersion '1-0-0': a version is <major>.<minor>.<patch>, each 1 to 4 digits separated by '.', e.g. 1.0.0." },
    { what: 'unknown hub', input: importOf({ HubName: 'nope' }), code: 'ResourceNotFound', message: 'Hub nope does not exist.' },
  ],
  DescribeHubContent: [
    { what: 'missing required members', input: {}, message: many(notNull('hubName'), notNull('hubContentType'), notNull('hubContentName')) },
    { what: 'bad version pattern', input: { ...content, HubContentVersion: 'a.b.c.d' }, message: one(pattern('a.b.c.d', 'hubContentVersion', VERSION)) },
    { what: 'version too long', input: { ...content, HubContentVersion: '10000.10000.10000' }, message: many(maxLen('10000.10000.10000', 'hubContentVersion', 14), pattern('10000.10000.10000', 'hubContentVersion', VERSION)) },
    { what: 'bad content type', input: { ...content, HubContentType: 'model' }, message: one(enumSet('model', 'hubContentType', CONTENT_TYPES)) },
    { what: 'unknown content', input: { ...content, HubContentName: 'nope' }, code: 'ResourceNotFound', message: `Hub content arn:aws:sagemaker:us-east-1:123456789012:hub-content/${BAD_HUB}/DataSet/nope/1.0.0 does not exist.` },
  ],
  ListHubContents: [
    { what: 'missing required members', input: {}, message: many(notNull('hubName'), notNull('hubContentType')) },
    { what: 'bad sort', input: { HubName: BAD_HUB, HubContentType: 'DataSet', SortBy: 'Version' }, message: one(enumSet('Version', 'sortBy', CONTENT_SORT)) },
    { what: 'bad MaxSchemaVersion', input: { HubName: BAD_HUB, HubContentType: 'DataSet', MaxSchemaVersion: '2' }, message: many(minLen('2', 'maxSchemaVersion', 5), pattern('2', 'maxSchemaVersion', VERSION)) },
    { what: 'MaxResults out of range', input: { HubName: BAD_HUB, HubContentType: 'DataSet', MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'garbage NextToken', input: { HubName: BAD_HUB, HubContentType: 'DataSet', NextToken: 'x.y' }, message: /^Invalid pagination token/ },
    { what: 'unknown hub', input: { HubName: 'nope', HubContentType: 'DataSet' }, code: 'ResourceNotFound', message: 'Hub nope does not exist.' },
  ],
  ListHubContentVersions: [
    { what: 'missing required members', input: {}, message: many(notNull('hubName'), notNull('hubContentType'), notNull('hubContentName')) },
    { what: 'MinVersion too long', input: { ...content, HubContentVersion: undefined, MinVersion: '10000.10000.10000' }, message: many(maxLen('10000.10000.10000', 'minVersion', 14), pattern('10000.10000.10000', 'minVersion', VERSION)) },
    { what: 'bad sort order', input: { ...content, HubContentVersion: undefined, SortOrder: 'Newest' }, message: one(enumSet('Newest', 'sortOrder', ['Ascending', 'Descending'])) },
    { what: 'unknown hub', input: { ...content, HubName: 'nope', HubContentVersion: undefined }, code: 'ResourceNotFound', message: 'Hub nope does not exist.' },
  ],
  DeleteHubContent: [
    { what: 'missing required members', input: {}, message: many(notNull('hubName'), notNull('hubContentType'), notNull('hubContentName'), notNull('hubContentVersion')) },
    { what: 'bad content type', input: { ...content, HubContentType: 'Dataset' }, message: one(enumSet('Dataset', 'hubContentType', CONTENT_TYPES)) },
    { what: 'bad hub name', input: { ...content, HubName: '-hub' }, message: one(pattern('-hub', 'hubName', NAME_OR_ARN)) },
    { what: 'unknown version', input: { ...content, HubContentVersion: '9.9.9' }, code: 'ResourceNotFound', message: `Hub content arn:aws:sagemaker:us-east-1:123456789012:hub-content/${BAD_HUB}/DataSet/ds/9.9.9 does not exist.` },
    { what: 'the public hub', input: { ...content, HubName: 'SageMakerPublicHub' }, message: 'SageMakerPublicHub is the read-only SageMaker public hub: DeleteHubContent cannot change it.' },
  ],
};

describe('hub bad input', () => {
  before(async () => {
    await sb.client.send(new CreateHubCommand({ HubName: BAD_HUB, HubDescription: 'd' }));
  });
  runBadInputCases(() => sb.client, cases);

  test('the table covers every hub operation', () => {
    assert.deepEqual(Object.keys(cases).sort(), [
      'CreateHub', 'DeleteHub', 'DeleteHubContent', 'DescribeHub', 'DescribeHubContent', 'ImportHubContent',
      'ListHubContentVersions', 'ListHubContents', 'ListHubs',
    ]);
  });
});
