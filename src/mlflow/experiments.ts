/**
 * Experiments of one MLflow namespace (a tracking server or app, `tracking_id`), stored as
 * MLflow's SQL store keeps them: ids are digit strings counted per namespace, "0" is the
 * built-in Default experiment, names are unique among active *and* deleted experiments.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isUniqueViolation } from '../store/errors.js';
import { doesNotExist, invalidParameter, MlflowError, type Experiment, type KeyValue, type ViewType } from './wire.js';
import './tables.js';

type Db = Kysely<Database>;

export const DEFAULT_EXPERIMENT_NAME = 'Default';

/** `mlflow-artifacts:/<id>`: resolved by the server's artifact proxy under the ArtifactStoreUri. */
export const experimentArtifactLocation = (id: number | string): string => `mlflow-artifacts:/${id}`;

/** Creates experiment "0" Default of a new namespace. */
export async function createDefaultExperiment(db: Db, trackingId: number, now: number): Promise<void> {
  await db.insertInto('mlflow_experiments').values({
    tracking_id: trackingId, experiment_id: 0, name: DEFAULT_EXPERIMENT_NAME, artifact_location: experimentArtifactLocation(0),
    lifecycle_stage: 'active', creation_time: now, last_update_time: now,
  }).execute();
}

/** An experiment id as the API takes it: digits only (anything else cannot exist). */
export function parseExperimentId(id: unknown): number | undefined {
  return typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : typeof id === 'number' && Number.isInteger(id) ? id : undefined;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw invalidParameter(`Invalid experiment name: '${name ?? ''}'`);
  if (name.length > 500) throw invalidParameter(`Experiment name '${name.slice(0, 50)}...' had length ${name.length}, which exceeded length limit of 500`);
  return name;
}

function checkTags(tags: KeyValue[] | undefined): KeyValue[] {
  for (const t of tags ?? []) {
    if (typeof t?.key !== 'string' || t.key === '') throw invalidParameter(`Invalid tag name: '${t?.key ?? ''}'`);
    if (Buffer.byteLength(t.key) > 250) throw invalidParameter(`Tag key '${t.key.slice(0, 50)}...' had length ${t.key.length}, which exceeded length limit of 250`);
    if (typeof t.value === 'string' && Buffer.byteLength(t.value) > 20_000) {
      throw invalidParameter(`Tag value '${t.value.slice(0, 50)}...' had length ${t.value.length}, which exceeded length limit of 20000`);
    }
  }
  return tags ?? [];
}

/**
 * experiments/create.
 *
 * @example const id = await createExperiment(db, 1, { name: 'churn' }, Date.now()); // '1'
 */
export async function createExperiment(
  db: Db, trackingId: number, req: { name?: unknown; artifact_location?: unknown; tags?: KeyValue[] }, now: number,
): Promise<string> {
  const name = checkName(req.name);
  const tags = checkTags(req.tags);
  try {
    return await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('mlflow_experiments').select(['lifecycle_stage']).where('tracking_id', '=', trackingId).where('name', '=', name).executeTakeFirst();
      if (existing) throw alreadyExists(name, existing.lifecycle_stage);
      const max = await trx.selectFrom('mlflow_experiments').select((eb) => eb.fn.max('experiment_id').as('m')).where('tracking_id', '=', trackingId).executeTakeFirst();
      const id = Number(max?.m ?? 0) + 1;
      const location = typeof req.artifact_location === 'string' && req.artifact_location !== '' ? req.artifact_location : experimentArtifactLocation(id);
      await trx.insertInto('mlflow_experiments').values({
        tracking_id: trackingId, experiment_id: id, name, artifact_location: location, lifecycle_stage: 'active', creation_time: now, last_update_time: now,
      }).execute();
      if (tags.length > 0) {
        await trx.insertInto('mlflow_experiment_tags').values(tags.map((t) => ({ tracking_id: trackingId, experiment_id: id, key: t.key, value: String(t.value ?? '') }))).execute();
      }
      return String(id);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists(name, 'active');
    throw error;
  }
}

function alreadyExists(name: string, stage: string): MlflowError {
  return new MlflowError('RESOURCE_ALREADY_EXISTS', stage === 'deleted'
    ? `Experiment '${name}' already exists in deleted state. You can restore the experiment, or permanently delete the experiment to create a new one.`
    : `Experiment(name=${name}) already exists.`);
}

