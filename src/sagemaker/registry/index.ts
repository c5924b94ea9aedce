import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { createPackage } from './create-package.js';
import { createGroup, deleteGroup, describeGroup } from './groups.js';
import { listGroups } from './list-groups.js';
import { listPackages } from './list-packages.js';
import { batchDescribePackages, deletePackage, describePackage } from './packages.js';
import type * as S from './shapes.js';
import { registerRegistryTaggables } from './taggable.js';
import { updatePackage } from './update-package.js';

/**
 * The model registry's operation handlers, keyed by operation name, over one
 * store. Input arrives already shape-validated (required members, lengths,
 * patterns, enums, ranges) with timestamps as `Date`; handlers apply the
 * service's semantics and throw `ServiceError`s. Creating the handlers also
 * registers the registry's ARN types with the tag operations.
 *
 * @example
 *   const registry = createRegistryHandlers(store);
 *   const { ModelPackageGroupArn } = await registry.CreateModelPackageGroup({ ModelPackageGroupName: 'g' }, ctx);
 *   const { ModelPackageArn } = await registry.CreateModelPackage({ ModelPackageGroupName: 'g', ... }, ctx);
 */
export function createRegistryHandlers(store: Store) {
  registerRegistryTaggables();
  return {
    CreateModelPackageGroup: (input: S.CreateModelPackageGroupInput, ctx: RequestContext) => createGroup(store, input, ctx),
    DescribeModelPackageGroup: (input: S.DescribeModelPackageGroupInput, ctx: RequestContext) => describeGroup(store, input, ctx),
    ListModelPackageGroups: (input: S.ListModelPackageGroupsInput, ctx: RequestContext) => listGroups(store, input, ctx),
    DeleteModelPackageGroup: (input: S.DeleteModelPackageGroupInput, ctx: RequestContext) => deleteGroup(store, input, ctx),
    CreateModelPackage: (input: S.CreateModelPackageInput, ctx: RequestContext) => createPackage(store, input, ctx),
    DescribeModelPackage: (input: S.DescribeModelPackageInput, ctx: RequestContext) => describePackage(store, input, ctx),
    BatchDescribeModelPackage: (input: S.BatchDescribeModelPackageInput, ctx: RequestContext) =>
      batchDescribePackages(store, input, ctx),
    ListModelPackages: (input: S.ListModelPackagesInput, ctx: RequestContext) => listPackages(store, input, ctx),
    UpdateModelPackage: (input: S.UpdateModelPackageInput, ctx: RequestContext) => updatePackage(store, input, ctx),
    DeleteModelPackage: (input: S.DeleteModelPackageInput, ctx: RequestContext) => deletePackage(store, input, ctx),
  } satisfies Record<string, (input: any, ctx: RequestContext) => Promise<unknown>>;
}

export type RegistryHandlers = ReturnType<typeof createRegistryHandlers>;
