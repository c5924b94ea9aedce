import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { isUniqueViolation } from '../../store/errors.js';
import type { Database } from '../../store/schema.js';
import { deleteAllTags, putTags } from '../tags/tag-store.js';
import { hubArn, hubRef, isPublicHubName, publicHubArn, type Caller } from './arns.js';
import { hubAlreadyExists, hubNotEmpty, hubNotFound, publicHubNameReserved, publicHubReadOnly } from './messages.js';
import { describePublicHub } from './public-hub.js';
import type {
  CreateHubRequest, CreateHubResponse, DeleteHubRequest, DescribeHubRequest, DescribeHubResponse, HubInfo,
  HubS3StorageConfig, HubStatus,
} from './shapes.js';
import type { HubRow } from './tables.js';

/** What a hub row keeps in its `doc` column. */
interface HubDoc {
  HubSearchKeywords?: string[];
  S3StorageConfig?: HubS3StorageConfig;
}

/**
 * CreateHub. The hub is `InService` at once (nothing to provision). A second
 * hub with the same name, in any casing, is ResourceInUse
 * `Hub already exists: <arn>`; so is the public hub's name. Tags go on the
 * hub ARN in the same transaction.
 */
export async function createHub(store: Store, input: CreateHubRequest, ctx: RequestContext): Promise<CreateHubResponse> {
  const name = input.HubName;
  if (isPublicHubName(name)) throw publicHubNameReserved(publicHubArn(ctx.region));
  const arn = hubArn(ctx, name);
  const doc: HubDoc = { HubSearchKeywords: input.HubSearchKeywords, S3StorageConfig: input.S3StorageConfig };
  const now = Date.now();
  try {
    await store.db.transaction().execute(async (trx) => {
      const existing = await findHub(trx, ctx, name.toLowerCase());
      if (existing) throw hubAlreadyExists(existing.arn);
      await trx.insertInto('hubs').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn,
        display_name: input.HubDisplayName ?? null, description: input.HubDescription, status: 'InService',
        creation_time: now, last_modified_time: now, doc: JSON.stringify(doc),
      }).execute();
      await putTags(trx, ctx, arn, input.Tags ?? []);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw hubAlreadyExists(arn);
    throw err;
  }
  return { HubArn: arn };
}

/** DescribeHub, by name or ARN; the public hub is described in every account. */
export async function describeHub(store: Store, input: DescribeHubRequest, ctx: RequestContext): Promise<DescribeHubResponse> {
  const ref = hubRef(input.HubName, ctx);
  if (ref.kind === 'public') return describePublicHub(ctx.region);
  const row = await requireHub(store.db, ctx, input.HubName);
  const doc = JSON.parse(row.doc) as HubDoc;
  return { ...hubInfo(row), S3StorageConfig: doc.S3StorageConfig };
}

/**
 * DeleteHub. Refused with ResourceInUse while the hub holds any content
 * version (the documented rule: "Before deleting a private hub, you must first
 * remove any content in that hub"); the hub's tags go with it. The public hub
 * cannot be deleted.
 */
export async function deleteHub(store: Store, input: DeleteHubRequest, ctx: RequestContext): Promise<Record<string, never>> {
  if (hubRef(input.HubName, ctx).kind === 'public') throw publicHubReadOnly('DeleteHub');
  await store.db.transaction().execute(async (trx) => {
    const hub = await requireHub(trx, ctx, input.HubName);
    const held = await trx.selectFrom('hub_contents').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('hub_id', '=', hub.id).executeTakeFirstOrThrow();
    if (Number(held.n) > 0) throw hubNotEmpty(hub.name, Number(held.n));
    await trx.deleteFrom('hubs').where('id', '=', hub.id).execute();
    await deleteAllTags(trx, ctx, hub.arn);
  });
  return {};
}

/** A ListHubs HubInfo (and the common part of DescribeHub) from a row. */
export function hubInfo(row: HubRow): HubInfo {
  const doc = JSON.parse(row.doc) as HubDoc;
  return {
    HubName: row.name,
    HubArn: row.arn,
    HubDisplayName: row.display_name ?? undefined,
    HubDescription: row.description ?? undefined,
    HubSearchKeywords: doc.HubSearchKeywords,
    HubStatus: row.status as HubStatus,
    CreationTime: new Date(row.creation_time),
    LastModifiedTime: new Date(row.last_modified_time),
  };
}

/** The private hub a name or ARN refers to, or ResourceNotFound `Hub <name> does not exist.` */
export async function requireHub(db: Kysely<Database>, ctx: RequestContext, nameOrArn: string): Promise<HubRow> {
  const ref = hubRef(nameOrArn, ctx);
  const row = ref.kind === 'private' ? await findHub(db, ctx, ref.key) : undefined;
  if (!row) throw hubNotFound(ref.name);
  return row;
}

/** The hub with this name key in the caller's account and region. */
export function findHub(db: Kysely<Database>, ctx: Caller, nameKey: string): Promise<HubRow | undefined> {
  return db.selectFrom('hubs').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('name_key', '=', nameKey).executeTakeFirst();
}
