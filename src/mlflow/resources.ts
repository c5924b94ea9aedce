/**
 * The SageMaker-side rows of tracking servers and MLflow Apps, and their status machines.
 *
 * A change (create, update, start, stop, delete) sets a transitional status (`Creating`,
 * `Updating`, `Starting`, `Stopping`, `Deleting`) and the status it settles to, with the time it
 * settles (`SAGEBOX_MLFLOW_TRANSITION_MS` after the call, default 300 ms). Settling is applied
 * when a row is read, so it survives restarts with no timer: the row itself is the state.
 * A deleted resource's row (and its MLflow data) is removed when `Deleting` settles.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../aws/context.js';
import { validation } from '../aws/service-error.js';
import type { Database } from '../store/schema.js';
import { deleteAllTags } from '../sagemaker/tags/tag-store.js';
import type { MlflowResourceRow } from './tables.js';
import './tables.js';

type Db = Kysely<Database>;
export type ResourceKind = 'server' | 'app';

/** What Describe echoes, kept as JSON in `doc`. */
export interface ResourceDoc {
  ArtifactStoreUri: string;
  RoleArn: string;
  MlflowVersion: string;
  WeeklyMaintenanceWindowStart: string;
  /** Servers. */
  TrackingServerSize?: string;
  AutomaticModelRegistration?: boolean;
  S3BucketOwnerAccountId?: string;
  S3BucketOwnerVerification?: boolean;
  /** Apps. */
  ModelRegistrationMode?: string;
  AccountDefaultStatus?: string;
  DefaultDomainIdList?: string[];
  CreatedBy: unknown;
  LastModifiedBy: unknown;
  /** The status a transitional status settles to, and when (epoch ms); `null` target = removed. */
  settle?: { to: string | null; at: number };
  /** Active / Inactive (servers). */
  IsActive?: string;
}

/** MLflow version a resource reports when the request names none (MlflowVersion pattern `x.y.z`). */
export const DEFAULT_MLFLOW_VERSION = '3.0.0';
export const DEFAULT_MAINTENANCE_WINDOW = 'Tue:03:30';

export function transitionMs(): number {
  const raw = process.env.SAGEBOX_MLFLOW_TRANSITION_MS;
  const n = raw === undefined || raw === '' ? 300 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : 300;
}

/** sagebox keeps MLflow artifacts in its object store: an ArtifactStoreUri (when given) must be `s3://…`. */
export function checkArtifactUri(uri: string | undefined): void {
  if (uri !== undefined && !uri.startsWith('s3://')) {
    throw validation(`Invalid ArtifactStoreUri ${uri}: sagebox keeps MLflow artifacts in its object store and needs an s3:// URI.`);
  }
}

export function parseDoc(row: Pick<MlflowResourceRow, 'doc'>): ResourceDoc {
  return JSON.parse(row.doc) as ResourceDoc;
}

