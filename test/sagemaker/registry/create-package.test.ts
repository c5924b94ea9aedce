import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, inferenceSpec, rejectsWith, setup, versionOf } from './fixtures.js';

const ACCOUNT_ARN = 'arn:aws:sagemaker:us-east-1:123456789012';

describe('CreateModelPackage', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'Fraud' }, ctx);
  });
  after(async () => { await env.store.close(); });

  it('numbers versions 1..n per group, with lower-cased versioned ARNs, never reusing a deleted number', async () => {
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) arns.push((await env.registry.CreateModelPackage(versionOf('Fraud'), ctx)).ModelPackageArn);
    assert.deepEqual(arns, [1, 2, 3].map((v) => `${ACCOUNT_ARN}:model-package/fraud/${v}`));
    await env.registry.DeleteModelPackage({ ModelPackageName: 'Fraud/3' }, ctx);
    const next = await env.registry.CreateModelPackage(versionOf('fraud'), ctx); // group name is case-insensitive
    assert.equal(next.ModelPackageArn, `${ACCOUNT_ARN}:model-package/fraud/4`);
    // By group ARN too.
    const byArn = await env.registry.CreateModelPackage(versionOf(`${ACCOUNT_ARN}:model-package-group/Fraud`), ctx);
    assert.equal(byArn.ModelPackageArn, `${ACCOUNT_ARN}:model-package/fraud/5`);
  });

  it('describes a version with its defaults and every member round-tripped', async () => {
    const input = versionOf('Fraud', {
      ModelPackageDescription: 'v with everything',
      ModelPackageRegistrationType: 'Logged',
      SourceAlgorithmSpecification: { SourceAlgorithms: [{ AlgorithmName: 'xgb', ModelDataUrl: 's3://b/m.tar.gz' }] },
      CertifyForMarketplace: false,
      MetadataProperties: { CommitId: 'abc', Repository: 'r', GeneratedBy: 'g', ProjectId: 'p' },
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 's3://b/stats.json' } } },
      Domain: 'NATURAL_LANGUAGE_PROCESSING',
      Task: 'TEXT_GENERATION',
      SamplePayloadUrl: 's3://b/payload.tar.gz',
      CustomerMetadataProperties: { team: 'risk' },
      DriftCheckBaselines: { Bias: { ConfigFile: { S3Uri: 's3://b/bias.json' } } },
      AdditionalInferenceSpecifications: [{ Name: 'gpu', Description: 'on GPUs', Containers: inferenceSpec('img:gpu').Containers }],
      SkipModelValidation: 'None',
      SourceUri: 'arn:aws:sagemaker:us-east-1:123456789012:model/m1',
      SecurityConfig: { KmsKeyId: 'alias/key' },
      ModelCard: { ModelCardContent: '{"model_overview":{}}', ModelCardStatus: 'Draft' },
      ModelLifeCycle: { Stage: 'Development', StageStatus: 'InProgress', StageDescription: 'first' },
      ManagedStorageType: 'Restricted',
    });
    const { ModelPackageArn } = await env.registry.CreateModelPackage(input, ctx);
    const d = await env.registry.DescribeModelPackage({ ModelPackageName: ModelPackageArn }, ctx);
    assert.equal(d.ModelPackageName, 'Fraud');
    assert.equal(d.ModelPackageGroupName, 'Fraud');
    assert.equal(d.ModelPackageVersion, 6);
    assert.equal(d.ModelPackageArn, ModelPackageArn);
    assert.equal(d.ModelPackageStatus, 'Completed');
    assert.deepEqual(d.ModelPackageStatusDetails, { ValidationStatuses: [{ Name: 'Fraud', Status: 'Completed' }] });
    assert.equal(d.ModelApprovalStatus, 'PendingManualApproval');
    assert.equal(d.ModelPackageRegistrationType, 'Logged');
    assert.deepEqual(d.CreatedBy, { IamIdentity: { Arn: 'arn:aws:iam::123456789012:root', PrincipalId: '123456789012' } });
    assert.equal(d.LastModifiedTime, undefined);
    for (const member of Object.keys(input) as (keyof typeof input)[]) {
      if (member === 'ModelPackageGroupName') continue;
      assert.deepEqual((d as unknown as Record<string, unknown>)[member], input[member], member);
    }
    assert.equal(d.InferenceSpecification!.Containers[0]!.IsCheckpoint, true);
    assert.deepEqual(d.InferenceSpecification!.Containers[0]!.BaseModel,
      { HubContentName: 'nova-lite', HubContentVersion: '1.0.0', RecipeName: 'sft-lora' });
    assert.equal(d.AdditionalInferenceSpecifications![0]!.Containers[0]!.BaseModel!.RecipeName, 'sft-lora');
  });

  it('defaults ModelPackageRegistrationType to Registered', async () => {
    const { ModelPackageArn } = await env.registry.CreateModelPackage(versionOf('Fraud'), ctx);
    assert.equal((await env.registry.DescribeModelPackage({ ModelPackageName: ModelPackageArn }, ctx)).ModelPackageRegistrationType,
      'Registered');
  });

  it('creates unversioned packages: lower-cased ARN, no approval default, tags stored', async () => {
    const { ModelPackageArn } = await env.registry.CreateModelPackage({
      ModelPackageName: 'Market-Pkg', InferenceSpecification: inferenceSpec(), CertifyForMarketplace: true,
      Tags: [{ Key: 'k', Value: 'v' }],
    }, ctx);
    assert.equal(ModelPackageArn, `${ACCOUNT_ARN}:model-package/market-pkg`);
    const d = await env.registry.DescribeModelPackage({ ModelPackageName: 'market-PKG' }, ctx);
    assert.equal(d.ModelPackageName, 'Market-Pkg');
    assert.equal(d.ModelPackageGroupName, undefined);
    assert.equal(d.ModelPackageVersion, undefined);
    assert.equal(d.ModelApprovalStatus, undefined);
    assert.equal(d.CertifyForMarketplace, true);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: ModelPackageArn }, ctx)).Tags, [{ Key: 'k', Value: 'v' }]);
    await rejectsWith(env.registry.CreateModelPackage({ ModelPackageName: 'MARKET-pkg', InferenceSpecification: inferenceSpec() }, ctx),
      'ValidationException', `Model Package already exists: ${ACCOUNT_ARN}:model-package/market-pkg`);
  });

  it('requires the instance type lists for unversioned packages only', async () => {
    const spec = inferenceSpec();
    delete spec.SupportedRealtimeInferenceInstanceTypes;
    await rejectsWith(env.registry.CreateModelPackage({ ModelPackageName: 'no-rt', InferenceSpecification: spec }, ctx),
      'ValidationException', /SupportedRealtimeInferenceInstanceTypes is required/);
    await env.registry.CreateModelPackage({ ModelPackageGroupName: 'Fraud', InferenceSpecification: spec }, ctx);
  });

  it('refuses both names, neither name, tags on a version, an unknown group, duplicate spec names', async () => {
    await rejectsWith(env.registry.CreateModelPackage({ ModelPackageName: 'a', ModelPackageGroupName: 'Fraud' }, ctx),
      'ValidationException',
      'Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one to use.');
    await rejectsWith(env.registry.CreateModelPackage({ InferenceSpecification: inferenceSpec() }, ctx),
      'ValidationException', 'Missing ARN.');
    await rejectsWith(env.registry.CreateModelPackage(versionOf('Fraud', { Tags: [{ Key: 'a', Value: 'b' }] }), ctx),
      'ValidationException', /versioned model package/);
    await env.registry.CreateModelPackage(versionOf('Fraud', { Tags: [] }), ctx); // an empty list is harmless
    await rejectsWith(env.registry.CreateModelPackage(versionOf('ghost'), ctx),
      'ValidationException', 'Model package group ghost does not exist.');
    const c = inferenceSpec().Containers;
    await rejectsWith(env.registry.CreateModelPackage(versionOf('Fraud', {
      AdditionalInferenceSpecifications: [{ Name: 'x', Containers: c }, { Name: 'x', Containers: c }],
    }), ctx), 'ValidationException', /more than once/);
  });

  it('records a ValidationSpecification without pretending to run it', async () => {
    const { ModelPackageArn } = await env.registry.CreateModelPackage(versionOf('Fraud', {
      ValidationSpecification: {
        ValidationRole: 'arn:aws:iam::123456789012:role/r',
        ValidationProfiles: [{
          ProfileName: 'p',
          TransformJobDefinition: {
            TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/in' } } },
            TransformOutput: { S3OutputPath: 's3://b/out' },
            TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
          },
        }],
      },
    }), ctx);
    const d = await env.registry.DescribeModelPackage({ ModelPackageName: ModelPackageArn }, ctx);
    assert.equal(d.ModelPackageStatus, 'Completed');
    const [status] = d.ModelPackageStatusDetails.ValidationStatuses;
    assert.equal(status!.Status, 'NotStarted');
    assert.match(status!.FailureReason!, /does not run model package validation/);
    assert.equal(d.ValidationSpecification!.ValidationProfiles[0]!.ProfileName, 'p');
  });
});

