/**
 * The tracking server operations: Create / Describe / List / Update / Delete / Start / Stop
 * MlflowTrackingServer and CreatePresignedMlflowTrackingServerUrl.
 *
 * Messages where the service's own text is not documented are sagebox's (marked [I] in
 * docs/mlflow.md): an unknown name is ResourceNotFound "Tracking server <name> does not exist.",
 * a duplicate name ValidationException, a Start / Stop / Update in the wrong status
 * ConflictException naming the status.
 */
import type { RequestContext } from '../aws/context.js';
import { conflict, resourceNotFound, validation } from '../aws/service-error.js';
import type * as S from '../aws/generated/sagemaker/types.js';
import { putTags } from '../sagemaker/tags/tag-store.js';
import { userContext } from '../sagemaker/registry/user-context.js';
import { isUniqueViolation } from '../store/errors.js';
import { createDefaultExperiment } from './experiments.js';
import { externalUriFor } from './external.js';
import { trackingUrl, type MlflowDeps } from './deps.js';
import { listResources } from './list-resources.js';
import {
  checkArtifactUri, DEFAULT_MAINTENANCE_WINDOW, DEFAULT_MLFLOW_VERSION, findServer, newPublicId, parseDoc, serverArn, transition, transitionMs,
  type ResourceDoc,
} from './resources.js';
import { presignedUrl } from './presign.js';
import type { MlflowResourceRow } from './tables.js';

const notFound = (name: string) => resourceNotFound(`Tracking server ${name} does not exist.`);

async function mustFind(deps: MlflowDeps, ctx: RequestContext, name: string): Promise<MlflowResourceRow> {
  const row = await findServer(deps.store.db, ctx, name, deps.clock.now());
  if (!row) throw notFound(name);
  return row;
}

export async function createServer(deps: MlflowDeps, input: S.CreateMlflowTrackingServerRequest, ctx: RequestContext): Promise<S.CreateMlflowTrackingServerResponse> {
  const now = deps.clock.now();
  const name = input.TrackingServerName;
  const arn = serverArn(ctx, name);
  const doc: ResourceDoc = {
    ArtifactStoreUri: input.ArtifactStoreUri, RoleArn: input.RoleArn, MlflowVersion: input.MlflowVersion ?? DEFAULT_MLFLOW_VERSION,
    WeeklyMaintenanceWindowStart: input.WeeklyMaintenanceWindowStart ?? DEFAULT_MAINTENANCE_WINDOW,
    TrackingServerSize: input.TrackingServerSize ?? 'Small', AutomaticModelRegistration: input.AutomaticModelRegistration ?? false,
    ...(input.S3BucketOwnerAccountId !== undefined ? { S3BucketOwnerAccountId: input.S3BucketOwnerAccountId } : {}),
    ...(input.S3BucketOwnerVerification !== undefined ? { S3BucketOwnerVerification: input.S3BucketOwnerVerification } : {}),
    CreatedBy: userContext(ctx), LastModifiedBy: userContext(ctx), IsActive: 'Active',
    settle: { to: 'Created', at: now + transitionMs() },
  };
  checkArtifactUri(input.ArtifactStoreUri);
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      const existing = await findServer(trx, ctx, name, now);
      if (existing) throw validation(`Tracking server with name ${name} already exists in this account and region (${existing.arn}).`);
      const row = await trx.insertInto('mlflow_resources').values({
        account_id: ctx.accountId, region: ctx.region, kind: 'server', name, name_key: name.toLowerCase(), public_id: newPublicId('server'),
        arn, status: 'Creating', creation_time: now, last_modified_time: now, doc: JSON.stringify(doc), external_uri: externalUriFor(deps.external, name) ?? null,
      }).returning('id').executeTakeFirstOrThrow();
      await createDefaultExperiment(trx, Number(row.id), now);
      await putTags(trx, ctx, arn, input.Tags ?? []);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw validation(`Tracking server with name ${name} already exists in this account and region (${arn}).`);
    throw error;
  }
  return { TrackingServerArn: arn };
}

export async function describeServer(deps: MlflowDeps, input: S.DescribeMlflowTrackingServerRequest, ctx: RequestContext): Promise<S.DescribeMlflowTrackingServerResponse> {
  const row = await mustFind(deps, ctx, input.TrackingServerName);
  const doc = parseDoc(row);
  return {
    TrackingServerArn: row.arn, TrackingServerName: row.name, ArtifactStoreUri: doc.ArtifactStoreUri,
    TrackingServerSize: doc.TrackingServerSize as S.TrackingServerSize, MlflowVersion: doc.MlflowVersion, RoleArn: doc.RoleArn,
    TrackingServerStatus: row.status as S.TrackingServerStatus, IsActive: (doc.IsActive ?? 'Active') as S.IsTrackingServerActive,
    TrackingServerUrl: trackingUrl(deps, row), WeeklyMaintenanceWindowStart: doc.WeeklyMaintenanceWindowStart,
    AutomaticModelRegistration: doc.AutomaticModelRegistration ?? false,
    CreationTime: new Date(row.creation_time), CreatedBy: doc.CreatedBy as S.UserContext,
    LastModifiedTime: new Date(row.last_modified_time), LastModifiedBy: doc.LastModifiedBy as S.UserContext,
    S3BucketOwnerAccountId: doc.S3BucketOwnerAccountId, S3BucketOwnerVerification: doc.S3BucketOwnerVerification,
  };
}

