/**
 * CreateArtifact / CreateContext / CreateAction, their Describe, List and Delete: records kept
 * as created (Tags apart, in the tag table). Deleting an entity removes its associations too.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { validation } from '../../aws/service-error.js';
import type { Clock } from '../../engine/clock.js';
import type { Store } from '../../store/database.js';
import { isUniqueViolation } from '../../store/errors.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import { deleteAllTags, putTags } from '../tags/tag-store.js';
import { entityArn, entityExists, entityNotFound, findByNameOrArn, findEntity, newArtifactKey, parseEntityArn } from './records.js';
import type { LineageEntityRow, LineageKind } from './tables.js';

/**
 * What the lineage handlers need.
 *
 * @example createLineageHandlers({ store, clock: systemClock })
 */
export interface LineageDeps {
  store: Store;
  clock: Clock;
}

/** Inserts an entity and its tags; returns its ARN. */
async function insertEntity(
  deps: LineageDeps, ctx: RequestContext, kind: LineageKind,
  e: { name?: string; type: string; sourceUri: string; doc: object; tags: T.Tag[] | undefined },
): Promise<string> {
  const key = kind === 'artifact' ? newArtifactKey() : e.name!.toLowerCase();
  const arn = entityArn(ctx, kind, key);
  const now = deps.clock.now();
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      const existing = kind === 'artifact' ? undefined : await findEntity(trx, ctx, kind, key);
      if (existing) throw entityExists(kind, e.name!, existing.arn);
      await trx.insertInto('lineage_entities').values({
        account_id: ctx.accountId, region: ctx.region, kind, entity_key: key, name: e.name ?? null, name_key: e.name?.toLowerCase() ?? null,
        arn, entity_type: e.type, source_uri: e.sourceUri, creation_time: now, last_modified_time: now, doc: JSON.stringify(e.doc),
      }).execute();
      await putTags(trx, ctx, arn, e.tags ?? []);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw entityExists(kind, e.name ?? key, arn);
    throw error;
  }
  return arn;
}

/** @example await createArtifact(deps, { ArtifactType: 'DataSet', Source: { SourceUri: 's3://b/d' } }, ctx) */
export async function createArtifact(deps: LineageDeps, input: T.CreateArtifactRequest, ctx: RequestContext): Promise<T.CreateArtifactResponse> {
  const { Tags: tags, ...doc } = input;
  const arn = await insertEntity(deps, ctx, 'artifact', { ...(input.ArtifactName ? { name: input.ArtifactName } : {}), type: input.ArtifactType, sourceUri: input.Source.SourceUri, doc, tags });
  return { ArtifactArn: arn };
}

/** @example await createContext(deps, { ContextName: 'ep', ContextType: 'Endpoint', Source: { SourceUri: arn } }, ctx) */
export async function createContext(deps: LineageDeps, input: T.CreateContextRequest, ctx: RequestContext): Promise<T.CreateContextResponse> {
  const { Tags: tags, ...doc } = input;
  return { ContextArn: await insertEntity(deps, ctx, 'context', { name: input.ContextName, type: input.ContextType, sourceUri: input.Source.SourceUri, doc, tags }) };
}

/** @example await createAction(deps, { ActionName: 'deploy', ActionType: 'ModelDeployment', Source: { SourceUri: uri } }, ctx) */
export async function createAction(deps: LineageDeps, input: T.CreateActionRequest, ctx: RequestContext): Promise<T.CreateActionResponse> {
  const { Tags: tags, ...doc } = input;
  return { ActionArn: await insertEntity(deps, ctx, 'action', { name: input.ActionName, type: input.ActionType, sourceUri: input.Source.SourceUri, doc, tags }) };
}

const times = (row: LineageEntityRow) => ({ CreationTime: new Date(row.creation_time), LastModifiedTime: new Date(row.last_modified_time) });

/** @example await describeArtifact(deps, { ArtifactArn: arn }, ctx) */
export async function describeArtifact(deps: LineageDeps, input: T.DescribeArtifactRequest, ctx: RequestContext): Promise<T.DescribeArtifactResponse> {
  const row = await findByNameOrArn(deps.store.db, ctx, 'artifact', input.ArtifactArn);
  if (!row) throw entityNotFound('artifact', input.ArtifactArn);
  const doc = JSON.parse(row.doc) as Omit<T.CreateArtifactRequest, 'Tags'>;
  return {
    ArtifactName: doc.ArtifactName, ArtifactArn: row.arn, Source: doc.Source, ArtifactType: doc.ArtifactType,
    Properties: doc.Properties ?? {}, ...times(row), MetadataProperties: doc.MetadataProperties,
  };
}

