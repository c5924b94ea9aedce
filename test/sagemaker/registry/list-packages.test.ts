import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ListModelPackagesInput, ListModelPackagesOutput } from '../../../src/sagemaker/registry/shapes.js';
import { ctx, inferenceSpec, rejectsWith, setup, versionOf } from './fixtures.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';

describe('ListModelPackages', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  const list = (input: ListModelPackagesInput) => env.registry.ListModelPackages(input, ctx);
  const arns = (out: ListModelPackagesOutput) => out.ModelPackageSummaryList.map((s) => s.ModelPackageArn.slice(ARN.length + 15));
  /** Follows NextToken to the end, returning every summary's short ARN and the page count. */
  async function all(input: ListModelPackagesInput) {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await list({ ...input, NextToken: token });
      seen.push(...arns(out));
      token = out.NextToken;
      pages++;
    } while (token);
    return { seen, pages };
  }

  before(async () => {
    env = await setup();
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'GroupA' }, ctx);
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'groupb' }, ctx);
    // Creation order (and times 1000s apart): a/1 b/1 a/2 zeta a/3 Beta b/2
    const steps: (() => Promise<unknown>)[] = [
      () => env.registry.CreateModelPackage(versionOf('GroupA', { ModelApprovalStatus: 'Approved', ModelPackageDescription: 'first' }), ctx),
      () => env.registry.CreateModelPackage(versionOf('groupb'), ctx),
      () => env.registry.CreateModelPackage(versionOf('GroupA', { ModelPackageRegistrationType: 'Logged',
        ModelLifeCycle: { Stage: 'Dev', StageStatus: 'Started' } }), ctx),
      () => env.registry.CreateModelPackage({ ModelPackageName: 'zeta', InferenceSpecification: inferenceSpec() }, ctx),
      () => env.registry.CreateModelPackage(versionOf('GroupA', { ModelApprovalStatus: 'Rejected' }), ctx),
      () => env.registry.CreateModelPackage({ ModelPackageName: 'Beta', InferenceSpecification: inferenceSpec() }, ctx),
      () => env.registry.CreateModelPackage(versionOf('groupb', { ModelApprovalStatus: 'Approved' }), ctx),
    ];
    for (const step of steps) await step();
    const rows = await env.store.db.selectFrom('model_packages').select('id').orderBy('id').execute();
    for (const [i, r] of rows.entries()) {
      await env.store.db.updateTable('model_packages').set({ creation_time: 2_000_000 + i * 1000 }).where('id', '=', r.id).execute();
    }
  });
  after(async () => { await env.store.close(); });

  it('defaults to Unversioned without a group filter (the model default)', async () => {
    assert.deepEqual(arns(await list({})), ['zeta', 'beta']);
  });

  it('defaults to Versioned with a group filter (name or ARN, any casing); Unversioned with a group lists nothing', async () => {
    assert.deepEqual(arns(await list({ ModelPackageGroupName: 'groupa' })), ['groupa/1', 'groupa/2', 'groupa/3']);
    assert.deepEqual(arns(await list({ ModelPackageGroupName: `${ARN}:model-package-group/GroupA` })), ['groupa/1', 'groupa/2', 'groupa/3']);
    assert.deepEqual(arns(await list({ ModelPackageGroupName: 'GroupA', ModelPackageType: 'Both' })), ['groupa/1', 'groupa/2', 'groupa/3']);
    assert.deepEqual(arns(await list({ ModelPackageGroupName: 'GroupA', ModelPackageType: 'Unversioned' })), []);
    assert.deepEqual(arns(await list({ ModelPackageGroupName: 'nobody' })), []);
  });

  it('lists Versioned and Both across groups', async () => {
    assert.deepEqual(arns(await list({ ModelPackageType: 'Versioned' })),
      ['groupa/1', 'groupb/1', 'groupa/2', 'groupa/3', 'groupb/2']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both' })),
      ['groupa/1', 'groupb/1', 'groupa/2', 'zeta', 'groupa/3', 'beta', 'groupb/2']);
  });

  it('returns full summaries, including ModelPackageRegistrationType and ModelLifeCycle', async () => {
    const [first, second] = (await list({ ModelPackageGroupName: 'GroupA' })).ModelPackageSummaryList;
    assert.deepEqual(first, {
      ModelPackageName: 'GroupA', ModelPackageGroupName: 'GroupA', ModelPackageVersion: 1,
      ModelPackageArn: `${ARN}:model-package/groupa/1`, ModelPackageDescription: 'first',
      CreationTime: new Date(2_000_000), ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved',
      ModelLifeCycle: undefined, ModelPackageRegistrationType: 'Registered',
    });
    assert.equal(second!.ModelPackageRegistrationType, 'Logged');
    assert.deepEqual(second!.ModelLifeCycle, { Stage: 'Dev', StageStatus: 'Started' });
    const [zeta] = (await list({})).ModelPackageSummaryList;
    assert.equal(zeta!.ModelPackageGroupName, undefined);
    assert.equal(zeta!.ModelApprovalStatus, undefined);
  });

  it('filters by approval status, NameContains (case-insensitive) and creation time (exclusive)', async () => {
    assert.deepEqual(arns(await list({ ModelPackageType: 'Versioned', ModelApprovalStatus: 'Approved' })), ['groupa/1', 'groupb/2']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Versioned', ModelApprovalStatus: 'PendingManualApproval' })),
      ['groupb/1', 'groupa/2']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both', NameContains: 'PB' })), ['groupb/1', 'groupb/2']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both', NameContains: 'ET' })), ['zeta', 'beta']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both', CreationTimeAfter: new Date(2_001_000),
      CreationTimeBefore: new Date(2_004_000) })), ['groupa/2', 'zeta']);
  });

  it('sorts by Name (case-insensitive; versions of a group in version order) and by CreationTime, both orders', async () => {
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both', SortBy: 'Name' })),
      ['beta', 'groupa/1', 'groupa/2', 'groupa/3', 'groupb/1', 'groupb/2', 'zeta']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both', SortBy: 'Name', SortOrder: 'Descending' })),
      ['zeta', 'groupb/2', 'groupb/1', 'groupa/3', 'groupa/2', 'groupa/1', 'beta']);
    assert.deepEqual(arns(await list({ ModelPackageType: 'Both', SortOrder: 'Descending' })),
      ['groupb/2', 'beta', 'groupa/3', 'zeta', 'groupa/2', 'groupb/1', 'groupa/1']);
    assert.deepEqual(arns(await list({ ModelPackageGroupName: 'GroupA', SortBy: 'Name', SortOrder: 'Descending' })),
      ['groupa/3', 'groupa/2', 'groupa/1']);
  });

  it('pages every sort and filter combination over more than one page, with no row lost or repeated', async () => {
    const cases: ListModelPackagesInput[] = [
      { ModelPackageType: 'Both' },
      { ModelPackageType: 'Both', SortOrder: 'Descending' },
      { ModelPackageType: 'Both', SortBy: 'Name' },
      { ModelPackageType: 'Both', SortBy: 'Name', SortOrder: 'Descending' },
      { ModelPackageGroupName: 'GroupA', SortBy: 'Name' },
      { ModelPackageType: 'Versioned', ModelApprovalStatus: 'PendingManualApproval' },
    ];
    for (const input of cases) {
      const whole = arns(await list({ ...input, MaxResults: 100 }));
      const paged = await all({ ...input, MaxResults: 2 });
      assert.deepEqual(paged.seen, whole, JSON.stringify(input));
      assert.equal(paged.pages, Math.max(1, Math.ceil(whole.length / 2)), JSON.stringify(input));
    }
  });

  it('keeps paging stable when rows are added or deleted between pages', async () => {
    const first = await list({ ModelPackageType: 'Both', MaxResults: 3 });
    await env.registry.DeleteModelPackage({ ModelPackageName: 'GroupA/1' }, ctx); // already seen
    await env.registry.DeleteModelPackage({ ModelPackageName: 'zeta' }, ctx); // not yet seen
    const second = await list({ ModelPackageType: 'Both', MaxResults: 3, NextToken: first.NextToken });
    assert.deepEqual(arns(first), ['groupa/1', 'groupb/1', 'groupa/2']);
    assert.deepEqual(arns(second), ['groupa/3', 'beta', 'groupb/2']);
  });

  it('rejects a tampered, garbage or foreign NextToken with ValidationException', async () => {
    const { NextToken } = await list({ ModelPackageType: 'Both', MaxResults: 1 });
    assert.ok(NextToken);
    const [body, mac] = NextToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), i: 0 })).toString('base64url');
    for (const bad of ['garbage', `${forged}.${mac}`, `${body}.${mac}x`, `${body}`, '']) {
      if (bad === '') continue; // an empty token is "no token"
      await rejectsWith(list({ ModelPackageType: 'Both', MaxResults: 1, NextToken: bad }), 'ValidationException', /Invalid pagination token/);
    }
    // Issued for other filters: refused rather than silently paging a different list.
    await rejectsWith(list({ ModelPackageType: 'Versioned', MaxResults: 1, NextToken }), 'ValidationException', /Invalid pagination token/);
  });

  it('defaults MaxResults to 10', async () => {
    await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'many' }, ctx);
    for (let i = 0; i < 12; i++) await env.registry.CreateModelPackage({ ModelPackageGroupName: 'many' }, ctx);
    const out = await list({ ModelPackageGroupName: 'many' });
    assert.equal(out.ModelPackageSummaryList.length, 10);
    assert.ok(out.NextToken);
  });
});

