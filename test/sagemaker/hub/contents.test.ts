import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, datasetDocument, datasetImport, evaluatorDocument, otherAccount, rejectsWith, setup } from './fixtures.js';

const HUB = 'assets';
const contentArn = (type: string, name: string, version: string) =>
  `arn:aws:sagemaker:us-east-1:123456789012:hub-content/${HUB}/${type}/${name}/${version}`;

describe('hub contents', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    await env.hub.CreateHub({ HubName: HUB, HubDescription: 'd' }, ctx);
  });
  after(async () => { await env.store.close(); });

  it('imports a DataSet as the SDK does and describes it with every member echoed', async () => {
    const out = await env.hub.ImportHubContent(datasetImport(HUB, 'Train-Set', {
      HubContentDisplayName: 'train set', HubContentDescription: 'SFT data', HubContentMarkdown: '# Train\n| a | b |',
      HubContentSearchKeywords: ['method:uploaded', 'customization_technique:sft'], SupportStatus: 'Supported',
      Tags: [{ Key: 'team', Value: 'ml' }],
    }), ctx);
    assert.deepEqual(out, {
      HubArn: 'arn:aws:sagemaker:us-east-1:123456789012:hub/assets',
      HubContentArn: contentArn('DataSet', 'Train-Set', '1.0.0'),
    });
    const d = await env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set' }, ctx);
    assert.equal(d.HubContentName, 'Train-Set');
    assert.equal(d.HubContentArn, contentArn('DataSet', 'Train-Set', '1.0.0'));
    assert.equal(d.HubContentVersion, '1.0.0');
    assert.equal(d.HubContentType, 'DataSet');
    assert.equal(d.DocumentSchemaVersion, '2.0.0');
    assert.equal(d.HubName, HUB);
    assert.equal(d.HubArn, 'arn:aws:sagemaker:us-east-1:123456789012:hub/assets');
    assert.equal(d.HubContentDisplayName, 'train set');
    assert.equal(d.HubContentDescription, 'SFT data');
    assert.equal(d.HubContentMarkdown, '# Train\n| a | b |');
    assert.equal(d.HubContentDocument, datasetDocument());
    assert.equal(d.SupportStatus, 'Supported');
    assert.deepEqual(d.HubContentSearchKeywords, ['method:uploaded', 'customization_technique:sft']);
    assert.equal(d.HubContentDependencies, undefined, 'the SDK sends Dependencies: []');
    assert.equal(d.HubContentStatus, 'Available');
    assert.ok(d.CreationTime instanceof Date);
    assert.equal(d.LastModifiedTime?.getTime(), d.CreationTime.getTime(), 'the SDK reads LastModifiedTime');
    const tags = await env.tags.ListTags({ ResourceArn: d.HubContentArn }, ctx);
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }]);
  });

  it('adds versions; describe without a version answers the highest one', async () => {
    await env.hub.ImportHubContent(datasetImport(HUB, 'TRAIN-SET', { HubContentVersion: '1.10.0', HubContentDocument: datasetDocument('b', 'v110.jsonl') }), ctx);
    await env.hub.ImportHubContent(datasetImport(HUB, 'train-set', { HubContentVersion: '1.9.0', HubContentDocument: datasetDocument('b', 'v19.jsonl') }), ctx);
    const latest = await env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set' }, ctx);
    assert.equal(latest.HubContentVersion, '1.10.0', '1.10.0 is newer than 1.9.0 though imported before it');
    assert.equal(latest.HubContentName, 'Train-Set', 'the first version spelling is kept');
    assert.equal(latest.HubContentArn, contentArn('DataSet', 'Train-Set', '1.10.0'));
    const v19 = await env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set', HubContentVersion: '1.9.0' }, ctx);
    assert.equal(JSON.parse(v19.HubContentDocument).DatasetS3Prefix, 'v19.jsonl');
    const padded = await env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set', HubContentVersion: '01.09.00' }, ctx);
    assert.equal(padded.HubContentVersion, '1.9.0', 'versions compare numerically');
  });

  it('without HubContentVersion: 1.0.0 for a new name, next major for an existing one', async () => {
    const first = await env.hub.ImportHubContent(datasetImport(HUB, 'auto', { HubContentVersion: undefined }), ctx);
    assert.equal(first.HubContentArn, contentArn('DataSet', 'auto', '1.0.0'));
    await env.hub.ImportHubContent(datasetImport(HUB, 'auto', { HubContentVersion: '1.3.0' }), ctx);
    const next = await env.hub.ImportHubContent(datasetImport(HUB, 'auto', { HubContentVersion: undefined }), ctx);
    assert.equal(next.HubContentArn, contentArn('DataSet', 'auto', '2.0.0'));
  });

  it('refuses the same version again with ResourceInUse (numerically equal too)', async () => {
    await rejectsWith(env.hub.ImportHubContent(datasetImport(HUB, 'train-set'), ctx), 'ResourceInUse',
      `Hub content already exists: ${contentArn('DataSet', 'Train-Set', '1.0.0')}`);
    await rejectsWith(env.hub.ImportHubContent(datasetImport(HUB, 'train-set', { HubContentVersion: '001.0.0' }), ctx), 'ResourceInUse');
  });

  it('keeps the same name apart across content types', async () => {
    const out = await env.hub.ImportHubContent({
      HubName: HUB, HubContentType: 'JsonDoc', HubContentName: 'train-set', HubContentVersion: '1.0.0',
      DocumentSchemaVersion: '2.0.0', HubContentDocument: evaluatorDocument(),
      HubContentSearchKeywords: ['method:lambda', '@subtype:aws/evaluator', '@evaluatortype:rewardfunction', '@contenttype:byolambda'],
    }, ctx);
    assert.equal(out.HubContentArn, contentArn('JsonDoc', 'train-set', '1.0.0'));
  });

  it('checks documents: JSON, objects, DataSet location, evaluator fields', async () => {
    const bad = async (type: 'Model' | 'DataSet' | 'JsonDoc', doc: string, message: RegExp) =>
      rejectsWith(env.hub.ImportHubContent({
        HubName: HUB, HubContentType: type, HubContentName: 'bad', HubContentVersion: '1.0.0',
        DocumentSchemaVersion: '2.0.0', HubContentDocument: doc,
      }, ctx), 'ValidationException', message);
    await bad('Model', '{not json', /^Invalid HubContentDocument for HubContentType Model: it is not valid JSON \(/);
    await bad('Model', '[1,2]', /^Invalid HubContentDocument for HubContentType Model: it must be a JSON object\.$/);
    await bad('DataSet', '{"DatasetS3Prefix":"x.jsonl"}', /DatasetS3Bucket must be the name of the S3 bucket that holds the data set\.$/);
    await bad('DataSet', '{"DatasetS3Bucket":"a/b"}', /DatasetS3Bucket must be/);
    await bad('DataSet', '{"DatasetS3Bucket":"b","DatasetS3Prefix":7}', /DatasetS3Prefix must be a string/);
    await bad('JsonDoc', '{"SubType":"AWS/Evaluator"}', /JsonContent is required for SubType AWS\/Evaluator\.$/);
    await bad('JsonDoc', '{"SubType":"AWS/Evaluator","JsonContent":{"Reference":"x"}}', /JsonContent must be a string holding a JSON document\.$/);
    await bad('JsonDoc', '{"JsonContent":"{oops"}', /JsonContent is not valid JSON/);
    await bad('JsonDoc', evaluatorDocument(''), /JsonContent\.Reference of an evaluator must be a Lambda function ARN or an S3 URI\.$/);
    await bad('JsonDoc', evaluatorDocument('s3://b/p.txt', 'Judge'), /JsonContent\.EvaluatorType of an evaluator must be one of RewardFunction, RewardPrompt\.$/);
    await bad('JsonDoc', '{"SubType":7}', /SubType must be a string\.$/);
    // Other JsonDoc subtypes are kept as they are.
    await env.hub.ImportHubContent({
      HubName: HUB, HubContentType: 'JsonDoc', HubContentName: 'spec', HubContentVersion: '1.0.0',
      DocumentSchemaVersion: '2.0.0', HubContentDocument: '{"SubType":"AWS/Specification","JsonContent":"[1]"}',
    }, ctx);
    await rejectsWith(env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'Model', HubContentName: 'bad' }, ctx), 'ResourceNotFound');
  });

  it('echoes Model dependencies from the document', async () => {
    const doc = { Dependencies: [{ DependencyOriginPath: 's3://o/model/', DependencyCopyPath: 's3://c/model/', DependencyType: 'Artifact' }, 'skip'] };
    await env.hub.ImportHubContent({
      HubName: HUB, HubContentType: 'Model', HubContentName: 'my-model', HubContentVersion: '1.0.0',
      DocumentSchemaVersion: '2.0.0', HubContentDocument: JSON.stringify(doc),
    }, ctx);
    const d = await env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'Model', HubContentName: 'my-model' }, ctx);
    assert.deepEqual(d.HubContentDependencies, [{ DependencyOriginPath: 's3://o/model/', DependencyCopyPath: 's3://c/model/' }]);
    assert.equal(d.SupportStatus, undefined);
  });

  it('refuses ModelReference imports, bad version separators and unknown hubs', async () => {
    await rejectsWith(env.hub.ImportHubContent(datasetImport(HUB, 'ref', { HubContentType: 'ModelReference', HubContentDocument: '{}' }), ctx),
      'ValidationException', /^HubContentType ModelReference cannot be imported/);
    await rejectsWith(env.hub.ImportHubContent(datasetImport(HUB, 'x', { HubContentVersion: '1-0-0' }), ctx), 'ValidationException',
      "Invalid hubContentVersion '1-0-0': a version is <major>.<minor>.<patch>, each 1 to 4 digits separated by '.', e.g. 1.0.0.");
    await rejectsWith(env.hub.ImportHubContent(datasetImport(HUB, 'x', { DocumentSchemaVersion: '2x0x0' }), ctx), 'ValidationException',
      /^Invalid documentSchemaVersion '2x0x0'/);
    await rejectsWith(env.hub.ImportHubContent(datasetImport('nope', 'x'), ctx), 'ResourceNotFound', 'Hub nope does not exist.');
    await rejectsWith(env.hub.ImportHubContent(datasetImport(HUB, 'x'), otherAccount), 'ResourceNotFound', `Hub ${HUB} does not exist.`);
  });

  it('answers ResourceNotFound for unknown content and versions, naming the ARN', async () => {
    await rejectsWith(env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'nope' }, ctx),
      'ResourceNotFound', 'Hub content arn:aws:sagemaker:us-east-1:123456789012:hub-content/assets/DataSet/nope does not exist.');
    await rejectsWith(env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set', HubContentVersion: '9.9.9' }, ctx),
      'ResourceNotFound', 'Hub content arn:aws:sagemaker:us-east-1:123456789012:hub-content/assets/DataSet/train-set/9.9.9 does not exist.');
    await rejectsWith(env.hub.DescribeHubContent({ HubName: 'nope', HubContentType: 'DataSet', HubContentName: 'x' }, ctx),
      'ResourceNotFound', 'Hub nope does not exist.');
    await rejectsWith(env.hub.DeleteHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set', HubContentVersion: '9.9.9' }, ctx),
      'ResourceNotFound', 'Hub content arn:aws:sagemaker:us-east-1:123456789012:hub-content/assets/DataSet/train-set/9.9.9 does not exist.');
  });

  it('deletes one version with its tags; the latest moves back; the last delete frees the name', async () => {
    const arn = contentArn('DataSet', 'Train-Set', '1.10.0');
    await env.tags.AddTags({ ResourceArn: arn, Tags: [{ Key: 'a', Value: 'b' }] }, ctx);
    await env.hub.DeleteHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set', HubContentVersion: '1.10.0' }, ctx);
    await rejectsWith(env.tags.ListTags({ ResourceArn: arn }, ctx), 'ValidationException', `Resource ${arn} does not exist.`);
    const latest = await env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set' }, ctx);
    assert.equal(latest.HubContentVersion, '1.9.0');
    for (const v of ['1.9.0', '1.0.0']) {
      await env.hub.DeleteHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'TRAIN-SET', HubContentVersion: v }, ctx);
    }
    await rejectsWith(env.hub.DescribeHubContent({ HubName: HUB, HubContentType: 'DataSet', HubContentName: 'train-set' }, ctx), 'ResourceNotFound');
    const again = await env.hub.ImportHubContent(datasetImport(HUB, 'train-SET'), ctx);
    assert.equal(again.HubContentArn, contentArn('DataSet', 'train-SET', '1.0.0'));
  });

  it('concurrent imports of one version: exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => env.hub.ImportHubContent(datasetImport(HUB, 'race'), ctx)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'ResourceInUse');
  });
});
