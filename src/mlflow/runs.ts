/**
 * Runs of one MLflow namespace: create / get / update / delete / restore, and logging
 * (log-batch and its single-item forms). Rules follow MLflow's SQL store: run ids are 32 hex
 * characters, params are write-once, a deleted run takes no writes, `runs/get` shows the latest
 * value per metric (ordered by step, then timestamp, then value, as MLflow compares them).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { experimentRow } from './experiments.js';
import {
  doesNotExist, invalidParameter, metricValueFromWire, metricValueToWire, RUN_STATUSES,
  type KeyValue, type Metric, type Run, type RunInfo, type RunStatus,
} from './wire.js';
import './tables.js';

type Db = Kysely<Database>;

export const MAX_BATCH_METRICS = 1000;
export const MAX_BATCH_PARAMS = 100;
export const MAX_BATCH_TAGS = 100;
export const MAX_BATCH_TOTAL = 1000;
export const MAX_PARAM_VALUE = 6000;
const INSERT_ROWS = 500;
const NAME = /^[/\w.\- :]*$/;

export type RunRow = {
  run_uuid: string; experiment_id: number; name: string; user_id: string; status: string; start_time: number;
  end_time: number | null; lifecycle_stage: string; artifact_uri: string; tracking_id: number;
};

/** MLflow's random run names: `<adjective>-<noun>-<number>`. */
function randomRunName(): string {
  const adjectives = ['bright', 'calm', 'clever', 'gentle', 'bold', 'silent', 'sunny', 'swift', 'wise', 'brave', 'merry', 'lucky'];
  const nouns = ['fox', 'owl', 'whale', 'hare', 'lark', 'moth', 'seal', 'wolf', 'yak', 'crab', 'finch', 'stag'];
  return `${adjectives[randomInt(adjectives.length)]}-${nouns[randomInt(nouns.length)]}-${randomInt(1000)}`;
}

export function checkRunId(id: unknown): string {
  if (typeof id !== 'string' || id === '') throw invalidParameter(`Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.`);
  if (!/^[a-zA-Z0-9_-]{1,256}$/.test(id)) throw invalidParameter(`Invalid run ID: '${id}'`);
  return id;
}

/** The run row, or RESOURCE_DOES_NOT_EXIST ("Run with id=… not found"). */
export async function runRow(db: Db, trackingId: number, id: unknown): Promise<RunRow & { source_job_id: number | null }> {
  const runId = checkRunId(id);
  const row = await db.selectFrom('mlflow_runs').selectAll().where('tracking_id', '=', trackingId).where('run_uuid', '=', runId).executeTakeFirst();
  if (!row) throw doesNotExist(`Run with id=${runId} not found`);
  return row;
}

