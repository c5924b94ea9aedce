/**
 * sagebox's typed MLflow client against sagebox's MLflow server (the same pair jobs log
 * through), its error mapping, auth headers, retries, and an unreachable server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlflowClient, MlflowUnavailableError, clientOptionsFromEnv } from '../../src/mlflow/client.js';
import { MlflowError } from '../../src/mlflow/wire.js';
import type { TestSagebox } from '../helpers/sagebox.js';
import { sageboxWithServer } from './helpers.js';

let sb: TestSagebox;
let client: MlflowClient;
before(async () => {
  const started = await sageboxWithServer('client');
  sb = started.sb;
  client = new MlflowClient(started.url);
});
after(async () => {
  await sb.close(true);
});

test('client and server agree on every endpoint the jobs use', async () => {
  const { experiment_id } = await client.createExperiment({ name: 'client-exp', tags: [{ key: 'k', value: 'v' }] });
  assert.equal((await client.getExperiment(experiment_id)).name, 'client-exp');
  assert.equal((await client.getExperimentByName('client-exp'))?.experiment_id, experiment_id);
  assert.equal(await client.getExperimentByName('missing'), undefined);
  assert.ok((await client.searchExperiments({})).experiments!.some((e) => e.name === 'client-exp'));
  const run = await client.createRun({ experiment_id, run_name: 'c1' });
  await client.logParam(run.info.run_id, 'alpha', '1');
  await client.setTag(run.info.run_id, 'team', 'a');
  await client.logMetric(run.info.run_id, { key: 'loss', value: 2, timestamp: 1, step: 0 });
  const points = Array.from({ length: 1000 }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), timestamp: 2 + i, step: i + 1 }));
  await client.logBatch({ run_id: run.info.run_id, metrics: points });
  const history = await client.getMetricHistory(run.info.run_id, 'loss', 300);
  assert.equal(history.length, 1001);
  assert.deepEqual(history.slice(0, 2).map((m) => m.step), [0, 1]);
  const info = await client.updateRun({ run_id: run.info.run_id, status: 'KILLED', end_time: 5000 });
  assert.equal(info.status, 'KILLED');
  const got = await client.getRun(run.info.run_id);
  assert.deepEqual(got.data.params, [{ key: 'alpha', value: '1' }]);
  assert.equal(got.data.metrics?.[0]?.step, 1000);
  const found = await client.searchRuns({ experiment_ids: [experiment_id], filter: "tags.team = 'a'" });
  assert.deepEqual(found.runs?.map((r) => r.info.run_id), [run.info.run_id]);
  await client.deleteRun(run.info.run_id);
  assert.equal((await client.getRun(run.info.run_id)).info.lifecycle_stage, 'deleted');
});

test('MLflow errors come back as MlflowError with code, message and status', async () => {
  await assert.rejects(client.getRun('ffffffffffffffffffffffffffffffff'), (e: unknown) =>
    e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST' && e.httpStatus === 404 && e.message === 'Run with id=ffffffffffffffffffffffffffffffff not found');
  await assert.rejects(client.createExperiment({ name: 'Default' }), (e: unknown) => e instanceof MlflowError && e.errorCode === 'RESOURCE_ALREADY_EXISTS' && e.httpStatus === 400);
});

test('auth headers, retries on 503, and an unreachable server', async () => {
  const seen: (string | undefined)[] = [];
  let calls = 0;
  const fake = http.createServer((req, res) => {
    seen.push(req.headers.authorization);
    calls++;
    if (calls === 1) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"experiment_id":"7"}');
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const port = (fake.address() as AddressInfo).port;
  try {
    const withToken = new MlflowClient(`http://127.0.0.1:${port}`, clientOptionsFromEnv({ MLFLOW_TRACKING_TOKEN: 'tok' }));
    assert.deepEqual(await withToken.createExperiment({ name: 'x' }), { experiment_id: '7' });
    assert.equal(calls, 2, 'the 503 was retried');
    assert.deepEqual(seen, ['Bearer tok', 'Bearer tok']);
    const basic = new MlflowClient(`http://127.0.0.1:${port}`, clientOptionsFromEnv({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }));
    await basic.createExperiment({ name: 'y' });
    assert.equal(seen.at(-1), `Basic ${Buffer.from('u:p').toString('base64')}`);
  } finally {
    await new Promise((r) => fake.close(r));
  }
  const down = new MlflowClient(`http://127.0.0.1:${port}`, { retries: 1 });
  await assert.rejects(down.getRun('a'.repeat(32)), (e: unknown) => e instanceof MlflowUnavailableError && /is unreachable: ECONNREFUSED/.test((e as Error).message));
});