/** @example await describeContext(deps, { ContextName: 'ep' }, ctx) // or the ARN */
export async function describeContext(deps: LineageDeps, input: T.DescribeContextRequest, ctx: RequestContext): Promise<T.DescribeContextResponse> {
  const row = await findByNameOrArn(deps.store.db, ctx, 'context', input.ContextName);
  if (!row) throw entityNotFound('context', input.ContextName);
  const doc = JSON.parse(row.doc) as Omit<T.CreateContextRequest, 'Tags'>;
  return {
    ContextName: doc.ContextName, ContextArn: row.arn, Source: doc.Source, ContextType: doc.ContextType,
    Description: doc.Description, Properties: doc.Properties ?? {}, ...times(row),
  };
}

/** @example await describeAction(deps, { ActionName: 'deploy' }, ctx) // or the ARN */
export async function describeAction(deps: LineageDeps, input: T.DescribeActionRequest, ctx: RequestContext): Promise<T.DescribeActionResponse> {
  const row = await findByNameOrArn(deps.store.db, ctx, 'action', input.ActionName);
  if (!row) throw entityNotFound('action', input.ActionName);
  const doc = JSON.parse(row.doc) as Omit<T.CreateActionRequest, 'Tags'>;
  return {
    ActionName: doc.ActionName, ActionArn: row.arn, Source: doc.Source, ActionType: doc.ActionType, Description: doc.Description,
    Status: doc.Status ?? 'Unknown', Properties: doc.Properties ?? {}, ...times(row), MetadataProperties: doc.MetadataProperties,
  };
}

/** Deletes a row, its tags and every association it is an end of. */
async function deleteRow(deps: LineageDeps, ctx: RequestContext, row: LineageEntityRow): Promise<void> {
  await deps.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('lineage_associations').where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
      .where((eb) => eb.or([eb('source_arn', '=', row.arn), eb('destination_arn', '=', row.arn)])).execute();
    await trx.deleteFrom('lineage_entities').where('id', '=', row.id).execute();
    await deleteAllTags(trx, ctx, row.arn);
  });
}

/** @example await deleteArtifact(deps, { Source: { SourceUri: 's3://b/d' } }, ctx) */
export async function deleteArtifact(deps: LineageDeps, input: T.DeleteArtifactRequest, ctx: RequestContext): Promise<T.DeleteArtifactResponse> {
  let row: LineageEntityRow | undefined;
  if (input.ArtifactArn) {
    row = await findByNameOrArn(deps.store.db, ctx, 'artifact', input.ArtifactArn);
    if (!row) throw entityNotFound('artifact', input.ArtifactArn);
  } else if (input.Source) {
    const rows = await deps.store.db.selectFrom('lineage_entities').selectAll()
      .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', 'artifact')
      .where('source_uri', '=', input.Source.SourceUri).limit(2).execute();
    if (rows.length === 0) throw entityNotFound('artifact', input.Source.SourceUri);
    if (rows.length > 1) throw validation(`More than one artifact has the source '${input.Source.SourceUri}': give ArtifactArn.`);
    row = rows[0];
  } else {
    throw validation('Either ArtifactArn or Source must be specified.');
  }
  await deleteRow(deps, ctx, row!);
  return { ArtifactArn: row!.arn };
}

/** @example await deleteContext(deps, { ContextName: 'ep' }, ctx) */
export async function deleteContext(deps: LineageDeps, input: T.DeleteContextRequest, ctx: RequestContext): Promise<T.DeleteContextResponse> {
  const row = await findByNameOrArn(deps.store.db, ctx, 'context', input.ContextName);
  if (!row) throw entityNotFound('context', input.ContextName);
  await deleteRow(deps, ctx, row);
  return { ContextArn: row.arn };
}

/** @example await deleteAction(deps, { ActionName: 'deploy' }, ctx) */
export async function deleteAction(deps: LineageDeps, input: T.DeleteActionRequest, ctx: RequestContext): Promise<T.DeleteActionResponse> {
  const row = await findByNameOrArn(deps.store.db, ctx, 'action', input.ActionName);
  if (!row) throw entityNotFound('action', input.ActionName);
  await deleteRow(deps, ctx, row);
  return { ActionArn: row.arn };
}