/** `t-<12 hex>` for servers, `app-<12 upper alnum>` for apps. */
export function newPublicId(kind: ResourceKind): string {
  if (kind === 'server') return `t-${randomBytes(6).toString('hex')}`;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `app-${[...randomBytes(12)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

export const serverArn = (ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string): string =>
  `arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:mlflow-tracking-server/${name}`;
export const appArn = (ctx: Pick<RequestContext, 'accountId' | 'region'>, id: string): string =>
  `arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:mlflow-app/${id}`;

/** Applies a due settle to a row (in the database too); returns the row as it now is, or undefined when removed. */
export async function settle(db: Db, row: MlflowResourceRow, now: number): Promise<MlflowResourceRow | undefined> {
  const doc = parseDoc(row);
  if (!doc.settle || doc.settle.at > now) return row;
  if (doc.settle.to === null) {
    await removeResource(db, row);
    return undefined;
  }
  const to = doc.settle.to;
  delete doc.settle;
  if (row.kind === 'server') doc.IsActive = to === 'Stopped' ? 'Inactive' : 'Active';
  const changes = { status: to, doc: JSON.stringify(doc) };
  await db.updateTable('mlflow_resources').set(changes).where('id', '=', row.id).where('status', '=', row.status).execute();
  return { ...row, ...changes };
}

/** Deletes a resource with its MLflow data and tags. */
async function removeResource(db: Db, row: MlflowResourceRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const runs = trx.selectFrom('mlflow_runs').select('run_uuid').where('tracking_id', '=', row.id);
    for (const table of ['mlflow_params', 'mlflow_tags', 'mlflow_metrics', 'mlflow_latest_metrics'] as const) {
      await trx.deleteFrom(table).where('run_uuid', 'in', runs).execute();
    }
    await trx.deleteFrom('mlflow_runs').where('tracking_id', '=', row.id).execute();
    await trx.deleteFrom('mlflow_experiment_tags').where('tracking_id', '=', row.id).execute();
    await trx.deleteFrom('mlflow_experiments').where('tracking_id', '=', row.id).execute();
    await trx.deleteFrom('mlflow_model_versions').where('tracking_id', '=', row.id).execute();
    await trx.deleteFrom('mlflow_registered_models').where('tracking_id', '=', row.id).execute();
    await trx.deleteFrom('mlflow_resources').where('id', '=', row.id).execute();
    await deleteAllTags(trx, { accountId: row.account_id, region: row.region, requestId: '' } as RequestContext, row.arn);
  });
}

/** Settles every due row of a caller (before a List). */
export async function settleAll(db: Db, ctx: Pick<RequestContext, 'accountId' | 'region'>, kind: ResourceKind, now: number): Promise<void> {
  const rows = await db.selectFrom('mlflow_resources').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', kind)
    .where('status', 'in', ['Creating', 'Updating', 'Starting', 'Stopping', 'Deleting']).execute();
  for (const row of rows) await settle(db, row, now);
}

/** The server with this name in the caller's account and region (settled), if any. */
export async function findServer(db: Db, ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string, now: number): Promise<MlflowResourceRow | undefined> {
  const row = await db.selectFrom('mlflow_resources').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', 'server').where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return row && settle(db, row, now);
}

/** The resource an ARN names (server or app, settled), if it exists in the caller's account and region. */
export async function findByArn(db: Db, ctx: Pick<RequestContext, 'accountId' | 'region'>, arn: string, now: number): Promise<MlflowResourceRow | undefined> {
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):(mlflow-tracking-server|mlflow-app)\/(.+)$/.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return undefined;
  if (m[3] === 'mlflow-tracking-server') return findServer(db, ctx, m[4]!, now);
  const row = await db.selectFrom('mlflow_resources').selectAll().where('arn', '=', appArn(ctx, m[4]!)).where('kind', '=', 'app').executeTakeFirst();
  return row && settle(db, row, now);
}

/** The resource serving a URL path id (settled), if any. */
export async function findByPublicId(db: Db, publicId: string, now: number): Promise<MlflowResourceRow | undefined> {
  const row = await db.selectFrom('mlflow_resources').selectAll().where('public_id', '=', publicId).executeTakeFirst();
  return row && settle(db, row, now);
}

/** Whether the resource answers MLflow requests now (not being created, stopped, or deleted). */
export function isServing(row: MlflowResourceRow): boolean {
  return !['Creating', 'CreateFailed', 'Stopping', 'Stopped', 'Starting', 'Deleting', 'Deleted'].includes(row.status);
}

/** Moves a row into a transitional status that settles to `to` (null: removed) after the transition time. */
export async function transition(
  db: Db, row: MlflowResourceRow, status: string, to: string | null, now: number, patch: (doc: ResourceDoc) => void = () => {},
): Promise<void> {
  const doc = parseDoc(row);
  patch(doc);
  doc.settle = { to, at: now + transitionMs() };
  await db.updateTable('mlflow_resources').set({ status, doc: JSON.stringify(doc), last_modified_time: now }).where('id', '=', row.id).execute();
}
