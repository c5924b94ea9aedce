/**
 * The MLflow App operations (the "serverless MLflow Apps" of 2025-12-02): Create / Describe /
 * List / Update / Delete MlflowApp and CreatePresignedMlflowAppUrl. An app is addressed by its
 * ARN `…:mlflow-app/app-<id>`; statuses Creating → Created, Updating → Updated, Deleting → gone.
 * ModelRegistrationMode defaults to AutoModelRegistrationDisabled, AccountDefaultStatus to
 * DISABLED. An unknown ARN is ResourceNotFound "MLflow App <arn> does not exist." ([I]).
 */
import type { RequestContext } from '../aws/context.js';
import { conflict, resourceNotFound } from '../aws/service-error.js';
import type * as S from '../aws/generated/sagemaker/types.js';
import { putTags } from '../sagemaker/tags/tag-store.js';
import { userContext } from '../sagemaker/registry/user-context.js';
import { createDefaultExperiment } from './experiments.js';
import { externalUriFor } from './external.js';
import type { MlflowDeps } from './deps.js';
import { listResources } from './list-resources.js';
import { presignedUrl } from './presign.js';
import {
  appArn, checkArtifactUri, DEFAULT_MAINTENANCE_WINDOW, DEFAULT_MLFLOW_VERSION, findByArn, newPublicId, parseDoc, transition, transitionMs, type ResourceDoc,
} from './resources.js';
import type { MlflowResourceRow } from './tables.js';

async function mustFind(deps: MlflowDeps, ctx: RequestContext, arn: string): Promise<MlflowResourceRow> {
  const row = await findByArn(deps.store.db, ctx, arn, deps.clock.now());
  if (!row || row.kind !== 'app') throw resourceNotFound(`MLflow App ${arn} does not exist.`);
  return row;
}

export async function createApp(deps: MlflowDeps, input: S.CreateMlflowAppRequest, ctx: RequestContext): Promise<S.CreateMlflowAppResponse> {
  checkArtifactUri(input.ArtifactStoreUri);
  const now = deps.clock.now();
  const publicId = newPublicId('app');
  const arn = appArn(ctx, publicId);
  const doc: ResourceDoc = {
    ArtifactStoreUri: input.ArtifactStoreUri, RoleArn: input.RoleArn, MlflowVersion: DEFAULT_MLFLOW_VERSION,
    WeeklyMaintenanceWindowStart: input.WeeklyMaintenanceWindowStart ?? DEFAULT_MAINTENANCE_WINDOW,
    ModelRegistrationMode: input.ModelRegistrationMode ?? 'AutoModelRegistrationDisabled',
    AccountDefaultStatus: input.AccountDefaultStatus ?? 'DISABLED',
    ...(input.DefaultDomainIdList ? { DefaultDomainIdList: input.DefaultDomainIdList } : {}),
    CreatedBy: userContext(ctx), LastModifiedBy: userContext(ctx),
    settle: { to: 'Created', at: now + transitionMs() },
  };
  await deps.store.db.transaction().execute(async (trx) => {
    if (doc.AccountDefaultStatus === 'ENABLED') await clearAccountDefault(deps, trx, ctx);
    const row = await trx.insertInto('mlflow_resources').values({
      account_id: ctx.accountId, region: ctx.region, kind: 'app', name: input.Name, name_key: input.Name.toLowerCase(), public_id: publicId,
      arn, status: 'Creating', creation_time: now, last_modified_time: now, doc: JSON.stringify(doc), external_uri: externalUriFor(deps.external, input.Name) ?? null,
    }).returning('id').executeTakeFirstOrThrow();
    await createDefaultExperiment(trx, Number(row.id), now);
    await putTags(trx, ctx, arn, input.Tags ?? []);
  });
  return { Arn: arn };
}

/** One account default app at a time: making one the default demotes the previous one. */
async function clearAccountDefault(deps: MlflowDeps, db: MlflowDeps['store']['db'], ctx: RequestContext): Promise<void> {
  const rows = await db.selectFrom('mlflow_resources').selectAll().where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', 'app').execute();
  for (const row of rows) {
    const doc = parseDoc(row);
    if (doc.AccountDefaultStatus !== 'ENABLED') continue;
    doc.AccountDefaultStatus = 'DISABLED';
    await db.updateTable('mlflow_resources').set({ doc: JSON.stringify(doc), last_modified_time: deps.clock.now() }).where('id', '=', row.id).execute();
  }
}

