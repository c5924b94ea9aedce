import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ctx, otherAccount, rejectsWith, setup, versionOf } from './fixtures.js';

describe('model package groups', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => { env = await setup(); });
  after(async () => { await env.store.close(); });

  it('creates a group and describes it by name and by ARN', async () => {
    const { ModelPackageGroupArn: arn } = await env.registry.CreateModelPackageGroup({
      ModelPackageGroupName: 'Churn-Models', ModelPackageGroupDescription: 'churn',
      ManagedConfiguration: { ManagedStorageType: 'Restricted' },
    }, ctx);
    assert.equal(arn, 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/Churn-Models');
    for (const ref of ['Churn-Models', 'churn-models', arn, arn.toLowerCase()]) {
      const d = await env.registry.DescribeModelPackageGroup({ ModelPackageGroupName: ref }, ctx);
      assert.equal(d.ModelPackageGroupName, 'Churn-Models');
      assert.equal(d.ModelPackageGroupArn, arn);
      assert.equal(d.ModelPackageGroupDescription, 'churn');
      assert.equal(d.ModelPackageGroupStatus, 'Completed');
      assert.ok(d.CreationTime instanceof Date);
      assert.deepEqual(d.CreatedBy, { IamIdentity: { Arn: 'arn:aws:iam::123456789012:root', PrincipalId: '123456789012' } });
      assert.deepEqual(d.ManagedConfiguration, { ManagedStorageType: 'Restricted' });
    }
  });

  it('refuses a duplicate name in any casing with ValidationException', async () => {
    await rejectsWith(
      env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'CHURN-models' }, ctx),
      'ValidationException',
      'Model Package Group already exists: arn:aws:sagemaker:us-east-1:123456789012:model-package-group/Churn-Models',
    );
  });

  it('keeps accounts and regions apart', async () => {
    await rejectsWith(env.registry.DescribeModelPackageGroup({ ModelPackageGroupName: 'Churn-Models' }, otherAccount),
      'ValidationException', 'Model package group Churn-Models does not exist.');
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'Churn-Models' }, otherAccount);
    await rejectsWith(env.registry.DescribeModelPackageGroup({
      ModelPackageGroupName: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/Churn-Models',
    }, ctx), 'ValidationException', /does not exist\.$/);
  });

  it('answers an unknown group with ValidationException "... does not exist."', async () => {
    await rejectsWith(env.registry.DescribeModelPackageGroup({ ModelPackageGroupName: 'nope' }, ctx),
      'ValidationException', 'Model package group nope does not exist.');
    await rejectsWith(env.registry.DeleteModelPackageGroup({ ModelPackageGroupName: 'nope' }, ctx),
      'ValidationException', 'Model package group nope does not exist.');
  });

  it('refuses to delete a group that still holds versions (ConflictException), then deletes it', async () => {
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'busy', Tags: [{ Key: 'a', Value: 'b' }] }, ctx);
    const { ModelPackageArn } = await env.registry.CreateModelPackage(versionOf('busy'), ctx);
    await rejectsWith(env.registry.DeleteModelPackageGroup({ ModelPackageGroupName: 'busy' }, ctx), 'ConflictException',
      /still holds 1 model package version/);
    await env.registry.DeleteModelPackage({ ModelPackageName: ModelPackageArn }, ctx);
    await env.registry.DeleteModelPackageGroup({ ModelPackageGroupName: 'BUSY' }, ctx);
    await rejectsWith(env.registry.DescribeModelPackageGroup({ ModelPackageGroupName: 'busy' }, ctx), 'ValidationException');
    // Re-created, it starts clean: no tags left over, versions from 1.
    const { ModelPackageGroupArn } = await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'busy' }, ctx);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: ModelPackageGroupArn }, ctx)).Tags, []);
    const v = await env.registry.CreateModelPackage(versionOf('busy'), ctx);
    assert.match(v.ModelPackageArn, /model-package\/busy\/1$/);
  });
});

describe('ListModelPackageGroups', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => {
    env = await setup();
    const names = ['delta', 'Alpha', 'charlie', 'bravo', 'echo-x'];
    for (const [i, name] of names.entries()) {
      await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: name }, ctx);
      await env.store.db.updateTable('model_package_groups').set({ creation_time: 1_000_000 + i * 1000 })
        .where('name', '=', name).execute();
    }
  });
  after(async () => { await env.store.close(); });

  const names = (out: { ModelPackageGroupSummaryList: { ModelPackageGroupName: string }[] }) =>
    out.ModelPackageGroupSummaryList.map((g) => g.ModelPackageGroupName);

  it('sorts by CreationTime ascending by default', async () => {
    assert.deepEqual(names(await env.registry.ListModelPackageGroups({}, ctx)), ['delta', 'Alpha', 'charlie', 'bravo', 'echo-x']);
  });

  it('sorts by Name case-insensitively, both orders', async () => {
    assert.deepEqual(names(await env.registry.ListModelPackageGroups({ SortBy: 'Name' }, ctx)),
      ['Alpha', 'bravo', 'charlie', 'delta', 'echo-x']);
    assert.deepEqual(names(await env.registry.ListModelPackageGroups({ SortBy: 'Name', SortOrder: 'Descending' }, ctx)),
      ['echo-x', 'delta', 'charlie', 'bravo', 'Alpha']);
  });

  it('filters by NameContains and creation time (exclusive)', async () => {
    assert.deepEqual(names(await env.registry.ListModelPackageGroups({ NameContains: 'A' }, ctx)),
      ['delta', 'Alpha', 'charlie', 'bravo']);
    assert.deepEqual(names(await env.registry.ListModelPackageGroups({
      CreationTimeAfter: new Date(1_001_000), CreationTimeBefore: new Date(1_004_000),
    }, ctx)), ['charlie', 'bravo']);
  });

  it('pages with NextToken and rejects a tampered token', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await env.registry.ListModelPackageGroups({ SortBy: 'Name', MaxResults: 2, NextToken: token }, ctx);
      seen.push(...names(out));
      token = out.NextToken;
      pages++;
      if (pages === 1) {
        assert.ok(token);
        const tampered = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
        await rejectsWith(env.registry.ListModelPackageGroups({ SortBy: 'Name', MaxResults: 2, NextToken: tampered }, ctx),
          'ValidationException', /Invalid pagination token/);
        // A token is bound to its sort: reusing it with another sort is refused.
        await rejectsWith(env.registry.ListModelPackageGroups({ MaxResults: 2, NextToken: token }, ctx),
          'ValidationException', /Invalid pagination token/);
      }
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['Alpha', 'bravo', 'charlie', 'delta', 'echo-x']);
  });

  it('answers CrossAccount with an empty list (nothing is shared in sagebox)', async () => {
    assert.deepEqual(await env.registry.ListModelPackageGroups({ CrossAccountFilterOption: 'CrossAccount' }, ctx),
      { ModelPackageGroupSummaryList: [] });
    assert.equal(names(await env.registry.ListModelPackageGroups({ CrossAccountFilterOption: 'SameAccount' }, ctx)).length, 5);
  });
});