async function tagsOf(db: Db, trackingId: number, ids: number[]): Promise<Map<number, KeyValue[]>> {
  const out = new Map<number, KeyValue[]>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('mlflow_experiment_tags').selectAll().where('tracking_id', '=', trackingId).where('experiment_id', 'in', ids).execute();
  for (const r of rows) {
    const list = out.get(Number(r.experiment_id)) ?? [];
    list.push({ key: r.key, value: r.value });
    out.set(Number(r.experiment_id), list);
  }
  return out;
}

type ExperimentRow = { experiment_id: number; name: string; artifact_location: string; lifecycle_stage: string; creation_time: number; last_update_time: number };

function toWire(row: ExperimentRow, tags: KeyValue[] | undefined): Experiment {
  return {
    experiment_id: String(row.experiment_id), name: row.name, artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage as Experiment['lifecycle_stage'],
    last_update_time: Number(row.last_update_time), creation_time: Number(row.creation_time),
    ...(tags && tags.length > 0 ? { tags } : {}),
  };
}

/** The experiment row, or RESOURCE_DOES_NOT_EXIST with MLflow's message. */
export async function experimentRow(db: Db, trackingId: number, id: unknown): Promise<ExperimentRow> {
  const n = parseExperimentId(id);
  const row = n === undefined ? undefined
    : await db.selectFrom('mlflow_experiments').selectAll().where('tracking_id', '=', trackingId).where('experiment_id', '=', n).executeTakeFirst();
  if (!row) throw doesNotExist(`No Experiment with id=${String(id)} exists`);
  return row;
}

/** experiments/get. */
export async function getExperiment(db: Db, trackingId: number, id: unknown): Promise<Experiment> {
  const row = await experimentRow(db, trackingId, id);
  return toWire(row, (await tagsOf(db, trackingId, [row.experiment_id])).get(row.experiment_id));
}

/** experiments/get-by-name (the active one when a deleted one has the same name). */
export async function getExperimentByName(db: Db, trackingId: number, name: string): Promise<Experiment> {
  const rows = await db.selectFrom('mlflow_experiments').selectAll().where('tracking_id', '=', trackingId).where('name', '=', name).execute();
  const row = rows.find((r) => r.lifecycle_stage === 'active') ?? rows[0];
  if (!row) throw doesNotExist(`Could not find experiment with name '${name}'`);
  return toWire(row, (await tagsOf(db, trackingId, [row.experiment_id])).get(row.experiment_id));
}

/** experiments/update (rename). */
export async function renameExperiment(db: Db, trackingId: number, id: unknown, newName: unknown, now: number): Promise<void> {
  const row = await experimentRow(db, trackingId, id);
  if (row.lifecycle_stage !== 'active') throw invalidParameter(`Cannot rename a non-active experiment.`);
  const name = checkName(newName);
  try {
    await db.updateTable('mlflow_experiments').set({ name, last_update_time: now }).where('tracking_id', '=', trackingId).where('experiment_id', '=', row.experiment_id).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists(name, 'active');
    throw error;
  }
}

/** experiments/delete and experiments/restore: marks the experiment and its runs. */
export async function setExperimentStage(db: Db, trackingId: number, id: unknown, stage: 'active' | 'deleted', now: number): Promise<void> {
  const row = await experimentRow(db, trackingId, id);
  if (stage === 'deleted' && row.experiment_id === 0) {
    throw invalidParameter(`Cannot delete the default experiment '0'. This is an internally reserved experiment.`);
  }
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('mlflow_experiments').set({ lifecycle_stage: stage, last_update_time: now })
      .where('tracking_id', '=', trackingId).where('experiment_id', '=', row.experiment_id).execute();
    await trx.updateTable('mlflow_runs').set({ lifecycle_stage: stage, deleted_time: stage === 'deleted' ? now : null })
      .where('tracking_id', '=', trackingId).where('experiment_id', '=', row.experiment_id).execute();
  });
}

/** experiments/set-experiment-tag. */
export async function setExperimentTag(db: Db, trackingId: number, id: unknown, tag: KeyValue): Promise<void> {
  const row = await experimentRow(db, trackingId, id);
  const [t] = checkTags([tag]);
  await db.insertInto('mlflow_experiment_tags').values({ tracking_id: trackingId, experiment_id: row.experiment_id, key: t!.key, value: String(t!.value ?? '') })
    .onConflict((oc) => oc.columns(['tracking_id', 'experiment_id', 'key']).doUpdateSet({ value: String(t!.value ?? '') })).execute();
}