describe('CreateModelPackage ClientToken', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'idem' }, ctx);
  });
  after(async () => { await env.store.close(); });

  it('answers a retry with the first ARN and creates nothing more', async () => {
    const first = await env.registry.CreateModelPackage(versionOf('idem', { ClientToken: 'tok-1' }), ctx);
    const again = await env.registry.CreateModelPackage(versionOf('idem', { ClientToken: 'tok-1' }), ctx);
    assert.equal(again.ModelPackageArn, first.ModelPackageArn);
    const list = await env.registry.ListModelPackages({ ModelPackageGroupName: 'idem' }, ctx);
    assert.equal(list.ModelPackageSummaryList.length, 1);
  });

  it('refuses the same token with other parameters (ConflictException)', async () => {
    await rejectsWith(env.registry.CreateModelPackage(versionOf('idem', { ClientToken: 'tok-1', ModelPackageDescription: 'x' }), ctx),
      'ConflictException', /tok-1/);
  });

  it('answers concurrent retries of one token with one package', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () =>
      env.registry.CreateModelPackage(versionOf('idem', { ClientToken: 'tok-2' }), ctx)));
    assert.equal(new Set(results.map((r) => r.ModelPackageArn)).size, 1);
    assert.equal((await env.registry.ListModelPackages({ ModelPackageGroupName: 'idem' }, ctx)).ModelPackageSummaryList.length, 2);
  });
});
