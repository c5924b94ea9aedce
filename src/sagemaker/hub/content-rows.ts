import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { Database } from '../../store/schema.js';
import { PUBLIC_ACCOUNT, PUBLIC_HUB_NAME, hubRef, publicHubArn, type Caller } from './arns.js';
import { documentDependencies } from './documents.js';
import { requireHub } from './hubs.js';
import { publicContentRows } from './public-hub.js';
import type {
  DescribeHubContentResponse, HubContentInfo, HubContentStatus, HubContentSupportStatus, HubContentType,
} from './shapes.js';
import type { HubContentRow, HubRow } from './tables.js';

/**
 * The hub a content operation addresses: a private hub of the caller (a row)
 * or the public hub (served from the in-process catalogue).
 */
export type HubTarget =
  | { kind: 'public'; name: string; arn: string; accountId: string }
  | { kind: 'private'; name: string; arn: string; accountId: string; row: HubRow };

/** Resolves `HubName` (name or ARN) to its hub, or ResourceNotFound `Hub <name> does not exist.` */
export async function hubTarget(db: Kysely<Database>, ctx: RequestContext, nameOrArn: string): Promise<HubTarget> {
  if (hubRef(nameOrArn, ctx).kind === 'public') {
    return { kind: 'public', name: PUBLIC_HUB_NAME, arn: publicHubArn(ctx.region), accountId: PUBLIC_ACCOUNT };
  }
  const row = await requireHub(db, ctx, nameOrArn);
  return { kind: 'private', name: row.name, arn: row.arn, accountId: ctx.accountId, row };
}

/**
 * One version of a content (`versionKey` given) or its latest version (the
 * highest version number), in a hub; undefined when there is none.
 */
export async function findContent(
  db: Kysely<Database>, ctx: Caller, hub: HubTarget, type: string, nameKey: string, versionKey?: string,
): Promise<HubContentRow | undefined> {
  if (hub.kind === 'public') {
    const rows = publicContentRows(ctx.region, type, nameKey)
      .filter((r) => versionKey === undefined || r.version_key === versionKey)
      .sort((a, b) => (a.version_key < b.version_key ? 1 : a.version_key > b.version_key ? -1 : 0));
    return rows[0];
  }
  let q = db.selectFrom('hub_contents').selectAll()
    .where('hub_id', '=', hub.row.id).where('content_type', '=', type).where('name_key', '=', nameKey);
  if (versionKey !== undefined) q = q.where('version_key', '=', versionKey);
  return q.orderBy('version_key', 'desc').limit(1).executeTakeFirst();
}

/** DescribeHubContentResponse from a row. */
export function describeContent(row: HubContentRow, hub: { name: string; arn: string }): DescribeHubContentResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.document);
  } catch {
    parsed = undefined; // documents are checked on import; a Notebook may be any JSON
  }
  return {
    HubContentName: row.name,
    HubContentArn: row.arn,
    HubContentVersion: row.version,
    HubContentType: row.content_type as HubContentType,
    DocumentSchemaVersion: row.document_schema_version,
    HubName: hub.name,
    HubArn: hub.arn,
    HubContentDisplayName: row.display_name ?? undefined,
    HubContentDescription: row.description ?? undefined,
    HubContentMarkdown: row.markdown ?? undefined,
    HubContentDocument: row.document,
    SupportStatus: (row.support_status ?? undefined) as HubContentSupportStatus | undefined,
    HubContentSearchKeywords: keywordsOf(row),
    HubContentDependencies: documentDependencies(parsed),
    HubContentStatus: row.status as HubContentStatus,
    CreationTime: new Date(row.creation_time),
    LastModifiedTime: new Date(row.last_modified_time),
  };
}

/** The columns a list summary needs (no document or markdown: lists never read them). */
export const INFO_COLUMNS = [
  'id', 'content_type', 'name', 'name_key', 'version', 'version_key', 'document_schema_version', 'schema_key', 'arn',
  'display_name', 'description', 'status', 'support_status', 'keywords', 'creation_time', 'original_creation_time',
] as const;
export type InfoRow = Pick<HubContentRow, (typeof INFO_COLUMNS)[number]>;

/** A ListHubContents / ListHubContentVersions HubContentInfo. */
export function contentInfo(row: InfoRow): HubContentInfo {
  return {
    HubContentName: row.name,
    HubContentArn: row.arn,
    HubContentVersion: row.version,
    HubContentType: row.content_type as HubContentType,
    DocumentSchemaVersion: row.document_schema_version,
    HubContentDisplayName: row.display_name ?? undefined,
    HubContentDescription: row.description ?? undefined,
    SupportStatus: (row.support_status ?? undefined) as HubContentSupportStatus | undefined,
    HubContentSearchKeywords: keywordsOf(row),
    HubContentStatus: row.status as HubContentStatus,
    CreationTime: new Date(row.creation_time),
    OriginalCreationTime: new Date(row.original_creation_time),
  };
}

function keywordsOf(row: Pick<HubContentRow, 'keywords'>): string[] | undefined {
  return row.keywords === null ? undefined : (JSON.parse(row.keywords) as string[]);
}
