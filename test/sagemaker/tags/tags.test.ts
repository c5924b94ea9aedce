import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerTaggableResource } from '../../../src/sagemaker/tags/index.js';
import { ctx, inferenceSpec, otherAccount, rejectsWith, setup, versionOf } from '../registry/fixtures.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';

describe('AddTags / ListTags / DeleteTags on registry ARNs', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  let groupArn: string;
  let pkgArn: string;
  let versionArn: string;

  before(async () => {
    env = await setup();
    groupArn = (await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'Tagged',
      Tags: [{ Key: 'team', Value: 'ml' }] }, ctx)).ModelPackageGroupArn;
    pkgArn = (await env.registry.CreateModelPackage({ ModelPackageName: 'pkg', InferenceSpecification: inferenceSpec() }, ctx)).ModelPackageArn;
    versionArn = (await env.registry.CreateModelPackage(versionOf('Tagged'), ctx)).ModelPackageArn;
  });
  after(async () => { await env.store.close(); });

  it('lists tags given at create, adds and overwrites, deletes (absent keys ignored)', async () => {
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: groupArn }, ctx)).Tags, [{ Key: 'team', Value: 'ml' }]);
    const added = await env.tags.AddTags({ ResourceArn: groupArn, Tags: [{ Key: 'team', Value: 'risk' }, { Key: 'env', Value: '' }] }, ctx);
    assert.deepEqual(added.Tags, [{ Key: 'team', Value: 'risk' }, { Key: 'env', Value: '' }]);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: groupArn }, ctx)).Tags,
      [{ Key: 'env', Value: '' }, { Key: 'team', Value: 'risk' }]);
    await env.tags.DeleteTags({ ResourceArn: groupArn, TagKeys: ['env', 'never-there'] }, ctx);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: groupArn }, ctx)).Tags, [{ Key: 'team', Value: 'risk' }]);
  });

  it('matches ARNs case-insensitively (names compare that way)', async () => {
    await env.tags.AddTags({ ResourceArn: `${ARN}:model-package-group/tagged`, Tags: [{ Key: 'x', Value: '1' }] }, ctx);
    assert.equal((await env.tags.ListTags({ ResourceArn: groupArn }, ctx)).Tags!.length, 2);
    await env.tags.DeleteTags({ ResourceArn: groupArn, TagKeys: ['x'] }, ctx);
  });

  it('tags unversioned packages', async () => {
    await env.tags.AddTags({ ResourceArn: pkgArn, Tags: [{ Key: 'a', Value: 'b' }] }, ctx);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: pkgArn }, ctx)).Tags, [{ Key: 'a', Value: 'b' }]);
  });

  it('refuses tags on a versioned package; ListTags answers it with no tags', async () => {
    await rejectsWith(env.tags.AddTags({ ResourceArn: versionArn, Tags: [{ Key: 'a', Value: 'b' }] }, ctx),
      'ValidationException', /versioned model package/);
    await rejectsWith(env.tags.DeleteTags({ ResourceArn: versionArn, TagKeys: ['a'] }, ctx), 'ValidationException');
    assert.deepEqual(await env.tags.ListTags({ ResourceArn: versionArn }, ctx), { Tags: [] });
  });

  it('answers unknown resources, types, accounts and regions with ValidationException', async () => {
    for (const arn of [
      `${ARN}:model-package-group/ghost`, `${ARN}:model-package/ghost`, `${ARN}:model-package/tagged/99`,
      `${ARN}:unknown-type/x`, 'arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/Tagged',
    ]) {
      await rejectsWith(env.tags.ListTags({ ResourceArn: arn }, ctx), 'ValidationException', `Resource ${arn} does not exist.`);
      await rejectsWith(env.tags.AddTags({ ResourceArn: arn, Tags: [{ Key: 'a', Value: 'b' }] }, ctx), 'ValidationException');
    }
    await rejectsWith(env.tags.ListTags({ ResourceArn: groupArn }, otherAccount), 'ValidationException');
  });

  it('caps a resource at 50 tags', async () => {
    const g = (await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'full' }, ctx)).ModelPackageGroupArn;
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${String(i).padStart(2, '0')}`, Value: 'v' }));
    await env.tags.AddTags({ ResourceArn: g, Tags: fifty }, ctx);
    await env.tags.AddTags({ ResourceArn: g, Tags: [{ Key: 'k00', Value: 'overwrite is fine' }] }, ctx);
    await rejectsWith(env.tags.AddTags({ ResourceArn: g, Tags: [{ Key: 'one-more', Value: 'v' }] }, ctx),
      'ValidationException', /would have 51 tags; a resource can have at most 50/);
  });

  it('pages ListTags with NextToken and rejects a tampered token', async () => {
    const g = (await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'paged' }, ctx)).ModelPackageGroupArn;
    await env.tags.AddTags({ ResourceArn: g, Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `t${String(i).padStart(2, '0')}`, Value: `${i}` })) }, ctx);
    // MaxResults' model minimum is 50; a smaller page is only reachable by calling the handler directly.
    const first = await env.tags.ListTags({ ResourceArn: g, MaxResults: 30 }, ctx);
    assert.equal(first.Tags!.length, 30);
    assert.ok(first.NextToken);
    const second = await env.tags.ListTags({ ResourceArn: g, MaxResults: 30, NextToken: first.NextToken }, ctx);
    assert.equal(second.Tags!.length, 20);
    assert.equal(second.NextToken, undefined);
    assert.deepEqual([...first.Tags!, ...second.Tags!].map((t) => t.Key), Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`));
    await rejectsWith(env.tags.ListTags({ ResourceArn: g, NextToken: `${first.NextToken}x` }, ctx), 'ValidationException', /Invalid pagination token/);
    // A token is bound to its resource.
    await rejectsWith(env.tags.ListTags({ ResourceArn: groupArn, NextToken: first.NextToken }, ctx), 'ValidationException', /Invalid pagination token/);
    const whole = await env.tags.ListTags({ ResourceArn: g }, ctx);
    assert.equal(whole.Tags!.length, 50);
    assert.equal(whole.NextToken, undefined);
  });

  it('deleting a resource deletes its tags', async () => {
    const g = (await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'doomed', Tags: [{ Key: 'a', Value: 'b' }] }, ctx)).ModelPackageGroupArn;
    await env.registry.DeleteModelPackageGroup({ ModelPackageGroupName: 'doomed' }, ctx);
    const left = await env.store.db.selectFrom('tags').selectAll().where('resource_key', '=', g.toLowerCase()).execute();
    assert.deepEqual(left, []);
  });

  it('lets another resource family plug in its ARN type', async () => {
    const known = new Set([`${ARN}:training-job/job-1`]);
    registerTaggableResource('training-job', async (arn) => known.has(arn));
    await env.tags.AddTags({ ResourceArn: `${ARN}:training-job/job-1`, Tags: [{ Key: 'a', Value: 'b' }] }, ctx);
    assert.deepEqual((await env.tags.ListTags({ ResourceArn: `${ARN}:training-job/job-1` }, ctx)).Tags, [{ Key: 'a', Value: 'b' }]);
    await rejectsWith(env.tags.ListTags({ ResourceArn: `${ARN}:training-job/job-2` }, ctx), 'ValidationException');
  });
});
