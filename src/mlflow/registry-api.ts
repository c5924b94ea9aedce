/**
 * The model-registry subset (model_registry.proto): registered models and model versions.
 * When the namespace registers automatically (a tracking server with
 * AutomaticModelRegistration, an app with ModelRegistrationMode=AutoModelRegistrationEnabled),
 * each new model version also becomes a SageMaker model package (see auto-register.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isUniqueViolation } from '../store/errors.js';
import type { EndpointContext, EndpointTable, Params } from './rest-api.js';
import { compareString, decodeOffset, encodeOffset } from './experiments.js';
import { doesNotExist, invalidParameter, missingParameter, MlflowError, type KeyValue, type ModelVersion, type RegisteredModel } from './wire.js';
import './tables.js';

type Db = Kysely<Database>;

/** Called after a model version is stored; returns the model package ARN it became, if any. */
export type ModelVersionHook = (version: ModelVersion) => Promise<string | undefined>;


const tagsToWire = (json: string): KeyValue[] => Object.entries(JSON.parse(json) as Record<string, string>).map(([key, value]) => ({ key, value }));
const tagsToJson = (tags: unknown): string => {
  const out: Record<string, string> = {};
  for (const t of (Array.isArray(tags) ? tags : []) as KeyValue[]) if (typeof t?.key === 'string') out[t.key] = String(t.value ?? '');
  return JSON.stringify(out);
};

function name(p: Params): string {
  const v = p.name;
  if (typeof v !== 'string' || v === '') throw missingParameter('name');
  return v;
}

type VersionRow = {
  name: string; version: number; source: string; run_id: string | null; status: string; current_stage: string; description: string | null;
  user_id: string | null; creation_time: number; last_updated_time: number; tags: string; model_package_arn: string | null;
};

function versionToWire(r: VersionRow): ModelVersion {
  const tags = tagsToWire(r.tags);
  return {
    name: r.name, version: String(r.version), creation_timestamp: Number(r.creation_time), last_updated_timestamp: Number(r.last_updated_time),
    ...(r.user_id ? { user_id: r.user_id } : {}), current_stage: r.current_stage, ...(r.description ? { description: r.description } : {}),
    source: r.source, ...(r.run_id ? { run_id: r.run_id } : {}), status: r.status as ModelVersion['status'], ...(tags.length ? { tags } : {}),
  };
}

async function modelRow(db: Db, trackingId: number, modelName: string) {
  const row = await db.selectFrom('mlflow_registered_models').selectAll().where('tracking_id', '=', trackingId).where('name', '=', modelName).executeTakeFirst();
  if (!row) throw doesNotExist(`Registered Model with name=${modelName} not found`);
  return row;
}

async function modelToWire(db: Db, trackingId: number, row: { name: string; description: string | null; creation_time: number; last_updated_time: number; tags: string }): Promise<RegisteredModel> {
  const latest = await db.selectFrom('mlflow_model_versions').selectAll().where('tracking_id', '=', trackingId).where('name', '=', row.name)
    .orderBy('version', 'desc').limit(1).execute();
  const tags = tagsToWire(row.tags);
  return {
    name: row.name, creation_timestamp: Number(row.creation_time), last_updated_timestamp: Number(row.last_updated_time),
    ...(row.description ? { description: row.description } : {}),
    ...(latest.length ? { latest_versions: latest.map(versionToWire) } : {}), ...(tags.length ? { tags } : {}),
  };
}

