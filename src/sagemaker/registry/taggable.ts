import { registerTaggableResource } from '../tags/resolvers.js';
import { groupNameKey, packageKey, parseArn } from './arns.js';
import { findGroup } from './groups.js';
import { findPackage } from './packages.js';

/**
 * Registers the registry's ARN types with the tag operations:
 * `model-package-group/<name>` and unversioned `model-package/<name>` hold
 * tags; a versioned `model-package/<group>/<n>` exists but holds none of its
 * own (it uses its group's), so AddTags / DeleteTags refuse it and ListTags
 * answers an empty list. Idempotent.
 */
export function registerRegistryTaggables(): void {
  registerTaggableResource('model-package-group', async (arn, ctx, store) => {
    const key = groupNameKey(arn, ctx);
    return key !== undefined && (await findGroup(store.db, ctx, key)) !== undefined;
  });
  registerTaggableResource(
    'model-package',
    async (arn, ctx, store) => {
      const key = packageKey(arn, ctx);
      return key !== undefined && (await findPackage(store.db, ctx, key)) !== undefined;
    },
    {
      refuseTags: (arn) =>
        parseArn(arn)?.resourceId.includes('/')
          ? `Tags cannot be set on a versioned model package (${arn}): it uses the tags of its model package group.`
          : undefined,
    },
  );
}