const EXPERIMENT_FILTER = /^\s*(?:(?:attributes?|attr)\.)?(name|tags?\.(?:"[^"]+"|`[^`]+`|[\w.\-/ ]+?))\s*(=|!=|LIKE|ILIKE)\s*'([^']*)'\s*$/i;

/**
 * experiments/search: `filter` supports `name` and `tags.<key>` with `= != LIKE ILIKE`, AND-ed;
 * ordered by `order_by` on name / creation_time / last_update_time (default last_update_time DESC).
 */
export async function searchExperiments(
  db: Db, trackingId: number,
  req: { filter?: string; view_type?: ViewType; max_results?: number; page_token?: string; order_by?: string[] },
): Promise<{ experiments: Experiment[]; next_page_token?: string }> {
  const max = req.max_results ?? 1000;
  if (!Number.isInteger(max) || max < 1 || max > 50_000) {
    throw invalidParameter(`Invalid value ${max} for parameter 'max_results' supplied. It must be at most 50000`);
  }
  const offset = decodeOffset(req.page_token);
  let q = db.selectFrom('mlflow_experiments').selectAll().where('tracking_id', '=', trackingId);
  const view = req.view_type ?? 'ACTIVE_ONLY';
  if (view === 'ACTIVE_ONLY') q = q.where('lifecycle_stage', '=', 'active');
  else if (view === 'DELETED_ONLY') q = q.where('lifecycle_stage', '=', 'deleted');
  const rows = await q.execute();
  const tags = await tagsOf(db, trackingId, rows.map((r) => Number(r.experiment_id)));
  const clauses = (req.filter ?? '').trim() === '' ? [] : req.filter!.split(/\s+and\s+/i).map((c) => {
    const m = EXPERIMENT_FILTER.exec(c);
    if (!m) throw invalidParameter(`Invalid filter '${req.filter}'. Could not be parsed.`);
    return { field: m[1]!, op: m[2]!.toUpperCase(), value: m[3]! };
  });
  const matching = rows.filter((r) => clauses.every((c) => {
    const lhs = c.field.toLowerCase() === 'name' ? r.name
      : tags.get(Number(r.experiment_id))?.find((t) => t.key === c.field.replace(/^tags?\./i, '').replace(/^["`]|["`]$/g, ''))?.value;
    return lhs !== undefined && compareString(lhs, c.op, c.value);
  }));
  const order = (req.order_by ?? []).map((o) => {
    const m = /^\s*(?:attributes?\.)?(name|creation_time|last_update_time|experiment_id)\s*(ASC|DESC)?\s*$/i.exec(o);
    if (!m) throw invalidParameter(`Invalid order_by clause '${o}'. Could not be parsed.`);
    return { key: m[1]!.toLowerCase() as 'name' | 'creation_time' | 'last_update_time' | 'experiment_id', asc: (m[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
  if (order.length === 0) order.push({ key: 'last_update_time', asc: false });
  matching.sort((a, b) => {
    for (const o of order) {
      const x = a[o.key];
      const y = b[o.key];
      if (x !== y) return (x < y ? -1 : 1) * (o.asc ? 1 : -1);
    }
    return Number(a.experiment_id) - Number(b.experiment_id);
  });
  const page = matching.slice(offset, offset + max);
  return {
    experiments: page.map((r) => toWire(r, tags.get(Number(r.experiment_id)))),
    ...(offset + max < matching.length ? { next_page_token: encodeOffset(offset + max) } : {}),
  };
}

/** SQL LIKE semantics (case-sensitive; ILIKE ignores case) on a JS string. */
export function compareString(lhs: string, op: string, value: string): boolean {
  if (op === '=') return lhs === value;
  if (op === '!=') return lhs !== value;
  const re = new RegExp(`^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, op === 'ILIKE' ? 'is' : 's');
  return re.test(lhs);
}

/** MLflow's page tokens: base64 of `{"offset": n}`. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodeOffset(token: string | undefined): number {
  if (!token) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidParameter('Invalid page token, could not base64-decode');
  }
  const offset = (parsed as { offset?: unknown })?.offset;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token, parsed value=${JSON.stringify(parsed)}`);
  }
  return offset;
}
