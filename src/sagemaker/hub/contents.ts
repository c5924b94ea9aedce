import type { RequestContext } from '../../aws/context.js';
import { validation } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import { isUniqueViolation } from '../../store/errors.js';
import { deleteAllTags, putTags } from '../tags/tag-store.js';
import { hubContentArn, hubRef } from './arns.js';
import { describeContent, findContent, hubTarget } from './content-rows.js';
import { checkDocument } from './documents.js';
import { requireHub } from './hubs.js';
import { contentAlreadyExists, contentNotFound, publicHubReadOnly } from './messages.js';
import type {
  DeleteHubContentRequest, DescribeHubContentRequest, DescribeHubContentResponse, ImportHubContentRequest,
  ImportHubContentResponse,
} from './shapes.js';
import { nextMajor, versionKey } from './versions.js';

/**
 * ImportHubContent: adds one version of a content to a private hub.
 *
 * - The content is `Available` at once (the import is synchronous), with
 *   CreationTime = LastModifiedTime = now.
 * - A new name starts a content; an existing name (any casing; the ARN and
 *   HubContentName keep the first version's spelling) with a new version adds
 *   a version. The same version again (numerically: `1.0.0` = `01.0.0`) is
 *   ResourceInUse `Hub content already exists: <arn>`.
 * - Without HubContentVersion: `1.0.0` for a new name, else the latest
 *   version's major + 1 (`2.0.0` after `1.3.0`), the SDK's own re-import rule.
 * - The document is checked for its type (see documents.ts); ModelReference
 *   content is made with CreateHubContentReference, not imported.
 * - Tags go on the version's ARN. The public hub is read-only.
 */
export async function importHubContent(
  store: Store, input: ImportHubContentRequest, ctx: RequestContext,
): Promise<ImportHubContentResponse> {
  if (hubRef(input.HubName, ctx).kind === 'public') throw publicHubReadOnly('ImportHubContent');
  const type = input.HubContentType;
  if (type === 'ModelReference') {
    throw validation(
      'HubContentType ModelReference cannot be imported: model references are made with CreateHubContentReference, which sagebox does not serve.',
    );
  }
  const schemaKey = versionKey(input.DocumentSchemaVersion, 'documentSchemaVersion');
  if (input.HubContentVersion !== undefined) versionKey(input.HubContentVersion, 'hubContentVersion');
  checkDocument(type, input.HubContentDocument);
  const nameKey = input.HubContentName.toLowerCase();
  const now = Date.now();
  let arn = '';
  let hubArnOut = '';
  try {
    await store.db.transaction().execute(async (trx) => {
      const hub = await requireHub(trx, ctx, input.HubName);
      hubArnOut = hub.arn;
      const existing = await trx.selectFrom('hub_contents')
        .select(['name', 'version', 'version_key', 'arn', 'original_creation_time'])
        .where('hub_id', '=', hub.id).where('content_type', '=', type).where('name_key', '=', nameKey)
        .orderBy('version_key', 'desc').execute();
      const latest = existing[0];
      const version = input.HubContentVersion ?? (latest ? nextMajor(latest.version) : '1.0.0');
      const vKey = versionKey(version, 'hubContentVersion');
      const name = latest?.name ?? input.HubContentName;
      arn = hubContentArn(ctx.region, ctx.accountId, hub.name, type, name, version);
      const same = existing.find((v) => v.version_key === vKey);
      if (same) throw contentAlreadyExists(same.arn);
      const original = existing.reduce((min, v) => Math.min(min, v.original_creation_time), now);
      await trx.insertInto('hub_contents').values({
        account_id: ctx.accountId, region: ctx.region, hub_id: hub.id, content_type: type, name, name_key: nameKey,
        version, version_key: vKey, document_schema_version: input.DocumentSchemaVersion, schema_key: schemaKey, arn,
        display_name: input.HubContentDisplayName ?? null, description: input.HubContentDescription ?? null,
        status: 'Available', support_status: input.SupportStatus ?? null,
        keywords: input.HubContentSearchKeywords ? JSON.stringify(input.HubContentSearchKeywords) : null,
        document: input.HubContentDocument, markdown: input.HubContentMarkdown ?? null,
        creation_time: now, last_modified_time: now, original_creation_time: original,
      }).execute();
      await putTags(trx, ctx, arn, input.Tags ?? []);
    });
  } catch (err) {
    // Two imports of one version raced past the check: the unique index decides.
    if (isUniqueViolation(err)) throw contentAlreadyExists(arn);
    throw err;
  }
  return { HubArn: hubArnOut, HubContentArn: arn };
}

/**
 * DescribeHubContent: one version, or without HubContentVersion the latest
 * (highest) version. Unknown hub: `Hub <name> does not exist.`; unknown
 * content or version: `Hub content <arn> does not exist.` (ResourceNotFound).
 */
export async function describeHubContent(
  store: Store, input: DescribeHubContentRequest, ctx: RequestContext,
): Promise<DescribeHubContentResponse> {
  const vKey = input.HubContentVersion === undefined ? undefined : versionKey(input.HubContentVersion, 'hubContentVersion');
  const hub = await hubTarget(store.db, ctx, input.HubName);
  const row = await findContent(store.db, ctx, hub, input.HubContentType, input.HubContentName.toLowerCase(), vKey);
  if (!row) {
    throw contentNotFound(hubContentArn(
      ctx.region, hub.accountId, hub.name, input.HubContentType, input.HubContentName, input.HubContentVersion,
    ));
  }
  return describeContent(row, hub);
}

/**
 * DeleteHubContent: removes one version (and its tags). The content's other
 * versions stay; once the last one goes the name is free again. The public
 * hub is read-only.
 */
export async function deleteHubContent(
  store: Store, input: DeleteHubContentRequest, ctx: RequestContext,
): Promise<Record<string, never>> {
  if (hubRef(input.HubName, ctx).kind === 'public') throw publicHubReadOnly('DeleteHubContent');
  const vKey = versionKey(input.HubContentVersion, 'hubContentVersion');
  await store.db.transaction().execute(async (trx) => {
    const hub = await hubTarget(trx, ctx, input.HubName);
    const row = await findContent(trx, ctx, hub, input.HubContentType, input.HubContentName.toLowerCase(), vKey);
    if (!row) {
      throw contentNotFound(hubContentArn(
        ctx.region, ctx.accountId, hub.name, input.HubContentType, input.HubContentName, input.HubContentVersion,
      ));
    }
    await trx.deleteFrom('hub_contents').where('id', '=', row.id).execute();
    await deleteAllTags(trx, ctx, row.arn);
  });
  return {};
}