async function activeRun(db: Db, trackingId: number, id: unknown): Promise<RunRow> {
  const row = await runRow(db, trackingId, id);
  if (row.lifecycle_stage !== 'active') {
    throw invalidParameter(`The run ${row.run_uuid} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

export function runInfo(row: RunRow): RunInfo {
  return {
    run_id: row.run_uuid, run_uuid: row.run_uuid, run_name: row.name, experiment_id: String(row.experiment_id),
    ...(row.user_id ? { user_id: row.user_id } : {}),
    status: row.status as RunStatus, start_time: Number(row.start_time),
    ...(row.end_time !== null ? { end_time: Number(row.end_time) } : {}),
    artifact_uri: row.artifact_uri, lifecycle_stage: row.lifecycle_stage as RunInfo['lifecycle_stage'],
  };
}

/** Full runs (info + latest metrics, params, tags) for rows, in the rows' order. */
export async function toRuns(db: Db, rows: RunRow[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.run_uuid);
  const [metrics, params, tags] = await Promise.all([
    chunked(ids, (part) => db.selectFrom('mlflow_latest_metrics').selectAll().where('run_uuid', 'in', part).orderBy('key').execute()),
    chunked(ids, (part) => db.selectFrom('mlflow_params').selectAll().where('run_uuid', 'in', part).orderBy('key').execute()),
    chunked(ids, (part) => db.selectFrom('mlflow_tags').selectAll().where('run_uuid', 'in', part).orderBy('key').execute()),
  ]);
  const group = <T extends { run_uuid: string }>(list: T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of list) m.set(x.run_uuid, [...(m.get(x.run_uuid) ?? []), x]);
    return m;
  };
  const [gm, gp, gt] = [group(metrics), group(params), group(tags)];
  return rows.map((row) => {
    const m = (gm.get(row.run_uuid) ?? []).map(metricToWire);
    const p = (gp.get(row.run_uuid) ?? []).map((x) => ({ key: x.key, value: x.value }));
    const t = (gt.get(row.run_uuid) ?? []).map((x) => ({ key: x.key, value: x.value }));
    return {
      info: runInfo(row),
      data: { ...(m.length ? { metrics: m } : {}), ...(p.length ? { params: p } : {}), ...(t.length ? { tags: t } : {}) },
      inputs: {},
    };
  });
}

async function chunked<T>(ids: string[], fn: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 500) out.push(...(await fn(ids.slice(i, i + 500))));
  return out;
}

export function metricToWire(m: { key: string; value: number; is_nan: number; timestamp: number; step: number }): Metric {
  return { key: m.key, value: metricValueToWire(m.is_nan ? NaN : m.value), timestamp: Number(m.timestamp), step: Number(m.step) };
}

/**
 * runs/create: a RUNNING run in an active experiment ("0" Default when none is given); the
 * run name also goes into the `mlflow.runName` tag, the user into `mlflow.user`.
 *
 * @example const run = await createRun(db, 1, { experiment_id: '1', run_name: 'job-1', start_time: Date.now() }, Date.now());
 */
export async function createRun(
  db: Db, trackingId: number,
  req: { experiment_id?: unknown; run_name?: unknown; start_time?: unknown; tags?: KeyValue[]; user_id?: unknown },
  now: number, sourceJobId: number | null = null,
): Promise<Run> {
  const exp = await experimentRow(db, trackingId, req.experiment_id ?? '0');
  if (exp.lifecycle_stage !== 'active') {
    throw invalidParameter(`The experiment ${exp.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`);
  }
  const tags = checkTags(req.tags ?? []);
  const tagName = tags.find((t) => t.key === 'mlflow.runName')?.value;
  if (typeof req.run_name === 'string' && tagName !== undefined && tagName !== req.run_name) {
    throw invalidParameter(`Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${req.run_name}', mlflow.runName='${tagName}').`);
  }
  const name = typeof req.run_name === 'string' && req.run_name !== '' ? req.run_name : tagName ?? randomRunName();
  const user = typeof req.user_id === 'string' ? req.user_id : tags.find((t) => t.key === 'mlflow.user')?.value ?? '';
  const runId = randomBytes(16).toString('hex');
  const start = typeof req.start_time === 'number' ? req.start_time : now;
  const row: RunRow = {
    tracking_id: trackingId, run_uuid: runId, experiment_id: exp.experiment_id, name, user_id: user, status: 'RUNNING',
    start_time: start, end_time: null, lifecycle_stage: 'active',
    artifact_uri: `${exp.artifact_location.replace(/\/$/, '')}/${runId}/artifacts`,
  };
  const allTags = new Map(tags.map((t) => [t.key, String(t.value ?? '')]));
  allTags.set('mlflow.runName', name);
  if (user) allTags.set('mlflow.user', user);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('mlflow_runs').values({ ...row, deleted_time: null, source_job_id: sourceJobId }).execute();
    await trx.insertInto('mlflow_tags').values([...allTags].map(([key, value]) => ({ run_uuid: runId, key, value }))).execute();
  });
  return (await toRuns(db, [row]))[0]!;
}

/** runs/get. */
export async function getRun(db: Db, trackingId: number, id: unknown): Promise<Run> {
  return (await toRuns(db, [await runRow(db, trackingId, id)]))[0]!;
}

