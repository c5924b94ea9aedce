import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import { validation } from '../../aws/service-error.js';
import type { Database } from '../../store/schema.js';
import type { Tag } from './shapes.js';

/** Most tags one resource may carry (the service's documented limit). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Reads and writes the generic tag table. Every function takes the executor
 * to use, so a resource's create or delete can write its tags in the same
 * transaction as the resource row (a Kysely `Transaction` is a `Kysely`).
 * Tags are keyed by the lower-cased ARN: names inside SageMaker ARNs compare
 * case-insensitively.
 *
 * @example
 *   await db.transaction().execute(async (trx) => {
 *     await insertGroupRow(trx, row);
 *     await putTags(trx, ctx, row.arn, input.Tags ?? []);
 *   });
 */
export async function putTags(db: Kysely<Database>, ctx: RequestContext, resourceArn: string, tags: Tag[]): Promise<void> {
  if (tags.length === 0) return;
  // Adding a key again overwrites its value; within one request the last one wins.
  const byKey = new Map(tags.map((t) => [t.Key, t.Value ?? '']));
  const resourceKey = resourceArn.toLowerCase();
  const existing = await db.selectFrom('tags').select('tag_key')
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('resource_key', '=', resourceKey).execute();
  const keys = new Set(existing.map((r) => r.tag_key));
  for (const k of byKey.keys()) keys.add(k);
  if (keys.size > MAX_TAGS_PER_RESOURCE) {
    throw validation(
      `Tag limit exceeded: resource ${resourceArn} would have ${keys.size} tags; a resource can have at most ${MAX_TAGS_PER_RESOURCE}.`,
    );
  }
  await db.insertInto('tags')
    .values([...byKey].map(([key, value]) => ({
      account_id: ctx.accountId, region: ctx.region, resource_key: resourceKey,
      resource_arn: resourceArn, tag_key: key, tag_value: value,
    })))
    .onConflict((oc) => oc.columns(['account_id', 'region', 'resource_key', 'tag_key'])
      .doUpdateSet((eb) => ({ tag_value: eb.ref('excluded.tag_value') })))
    .execute();
}

/** One page of a resource's tags in key order, starting after `afterKey`. */
export async function listTagPage(
  db: Kysely<Database>, ctx: RequestContext, resourceArn: string, afterKey: string | undefined, limit: number,
): Promise<Tag[]> {
  let q = db.selectFrom('tags').select(['tag_key', 'tag_value'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('resource_key', '=', resourceArn.toLowerCase());
  if (afterKey !== undefined) q = q.where('tag_key', '>', afterKey);
  const rows = await q.orderBy('tag_key').limit(limit).execute();
  return rows.map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
}

/** Removes the given keys (absent keys are ignored). */
export async function deleteTagKeys(db: Kysely<Database>, ctx: RequestContext, resourceArn: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('tags')
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('resource_key', '=', resourceArn.toLowerCase()).where('tag_key', 'in', keys).execute();
}

/** Removes every tag of a resource; resource deletes call this in their transaction. */
export async function deleteAllTags(db: Kysely<Database>, ctx: RequestContext, resourceArn: string): Promise<void> {
  await db.deleteFrom('tags')
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('resource_key', '=', resourceArn.toLowerCase()).execute();
}