describe('ListModelPackages at 10,000 packages (timing printed, not asserted)', () => {
  it('pages through a large group', async () => {
    const env = await setup();
    try {
      await env.registry.CreateModelPackageGroup({ ModelPackageGroupName: 'big' }, ctx);
      const t0 = performance.now();
      // Bulk rows straight into the table: the point is the list query, not 10k creates.
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        account_id: ctx.accountId, region: ctx.region, name: 'big', name_key: `big/${i + 1}`, sort_name: 'big',
        package_type: 'Versioned' as const, group_id: 1, group_name: 'big', group_key: 'big', version: i + 1,
        arn: `${ARN}:model-package/big/${i + 1}`, description: null, status: 'Completed', approval_status: 'PendingManualApproval',
        registration_type: 'Registered', life_cycle: null, creation_time: 1_700_000_000_000 + i, last_modified_time: null,
        client_token: null, request_hash: null, doc: '{"ModelPackageStatusDetails":{"ValidationStatuses":[]}}',
      }));
      await env.store.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 500) await trx.insertInto('model_packages').values(rows.slice(i, i + 500)).execute();
      });
      const loaded = performance.now() - t0;
      const times: number[] = [];
      let token: string | undefined;
      let count = 0;
      do {
        const t = performance.now();
        const out = await env.registry.ListModelPackages({ ModelPackageGroupName: 'big', MaxResults: 100, NextToken: token }, ctx);
        times.push(performance.now() - t);
        count += out.ModelPackageSummaryList.length;
        token = out.NextToken;
      } while (token);
      const deep = performance.now();
      await env.registry.ListModelPackages({ ModelPackageType: 'Versioned', SortBy: 'Name', SortOrder: 'Descending', MaxResults: 100 }, ctx);
      const byName = performance.now() - deep;
      times.sort((a, b) => a - b);
      assert.equal(count, 10_000);
      console.log(`# 10k packages: load ${loaded.toFixed(0)} ms; ${times.length} pages of 100: ` +
        `p50 ${times[Math.floor(times.length / 2)]!.toFixed(2)} ms, p99 ${times[Math.floor(times.length * 0.99)]!.toFixed(2)} ms; ` +
        `name-sorted first page ${byName.toFixed(2)} ms`);
    } finally {
      await env.store.close();
    }
  });
});
