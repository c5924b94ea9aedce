/**
 * The MLflow tracking REST API of one namespace, as a table of endpoints: `(method, path)` →
 * handler over already-parsed parameters (query string for GET, JSON body for POST). The HTTP
 * side (routes.ts) finds the namespace, parses, and writes `{"error_code","message"}` errors.
 */
import type { Store } from '../store/database.js';
import * as E from './experiments.js';
import * as R from './runs.js';
import { searchRuns } from './runs-search.js';
import { missingParameter, invalidParameter, type KeyValue, type Metric, type ViewType } from './wire.js';
import { registryEndpoints, type ModelVersionHook } from './registry-api.js';

/**
 * What an endpoint handler gets.
 *
 * @example { store, trackingId: row.id, now: Date.now(), onModelVersion: autoRegisterHook(deps, row) }
 */
export interface EndpointContext {
  store: Store;
  trackingId: number;
  now: number;
  /** Set when the namespace registers model versions as SageMaker model packages. */
  onModelVersion?: ModelVersionHook;
}

/** Parameters as given: JSON body fields, or query values (strings, string[] when repeated). */
export type Params = Record<string, unknown>;
export type Endpoint = (ctx: EndpointContext, params: Params) => Promise<unknown>;

/** `GET experiments/get` etc.: the key is `<METHOD> <path below /api/2.0/mlflow/>`. */
export type EndpointTable = Record<string, Endpoint>;

function required(params: Params, name: string): unknown {
  const v = params[name];
  if (v === undefined || v === null || v === '') throw missingParameter(name);
  return v;
}

function str(params: Params, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return str({ [name]: v[0] }, name);
  if (typeof v !== 'string') throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied. Hint: Value was of type '${typeof v}'. See the API docs for more information about request parameters.`);
  return v;
}

/** An int parameter (numbers in JSON, digit strings in a query string). */
export function int(params: Params, name: string): number | undefined {
  let v = params[name];
  if (Array.isArray(v)) v = v[0];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw invalidParameter(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied. Hint: Value was of type '${typeof v}'. See the API docs for more information about request parameters.`);
  }
  return n;
}

function list<T>(params: Params, name: string): T[] | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  return (Array.isArray(v) ? v : [v]) as T[];
}

function viewType(params: Params, name: string): ViewType | undefined {
  return str(params, name) as ViewType | undefined;
}

function searchExperiments(ctx: EndpointContext, p: Params): Promise<unknown> {
  const max = int(p, 'max_results');
  return E.searchExperiments(ctx.store.db, ctx.trackingId, {
    ...(max !== undefined ? { max_results: max } : {}),
    ...(str(p, 'page_token') ? { page_token: str(p, 'page_token')! } : {}),
    ...(str(p, 'filter') ? { filter: str(p, 'filter')! } : {}),
    ...(list<string>(p, 'order_by') ? { order_by: list<string>(p, 'order_by')! } : {}),
    ...(viewType(p, 'view_type') ? { view_type: viewType(p, 'view_type')! } : {}),
  }).then((r) => ({ ...(r.experiments.length ? { experiments: r.experiments } : {}), ...(r.next_page_token ? { next_page_token: r.next_page_token } : {}) }));
}

/**
 * Every endpoint sagebox serves under `/api/2.0/mlflow/` (and `/ajax-api/2.0/mlflow/`).
 *
 * @example
 *   const handler = trackingEndpoints()['POST experiments/create'];
 *   await handler({ store, trackingId: 1, now: Date.now() }, { name: 'churn' }); // { experiment_id: '1' }
 */