/** runs/update: status, end_time, run_name (kept in the `mlflow.runName` tag too). */
export async function updateRun(
  db: Db, trackingId: number, req: { run_id?: unknown; run_uuid?: unknown; status?: unknown; end_time?: unknown; run_name?: unknown },
): Promise<RunInfo> {
  const row = await activeRun(db, trackingId, req.run_id ?? req.run_uuid);
  if (req.status !== undefined && !RUN_STATUSES.includes(req.status as RunStatus)) {
    throw invalidParameter(`Invalid value ${JSON.stringify(req.status)} for parameter 'status' supplied.`);
  }
  const changes: Partial<RunRow> = {};
  if (req.status !== undefined) changes.status = req.status as string;
  if (typeof req.end_time === 'number') changes.end_time = req.end_time;
  if (typeof req.run_name === 'string' && req.run_name !== '') changes.name = req.run_name;
  await db.transaction().execute(async (trx) => {
    if (Object.keys(changes).length > 0) await trx.updateTable('mlflow_runs').set(changes).where('run_uuid', '=', row.run_uuid).execute();
    if (changes.name !== undefined) await upsertTags(trx, row.run_uuid, [{ key: 'mlflow.runName', value: changes.name }]);
  });
  return runInfo({ ...row, ...changes });
}

/** runs/delete and runs/restore. */
export async function setRunStage(db: Db, trackingId: number, id: unknown, stage: 'active' | 'deleted', now: number): Promise<void> {
  const row = await runRow(db, trackingId, id);
  await db.updateTable('mlflow_runs').set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null }).where('run_uuid', '=', row.run_uuid).execute();
}

function checkTags(tags: KeyValue[]): KeyValue[] {
  for (const t of tags) {
    if (typeof t?.key !== 'string' || t.key === '') throw invalidParameter(`Missing value for required parameter 'key'. See the API docs for more information about request parameters.`);
    if (!NAME.test(t.key)) throw invalidParameter(`Invalid tag name: '${t.key}'. ${NAME_RULE}`);
    if (Buffer.byteLength(t.key) > 250) throw invalidParameter(`Tag key '${t.key.slice(0, 50)}...' had length ${t.key.length}, which exceeded length limit of 250`);
  }
  return tags;
}
const NAME_RULE = 'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).';

async function upsertTags(db: Db, runId: string, tags: KeyValue[]): Promise<void> {
  for (const t of tags) {
    const value = String(t.value ?? '');
    await db.insertInto('mlflow_tags').values({ run_uuid: runId, key: t.key, value })
      .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet({ value })).execute();
  }
}

/** A checked metric ready to store. */
export interface StoredMetric { key: string; value: number; is_nan: number; timestamp: number; step: number }

function checkMetric(m: Metric | undefined, now: number): StoredMetric {
  if (typeof m?.key !== 'string' || m.key === '') throw invalidParameter(`Missing value for required parameter 'key'. See the API docs for more information about request parameters.`);
  if (!NAME.test(m.key)) throw invalidParameter(`Invalid metric name: '${m.key}'. ${NAME_RULE}`);
  const value = metricValueFromWire(m.value);
  if (value === undefined) {
    throw invalidParameter(`Got invalid value ${JSON.stringify(m.value ?? null)} for metric '${m.key}' (timestamp=${m.timestamp}). Please specify value as a valid double (64-bit floating point)`);
  }
  if (m.timestamp !== undefined && (typeof m.timestamp !== 'number' || !Number.isInteger(m.timestamp))) {
    throw invalidParameter(`Got invalid timestamp ${JSON.stringify(m.timestamp)} for metric '${m.key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer) `);
  }
  if (m.step !== undefined && (typeof m.step !== 'number' || !Number.isInteger(m.step))) {
    throw invalidParameter(`Got invalid step ${JSON.stringify(m.step)} for metric '${m.key}' (value=${value}). Step must be a valid long (64-bit integer).`);
  }
  const nan = Number.isNaN(value);
  // SQLite has no NaN or infinities in REAL columns it will keep; MLflow's SQL store clamps the same way.
  const stored = nan ? 0 : value === Infinity ? Number.MAX_VALUE : value === -Infinity ? -Number.MAX_VALUE : value;
  return { key: m.key, value: stored, is_nan: nan ? 1 : 0, timestamp: m.timestamp ?? now, step: m.step ?? 0 };
}

