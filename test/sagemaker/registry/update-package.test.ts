import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, inferenceSpec, rejectsWith, setup, versionOf } from './fixtures.js';

describe('UpdateModelPackage', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let arn: string;
  const describe_ = () => env.registry.DescribeModelPackage({ ModelPackageName: arn }, ctx);

  before(async () => {
    env = await setup();
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'upd' }, ctx);
    arn = (await env.registry.CreateModelPackage(versionOf('upd', {
      CustomerMetadataProperties: { a: '1', b: '2' },
      ModelCard: { ModelCardContent: '{"v":1}', ModelCardStatus: 'Draft' },
    }), ctx)).ModelPackageArn;
  });
  after(async () => { await env.store.close(); });

  it('moves approval between any statuses, keeps ApprovalDescription, sets LastModified*', async () => {
    const moves = ['Approved', 'Rejected', 'Approved', 'PendingManualApproval', 'Rejected'] as const;
    for (const status of moves) {
      const out = await env.registry.UpdateModelPackage({ ModelPackageArn: arn, ModelApprovalStatus: status,
        ApprovalDescription: `now ${status}` }, ctx);
      assert.equal(out.ModelPackageArn, arn);
      const d = await describe_();
      assert.equal(d.ModelApprovalStatus, status);
      assert.equal(d.ApprovalDescription, `now ${status}`);
      assert.ok(d.LastModifiedTime instanceof Date);
      assert.deepEqual(d.LastModifiedBy, { IamIdentity: { Arn: 'arn:aws:iam::123456789012:root', PrincipalId: '123456789012' } });
    }
  });

  it('merges and removes customer metadata; the same key in both is refused', async () => {
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, CustomerMetadataProperties: { b: '22', c: '3' },
      CustomerMetadataPropertiesToRemove: ['a', 'absent'] }, ctx);
    assert.deepEqual((await describe_()).CustomerMetadataProperties, { b: '22', c: '3' });
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, CustomerMetadataProperties: { b: 'x' },
      CustomerMetadataPropertiesToRemove: ['b'] }, ctx), 'ValidationException', /both CustomerMetadataProperties and CustomerMetadataPropertiesToRemove: b/);
    const fifty = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, CustomerMetadataProperties: fifty }, ctx),
      'ValidationException', /51 entries/);
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, CustomerMetadataPropertiesToRemove: ['b', 'c'] }, ctx);
    assert.equal((await describe_()).CustomerMetadataProperties, undefined);
  });

  it('appends AdditionalInferenceSpecificationsToAdd (with BaseModel / IsCheckpoint), unique names, at most 15', async () => {
    const containers = inferenceSpec('img:extra').Containers;
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, AdditionalInferenceSpecificationsToAdd: [{ Name: 'one', Containers: containers }] }, ctx);
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, AdditionalInferenceSpecificationsToAdd: [{ Name: 'two', Containers: containers }] }, ctx);
    const specs = (await describe_()).AdditionalInferenceSpecifications!;
    assert.deepEqual(specs.map((s) => s.Name), ['one', 'two']);
    assert.equal(specs[1]!.Containers[0]!.IsCheckpoint, true);
    assert.equal(specs[1]!.Containers[0]!.BaseModel!.HubContentVersion, '1.0.0');
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn,
      AdditionalInferenceSpecificationsToAdd: [{ Name: 'one', Containers: containers }] }, ctx), 'ValidationException', /'one' more than once/);
    const many = Array.from({ length: 14 }, (_, i) => ({ Name: `n${i}`, Containers: containers }));
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, AdditionalInferenceSpecificationsToAdd: many }, ctx),
      'ValidationException', /16 entries; the maximum is 15/);
  });

  it('refuses content changes to an Archived model card', async () => {
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, ModelCard: { ModelCardContent: '{"v":2}' } }, ctx);
    assert.deepEqual((await describe_()).ModelCard, { ModelCardContent: '{"v":2}', ModelCardStatus: 'Draft' });
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, ModelCard: { ModelCardStatus: 'Archived' } }, ctx);
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, ModelCard: { ModelCardContent: '{"v":3}' } }, ctx),
      'ValidationException', 'Model Card is in Archived state');
    assert.deepEqual((await describe_()).ModelCard, { ModelCardContent: '{"v":2}', ModelCardStatus: 'Archived' });
  });

  it('replaces ModelLifeCycle and shows it in the list summary', async () => {
    const lc = { Stage: 'Production', StageStatus: 'Approved', StageDescription: 'live' };
    await env.registry.UpdateModelPackage({ ModelPackageArn: arn, ModelLifeCycle: lc }, ctx);
    assert.deepEqual((await describe_()).ModelLifeCycle, lc);
    const list = await env.registry.ListModelPackages({ ModelPackageGroupName: 'upd' }, ctx);
    assert.deepEqual(list.ModelPackageSummaryList[0]!.ModelLifeCycle, lc);
  });

  it('promotes Logged to Registered and refuses Registered to Logged', async () => {
    const logged = (await env.registry.CreateModelPackage(versionOf('upd', { ModelPackageRegistrationType: 'Logged' }), ctx)).ModelPackageArn;
    await env.registry.UpdateModelPackage({ ModelPackageArn: logged, ModelPackageRegistrationType: 'Logged' }, ctx);
    await env.registry.UpdateModelPackage({ ModelPackageArn: logged, ModelPackageRegistrationType: 'Registered' }, ctx);
    assert.equal((await env.registry.DescribeModelPackage({ ModelPackageName: logged }, ctx)).ModelPackageRegistrationType, 'Registered');
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: logged, ModelPackageRegistrationType: 'Logged' }, ctx),
      'ValidationException', /cannot change from Registered to Logged/);
  });

  it('sets InferenceSpecification / SourceUri only on a package without an InferenceSpecification', async () => {
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, InferenceSpecification: inferenceSpec() }, ctx),
      'ValidationException', /has one/);
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, SourceUri: 's3://b/x' }, ctx), 'ValidationException');
    const bare = (await env.registry.CreateModelPackage({ ModelPackageGroupName: 'upd', SourceUri: 'arn:aws:sagemaker:us-east-1:123456789012:model/m' }, ctx)).ModelPackageArn;
    const spec = inferenceSpec('img:later');
    await env.registry.UpdateModelPackage({ ModelPackageArn: bare, InferenceSpecification: spec, SourceUri: 's3://b/model.tar.gz' }, ctx);
    const d = await env.registry.DescribeModelPackage({ ModelPackageName: bare }, ctx);
    assert.deepEqual(d.InferenceSpecification, spec);
    assert.equal(d.SourceUri, 's3://b/model.tar.gz');
  });

  it('refuses unversioned packages and unknown ARNs', async () => {
    const solo = (await env.registry.CreateModelPackage({ ModelPackageName: 'solo', InferenceSpecification: inferenceSpec() }, ctx)).ModelPackageArn;
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: solo, ModelApprovalStatus: 'Approved' }, ctx),
      'ValidationException', /versioned model packages only/);
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn.replace(/\/1$/, '/99'), ModelApprovalStatus: 'Approved' }, ctx),
      'ValidationException', /ModelPackage .*\/upd\/99 does not exist\./);
  });

  it('leaves nothing changed when a rule refuses the update', async () => {
    const before_ = await describe_();
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: arn, ModelApprovalStatus: 'Approved',
      ModelCard: { ModelCardContent: 'x' } }, ctx), 'ValidationException');
    const after_ = await describe_();
    assert.equal(after_.ModelApprovalStatus, before_.ModelApprovalStatus);
    assert.deepEqual(after_.LastModifiedTime, before_.LastModifiedTime);
  });

  it('applies a ClientToken once; a retry does not append twice; other parameters conflict', async () => {
    const fresh = (await env.registry.CreateModelPackage(versionOf('upd'), ctx)).ModelPackageArn;
    const req = { ModelPackageArn: fresh, ClientToken: 'u-1',
      AdditionalInferenceSpecificationsToAdd: [{ Name: 'once', Containers: inferenceSpec().Containers }] };
    await env.registry.UpdateModelPackage(req, ctx);
    await env.registry.UpdateModelPackage(req, ctx);
    const d = await env.registry.DescribeModelPackage({ ModelPackageName: fresh }, ctx);
    assert.equal(d.AdditionalInferenceSpecifications!.length, 1);
    await rejectsWith(env.registry.UpdateModelPackage({ ModelPackageArn: fresh, ClientToken: 'u-1', ModelApprovalStatus: 'Approved' }, ctx),
      'ConflictException', /u-1/);
  });
});
