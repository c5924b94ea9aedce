import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../../src/aws/context.js';
import { parseExpression } from '../../../src/sagemaker/search/expression.js';
import { SearchCatalog, SearchIndexer } from '../../../src/sagemaker/search/indexer.js';
import { collectHits, readPage, type Cursor, type Hit } from '../../../src/sagemaker/search/page.js';
import { hitsQuery, namesUsed, type CompileContext } from '../../../src/sagemaker/search/sql.js';
import { trainingJobSource } from '../../../src/sagemaker/search/sources/training-jobs.js';
import { openStore, type Store } from '../../../src/store/database.js';

/**
 * The two page plans (sort the hit list; walk the sort property's index and probe) must give
 * the same pages, page after page, for any expression, sort and order.
 */
const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'r' };
let store: Store;
let catalog: SearchCatalog;

before(async () => {
  store = await openStore({ sqlitePath: ':memory:' });
  const now = Date.now() - 3_600_000;
  const rows = Array.from({ length: 60 }, (_, i) => {
    const name = `job-${String(i).padStart(2, '0')}`;
    const arn = `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`;
    // Every 7th job has no metric; losses repeat (ties); HyperParameters vary.
    const metrics = i % 7 === 0 ? [] : [{ MetricName: 'loss', Value: (i % 10) / 10, Timestamp: now }];
    return {
      account_id: ctx.accountId, region: ctx.region, name, name_key: name, arn, status: i % 5 === 0 ? 'Failed' : 'Completed', secondary_status: 'Completed',
      creation_time: now + i * 1000, last_modified_time: now + i * 1000, training_start_time: null, training_end_time: null, failure_reason: null,
      request: JSON.stringify({ TrainingJobName: name, HyperParameters: { epochs: String(i % 4) }, AlgorithmSpecification: { TrainingImage: 'i', TrainingInputMode: 'File' } }),
      state: JSON.stringify({ transitions: [], finalMetrics: metrics, attempt: 1, maxAttempts: 1, logStreams: [] }),
    };
  });
  await store.db.insertInto('training_jobs').values(rows).execute();
  await store.db.insertInto('tags').values(rows.filter((_, i) => i % 3 === 0).map((r) => ({
    account_id: ctx.accountId, region: ctx.region, resource_key: r.arn, resource_arn: r.arn, tag_key: 'team', tag_value: 'a' }))).execute();
  catalog = new SearchCatalog(store.db);
  await new SearchIndexer({ db: store.db, store, invoke: async () => { throw new Error('training jobs need no Describe call'); } }, catalog).sync(trainingJobSource);
});
after(async () => store.close());

async function allPages(expr: object | undefined, sortBy: string, column: 'num' | 'txt', order: 'Ascending' | 'Descending', plan: 'sort-hits' | 'walk-index'): Promise<Hit[]> {
  const tree = parseExpression(trainingJobSource, expr);
  const used = namesUsed(tree);
  used.names.add(sortBy);
  const ids = await catalog.lookup(used.names, used.prefixes);
  const scope = (await catalog.scope('TrainingJob', ctx.accountId, ctx.region, false))!;
  const compile: CompileContext = { scope, names: ids.names, prefixes: ids.prefixes };
  const docs = await collectHits(store.db, await hitsQuery(store.db, tree, compile, 10_001), 10_001);
  const out: Hit[] = [];
  let cursor: Cursor | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await readPage(store.db, compile, tree, { docs, complete: true }, { name: sortBy, column }, ids.names.get(sortBy), order, cursor, 8, plan);
    out.push(...page.slice(0, 7));
    if (page.length <= 7) return out;
    const last = page[6]!;
    cursor = { value: last.value, id: last.doc };
  }
  throw new Error('paging did not end');
}

const cases: [string, object | undefined, string, 'num' | 'txt'][] = [
  ['everything by loss', undefined, 'Metrics.loss', 'num'],
  ['failed or tagged, by loss', { Operator: 'Or', Filters: [{ Name: 'TrainingJobStatus', Value: 'Failed' }, { Name: 'Tags.team', Value: 'a' }] }, 'Metrics.loss', 'num'],
  ['loss < 0.5 and epochs >= 1, by name', { Filters: [{ Name: 'Metrics.loss', Operator: 'LessThan', Value: '0.5' }, { Name: 'HyperParameters.epochs', Operator: 'GreaterThanOrEqualTo', Value: '1' }] }, 'TrainingJobName', 'txt'],
  ['not tagged, by tag', { Filters: [{ Name: 'Tags.team', Operator: 'NotExists' }, { Name: 'TrainingJobStatus', Operator: 'In', Value: 'Completed,Failed' }] }, 'Tags.team', 'txt'],
  ['tagged, by tag', { Filters: [{ Name: 'Tags.team', Operator: 'Exists' }] }, 'Tags.team', 'txt'],
];

for (const [what, expr, sortBy, column] of cases) {
  test(`both plans page alike: ${what}`, async () => {
    for (const order of ['Ascending', 'Descending'] as const) {
      const sorted = await allPages(expr, sortBy, column, order, 'sort-hits');
      const walked = await allPages(expr, sortBy, column, order, 'walk-index');
      assert.deepEqual(walked, sorted, order);
      assert.equal(new Set(sorted.map((h) => h.doc)).size, sorted.length, 'no hit twice');
      const values = sorted.map((h) => h.value).filter((v) => v !== null);
      const expected = [...values].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
      assert.deepEqual(values, order === 'Ascending' ? expected : expected.reverse());
      assert.ok(sorted.findIndex((h) => h.value === null) === -1 || sorted.slice(sorted.findIndex((h) => h.value === null)).every((h) => h.value === null), 'missing values last');
    }
  });
}
