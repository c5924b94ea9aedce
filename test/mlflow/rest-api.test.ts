/**
 * The MLflow REST API as served by sagebox, checked on the wire against the service.proto
 * shapes (fixtures/service-proto-shapes.json): snake_case, int64 as numbers, enums by name,
 * empty fields omitted, `{"error_code","message"}` with MLflow's HTTP statuses and messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSagebox } from '../helpers/sagebox.js';
import { assertResponse, assertShape, rest, sageboxWithServer } from './helpers.js';

let sb: TestSagebox;
let url: string;
before(async () => {
  ({ sb, url } = await sageboxWithServer('rest'));
});
after(async () => {
  await sb.close(true);
});

const mlflowError = (code: string, message: string | RegExp) => (res: { status: number; body: any }, status: number): void => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body).sort(), ['error_code', 'message']);
  assert.equal(res.body.error_code, code);
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else assert.match(res.body.message, message);
};

describe('experiments', () => {
  test('"0" is the Default experiment of every server', async () => {
    const res = await rest(url, 'GET', 'experiments/get', undefined, { experiment_id: '0' });
    assert.equal(res.status, 200);
    assertResponse('experiments/get', res.body);
    assert.equal(res.body.experiment.name, 'Default');
    assert.equal(res.body.experiment.lifecycle_stage, 'active');
    assert.equal(res.body.experiment.artifact_location, 'mlflow-artifacts:/0');
  });

  test('create, get, get-by-name, update, search, delete, restore', async () => {
    const created = await rest(url, 'POST', 'experiments/create', { name: 'exp-a', tags: [{ key: 'team', value: 'ml' }] });
    assert.equal(created.status, 200);
    assertResponse('experiments/create', created.body);
    assert.match(created.body.experiment_id, /^\d+$/);
    const id = created.body.experiment_id as string;
    const byName = await rest(url, 'GET', 'experiments/get-by-name', undefined, { experiment_name: 'exp-a' });
    assertResponse('experiments/get-by-name', byName.body);
    assert.deepEqual(byName.body.experiment.tags, [{ key: 'team', value: 'ml' }]);
    assert.equal(byName.body.experiment.experiment_id, id);
    assert.deepEqual((await rest(url, 'POST', 'experiments/update', { experiment_id: id, new_name: 'exp-b' })).body, {});
    const search = await rest(url, 'POST', 'experiments/search', { filter: "name LIKE 'exp-%'", max_results: 10 });
    assertResponse('experiments/search', search.body);
    assert.deepEqual(search.body.experiments.map((e: { name: string }) => e.name), ['exp-b']);
    assert.deepEqual((await rest(url, 'POST', 'experiments/delete', { experiment_id: id })).body, {});
    assert.equal((await rest(url, 'GET', 'experiments/get', undefined, { experiment_id: id })).body.experiment.lifecycle_stage, 'deleted');
    assert.deepEqual((await rest(url, 'POST', 'experiments/search', { filter: "name = 'exp-b'" })).body, {}, 'ACTIVE_ONLY hides it; no results is {}');
    assert.equal((await rest(url, 'POST', 'experiments/search', { filter: "name = 'exp-b'", view_type: 'DELETED_ONLY' })).body.experiments.length, 1);
    mlflowError('RESOURCE_ALREADY_EXISTS', "Experiment 'exp-b' already exists in deleted state. You can restore the experiment, or permanently delete the experiment to create a new one.")(
      await rest(url, 'POST', 'experiments/create', { name: 'exp-b' }), 400);
    await rest(url, 'POST', 'experiments/restore', { experiment_id: id });
    assert.equal((await rest(url, 'GET', 'experiments/get', undefined, { experiment_id: id })).body.experiment.lifecycle_stage, 'active');
  });

  test('bad input: MLflow codes, statuses and messages', async () => {
    await rest(url, 'POST', 'experiments/create', { name: 'dup' });
    mlflowError('RESOURCE_ALREADY_EXISTS', 'Experiment(name=dup) already exists.')(await rest(url, 'POST', 'experiments/create', { name: 'dup' }), 400);
    mlflowError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'. See the API docs for more information about request parameters.")(
      await rest(url, 'POST', 'experiments/create', {}), 400);
    mlflowError('RESOURCE_DOES_NOT_EXIST', "Could not find experiment with name 'nope'")(await rest(url, 'GET', 'experiments/get-by-name', undefined, { experiment_name: 'nope' }), 404);
    mlflowError('RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=424242 exists')(await rest(url, 'GET', 'experiments/get', undefined, { experiment_id: '424242' }), 404);
    mlflowError('INVALID_PARAMETER_VALUE', "Cannot delete the default experiment '0'. This is an internally reserved experiment.")(
      await rest(url, 'POST', 'experiments/delete', { experiment_id: '0' }), 400);
  });
});

describe('runs', () => {
  let experimentId: string;
  before(async () => {
    experimentId = (await rest(url, 'POST', 'experiments/create', { name: 'runs-exp' })).body.experiment_id;
  });

  test('create, log, get (latest values), update, history', async () => {
    const created = await rest(url, 'POST', 'runs/create', { experiment_id: experimentId, run_name: 'r1', start_time: 1_700_000_000_000, tags: [{ key: 'k', value: 'v' }] });
    assertResponse('runs/create', created.body);
    const run = created.body.run;
    assert.match(run.info.run_id, /^[0-9a-f]{32}$/);
    assert.equal(run.info.run_uuid, run.info.run_id);
    assert.equal(run.info.status, 'RUNNING');
    assert.equal(run.info.start_time, 1_700_000_000_000);
    assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`);
    assert.deepEqual(run.data.tags, [{ key: 'k', value: 'v' }, { key: 'mlflow.runName', value: 'r1' }]);
    assert.equal(run.data.metrics, undefined, 'no metrics: the field is omitted');
    const id = run.info.run_id as string;
    for (const [endpoint, body] of [
      ['runs/log-metric', { run_id: id, key: 'acc', value: 0.5, timestamp: 10, step: 0 }],
      ['runs/log-metric', { run_id: id, key: 'acc', value: 0.7, timestamp: 20, step: 1 }],
      ['runs/log-metric', { run_id: id, key: 'acc', value: 0.6, timestamp: 30 }],
      ['runs/log-parameter', { run_id: id, key: 'lr', value: '0.1' }],
      ['runs/set-tag', { run_id: id, key: 'stage', value: 'dev' }],
      ['runs/log-batch', { run_id: id, metrics: [{ key: 'loss', value: 'NaN', timestamp: 40, step: 2 }], params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'stage', value: 'test' }] }],
    ] as const) {
      const res = await rest(url, 'POST', endpoint, body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertResponse(endpoint, res.body);
    }
    const got = await rest(url, 'GET', 'runs/get', undefined, { run_id: id });
    assertResponse('runs/get', got.body);
    // latest per key: the highest step wins (step 1, value 0.7), not the last logged (step 0 default)
    assert.deepEqual(got.body.run.data.metrics, [{ key: 'acc', value: 0.7, timestamp: 20, step: 1 }, { key: 'loss', value: 'NaN', timestamp: 40, step: 2 }]);
    assert.deepEqual(got.body.run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.ok(got.body.run.data.tags.some((t: { key: string; value: string }) => t.key === 'stage' && t.value === 'test'));
    const updated = await rest(url, 'POST', 'runs/update', { run_id: id, status: 'FINISHED', end_time: 1_700_000_100_000 });
    assertResponse('runs/update', updated.body);
    assert.equal(updated.body.run_info.status, 'FINISHED');
    assert.equal(updated.body.run_info.end_time, 1_700_000_100_000);
    const history = await rest(url, 'GET', 'metrics/get-history', undefined, { run_id: id, metric_key: 'acc' });
    assertResponse('metrics/get-history', history.body);
    assert.deepEqual(history.body.metrics.map((m: { value: number; step: number }) => [m.step, m.value]), [[0, 0.5], [1, 0.7], [0, 0.6]]);
    const page1 = await rest(url, 'GET', 'metrics/get-history', undefined, { run_id: id, metric_key: 'acc', max_results: '2' });
    assert.equal(page1.body.metrics.length, 2);
    const page2 = await rest(url, 'GET', 'metrics/get-history', undefined, { run_id: id, metric_key: 'acc', max_results: '2', page_token: page1.body.next_page_token });
    assert.deepEqual(page2.body.metrics.map((m: { value: number }) => m.value), [0.6]);
    assert.equal(page2.body.next_page_token, undefined);
  });

  test('bad input: params are write-once, batch limits, deleted runs, bad values', async () => {
    const id = (await rest(url, 'POST', 'runs/create', { experiment_id: experimentId })).body.run.info.run_id as string;
    await rest(url, 'POST', 'runs/log-parameter', { run_id: id, key: 'opt', value: 'adam' });
    mlflowError('INVALID_PARAMETER_VALUE', `Changing param values is not allowed. Param with key='opt' was already logged with value='adam' for run ID='${id}'. Attempted logging new value 'sgd'.`)(
      await rest(url, 'POST', 'runs/log-parameter', { run_id: id, key: 'opt', value: 'sgd' }), 400);
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: i, step: i }));
    mlflowError('INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.')(
      await rest(url, 'POST', 'runs/log-batch', { run_id: id, metrics }), 400);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'x' }));
    mlflowError('INVALID_PARAMETER_VALUE', 'A batch logging request can contain at most 100 params. Got 101 params. Please split up params across multiple requests and try again.')(
      await rest(url, 'POST', 'runs/log-batch', { run_id: id, params }), 400);
    mlflowError('INVALID_PARAMETER_VALUE', /^Got invalid value "abc" for metric 'bad' \(timestamp=1\)\. Please specify value as a valid double/)(
      await rest(url, 'POST', 'runs/log-metric', { run_id: id, key: 'bad', value: 'abc', timestamp: 1 }), 400);
    mlflowError('INVALID_PARAMETER_VALUE', "Invalid metric name: 'a*b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).")(
      await rest(url, 'POST', 'runs/log-metric', { run_id: id, key: 'a*b', value: 1, timestamp: 1 }), 400);
    mlflowError('RESOURCE_DOES_NOT_EXIST', 'Run with id=0123456789abcdef0123456789abcdef not found')(
      await rest(url, 'GET', 'runs/get', undefined, { run_id: '0123456789abcdef0123456789abcdef' }), 404);
    mlflowError('RESOURCE_DOES_NOT_EXIST', 'No Experiment with id=999 exists')(await rest(url, 'POST', 'runs/create', { experiment_id: '999' }), 404);
    await rest(url, 'POST', 'runs/delete', { run_id: id });
    mlflowError('INVALID_PARAMETER_VALUE', `The run ${id} must be in the 'active' state. Current state is deleted.`)(
      await rest(url, 'POST', 'runs/log-metric', { run_id: id, key: 'x', value: 1, timestamp: 1 }), 400);
    mlflowError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'metric_key'. See the API docs for more information about request parameters.")(
      await rest(url, 'GET', 'metrics/get-history', undefined, { run_id: id }), 400);
  });

  test('search: filter grammar, order_by, pages, view types', async () => {
    const exp = (await rest(url, 'POST', 'experiments/create', { name: 'search-exp' })).body.experiment_id as string;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = (await rest(url, 'POST', 'runs/create', { experiment_id: exp, run_name: `run-${i}`, start_time: 1000 + i })).body.run.info.run_id as string;
      ids.push(id);
      await rest(url, 'POST', 'runs/log-batch', { run_id: id, metrics: [{ key: 'rmse', value: i / 10, timestamp: 1 }], params: [{ key: 'model', value: i % 2 ? 'Linear' : 'Tree' }], tags: [{ key: 'user-name', value: `u${i}` }] });
    }
    const search = async (body: Record<string, unknown>) => rest(url, 'POST', 'runs/search', { experiment_ids: [exp], ...body });
    const names = (res: { body: any }) => (res.body.runs ?? []).map((r: { info: { run_name: string } }) => r.info.run_name);
    const all = await search({});
    assertResponse('runs/search', all.body);
    assert.deepEqual(names(all), ['run-4', 'run-3', 'run-2', 'run-1', 'run-0'], 'default order: start_time DESC');
    assert.deepEqual(names(await search({ filter: "metrics.rmse < 0.25 and params.model = 'Tree'" })), ['run-2', 'run-0']);
    assert.deepEqual(names(await search({ filter: 'tags."user-name" = \'u3\'' })), ['run-3']);
    assert.deepEqual(names(await search({ filter: "params.model LIKE 'Lin%'" })), ['run-3', 'run-1']);
    assert.deepEqual(names(await search({ filter: "params.model LIKE 'lin%'" })), [], 'LIKE is case-sensitive');
    assert.deepEqual(names(await search({ filter: "params.model ILIKE 'lin%'" })), ['run-3', 'run-1']);
    assert.deepEqual(names(await search({ filter: "attributes.run_name != 'run-0' and metrics.rmse >= 0.3" })), ['run-4', 'run-3']);
    assert.deepEqual(names(await search({ filter: `attributes.run_id IN ('${ids[1]}', '${ids[2]}')` })), ['run-2', 'run-1']);
    assert.deepEqual(names(await search({ order_by: ['metrics.rmse ASC'] })), ['run-0', 'run-1', 'run-2', 'run-3', 'run-4']);
    const p1 = await search({ max_results: 2, order_by: ['attributes.run_name'] });
    assert.deepEqual(names(p1), ['run-0', 'run-1']);
    const p3 = await search({ max_results: 2, order_by: ['attributes.run_name'], page_token: (await search({ max_results: 2, order_by: ['attributes.run_name'], page_token: p1.body.next_page_token })).body.next_page_token });
    assert.deepEqual(names(p3), ['run-4']);
    assert.equal(p3.body.next_page_token, undefined);
    await rest(url, 'POST', 'runs/delete', { run_id: ids[0] });
    assert.deepEqual(names(await search({ run_view_type: 'DELETED_ONLY' })), ['run-0']);
    assert.equal(names(await search({ run_view_type: 'ALL' })).length, 5);
  });

  test('search: bad filters get MLflow messages', async () => {
    const bad = async (filter: string, message: string) =>
      mlflowError('INVALID_PARAMETER_VALUE', message)(await rest(url, 'POST', 'runs/search', { experiment_ids: ['0'], filter }), 400);
    await bad('metrics.rmse < abc', 'Expected numeric value type for metric. Found abc');
    await bad("params.model = Tree", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value Tree");
    await bad("params.model > 'x'", "Invalid comparator '>' not one of '['!=', '=', 'LIKE', 'ILIKE']'");
    await bad("foo.bar = 'x'", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute']");
    await bad("metrics.a = 1 OR metrics.b = 2", "Invalid clause(s) in filter string: 'OR'");
    await bad("attributes.color = 'red'", "Invalid attribute key 'color' specified. Valid keys are '['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage', 'start_time', 'end_time', 'created']'");
    mlflowError('INVALID_PARAMETER_VALUE', 'Invalid value for request parameter max_results. It must be at most 50000, but got value 50001')(
      await rest(url, 'POST', 'runs/search', { experiment_ids: ['0'], max_results: 50001 }), 400);
    mlflowError('INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode')(await rest(url, 'POST', 'runs/search', { experiment_ids: ['0'], page_token: '%%%' }), 400);
  });
});

describe('transport', () => {
  test('POST needs application/json; unknown endpoints and servers are 404', async () => {
    const res = await fetch(`${url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"x"}' });
    mlflowError('INVALID_PARAMETER_VALUE', "Bad Request. Content-Type must be one of ['application/json'].")({ status: res.status, body: await res.json() }, 400);
    mlflowError('ENDPOINT_NOT_FOUND', 'No MLflow endpoint /api/2.0/mlflow/runs/teleport.')(await rest(url, 'POST', 'runs/teleport', {}), 404);
    const other = await fetch(`${url.replace(/\/mlflow\/.*/, '')}/mlflow/t-000000000000/api/2.0/mlflow/experiments/get?experiment_id=0`);
    mlflowError('RESOURCE_DOES_NOT_EXIST', 'No MLflow tracking server or app is served at /mlflow/t-000000000000.')({ status: other.status, body: await other.json() }, 404);
    const ajax = await fetch(`${url}/ajax-api/2.0/mlflow/experiments/get?experiment_id=0`);
    assert.equal(ajax.status, 200, 'the ajax-api prefix serves the same API');
    assert.equal(await (await fetch(`${url}/health`)).text(), 'OK');
  });

  test('artifacts go to the ArtifactStoreUri through the object store', async () => {
    const run = (await rest(url, 'POST', 'runs/create', { experiment_id: '0' })).body.run;
    const base = `${url}/api/2.0/mlflow-artifacts/artifacts/0/${run.info.run_id}/artifacts`;
    assert.equal((await fetch(`${base}/model/weights.bin`, { method: 'PUT', body: 'weights' })).status, 200);
    assert.equal(await (await fetch(`${base}/model/weights.bin`)).text(), 'weights');
    const listed = await rest(url, 'GET', 'artifacts/list', undefined, { run_id: run.info.run_id, path: 'model' });
    assert.deepEqual(listed.body, { root_uri: run.info.artifact_uri, files: [{ path: 'model/weights.bin', is_dir: false, file_size: 7 }] });
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    assert.equal(readFileSync(join(sb.dataDir, 'objects', 'mlflow-artifacts', 'root', '0', run.info.run_id, 'artifacts', 'model', 'weights.bin'), 'utf8'), 'weights');
  });
});

describe('model registry', () => {
  test('registered models and versions', async () => {
    const created = await rest(url, 'POST', 'registered-models/create', { name: 'churn-model', tags: [{ key: 'a', value: 'b' }] });
    assertResponse('registered-models/create', created.body);
    mlflowError('RESOURCE_ALREADY_EXISTS', 'Registered Model (name=churn-model) already exists.')(await rest(url, 'POST', 'registered-models/create', { name: 'churn-model' }), 400);
    const v1 = await rest(url, 'POST', 'model-versions/create', { name: 'churn-model', source: 'mlflow-artifacts:/0/abc/artifacts/model' });
    assertResponse('model-versions/create', v1.body);
    assert.equal(v1.body.model_version.version, '1');
    assert.equal(v1.body.model_version.status, 'READY');
    const v2 = await rest(url, 'POST', 'model-versions/create', { name: 'churn-model', source: 's3://b/m' });
    assert.equal(v2.body.model_version.version, '2');
    const got = await rest(url, 'GET', 'registered-models/get', undefined, { name: 'churn-model' });
    assert.deepEqual(got.body.registered_model.latest_versions.map((v: { version: string }) => v.version), ['2']);
    mlflowError('RESOURCE_DOES_NOT_EXIST', 'Registered Model with name=nobody not found')(await rest(url, 'POST', 'model-versions/create', { name: 'nobody', source: 's3://b/m' }), 404);
    mlflowError('RESOURCE_DOES_NOT_EXIST', 'Model Version (name=churn-model, version=9) not found')(await rest(url, 'GET', 'model-versions/get', undefined, { name: 'churn-model', version: '9' }), 404);
    const versions = await rest(url, 'GET', 'model-versions/search', undefined, { filter: "name = 'churn-model'" });
    assert.deepEqual(versions.body.model_versions.map((v: { version: string }) => v.version), ['2', '1']);
  });
});
