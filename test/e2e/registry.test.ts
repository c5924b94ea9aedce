/**
 * The model registry end to end: the real @aws-sdk/client-sagemaker over HTTP
 * against a sagebox started by the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsCommand,
  BatchDescribeModelPackageCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DeleteModelPackageCommand,
  DeleteModelPackageGroupCommand,
  DeleteTagsCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  UpdateModelPackageCommand,
  type InferenceSpecification,
} from '@aws-sdk/client-sagemaker';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const groupArn = (g: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package-group/${g}`;
const versionArn = (g: string, v: number) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${g}/${v}`;

const inference = (overrides: Partial<InferenceSpecification['Containers'] extends (infer C)[] | undefined ? C : never> = {}): InferenceSpecification => ({
  Containers: [
    {
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:latest',
      ModelDataUrl: 's3://bucket/models/model.tar.gz',
      BaseModel: { HubContentName: 'sagebox-tiny-llama', HubContentVersion: '1.0.0', RecipeName: 'sft-lora' },
      IsCheckpoint: true,
      Environment: { A: '1' },
      ...overrides,
    },
  ],
  SupportedContentTypes: ['application/json'],
  SupportedResponseMIMETypes: ['application/json'],
});

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
});
after(async () => {
  await sb.close(true);
});

describe('model package groups', () => {
  test('create, describe, list, delete', async () => {
    const created = await sb.client.send(
      new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'Churn-Models', ModelPackageGroupDescription: 'churn', Tags: [{ Key: 'team', Value: 'ml' }] }),
    );
    assert.equal(created.ModelPackageGroupArn, groupArn('Churn-Models'), 'group ARNs keep the caller spelling');
    const described = await sb.client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'churn-models' }));
    assert.equal(described.ModelPackageGroupName, 'Churn-Models');
    assert.equal(described.ModelPackageGroupDescription, 'churn');
    assert.equal(described.ModelPackageGroupStatus, 'Completed');
    assert.ok(described.CreationTime instanceof Date);
    assert.ok(Math.abs(described.CreationTime!.getTime() - Date.now()) < 60_000);
    const byArn = await sb.client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: created.ModelPackageGroupArn }));
    assert.equal(byArn.ModelPackageGroupArn, created.ModelPackageGroupArn);
    const tags = await sb.client.send(new ListTagsCommand({ ResourceArn: created.ModelPackageGroupArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }]);
    const listed = await sb.client.send(new ListModelPackageGroupsCommand({ NameContains: 'Churn' }));
    assert.deepEqual(listed.ModelPackageGroupSummaryList?.map((g) => g.ModelPackageGroupName), ['Churn-Models']);
    await sb.client.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: 'Churn-Models' }));
    const gone = await awsError(() => sb.client.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'Churn-Models' })));
    assert.equal(gone.name, 'ValidationException');
    assert.match(gone.message, /does not exist\.$/);
  });

  test('a duplicate name is refused and concurrent creates leave exactly one group', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => sb.client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'race-group' }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.ok(['ValidationException', 'ResourceInUse'].includes((r.reason as Error).name), (r.reason as Error).name);
    }
    const listed = await sb.client.send(new ListModelPackageGroupsCommand({ NameContains: 'race-group' }));
    assert.equal(listed.ModelPackageGroupSummaryList?.length, 1);
  });
});

describe('versioned model packages', () => {
  const G = 'llm-finetunes';
  before(async () => {
    await sb.client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: G }));
  });

  test('versions count from 1, BaseModel / IsCheckpoint / registration type round-trip', async () => {
    const v1 = await sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, InferenceSpecification: inference() }));
    assert.equal(v1.ModelPackageArn, versionArn(G, 1));
    const v2 = await sb.client.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: G,
        ModelPackageDescription: 'logged by a job',
        ModelPackageRegistrationType: 'Logged',
        InferenceSpecification: inference({ IsCheckpoint: false }),
        AdditionalInferenceSpecifications: [{ Name: 'edge', Containers: [{ Image: 'img:edge', BaseModel: { HubContentName: 'base', RecipeName: 'r' }, IsCheckpoint: true }] }],
        CustomerMetadataProperties: { owner: 'ana', stage: 'dev' },
        ModelApprovalStatus: 'PendingManualApproval',
      }),
    );
    assert.equal(v2.ModelPackageArn, versionArn(G, 2));

    const d1 = await sb.client.send(new DescribeModelPackageCommand({ ModelPackageName: `${G}/1` }));
    assert.equal(d1.ModelPackageName, G);
    assert.equal(d1.ModelPackageGroupName, G);
    assert.equal(d1.ModelPackageVersion, 1);
    assert.equal(d1.ModelPackageStatus, 'Completed');
    assert.equal(d1.ModelApprovalStatus, 'PendingManualApproval');
    assert.equal(d1.ModelPackageRegistrationType, 'Registered');
    assert.deepEqual(d1.InferenceSpecification?.Containers?.[0]?.BaseModel, { HubContentName: 'sagebox-tiny-llama', HubContentVersion: '1.0.0', RecipeName: 'sft-lora' });
    assert.equal(d1.InferenceSpecification?.Containers?.[0]?.IsCheckpoint, true);
    assert.ok(d1.ModelPackageStatusDetails?.ValidationStatuses);

    const d2 = await sb.client.send(new DescribeModelPackageCommand({ ModelPackageName: v2.ModelPackageArn }));
    assert.equal(d2.ModelPackageRegistrationType, 'Logged');
    assert.equal(d2.InferenceSpecification?.Containers?.[0]?.IsCheckpoint, false);
    assert.deepEqual(d2.AdditionalInferenceSpecifications?.[0]?.Containers?.[0]?.BaseModel, { HubContentName: 'base', RecipeName: 'r' });
    assert.deepEqual(d2.CustomerMetadataProperties, { owner: 'ana', stage: 'dev' });
    assert.equal(d2.ModelPackageDescription, 'logged by a job');
  });

  test('update: approval, metadata merge/remove, added inference specs, Logged → Registered only', async () => {
    const arn = versionArn(G, 2);
    await sb.client.send(
      new UpdateModelPackageCommand({
        ModelPackageArn: arn,
        ModelApprovalStatus: 'Approved',
        ApprovalDescription: 'looks good',
        CustomerMetadataProperties: { stage: 'prod', region: 'eu' },
        CustomerMetadataPropertiesToRemove: ['owner'],
        AdditionalInferenceSpecificationsToAdd: [{ Name: 'gpu', Containers: [{ Image: 'img:gpu', BaseModel: { HubContentName: 'b2' }, IsCheckpoint: false }] }],
        ModelPackageRegistrationType: 'Registered',
      }),
    );
    const d = await sb.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
    assert.equal(d.ModelApprovalStatus, 'Approved');
    assert.equal(d.ApprovalDescription, 'looks good');
    assert.deepEqual(d.CustomerMetadataProperties, { stage: 'prod', region: 'eu' });
    assert.deepEqual(d.AdditionalInferenceSpecifications?.map((s) => s.Name), ['edge', 'gpu']);
    assert.deepEqual(d.AdditionalInferenceSpecifications?.[1]?.Containers?.[0]?.BaseModel, { HubContentName: 'b2' });
    assert.equal(d.AdditionalInferenceSpecifications?.[1]?.Containers?.[0]?.IsCheckpoint, false);
    assert.equal(d.ModelPackageRegistrationType, 'Registered');
    assert.ok(d.LastModifiedTime instanceof Date);

    const back = await awsError(() => sb.client.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelPackageRegistrationType: 'Logged' })));
    assert.equal(back.name, 'ValidationException');
    const both = await awsError(() =>
      sb.client.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, CustomerMetadataProperties: { k: 'v' }, CustomerMetadataPropertiesToRemove: ['k'] })),
    );
    assert.equal(both.name, 'ValidationException');
    const missing = await awsError(() => sb.client.send(new UpdateModelPackageCommand({ ModelPackageArn: versionArn(G, 99), ModelApprovalStatus: 'Approved' })));
    assert.equal(missing.name, 'ValidationException');
    assert.match(missing.message, /does not exist\.$/);
  });

  test('list: filters, sort and paging with an opaque NextToken', async () => {
    for (let i = 0; i < 5; i++) await sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, InferenceSpecification: inference() }));
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await sb.client.send(new ListModelPackagesCommand({ ModelPackageGroupName: G, MaxResults: 2, NextToken: token }));
      pages++;
      for (const s of page.ModelPackageSummaryList ?? []) {
        seen.push(s.ModelPackageVersion!);
        assert.equal(s.ModelPackageGroupName, G);
        assert.ok(s.ModelPackageRegistrationType);
      }
      token = page.NextToken;
    } while (token);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(pages, 4);

    const desc = await sb.client.send(new ListModelPackagesCommand({ ModelPackageGroupName: G, SortOrder: 'Descending', MaxResults: 3 }));
    assert.deepEqual(desc.ModelPackageSummaryList?.map((s) => s.ModelPackageVersion), [7, 6, 5]);
    const approved = await sb.client.send(new ListModelPackagesCommand({ ModelPackageGroupName: G, ModelApprovalStatus: 'Approved' }));
    assert.deepEqual(approved.ModelPackageSummaryList?.map((s) => s.ModelPackageVersion), [2]);
    assert.equal(approved.ModelPackageSummaryList?.[0]?.ModelPackageRegistrationType, 'Registered');
    const future = await sb.client.send(new ListModelPackagesCommand({ ModelPackageGroupName: G, CreationTimeAfter: new Date(Date.now() + 3_600_000) }));
    assert.deepEqual(future.ModelPackageSummaryList, []);
    const bad = await awsError(() => sb.client.send(new ListModelPackagesCommand({ ModelPackageGroupName: G, NextToken: 'not-a-token' })));
    assert.equal(bad.name, 'ValidationException');
  });

  test('batch describe: summaries keyed by the ARN given, unknown ARNs in the error map', async () => {
    const unknown = versionArn(G, 404);
    const out = await sb.client.send(new BatchDescribeModelPackageCommand({ ModelPackageArnList: [versionArn(G, 1), versionArn(G, 2), unknown] }));
    const s1 = out.ModelPackageSummaries?.[versionArn(G, 1)];
    assert.equal(s1?.ModelPackageVersion, 1);
    assert.equal(s1?.ModelPackageRegistrationType, 'Registered');
    assert.deepEqual(s1?.InferenceSpecification?.Containers?.[0]?.BaseModel?.HubContentName, 'sagebox-tiny-llama');
    assert.equal(s1?.InferenceSpecification?.Containers?.[0]?.IsCheckpoint, true);
    assert.equal(out.ModelPackageSummaries?.[versionArn(G, 2)]?.ModelApprovalStatus, 'Approved');
    assert.ok(out.BatchDescribeModelPackageErrorMap?.[unknown]?.ErrorCode);
    assert.match(out.BatchDescribeModelPackageErrorMap![unknown]!.ErrorResponse!, /does not exist/);
  });

  test('delete: versions are never reused; a group with versions cannot be deleted', async () => {
    const conflict = await awsError(() => sb.client.send(new DeleteModelPackageGroupCommand({ ModelPackageGroupName: G })));
    assert.equal(conflict.name, 'ConflictException');
    await sb.client.send(new DeleteModelPackageCommand({ ModelPackageName: versionArn(G, 7) }));
    const next = await sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, InferenceSpecification: inference() }));
    assert.equal(next.ModelPackageArn, versionArn(G, 8));
    const gone = await awsError(() => sb.client.send(new DescribeModelPackageCommand({ ModelPackageName: versionArn(G, 7) })));
    assert.equal(gone.name, 'ValidationException');
    assert.match(gone.message, /^ModelPackage .* does not exist\.$/);
  });

  test('tags are refused on versioned packages', async () => {
    const e = await awsError(() =>
      sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, InferenceSpecification: inference(), Tags: [{ Key: 'a', Value: 'b' }] })),
    );
    assert.equal(e.name, 'ValidationException');
  });

  test('ClientToken makes create idempotent; reuse with other parameters conflicts', async () => {
    const a = await sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, InferenceSpecification: inference(), ClientToken: 'tok-1' }));
    const b = await sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, InferenceSpecification: inference(), ClientToken: 'tok-1' }));
    assert.equal(a.ModelPackageArn, b.ModelPackageArn);
    const c = await awsError(() =>
      sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: G, ModelPackageDescription: 'other', InferenceSpecification: inference(), ClientToken: 'tok-1' })),
    );
    assert.equal(c.name, 'ConflictException');
  });
});

describe('unversioned packages and their rules', () => {
  test('create with a name, tags, describe; update is refused', async () => {
    const inf = { ...inference(), SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large' as const], SupportedTransformInstanceTypes: ['ml.m5.large' as const] };
    const out = await sb.client.send(
      new CreateModelPackageCommand({ ModelPackageName: 'Market-Pkg', InferenceSpecification: inf, Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    assert.equal(out.ModelPackageArn, `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/market-pkg`);
    const d = await sb.client.send(new DescribeModelPackageCommand({ ModelPackageName: 'Market-Pkg' }));
    assert.equal(d.ModelPackageName, 'Market-Pkg');
    assert.equal(d.ModelPackageGroupName, undefined);
    assert.equal(d.ModelPackageVersion, undefined);
    const tags = await sb.client.send(new ListTagsCommand({ ResourceArn: out.ModelPackageArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'k', Value: 'v' }]);
    const upd = await awsError(() => sb.client.send(new UpdateModelPackageCommand({ ModelPackageArn: out.ModelPackageArn, ModelApprovalStatus: 'Approved' })));
    assert.equal(upd.name, 'ValidationException');
    const defaultList = await sb.client.send(new ListModelPackagesCommand({}));
    assert.ok(defaultList.ModelPackageSummaryList?.some((s) => s.ModelPackageName === 'Market-Pkg'));
    assert.ok(defaultList.ModelPackageSummaryList?.every((s) => s.ModelPackageVersion === undefined), 'default type is Unversioned');
  });

  test('both or neither of name and group', async () => {
    const both = await awsError(() => sb.client.send(new CreateModelPackageCommand({ ModelPackageName: 'x', ModelPackageGroupName: 'y', InferenceSpecification: inference() })));
    assert.equal(both.name, 'ValidationException');
    assert.equal(both.message, 'Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one to use.');
    const neither = await awsError(() => sb.client.send(new CreateModelPackageCommand({ InferenceSpecification: inference() })));
    assert.equal(neither.name, 'ValidationException');
    assert.equal(neither.message, 'Missing ARN.');
    const noGroup = await awsError(() => sb.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'no-such-group', InferenceSpecification: inference() })));
    assert.equal(noGroup.name, 'ValidationException');
  });
});

describe('tags', () => {
  test('add, overwrite, list, delete; unknown ARNs refused', async () => {
    const { ModelPackageGroupArn: arn } = await sb.client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'tagged' }));
    await sb.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }] }));
    await sb.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: 'one' }] }));
    const listed = await sb.client.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 50 }));
    const all = [...listed.Tags!].sort((x, y) => x.Key!.localeCompare(y.Key!));
    assert.deepEqual(all, [{ Key: 'a', Value: 'one' }, { Key: 'b', Value: '2' }, { Key: 'c', Value: '3' }]);
    await sb.client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['a', 'b'] }));
    assert.deepEqual((await sb.client.send(new ListTagsCommand({ ResourceArn: arn }))).Tags, [{ Key: 'c', Value: '3' }]);
    const unknown = await awsError(() => sb.client.send(new AddTagsCommand({ ResourceArn: groupArn('nope'), Tags: [{ Key: 'a', Value: 'b' }] })));
    assert.ok(['ValidationException', 'ResourceNotFound'].includes(unknown.name));
  });
});

describe('accounts and regions are separate', () => {
  test('a group in one account or region is invisible from another', async () => {
    await sb.client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'scoped' }));
    const other = sb.clientFor('210987654321');
    const e = await awsError(() => other.send(new DescribeModelPackageGroupCommand({ ModelPackageGroupName: 'scoped' })));
    assert.equal(e.name, 'ValidationException');
    const west = sb.clientFor('123456789012', 'us-west-2');
    const created = await west.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'scoped' }));
    assert.equal(created.ModelPackageGroupArn, `arn:aws:sagemaker:us-west-2:${ACCOUNT}:model-package-group/scoped`);
  });
});
