import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, inferenceSpec, otherAccount, rejectsWith, setup, versionOf } from './fixtures.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';

describe('DescribeModelPackage / DeleteModelPackage lookups', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'Vision' }, ctx);
    await env.registry.CreateModelPackage(versionOf('Vision'), ctx);
    await env.registry.CreateModelPackage(versionOf('Vision'), ctx);
    await env.registry.CreateModelPackage({ ModelPackageName: 'Solo', InferenceSpecification: inferenceSpec() }, ctx);
  });
  after(async () => { await env.store.close(); });

  it('finds a version by <group>/<version>, any casing, leading zeros, and by ARN', async () => {
    for (const ref of ['Vision/2', 'vision/2', 'VISION/002', `${ARN}:model-package/vision/2`, `${ARN}:model-package/Vision/2`]) {
      const d = await env.registry.DescribeModelPackage({ ModelPackageName: ref }, ctx);
      assert.equal(d.ModelPackageArn, `${ARN}:model-package/vision/2`, ref);
      assert.equal(d.ModelPackageVersion, 2);
    }
  });

  it('finds an unversioned package by name or ARN', async () => {
    for (const ref of ['Solo', 'solo', `${ARN}:model-package/solo`]) {
      assert.equal((await env.registry.DescribeModelPackage({ ModelPackageName: ref }, ctx)).ModelPackageName, 'Solo');
    }
  });

  it('answers unknown packages with ValidationException "ModelPackage <arn> does not exist."', async () => {
    await rejectsWith(env.registry.DescribeModelPackage({ ModelPackageName: 'Vision/9' }, ctx),
      'ValidationException', `ModelPackage ${ARN}:model-package/vision/9 does not exist.`);
    await rejectsWith(env.registry.DescribeModelPackage({ ModelPackageName: `${ARN}:model-package/nope` }, ctx),
      'ValidationException', `ModelPackage ${ARN}:model-package/nope does not exist.`);
    // A group name is not a package.
    await rejectsWith(env.registry.DescribeModelPackage({ ModelPackageName: 'Vision' }, ctx), 'ValidationException');
    // Another account's caller cannot see it, even by ARN.
    await rejectsWith(env.registry.DescribeModelPackage({ ModelPackageName: `${ARN}:model-package/vision/1` }, otherAccount),
      'ValidationException', /does not exist\.$/);
    await rejectsWith(env.registry.DeleteModelPackage({ ModelPackageName: 'Vision/9' }, ctx),
      'ValidationException', `ModelPackage ${ARN}:model-package/vision/9 does not exist.`);
  });

  it('deletes by any reference form, and the package is gone', async () => {
    await env.registry.CreateModelPackage(versionOf('Vision'), ctx); // version 3
    await env.registry.DeleteModelPackage({ ModelPackageName: `${ARN}:model-package/VISION/3` }, ctx);
    await rejectsWith(env.registry.DescribeModelPackage({ ModelPackageName: 'vision/3' }, ctx), 'ValidationException');
    await env.registry.CreateModelPackage({ ModelPackageName: 'Gone', InferenceSpecification: inferenceSpec(),
      Tags: [{ Key: 'x', Value: 'y' }] }, ctx);
    await env.registry.DeleteModelPackage({ ModelPackageName: 'gone' }, ctx);
    await rejectsWith(env.registry.DescribeModelPackage({ ModelPackageName: 'Gone' }, ctx), 'ValidationException');
    // Its tags went with it (a new package of that name starts untagged).
    const { ModelPackageArn } = await env.registry.CreateModelPackage({ ModelPackageName: 'Gone', InferenceSpecification: inferenceSpec() }, ctx);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: ModelPackageArn }, ctx)).Tags, []);
  });
});

describe('BatchDescribeModelPackage', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'batch' }, ctx);
    await env.registry.CreateModelPackage(versionOf('batch', { ModelPackageDescription: 'one', ModelApprovalStatus: 'Approved' }), ctx);
    await env.registry.CreateModelPackage({ ModelPackageGroupName: 'batch', SourceUri: 's3://b/model.tar.gz' }, ctx);
    await env.registry.CreateModelPackage({ ModelPackageName: 'loner', InferenceSpecification: inferenceSpec() }, ctx);
  });
  after(async () => { await env.store.close(); });

  it('summarises found versions keyed by the ARN as given and maps every other ARN to an error', async () => {
    const asGiven = `${ARN}:model-package/BATCH/1`;
    const missing = `${ARN}:model-package/batch/7`;
    const noSpec = `${ARN}:model-package/batch/2`;
    const unversioned = `${ARN}:model-package/loner`;
    const out = await env.registry.BatchDescribeModelPackage({ ModelPackageArnList: [asGiven, missing, noSpec, unversioned, asGiven] }, ctx);
    assert.deepEqual(Object.keys(out.ModelPackageSummaries!), [asGiven]);
    const s = out.ModelPackageSummaries![asGiven]!;
    assert.equal(s.ModelPackageGroupName, 'batch');
    assert.equal(s.ModelPackageVersion, 1);
    assert.equal(s.ModelPackageArn, `${ARN}:model-package/batch/1`);
    assert.equal(s.ModelPackageDescription, 'one');
    assert.equal(s.ModelPackageStatus, 'Completed');
    assert.equal(s.ModelApprovalStatus, 'Approved');
    assert.equal(s.ModelPackageRegistrationType, 'Registered');
    assert.ok(s.CreationTime instanceof Date);
    assert.deepEqual(s.InferenceSpecification.Containers[0]!.BaseModel,
      { HubContentName: 'nova-lite', HubContentVersion: '1.0.0', RecipeName: 'sft-lora' });
    assert.equal(s.InferenceSpecification.Containers[0]!.IsCheckpoint, true);
    const errors = out.BatchDescribeModelPackageErrorMap!;
    assert.deepEqual(Object.keys(errors).sort(), [missing, noSpec, unversioned].sort());
    assert.deepEqual(errors[missing], { ErrorCode: 'ValidationException', ErrorResponse: `ModelPackage ${missing} does not exist.` });
    assert.equal(errors[noSpec]!.ErrorCode, 'ValidationException');
    assert.match(errors[noSpec]!.ErrorResponse, /no InferenceSpecification/);
    assert.match(errors[unversioned]!.ErrorResponse, /unversioned/);
  });

  it('omits an empty map', async () => {
    const out = await env.registry.BatchDescribeModelPackage({ ModelPackageArnList: [`${ARN}:model-package/batch/1`] }, ctx);
    assert.equal(out.BatchDescribeModelPackageErrorMap, undefined);
  });
});