async function createModel(c: EndpointContext, p: Params): Promise<unknown> {
  const modelName = name(p);
  try {
    await c.store.db.insertInto('mlflow_registered_models').values({
      tracking_id: c.trackingId, name: modelName, description: typeof p.description === 'string' ? p.description : null,
      creation_time: c.now, last_updated_time: c.now, tags: tagsToJson(p.tags),
    }).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${modelName}) already exists.`);
    throw error;
  }
  return { registered_model: await modelToWire(c.store.db, c.trackingId, await modelRow(c.store.db, c.trackingId, modelName)) };
}

/** `name = 'x'` / `name LIKE 'x%'` filters of the registry searches. */
function nameFilter(filter: unknown): { op: string; value: string } | undefined {
  if (typeof filter !== 'string' || filter.trim() === '') return undefined;
  const m = /^\s*name\s*(=|LIKE|ILIKE)\s*'([^']*)'\s*$/i.exec(filter);
  if (!m) throw invalidParameter(`Invalid filter '${filter}'. Could not be parsed.`);
  return { op: m[1]!.toUpperCase(), value: m[2]! };
}

function matches(value: string, f: { op: string; value: string } | undefined): boolean {
  if (!f) return true;
  return compareString(value, f.op, f.value);
}

function page<T>(items: T[], p: Params): { items: T[]; next?: string } {
  const max = typeof p.max_results === 'number' ? p.max_results : typeof p.max_results === 'string' ? Number(p.max_results) : 100;
  const offset = decodeOffset(typeof p.page_token === 'string' ? p.page_token : undefined);
  return { items: items.slice(offset, offset + max), ...(offset + max < items.length ? { next: encodeOffset(offset + max) } : {}) };
}

/** Model-registry endpoints, keyed as in rest-api.ts. */
export function registryEndpoints(): EndpointTable {
  const searchModels = async (c: EndpointContext, p: Params): Promise<unknown> => {
    const f = nameFilter(p.filter);
    const rows = await c.store.db.selectFrom('mlflow_registered_models').selectAll().where('tracking_id', '=', c.trackingId).orderBy('name').execute();
    const { items, next } = page(rows.filter((r) => matches(r.name, f)), p);
    const models = await Promise.all(items.map((r) => modelToWire(c.store.db, c.trackingId, r)));
    return { ...(models.length ? { registered_models: models } : {}), ...(next ? { next_page_token: next } : {}) };
  };
  const searchVersions = async (c: EndpointContext, p: Params): Promise<unknown> => {
    const f = nameFilter(p.filter);
    const rows = await c.store.db.selectFrom('mlflow_model_versions').selectAll().where('tracking_id', '=', c.trackingId).orderBy('name').orderBy('version', 'desc').execute();
    const { items, next } = page(rows.filter((r) => matches(r.name, f)), p);
    return { ...(items.length ? { model_versions: items.map(versionToWire) } : {}), ...(next ? { next_page_token: next } : {}) };
  };
  return {
    'POST registered-models/create': createModel,
    'GET registered-models/get': async (c, p) => ({ registered_model: await modelToWire(c.store.db, c.trackingId, await modelRow(c.store.db, c.trackingId, name(p))) }),
    'GET registered-models/search': searchModels,
    'POST registered-models/search': searchModels,
    'DELETE registered-models/delete': async (c, p) => {
      const row = await modelRow(c.store.db, c.trackingId, name(p));
      await c.store.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mlflow_model_versions').where('tracking_id', '=', c.trackingId).where('name', '=', row.name).execute();
        await trx.deleteFrom('mlflow_registered_models').where('id', '=', row.id).execute();
      });
      return {};
    },
    'POST model-versions/create': async (c, p) => {
      const modelName = name(p);
      if (typeof p.source !== 'string' || p.source === '') throw missingParameter('source');
      const run = typeof p.run_id === 'string' && p.run_id !== '' ? p.run_id : null;
      const version = await c.store.db.transaction().execute(async (trx) => {
        const model = await modelRow(trx, c.trackingId, modelName);
        const max = await trx.selectFrom('mlflow_model_versions').select((eb) => eb.fn.max('version').as('v')).where('tracking_id', '=', c.trackingId).where('name', '=', modelName).executeTakeFirst();
        const row: VersionRow = {
          name: model.name, version: Number(max?.v ?? 0) + 1, source: p.source as string, run_id: run, status: 'READY', current_stage: 'None',
          description: typeof p.description === 'string' ? p.description : null, user_id: null, creation_time: c.now, last_updated_time: c.now,
          tags: tagsToJson(p.tags), model_package_arn: null,
        };
        await trx.insertInto('mlflow_model_versions').values({ tracking_id: c.trackingId, ...row }).execute();
        await trx.updateTable('mlflow_registered_models').set({ last_updated_time: c.now }).where('id', '=', model.id).execute();
        return row;
      });
      const wire = versionToWire(version);
      const arn = await c.onModelVersion?.(wire);
      if (arn) {
        await c.store.db.updateTable('mlflow_model_versions').set({ model_package_arn: arn })
          .where('tracking_id', '=', c.trackingId).where('name', '=', version.name).where('version', '=', version.version).execute();
      }
      return { model_version: wire };
    },
    'GET model-versions/get': async (c, p) => {
      const modelName = name(p);
      const v = Number(p.version);
      const row = Number.isInteger(v)
        ? await c.store.db.selectFrom('mlflow_model_versions').selectAll().where('tracking_id', '=', c.trackingId).where('name', '=', modelName).where('version', '=', v).executeTakeFirst()
        : undefined;
      if (!row) throw doesNotExist(`Model Version (name=${modelName}, version=${String(p.version ?? '')}) not found`);
      return { model_version: versionToWire(row) };
    },
    'GET model-versions/search': searchVersions,
    'POST model-versions/search': searchVersions,
  };
}
