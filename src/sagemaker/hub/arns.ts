import { PARTITION, type RequestContext } from '../../aws/context.js';

/**
 * Hub and hub content ARNs (SAGEMAKER-SEMANTICS §1.2):
 *
 *   arn:aws:sagemaker:<region>:<account>:hub/<hub>
 *   arn:aws:sagemaker:<region>:<account>:hub-content/<hub>/<Type>/<name>/<x.y.z>
 *
 * Public hub content carries the literal account `aws`:
 * `arn:aws:sagemaker:us-west-2:aws:hub-content/SageMakerPublicHub/Model/<name>/<version>`.
 * ARNs keep the spelling the hub and the content were created with; lookups
 * by name or ARN ignore case.
 *
 * @example
 *   hubArn(ctx, 'my-hub')                                // ...:123456789012:hub/my-hub
 *   hubContentArn(ctx.region, ctx.accountId, 'my-hub', 'DataSet', 'train', '1.0.0')
 *   parseHubContentArn('arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/m')
 *   // { region: 'us-east-1', accountId: 'aws', hubName: 'SageMakerPublicHub', type: 'Model', name: 'm', version: undefined }
 */

/** Who is asking: all a lookup needs of the RequestContext (jobs resolve content outside a request). */
export type Caller = Pick<RequestContext, 'accountId' | 'region'>;

/** The name of the read-only public hub. */
export const PUBLIC_HUB_NAME = 'SageMakerPublicHub';
/** The account public hub ARNs carry. */
export const PUBLIC_ACCOUNT = 'aws';

export function hubArn(ctx: RequestContext, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:hub/${name}`;
}

export function publicHubArn(region: string): string {
  return `arn:${PARTITION}:sagemaker:${region}:${PUBLIC_ACCOUNT}:hub/${PUBLIC_HUB_NAME}`;
}

/** A content ARN; `version` undefined gives the unversioned form used in "does not exist" messages. */
export function hubContentArn(
  region: string, accountId: string, hubName: string, type: string, name: string, version?: string,
): string {
  const base = `arn:${PARTITION}:sagemaker:${region}:${accountId}:hub-content/${hubName}/${type}/${name}`;
  return version === undefined ? base : `${base}/${version}`;
}

/** True when a hub name (any casing) is the public hub's. */
export function isPublicHubName(name: string): boolean {
  return name.toLowerCase() === PUBLIC_HUB_NAME.toLowerCase();
}

/**
 * What a `HubNameOrArn` refers to: the public hub, a private hub of the
 * caller (by lower-cased name), or nothing that can exist here (an ARN of
 * another account or region). `name` is the name part, for messages.
 */
export type HubRef =
  | { kind: 'public'; name: string }
  | { kind: 'private'; name: string; key: string }
  | { kind: 'foreign'; name: string };

const HUB_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}|aws):hub\/([^/]+)$/;

export function hubRef(nameOrArn: string, ctx: RequestContext): HubRef {
  let name = nameOrArn;
  let account: string | undefined;
  if (nameOrArn.startsWith('arn:')) {
    const m = HUB_ARN.exec(nameOrArn);
    if (!m) return { kind: 'foreign', name: nameOrArn };
    if (m[1] !== ctx.region) return { kind: 'foreign', name: m[3]! };
    account = m[2]!;
    name = m[3]!;
  }
  if (isPublicHubName(name) && (account === undefined || account === PUBLIC_ACCOUNT)) return { kind: 'public', name: PUBLIC_HUB_NAME };
  if (account !== undefined && account !== ctx.accountId) return { kind: 'foreign', name };
  return { kind: 'private', name, key: name.toLowerCase() };
}

/** A parsed hub content ARN (version optional, as in HubDataSetArn and ServerlessJobBaseModelArn). */
export interface ParsedHubContentArn {
  region: string;
  accountId: string;
  hubName: string;
  type: string;
  name: string;
  version: string | undefined;
}

const CONTENT_ARN =
  /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):(\d{12}|aws):hub-content\/([^/]+)\/([A-Za-z]+)\/([^/]+)(?:\/([^/]+))?$/;

/** Parses a hub content ARN; undefined when `arn` is not one. */
export function parseHubContentArn(arn: string): ParsedHubContentArn | undefined {
  const m = CONTENT_ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, accountId: m[2]!, hubName: m[3]!, type: m[4]!, name: m[5]!, version: m[6] };
}
