import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../../src/aws/context.js';
import { SearchCatalog, SearchIndexer, LAG_MS } from '../../../src/sagemaker/search/indexer.js';
import { search } from '../../../src/sagemaker/search/search.js';
import { trainingJobSource } from '../../../src/sagemaker/search/sources/training-jobs.js';
import { openStore, type Store } from '../../../src/store/database.js';

const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'r' };
let store: Store;
let deps: Parameters<typeof search>[0];

/** A training job row as the training family writes it (Completed, one final metric). */
function jobRow(name: string, modified: number, loss: number) {
  return {
    account_id: ctx.accountId, region: ctx.region, name, name_key: name, arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
    status: 'Completed', secondary_status: 'Completed', creation_time: modified - 1000, last_modified_time: modified,
    training_start_time: modified - 900, training_end_time: modified - 100, failure_reason: null,
    request: JSON.stringify({ TrainingJobName: name, RoleArn: 'arn:aws:iam::123456789012:role/R', AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: 's3://b/o' }, ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 }, StoppingCondition: { MaxRuntimeInSeconds: 60 } }),
    state: JSON.stringify({ transitions: [], finalMetrics: [{ MetricName: 'loss', Value: loss, Timestamp: modified }], attempt: 1, maxAttempts: 1, logStreams: [] }),
  };
}

const names = async (filter?: { Name: string; Operator: 'LessThan' | 'Exists'; Value?: string }) => {
  const r = await search(deps, { Resource: 'TrainingJob', SortBy: 'TrainingJobName', SortOrder: 'Ascending', MaxResults: 100,
    ...(filter ? { SearchExpression: { Filters: [filter] } } : {}) }, ctx);
  return r.Results!.map((x) => x.TrainingJob!.TrainingJobName);
};

before(async () => {
  store = await openStore({ sqlitePath: ':memory:' });
  const env = { db: store.db, store, invoke: async () => { throw new Error('not used by training jobs'); } };
  const catalog = new SearchCatalog(store.db);
  deps = { env, catalog, indexer: new SearchIndexer(env, catalog) };
});
after(async () => store.close());

describe('lazy indexing', () => {
  test('indexes new rows, re-indexes changed ones, and leaves unchanged ones alone', async () => {
    const now = Date.now();
    await store.db.insertInto('training_jobs').values([jobRow('a', now - 60_000, 0.9), jobRow('b', now - 50_000, 0.1)]).execute();
    assert.deepEqual(await names({ Name: 'Metrics.loss', Operator: 'LessThan', Value: '0.5' }), ['b']);
    const docsBefore = await store.db.selectFrom('search_docs').select(['id', 'resource_id']).orderBy('id').execute();
    assert.deepEqual(await names(), ['a', 'b']);
    assert.deepEqual(await store.db.selectFrom('search_docs').select(['id', 'resource_id']).orderBy('id').execute(), docsBefore, 'nothing re-indexed');
    // A newer version of "a" (the loss changes with it).
    await store.db.updateTable('training_jobs').set(jobRow('a', now - 40_000, 0.2)).where('name', '=', 'a').execute();
    assert.deepEqual(await names({ Name: 'Metrics.loss', Operator: 'LessThan', Value: '0.5' }), ['a', 'b']);
  });

  test('a row committed late with an earlier stamp is still found within the lag window', async () => {
    const mark = await store.db.selectFrom('search_watermarks').select('modified').where('resource_type', '=', 'TrainingJob').executeTakeFirstOrThrow();
    await store.db.insertInto('training_jobs').values(jobRow('late', Number(mark.modified) - LAG_MS / 2, 0.3)).execute();
    assert.deepEqual(await names({ Name: 'Metrics.loss', Operator: 'LessThan', Value: '0.5' }), ['a', 'b', 'late']);
  });

  test('deleted rows leave the index', async () => {
    await store.db.deleteFrom('training_jobs').where('name', '=', 'b').execute();
    assert.deepEqual(await names(), ['a', 'late']);
    const docs = await store.db.selectFrom('search_docs').select('resource_id').where('resource_type', '=', 'TrainingJob').execute();
    assert.equal(docs.length, 2);
    const orphans = await store.db.selectFrom('search_properties').select('doc').where('doc', 'not in', store.db.selectFrom('search_docs').select('id')).execute();
    assert.equal(orphans.length, 0);
  });

  test('TotalHits counts exactly (EqualTo), whatever page is asked for', async () => {
    const r = await search(deps, { Resource: trainingJobSource.resource, MaxResults: 1 }, ctx);
    assert.deepEqual(r.TotalHits, { Value: 2, Relation: 'EqualTo' });
    assert.ok(r.NextToken);
  });
});