export async function listServers(deps: MlflowDeps, input: S.ListMlflowTrackingServersRequest, ctx: RequestContext): Promise<S.ListMlflowTrackingServersResponse> {
  const { rows, nextToken } = await listResources(deps, ctx, 'server', {
    createdAfter: input.CreatedAfter, createdBefore: input.CreatedBefore, status: input.TrackingServerStatus, mlflowVersion: input.MlflowVersion,
    sortBy: input.SortBy, sortOrder: input.SortOrder, maxResults: input.MaxResults, nextToken: input.NextToken,
  });
  return {
    TrackingServerSummaries: rows.map((row) => {
      const doc = parseDoc(row);
      return {
        TrackingServerArn: row.arn, TrackingServerName: row.name, CreationTime: new Date(row.creation_time), LastModifiedTime: new Date(row.last_modified_time),
        TrackingServerStatus: row.status as S.TrackingServerStatus, IsActive: (doc.IsActive ?? 'Active') as S.IsTrackingServerActive, MlflowVersion: doc.MlflowVersion,
      };
    }),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** Statuses in which a server may be updated or stopped (a settled, running server). */
const RUNNING = ['Created', 'Updated', 'Started', 'MaintenanceComplete', 'UpdateFailed', 'StartFailed', 'MaintenanceFailed'];

export async function updateServer(deps: MlflowDeps, input: S.UpdateMlflowTrackingServerRequest, ctx: RequestContext): Promise<S.UpdateMlflowTrackingServerResponse> {
  const row = await mustFind(deps, ctx, input.TrackingServerName);
  if (!RUNNING.includes(row.status) && row.status !== 'Stopped') {
    throw conflict(`Tracking server ${row.name} cannot be updated while its status is ${row.status}.`);
  }
  checkArtifactUri(input.ArtifactStoreUri);
  const settled = row.status === 'Stopped' ? 'Stopped' : 'Updated';
  await transition(deps.store.db, row, row.status === 'Stopped' ? 'Stopped' : 'Updating', settled, deps.clock.now(), (doc) => {
    if (input.ArtifactStoreUri !== undefined) doc.ArtifactStoreUri = input.ArtifactStoreUri;
    if (input.TrackingServerSize !== undefined) doc.TrackingServerSize = input.TrackingServerSize;
    if (input.AutomaticModelRegistration !== undefined) doc.AutomaticModelRegistration = input.AutomaticModelRegistration;
    if (input.WeeklyMaintenanceWindowStart !== undefined) doc.WeeklyMaintenanceWindowStart = input.WeeklyMaintenanceWindowStart;
    if (input.S3BucketOwnerAccountId !== undefined) doc.S3BucketOwnerAccountId = input.S3BucketOwnerAccountId;
    if (input.S3BucketOwnerVerification !== undefined) doc.S3BucketOwnerVerification = input.S3BucketOwnerVerification;
    doc.LastModifiedBy = userContext(ctx);
  });
  return { TrackingServerArn: row.arn };
}

export async function deleteServer(deps: MlflowDeps, input: S.DeleteMlflowTrackingServerRequest, ctx: RequestContext): Promise<S.DeleteMlflowTrackingServerResponse> {
  const row = await mustFind(deps, ctx, input.TrackingServerName);
  if (row.status !== 'Deleting') await transition(deps.store.db, row, 'Deleting', null, deps.clock.now());
  return { TrackingServerArn: row.arn };
}

export async function startServer(deps: MlflowDeps, input: S.StartMlflowTrackingServerRequest, ctx: RequestContext): Promise<S.StartMlflowTrackingServerResponse> {
  const row = await mustFind(deps, ctx, input.TrackingServerName);
  if (row.status !== 'Stopped' && row.status !== 'StopFailed') {
    throw conflict(`Tracking server ${row.name} cannot be started while its status is ${row.status}.`);
  }
  await transition(deps.store.db, row, 'Starting', 'Started', deps.clock.now());
  return { TrackingServerArn: row.arn };
}

export async function stopServer(deps: MlflowDeps, input: S.StopMlflowTrackingServerRequest, ctx: RequestContext): Promise<S.StopMlflowTrackingServerResponse> {
  const row = await mustFind(deps, ctx, input.TrackingServerName);
  if (!RUNNING.includes(row.status)) throw conflict(`Tracking server ${row.name} cannot be stopped while its status is ${row.status}.`);
  await transition(deps.store.db, row, 'Stopping', 'Stopped', deps.clock.now());
  return { TrackingServerArn: row.arn };
}

export async function presignServerUrl(
  deps: MlflowDeps, input: S.CreatePresignedMlflowTrackingServerUrlRequest, ctx: RequestContext,
): Promise<S.CreatePresignedMlflowTrackingServerUrlResponse> {
  const row = await mustFind(deps, ctx, input.TrackingServerName);
  return { AuthorizedUrl: presignedUrl(deps, row, input.ExpiresInSeconds) };
}
