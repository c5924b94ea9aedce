import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';

/**
 * Answers whether the resource an ARN names exists in the caller's account
 * and region. Given the store it should look in, so resolvers are plain
 * functions registered once per process while tests open many stores.
 */
export type ResourceExists = (arn: string, ctx: RequestContext, store: Store) => Promise<boolean>;

/** How one ARN resource type (`model-package-group`, `training-job`, ...) takes part in tagging. */
export interface TaggableResource {
  exists: ResourceExists;
  /**
   * Optional: a reason this particular resource cannot hold tags of its own
   * (e.g. a versioned model package), answered as a ValidationException by
   * AddTags and DeleteTags; ListTags answers an empty list for it.
   */
  refuseTags?: (arn: string) => string | undefined;
}

const resolvers = new Map<string, TaggableResource>();

/**
 * Makes an ARN resource type taggable. Each resource family registers its
 * types when its handlers are created; registering a type again replaces it.
 *
 * @example
 *   registerTaggableResource('training-job', async (arn, ctx, store) =>
 *     (await findTrainingJobByArn(store.db, arn, ctx)) !== undefined);
 */
export function registerTaggableResource(
  arnType: string,
  exists: ResourceExists,
  options: { refuseTags?: (arn: string) => string | undefined } = {},
): void {
  resolvers.set(arnType, { exists, refuseTags: options.refuseTags });
}

/** The registration for an ARN resource type, if any family registered it. */
export function taggableResource(arnType: string): TaggableResource | undefined {
  return resolvers.get(arnType);
}