export async function describeApp(deps: MlflowDeps, input: S.DescribeMlflowAppRequest, ctx: RequestContext): Promise<S.DescribeMlflowAppResponse> {
  const row = await mustFind(deps, ctx, input.Arn);
  const doc = parseDoc(row);
  return {
    Arn: row.arn, Name: row.name, ArtifactStoreUri: doc.ArtifactStoreUri, MlflowVersion: doc.MlflowVersion, RoleArn: doc.RoleArn,
    Status: row.status as S.MlflowAppStatus, ModelRegistrationMode: doc.ModelRegistrationMode as S.ModelRegistrationMode,
    AccountDefaultStatus: doc.AccountDefaultStatus as S.AccountDefaultStatus, DefaultDomainIdList: doc.DefaultDomainIdList,
    CreationTime: new Date(row.creation_time), CreatedBy: doc.CreatedBy as S.UserContext,
    LastModifiedTime: new Date(row.last_modified_time), LastModifiedBy: doc.LastModifiedBy as S.UserContext,
    WeeklyMaintenanceWindowStart: doc.WeeklyMaintenanceWindowStart,
  };
}

export async function listApps(deps: MlflowDeps, input: S.ListMlflowAppsRequest, ctx: RequestContext): Promise<S.ListMlflowAppsResponse> {
  const { rows, nextToken } = await listResources(deps, ctx, 'app', {
    createdAfter: input.CreatedAfter, createdBefore: input.CreatedBefore, status: input.Status, mlflowVersion: input.MlflowVersion,
    sortBy: input.SortBy, sortOrder: input.SortOrder, maxResults: input.MaxResults, nextToken: input.NextToken,
    accountDefaultStatus: input.AccountDefaultStatus, defaultForDomainId: input.DefaultForDomainId,
  });
  return {
    Summaries: rows.map((row) => ({
      Arn: row.arn, Name: row.name, Status: row.status as S.MlflowAppStatus, CreationTime: new Date(row.creation_time),
      LastModifiedTime: new Date(row.last_modified_time), MlflowVersion: parseDoc(row).MlflowVersion,
    })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export async function updateApp(deps: MlflowDeps, input: S.UpdateMlflowAppRequest, ctx: RequestContext): Promise<S.UpdateMlflowAppResponse> {
  const row = await mustFind(deps, ctx, input.Arn);
  if (!['Created', 'Updated', 'UpdateFailed'].includes(row.status)) {
    throw conflict(`MLflow App ${row.arn} cannot be updated while its status is ${row.status}.`);
  }
  checkArtifactUri(input.ArtifactStoreUri);
  await deps.store.db.transaction().execute(async (trx) => {
    if (input.AccountDefaultStatus === 'ENABLED') await clearAccountDefault(deps, trx, ctx);
    const fresh = (await trx.selectFrom('mlflow_resources').selectAll().where('id', '=', row.id).executeTakeFirst())!;
    await transition(trx, fresh, 'Updating', 'Updated', deps.clock.now(), (doc) => {
      if (input.ArtifactStoreUri !== undefined) doc.ArtifactStoreUri = input.ArtifactStoreUri;
      if (input.ModelRegistrationMode !== undefined) doc.ModelRegistrationMode = input.ModelRegistrationMode;
      if (input.WeeklyMaintenanceWindowStart !== undefined) doc.WeeklyMaintenanceWindowStart = input.WeeklyMaintenanceWindowStart;
      if (input.DefaultDomainIdList !== undefined) doc.DefaultDomainIdList = input.DefaultDomainIdList;
      if (input.AccountDefaultStatus !== undefined) doc.AccountDefaultStatus = input.AccountDefaultStatus;
      doc.LastModifiedBy = userContext(ctx);
    });
    if (input.Name !== undefined) await trx.updateTable('mlflow_resources').set({ name: input.Name, name_key: input.Name.toLowerCase() }).where('id', '=', row.id).execute();
  });
  return { Arn: row.arn };
}

export async function deleteApp(deps: MlflowDeps, input: S.DeleteMlflowAppRequest, ctx: RequestContext): Promise<S.DeleteMlflowAppResponse> {
  const row = await mustFind(deps, ctx, input.Arn);
  if (row.status !== 'Deleting') await transition(deps.store.db, row, 'Deleting', null, deps.clock.now());
  return { Arn: row.arn };
}

export async function presignAppUrl(deps: MlflowDeps, input: S.CreatePresignedMlflowAppUrlRequest, ctx: RequestContext): Promise<S.CreatePresignedMlflowAppUrlResponse> {
  const row = await mustFind(deps, ctx, input.Arn);
  return { AuthorizedUrl: presignedUrl(deps, row, input.ExpiresInSeconds) };
}