/**
 * runs/log-batch (and log-metric / log-parameter / set-tag through it). Limits: ≤1000 metrics,
 * ≤100 params, ≤100 tags, ≤1000 in total. Params are write-once: re-logging the same value is
 * fine, another value is INVALID_PARAMETER_VALUE. All or nothing (one transaction).
 *
 * @example await logBatch(db, 1, { run_id, metrics: [{ key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 }] }, Date.now());
 */
export async function logBatch(
  db: Db, trackingId: number, req: { run_id?: unknown; run_uuid?: unknown; metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }, now: number,
): Promise<void> {
  const metrics = req.metrics ?? [];
  const params = req.params ?? [];
  const tags = req.tags ?? [];
  if (!Array.isArray(metrics) || !Array.isArray(params) || !Array.isArray(tags)) throw invalidParameter('metrics, params and tags must be lists.');
  if (metrics.length > MAX_BATCH_METRICS) throw batchLimit(MAX_BATCH_METRICS, 'metrics', metrics.length);
  if (params.length > MAX_BATCH_PARAMS) throw batchLimit(MAX_BATCH_PARAMS, 'params', params.length);
  if (tags.length > MAX_BATCH_TAGS) throw batchLimit(MAX_BATCH_TAGS, 'tags', tags.length);
  const total = metrics.length + params.length + tags.length;
  if (total > MAX_BATCH_TOTAL) {
    throw invalidParameter(`A batch logging request can contain at most ${MAX_BATCH_TOTAL} metrics, params, and tags in total. Got ${total} total items. Please split up metrics across multiple requests and try again.`);
  }
  const run = await activeRun(db, trackingId, req.run_id ?? req.run_uuid);
  const points = metrics.map((m) => checkMetric(m, now));
  for (const p of params) {
    if (typeof p?.key !== 'string' || p.key === '') throw invalidParameter(`Missing value for required parameter 'key'. See the API docs for more information about request parameters.`);
    if (!NAME.test(p.key)) throw invalidParameter(`Invalid parameter name: '${p.key}'. ${NAME_RULE}`);
    const value = String(p.value ?? '');
    if (value.length > MAX_PARAM_VALUE) throw invalidParameter(`Param value '${value.slice(0, 50)}...' had length ${value.length}, which exceeded length limit of ${MAX_PARAM_VALUE}`);
  }
  checkTags(tags);
  await db.transaction().execute(async (trx) => {
    if (params.length > 0) await logParams(trx, run.run_uuid, params);
    await insertMetrics(trx, run.run_uuid, points);
    if (tags.length > 0) await upsertTags(trx, run.run_uuid, tags);
  });
}

function batchLimit(limit: number, what: string, got: number) {
  return invalidParameter(`A batch logging request can contain at most ${limit} ${what}. Got ${got} ${what}. Please split up ${what} across multiple requests and try again.`);
}

async function logParams(db: Db, runId: string, params: KeyValue[]): Promise<void> {
  const wanted = new Map<string, string>();
  for (const p of params) {
    const value = String(p.value ?? '');
    const seen = wanted.get(p.key);
    if (seen !== undefined && seen !== value) {
      throw invalidParameter(`Duplicate parameter keys have been submitted: [${p.key}]. Please ensure the request contains only one param value per param key.`);
    }
    wanted.set(p.key, value);
  }
  const existing = await db.selectFrom('mlflow_params').selectAll().where('run_uuid', '=', runId).where('key', 'in', [...wanted.keys()]).execute();
  for (const e of existing) {
    const value = wanted.get(e.key)!;
    if (e.value !== value) {
      throw invalidParameter(`Changing param values is not allowed. Param with key='${e.key}' was already logged with value='${e.value}' for run ID='${runId}'. Attempted logging new value '${value}'.`);
    }
    wanted.delete(e.key);
  }
  if (wanted.size > 0) await db.insertInto('mlflow_params').values([...wanted].map(([key, value]) => ({ run_uuid: runId, key, value }))).execute();
}

