import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceError } from '../../../src/aws/service-error.js';
import { ctx, inferenceSpec, setup, versionOf } from './fixtures.js';

/** Splits settled results into successes and ServiceError codes. */
function tally<T>(results: PromiseSettledResult<T>[]) {
  const ok = results.filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled').map((r) => r.value);
  const codes = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason instanceof ServiceError ? r.reason.code : String(r.reason)));
  return { ok, codes };
}

describe('concurrent writes', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  before(async () => { env = await setup(); });
  after(async () => { await env.store.close(); });

  it('20 concurrent creates of one group name: exactly one wins, the rest get ValidationException', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) =>
      env.registry.CreateModelPackageGroup({ ModelPackageGroupName: i % 2 ? 'Race' : 'race', Tags: [{ Key: 'i', Value: String(i) }] }, ctx)));
    const { ok, codes } = tally(results);
    assert.equal(ok.length, 1);
    assert.deepEqual(new Set(codes), new Set(['ValidationException']));
    const rows = await env.store.db.selectFrom('model_package_groups').selectAll().where('name_key', '=', 'race').execute();
    assert.equal(rows.length, 1);
    // Only the winner's tags were written.
    const tags = await env.tags.ListTags({ ResourceArn: ok[0]!.ModelPackageGroupArn }, ctx);
    assert.equal(tags.Tags!.length, 1);
  });

  it('20 concurrent creates of one unversioned package name: exactly one wins', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () =>
      env.registry.CreateModelPackage({ ModelPackageName: 'solo-race', InferenceSpecification: inferenceSpec() }, ctx)));
    const { ok, codes } = tally(results);
    assert.equal(ok.length, 1);
    assert.deepEqual(new Set(codes), new Set(['ValidationException']));
  });

  it('20 concurrent versions of one group get the distinct numbers 1..20', async () => {
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'versions' }, ctx);
    const results = await Promise.all(Array.from({ length: 20 }, () => env.registry.CreateModelPackage(versionOf('versions'), ctx)));
    const numbers = results.map((r) => Number(r.ModelPackageArn.split('/').pop())).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('writes nothing when a create fails part-way (the tag limit after the group row)', async () => {
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })); // bypasses shape validation on purpose
    await assert.rejects(env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'half', Tags: tooMany }, ctx),
      (err: unknown) => err instanceof ServiceError && /Tag limit/.test(err.message));
    const group = await env.store.db.selectFrom('model_package_groups').selectAll().where('name_key', '=', 'half').executeTakeFirst();
    assert.equal(group, undefined);
    const tags = await env.store.db.selectFrom('tags').selectAll().where('resource_key', 'like', '%/half').execute();
    assert.deepEqual(tags, []);
  });
});
