import type { Kysely, Selectable } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import { conflict } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import { isUniqueViolation } from '../../store/errors.js';
import type { Database, ModelPackageGroupTable } from '../../store/schema.js';
import { deleteAllTags, putTags } from '../tags/tag-store.js';
import { groupArn, groupNameKey, groupNameOf } from './arns.js';
import { groupAlreadyExists, groupNotFound } from './messages.js';
import type {
  CreateModelPackageGroupInput, CreateModelPackageGroupOutput, DeleteModelPackageGroupInput,
  DescribeModelPackageGroupInput, DescribeModelPackageGroupOutput, ManagedConfiguration, ModelPackageGroupStatus, UserContext,
} from './shapes.js';
import { userContext } from './user-context.js';

export type GroupRow = Selectable<ModelPackageGroupTable>;

/** What a group row keeps in its `doc` column. */
interface GroupDoc {
  CreatedBy: UserContext;
  ManagedConfiguration?: ManagedConfiguration;
}

/**
 * CreateModelPackageGroup. A group reaches `Completed` at once (there is no
 * provisioning to wait for). A second group with the same name, in any
 * casing, is a ValidationException "Model Package Group already exists:
 * <arn>" (O4: what user code written against the real service expects).
 */
export async function createGroup(
  store: Store, input: CreateModelPackageGroupInput, ctx: RequestContext,
): Promise<CreateModelPackageGroupOutput> {
  const name = input.ModelPackageGroupName;
  const arn = groupArn(ctx, name);
  const doc: GroupDoc = { CreatedBy: userContext(ctx), ManagedConfiguration: input.ManagedConfiguration };
  try {
    await store.db.transaction().execute(async (trx) => {
      const existing = await findGroup(trx, ctx, name.toLowerCase());
      if (existing) throw groupAlreadyExists(existing.arn);
      await trx.insertInto('model_package_groups').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn,
        description: input.ModelPackageGroupDescription ?? null, status: 'Completed',
        creation_time: Date.now(), next_version: 1, doc: JSON.stringify(doc),
      }).execute();
      await putTags(trx, ctx, arn, input.Tags ?? []);
    });
  } catch (err) {
    // Two creates raced past the check (possible on PostgreSQL): the index decides.
    if (isUniqueViolation(err)) throw groupAlreadyExists(arn);
    throw err;
  }
  return { ModelPackageGroupArn: arn };
}

/** DescribeModelPackageGroup, by name or ARN. */
export async function describeGroup(
  store: Store, input: DescribeModelPackageGroupInput, ctx: RequestContext,
): Promise<DescribeModelPackageGroupOutput> {
  const group = await requireGroup(store.db, ctx, input.ModelPackageGroupName);
  const doc = JSON.parse(group.doc) as GroupDoc;
  return {
    ModelPackageGroupName: group.name,
    ModelPackageGroupArn: group.arn,
    ModelPackageGroupDescription: group.description ?? undefined,
    CreationTime: new Date(group.creation_time),
    CreatedBy: doc.CreatedBy,
    ModelPackageGroupStatus: group.status as ModelPackageGroupStatus,
    ManagedConfiguration: doc.ManagedConfiguration,
  };
}

/**
 * DeleteModelPackageGroup. Refused with ConflictException while the group
 * still holds versions (delete them first); the group's tags go with it.
 */
export async function deleteGroup(
  store: Store, input: DeleteModelPackageGroupInput, ctx: RequestContext,
): Promise<Record<string, never>> {
  await store.db.transaction().execute(async (trx) => {
    const group = await requireGroup(trx, ctx, input.ModelPackageGroupName);
    const versions = await trx.selectFrom('model_packages').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('group_id', '=', group.id).executeTakeFirstOrThrow();
    if (Number(versions.n) > 0) {
      throw conflict(
        `Model package group ${group.name} cannot be deleted: it still holds ${versions.n} model package version(s). Delete them first.`,
      );
    }
    await trx.deleteFrom('model_package_groups').where('id', '=', group.id).execute();
    await deleteAllTags(trx, ctx, group.arn);
  });
  return {};
}

/** The group a name or ARN refers to, or the service's "does not exist" error. */
export async function requireGroup(db: Kysely<Database>, ctx: RequestContext, nameOrArn: string): Promise<GroupRow> {
  const key = groupNameKey(nameOrArn, ctx);
  const group = key === undefined ? undefined : await findGroup(db, ctx, key);
  if (!group) throw groupNotFound(groupNameOf(nameOrArn));
  return group;
}

/** The group with this name key in the caller's account and region. */
export function findGroup(db: Kysely<Database>, ctx: RequestContext, nameKey: string): Promise<GroupRow | undefined> {
  return db.selectFrom('model_package_groups').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('name_key', '=', nameKey).executeTakeFirst();
}