/**
 * Appends metric points to a run's history and moves each key's latest value. Exported for the
 * training-job sync, which copies already-checked points in bulk.
 */
export async function insertMetrics(db: Db, runId: string, points: StoredMetric[]): Promise<void> {
  if (points.length === 0) return;
  // One statement per 500 points (6 bound values each, well under SQLite's 32,766).
  for (let i = 0; i < points.length; i += INSERT_ROWS) {
    await db.insertInto('mlflow_metrics').values(points.slice(i, i + INSERT_ROWS).map((p) => ({ run_uuid: runId, ...p }))).onConflict((oc) => oc.doNothing()).execute();
  }
  const latest = new Map<string, StoredMetric>();
  for (const p of points) {
    const cur = latest.get(p.key);
    if (!cur || newer(p, cur)) latest.set(p.key, p);
  }
  for (const p of latest.values()) await insertLatest(db, runId, p);
}

/** Moves a key's latest value to `p` when `p` is newer (step, then timestamp, then value). */
export async function insertLatest(db: Db, runId: string, p: StoredMetric): Promise<void> {
  await db.insertInto('mlflow_latest_metrics').values({ run_uuid: runId, ...p })
    .onConflict((oc) => oc.columns(['run_uuid', 'key']).doUpdateSet({ value: p.value, is_nan: p.is_nan, timestamp: p.timestamp, step: p.step })
      .where(sql<boolean>`(${p.step}, ${p.timestamp}, ${p.value}) > (mlflow_latest_metrics.step, mlflow_latest_metrics.timestamp, mlflow_latest_metrics.value)`))
    .execute();
}

function newer(a: StoredMetric, b: StoredMetric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/**
 * metrics/get-history: every point of a metric in (timestamp, step) order (a point logged twice
 * with the same timestamp, step and value is kept once, as MLflow's key does); paged when
 * `max_results` is given (page tokens are MLflow-style offsets).
 */
export async function metricHistory(
  db: Db, trackingId: number, req: { run_id?: unknown; run_uuid?: unknown; metric_key?: unknown; max_results?: number; offset: number },
): Promise<{ metrics: Metric[]; nextOffset?: number }> {
  const run = await runRow(db, trackingId, req.run_id ?? req.run_uuid);
  if (typeof req.metric_key !== 'string' || req.metric_key === '') {
    throw invalidParameter(`Missing value for required parameter 'metric_key'. See the API docs for more information about request parameters.`);
  }
  const source = run.source_job_id;
  // A job's run: its points are the job's series (all attempts), read in place, plus anything logged through the API.
  const own = sql`select key, value, is_nan, timestamp, step from mlflow_metrics where run_uuid = ${run.run_uuid} and key = ${req.metric_key}`;
  const union = source === null ? own
    : sql`${own} union all select name as key, value, 0 as is_nan, timestamp, step from training_metrics where job_id = ${source} and name = ${req.metric_key}`;
  const page = req.max_results !== undefined ? sql` limit ${req.max_results + 1} offset ${req.offset}` : sql``;
  const q = sql<{ key: string; value: number; is_nan: number; timestamp: number; step: number }>`${union} order by timestamp, step, value${page}`;
  const rows = (await q.execute(db)).rows;
  const more = req.max_results !== undefined && rows.length > req.max_results;
  const points = more ? rows.slice(0, req.max_results) : rows;
  return { metrics: points.map(metricToWire), ...(more ? { nextOffset: req.offset + req.max_results! } : {}) };
}
