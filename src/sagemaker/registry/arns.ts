import { PARTITION, type RequestContext } from '../../aws/context.js';

/**
 * ARNs of the model registry, and the parsing of the "name or ARN" inputs.
 *
 * Casing (a choice; the service is not consistent, see SAGEMAKER-SEMANTICS
 * §1.2 / O11): model package ARNs carry the name lower-cased, as the real
 * service's do (`model-package/abalonemodelpackagegroupname/1` for the group
 * `AbaloneModelPackageGroupName`). Model package group ARNs keep the caller's
 * spelling. Every lookup is case-insensitive, so either spelling of either
 * ARN finds the resource.
 *
 * @example
 *   groupArn(ctx, 'MyGroup')            // arn:aws:sagemaker:us-east-1:123456789012:model-package-group/MyGroup
 *   versionedPackageArn(ctx, 'MyGroup', 3) // ...:model-package/mygroup/3
 *   unversionedPackageArn(ctx, 'MyPkg')  // ...:model-package/mypkg
 */
export function groupArn(ctx: RequestContext, name: string): string {
  return `${arnPrefix(ctx)}model-package-group/${name}`;
}

export function versionedPackageArn(ctx: RequestContext, groupName: string, version: number): string {
  return `${arnPrefix(ctx)}model-package/${versionedPackageKey(groupName, version)}`;
}

export function unversionedPackageArn(ctx: RequestContext, name: string): string {
  return `${arnPrefix(ctx)}model-package/${name.toLowerCase()}`;
}

/** The lookup key (and ARN resource id) of a versioned package: `lower(group)/<version>`. */
export function versionedPackageKey(groupName: string, version: number): string {
  return `${groupName.toLowerCase()}/${version}`;
}

function arnPrefix(ctx: RequestContext): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:`;
}

/** A parsed SageMaker ARN: `arn:<partition>:sagemaker:<region>:<account>:<type>/<id>`. */
export interface ParsedArn {
  region: string;
  accountId: string;
  /** e.g. `model-package-group`, `model-package`, `training-job`. */
  resourceType: string;
  /** Everything after the first `/`. */
  resourceId: string;
}

const ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):([0-9]{12}):([a-z-]+)\/(.+)$/;

/** Parses a SageMaker ARN; undefined when `value` is not one. */
export function parseArn(value: string): ParsedArn | undefined {
  const m = ARN.exec(value);
  if (!m) return undefined;
  return { region: m[1]!, accountId: m[2]!, resourceType: m[3]!, resourceId: m[4]! };
}

/** True when the ARN names the caller's own account and region (sagebox has no cross-account sharing). */
export function isOwnArn(arn: ParsedArn, ctx: RequestContext): boolean {
  return arn.accountId === ctx.accountId && arn.region === ctx.region;
}

/**
 * Resolves a group "name or ARN" (the `ArnOrName` shape) to the group's name
 * key. Undefined when the value is an ARN of another type, account or region:
 * such a group cannot exist here, and callers answer "does not exist".
 */
export function groupNameKey(nameOrArn: string, ctx: RequestContext): string | undefined {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn.toLowerCase();
  const arn = parseArn(nameOrArn);
  if (!arn || arn.resourceType !== 'model-package-group' || !isOwnArn(arn, ctx)) return undefined;
  if (arn.resourceId.includes('/')) return undefined;
  return arn.resourceId.toLowerCase();
}

/** The name part of a group "name or ARN", for messages. */
export function groupNameOf(nameOrArn: string): string {
  const arn = nameOrArn.startsWith('arn:') ? parseArn(nameOrArn) : undefined;
  return arn ? arn.resourceId : nameOrArn;
}

/**
 * Resolves a package reference (name, `<group>/<version>`, or a model-package
 * ARN of either form) to the package's lookup key: `lower(name)` or
 * `lower(group)/<version>` (leading zeros in the version dropped). Undefined
 * when it cannot name a package of this account and region.
 *
 * @example
 *   packageKey('MyGroup/007', ctx)  // 'mygroup/7'
 *   packageKey('arn:aws:sagemaker:us-east-1:123456789012:model-package/MyPkg', ctx) // 'mypkg'
 */
export function packageKey(ref: string, ctx: RequestContext): string | undefined {
  let id = ref;
  if (ref.startsWith('arn:')) {
    const arn = parseArn(ref);
    if (!arn || arn.resourceType !== 'model-package' || !isOwnArn(arn, ctx)) return undefined;
    id = arn.resourceId;
  }
  const m = /^([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})(?:\/([0-9]{1,9}))?$/.exec(id);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  return m[2] === undefined ? name : `${name}/${Number(m[2])}`;
}

/** The ARN a package reference would have, for "does not exist" messages. */
export function packageArnForMessage(ref: string, ctx: RequestContext): string {
  if (ref.startsWith('arn:')) return ref;
  return `${arnPrefix(ctx)}model-package/${ref.toLowerCase()}`;
}