export function trackingEndpoints(): EndpointTable {
  return {
    'POST experiments/create': async (c, p) => ({
      experiment_id: await E.createExperiment(c.store.db, c.trackingId, { name: required(p, 'name'), artifact_location: p.artifact_location, tags: list<KeyValue>(p, 'tags') ?? [] }, c.now),
    }),
    'GET experiments/get': async (c, p) => ({ experiment: await E.getExperiment(c.store.db, c.trackingId, required(p, 'experiment_id')) }),
    'GET experiments/get-by-name': async (c, p) => ({ experiment: await E.getExperimentByName(c.store.db, c.trackingId, String(required(p, 'experiment_name'))) }),
    'POST experiments/search': searchExperiments,
    'GET experiments/search': searchExperiments,
    'POST experiments/update': async (c, p) => {
      await E.renameExperiment(c.store.db, c.trackingId, required(p, 'experiment_id'), p.new_name, c.now);
      return {};
    },
    'POST experiments/delete': async (c, p) => {
      await E.setExperimentStage(c.store.db, c.trackingId, required(p, 'experiment_id'), 'deleted', c.now);
      return {};
    },
    'POST experiments/restore': async (c, p) => {
      await E.setExperimentStage(c.store.db, c.trackingId, required(p, 'experiment_id'), 'active', c.now);
      return {};
    },
    'POST experiments/set-experiment-tag': async (c, p) => {
      await E.setExperimentTag(c.store.db, c.trackingId, required(p, 'experiment_id'), { key: String(required(p, 'key')), value: String(p.value ?? '') });
      return {};
    },
    'POST runs/create': async (c, p) => ({
      run: await R.createRun(c.store.db, c.trackingId, {
        experiment_id: p.experiment_id ?? '0', run_name: p.run_name, start_time: p.start_time, tags: list<KeyValue>(p, 'tags') ?? [], user_id: p.user_id,
      }, c.now),
    }),
    'GET runs/get': async (c, p) => ({ run: await R.getRun(c.store.db, c.trackingId, p.run_id ?? p.run_uuid ?? required(p, 'run_id')) }),
    'POST runs/update': async (c, p) => ({ run_info: await R.updateRun(c.store.db, c.trackingId, { ...p, run_id: p.run_id ?? p.run_uuid ?? required(p, 'run_id') }) }),
    'POST runs/delete': async (c, p) => {
      await R.setRunStage(c.store.db, c.trackingId, required(p, 'run_id'), 'deleted', c.now);
      return {};
    },
    'POST runs/restore': async (c, p) => {
      await R.setRunStage(c.store.db, c.trackingId, required(p, 'run_id'), 'active', c.now);
      return {};
    },
    'POST runs/search': async (c, p) => {
      const max = int(p, 'max_results');
      return searchRuns(c.store.db, c.store.dialect, c.trackingId, {
        experiment_ids: (list<unknown>(p, 'experiment_ids') ?? []).map(String),
        ...(str(p, 'filter') ? { filter: str(p, 'filter')! } : {}),
        ...(viewType(p, 'run_view_type') ? { run_view_type: viewType(p, 'run_view_type')! } : {}),
        ...(max !== undefined ? { max_results: max } : {}),
        ...(list<string>(p, 'order_by') ? { order_by: list<string>(p, 'order_by')! } : {}),
        ...(str(p, 'page_token') ? { page_token: str(p, 'page_token')! } : {}),
      });
    },
    'POST runs/log-batch': async (c, p) => {
      await R.logBatch(c.store.db, c.trackingId, {
        run_id: p.run_id ?? required(p, 'run_id'), metrics: list<Metric>(p, 'metrics') ?? [], params: list<KeyValue>(p, 'params') ?? [], tags: list<KeyValue>(p, 'tags') ?? [],
      }, c.now);
      return {};
    },
    'POST runs/log-metric': async (c, p) => {
      const metric: Metric = { key: String(required(p, 'key')), value: required(p, 'value') as number, timestamp: required(p, 'timestamp') as number, ...(p.step !== undefined ? { step: p.step as number } : {}) };
      await R.logBatch(c.store.db, c.trackingId, { run_id: p.run_id ?? p.run_uuid ?? required(p, 'run_id'), metrics: [metric] }, c.now);
      return {};
    },
    'POST runs/log-parameter': async (c, p) => {
      await R.logBatch(c.store.db, c.trackingId, { run_id: p.run_id ?? p.run_uuid ?? required(p, 'run_id'), params: [{ key: String(required(p, 'key')), value: String(required(p, 'value')) }] }, c.now);
      return {};
    },
    'POST runs/set-tag': async (c, p) => {
      await R.logBatch(c.store.db, c.trackingId, { run_id: p.run_id ?? p.run_uuid ?? required(p, 'run_id'), tags: [{ key: String(required(p, 'key')), value: String(p.value ?? '') }] }, c.now);
      return {};
    },
    'POST runs/delete-tag': async (c, p) => {
      const run = await R.runRow(c.store.db, c.trackingId, required(p, 'run_id'));
      const key = String(required(p, 'key'));
      const res = await c.store.db.deleteFrom('mlflow_tags').where('run_uuid', '=', run.run_uuid).where('key', '=', key).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw invalidParameter(`No tag with name: ${key} in run with id ${run.run_uuid}`);
      return {};
    },
    'GET metrics/get-history': async (c, p) => {
      const max = int(p, 'max_results');
      const res = await R.metricHistory(c.store.db, c.trackingId, {
        run_id: p.run_id ?? p.run_uuid ?? required(p, 'run_id'), metric_key: required(p, 'metric_key'),
        ...(max !== undefined ? { max_results: max } : {}), offset: E.decodeOffset(str(p, 'page_token')),
      });
      return { ...(res.metrics.length ? { metrics: res.metrics } : {}), ...(res.nextOffset !== undefined ? { next_page_token: E.encodeOffset(res.nextOffset) } : {}) };
    },
    ...registryEndpoints(),
  };
}
