import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { hubRef, isPublicHubName, parseHubContentArn } from './arns.js';
import { findContent, type HubTarget } from './content-rows.js';
import { findHub } from './hubs.js';
import { isVersion, versionKey } from './versions.js';

/**
 * Registers the hub ARN types with the tag operations: `hub/<name>` and
 * `hub-content/<hub>/<Type>/<name>/<version>` (each version holds its own
 * tags, as ImportHubContent's Tags go on the version's ARN). Public hub ARNs
 * (account `aws`) are not the caller's, so the tag operations answer
 * "does not exist" for them. Idempotent.
 */
export function registerHubTaggables(): void {
  registerTaggableResource('hub', async (arn, ctx, store) => {
    const ref = hubRef(arn, ctx);
    return ref.kind === 'private' && (await findHub(store.db, ctx, ref.key)) !== undefined;
  });
  registerTaggableResource('hub-content', async (arn, ctx, store) => (await contentExists(arn, ctx, store)));
}

async function contentExists(arn: string, ctx: RequestContext, store: Store): Promise<boolean> {
  const parsed = parseHubContentArn(arn);
  if (!parsed || parsed.version === undefined || !isVersion(parsed.version) || isPublicHubName(parsed.hubName)) return false;
  if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region) return false;
  const row = await findHub(store.db, ctx, parsed.hubName.toLowerCase());
  if (!row) return false;
  const hub: HubTarget = { kind: 'private', name: row.name, arn: row.arn, accountId: ctx.accountId, row };
  const found = await findContent(store.db, ctx, hub, parsed.type, parsed.name.toLowerCase(), versionKey(parsed.version, 'version'));
  return found !== undefined;
}
