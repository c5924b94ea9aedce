import type { RequestContext } from '../../aws/context.js';
import { validation } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import { decodePageToken, encodePageToken } from '../../store/page-token.js';
import { isOwnArn, parseArn } from '../registry/arns.js';
import { taggableResource, type TaggableResource } from './resolvers.js';
import type {
  AddTagsInput, AddTagsOutput, DeleteTagsInput, DeleteTagsOutput, ListTagsInput, ListTagsOutput,
} from './shapes.js';
import { deleteTagKeys, listTagPage, putTags } from './tag-store.js';

/** ListTags page size when MaxResults is absent (the model's minimum, 50: one page holds every tag). */
const DEFAULT_LIST_TAGS = 50;

/**
 * AddTags, ListTags and DeleteTags over the generic tag table, for every ARN
 * type a resource family registered with `registerTaggableResource`.
 *
 * @example
 *   const tags = createTagHandlers(store);
 *   await tags.AddTags({ ResourceArn: groupArn, Tags: [{ Key: 'team', Value: 'ml' }] }, ctx);
 */
export function createTagHandlers(store: Store) {
  return {
    async AddTags(input: AddTagsInput, ctx: RequestContext): Promise<AddTagsOutput> {
      await resolveTaggable(store, input.ResourceArn, ctx, 'write');
      await store.db.transaction().execute((trx) => putTags(trx, ctx, input.ResourceArn, input.Tags));
      return { Tags: input.Tags };
    },

    async ListTags(input: ListTagsInput, ctx: RequestContext): Promise<ListTagsOutput> {
      const refused = await resolveTaggable(store, input.ResourceArn, ctx, 'read');
      if (refused) return { Tags: [] };
      const limit = input.MaxResults ?? DEFAULT_LIST_TAGS;
      const expect = { sortKey: 'Key', order: 'Ascending', filters: input.ResourceArn.toLowerCase() };
      const after = input.NextToken ? String(decodePageToken(input.NextToken, expect).value) : undefined;
      const tags = await listTagPage(store.db, ctx, input.ResourceArn, after, limit + 1);
      const page = tags.slice(0, limit);
      const more = tags.length > limit;
      return {
        Tags: page,
        NextToken: more ? encodePageToken({ ...expect, value: page[page.length - 1]!.Key, id: 0 }) : undefined,
      };
    },

    async DeleteTags(input: DeleteTagsInput, ctx: RequestContext): Promise<DeleteTagsOutput> {
      await resolveTaggable(store, input.ResourceArn, ctx, 'write');
      await deleteTagKeys(store.db, ctx, input.ResourceArn, input.TagKeys);
      return {};
    },
  };
}

/**
 * Checks that the ARN names an existing, taggable resource of the caller.
 * Unknown ARN types, other accounts or regions, and missing resources are all
 * a ValidationException (what the real service answers for tags on a
 * resource it cannot find; the model lists no error for these operations).
 * Returns true when the resource exists but holds no tags of its own.
 */
async function resolveTaggable(store: Store, arn: string, ctx: RequestContext, mode: 'read' | 'write'): Promise<boolean> {
  const parsed = parseArn(arn);
  const resource: TaggableResource | undefined = parsed ? taggableResource(parsed.resourceType) : undefined;
  if (!parsed || !resource || !isOwnArn(parsed, ctx) || !(await resource.exists(arn, ctx, store))) {
    throw validation(`Resource ${arn} does not exist.`);
  }
  const reason = resource.refuseTags?.(arn);
  if (reason && mode === 'write') throw validation(reason);
  return reason !== undefined;
}