/** What the three List operations share. */
interface EntityListInput {
  SourceUri?: string;
  CreatedAfter?: Date;
  CreatedBefore?: Date;
  SortBy?: 'Name' | 'CreationTime';
  SortOrder?: 'Ascending' | 'Descending';
  NextToken?: string;
  MaxResults?: number;
}

/**
 * One page of entities of a kind: SourceUri and type filters, CreatedAfter / Before (exclusive),
 * SortBy Name | CreationTime (default CreationTime), SortOrder default Descending (as documented).
 */
async function listEntities(deps: LineageDeps, ctx: RequestContext, kind: LineageKind, input: EntityListInput, type: string | undefined): Promise<{ page: LineageEntityRow[]; nextToken?: string }> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = sortBy === 'Name' ? 'name_key' : 'creation_time';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const f = { kind, source: input.SourceUri, type, after: input.CreatedAfter?.getTime(), before: input.CreatedBefore?.getTime() };
  const paging = startPaging(sortBy, input.SortOrder ?? 'Descending', f, input.NextToken);
  let q = deps.store.db.selectFrom('lineage_entities').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', kind);
  if (f.source !== undefined) q = q.where('source_uri', '=', f.source);
  if (f.type !== undefined) q = q.where('entity_type', '=', f.type);
  if (f.after !== undefined) q = q.where('creation_time', '>', f.after);
  if (f.before !== undefined) q = q.where('creation_time', '<', f.before);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();
  const { page, more } = takePage(rows, limit);
  const last = page.at(-1);
  return { page, ...(more && last ? { nextToken: paging.nextToken(column === 'name_key' ? last.name_key ?? '' : last.creation_time, last.id) } : {}) };
}

/** @example await listArtifacts(deps, { ArtifactType: 'DataSet' }, ctx) */
export async function listArtifacts(deps: LineageDeps, input: T.ListArtifactsRequest, ctx: RequestContext): Promise<T.ListArtifactsResponse> {
  const { page, nextToken } = await listEntities(deps, ctx, 'artifact', input, input.ArtifactType);
  return {
    ArtifactSummaries: page.map((r) => {
      const doc = JSON.parse(r.doc) as T.CreateArtifactRequest;
      return { ArtifactArn: r.arn, ArtifactName: doc.ArtifactName, Source: doc.Source, ArtifactType: doc.ArtifactType, ...times(r) };
    }),
    NextToken: nextToken,
  };
}

/** @example await listContexts(deps, { SortBy: 'Name', SortOrder: 'Ascending' }, ctx) */
export async function listContexts(deps: LineageDeps, input: T.ListContextsRequest, ctx: RequestContext): Promise<T.ListContextsResponse> {
  const { page, nextToken } = await listEntities(deps, ctx, 'context', input, input.ContextType);
  return {
    ContextSummaries: page.map((r) => {
      const doc = JSON.parse(r.doc) as T.CreateContextRequest;
      return { ContextArn: r.arn, ContextName: doc.ContextName, Source: doc.Source, ContextType: doc.ContextType, ...times(r) };
    }),
    NextToken: nextToken,
  };
}

/** @example await listActions(deps, { ActionType: 'ModelDeployment' }, ctx) */
export async function listActions(deps: LineageDeps, input: T.ListActionsRequest, ctx: RequestContext): Promise<T.ListActionsResponse> {
  const { page, nextToken } = await listEntities(deps, ctx, 'action', input, input.ActionType);
  return {
    ActionSummaries: page.map((r) => {
      const doc = JSON.parse(r.doc) as T.CreateActionRequest;
      return { ActionArn: r.arn, ActionName: doc.ActionName, Source: doc.Source, ActionType: doc.ActionType, Status: doc.Status ?? 'Unknown', ...times(r) };
    }),
    NextToken: nextToken,
  };
}

/**
 * Whether an ARN names an existing lineage entity in the caller's account and region (tags, associations).
 *
 * @example if (!(await entityExistsByArn(store, ctx, arn))) throw endNotFound(arn);
 */
export async function entityExistsByArn(store: Store, ctx: Pick<RequestContext, 'accountId' | 'region'>, arn: string): Promise<LineageEntityRow | undefined> {
  const parsed = parseEntityArn(arn, ctx);
  return parsed ? findEntity(store.db, ctx, parsed.kind, parsed.key) : undefined;
}
