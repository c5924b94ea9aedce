/** The feature for pipelines and their executions (issue 7). */
import type { FeatureDeps, SageboxFeature } from '../../feature.js';
import { isOwnArn, parseArn } from '../registry/arns.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { executionHandlers } from './execution-api.js';
import { PIPELINE_SLOTS, PIPELINE_WORK, pipelineWorkHandler, Wakers } from './executor.js';
import { pipelineHandlers } from './pipeline-api.js';
import './tables.js';

/**
 * Pipelines: the operations, the `pipeline-execution` engine work that orchestrates executions,
 * and tags on pipelines and executions (both ARNs have type `pipeline`).
 *
 * @example const feature = pipelinesFeature(deps); // in app.ts, before engine.start()
 */
export function pipelinesFeature(deps: FeatureDeps): SageboxFeature {
  const wakers = new Wakers();
  deps.engine.register(PIPELINE_WORK, pipelineWorkHandler(deps, wakers), PIPELINE_SLOTS);
  registerTaggableResource('pipeline', async (arn, ctx, store) => {
    const parsed = parseArn(arn);
    if (!parsed || !isOwnArn(parsed, ctx)) return false;
    if (!parsed.resourceId.includes('/')) {
      return (await store.db.selectFrom('pipelines').select('id').where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
        .where('name_key', '=', parsed.resourceId.toLowerCase()).executeTakeFirst()) !== undefined;
    }
    return (await store.db.selectFrom('pipeline_executions').select('id').where('arn', '=', arn).executeTakeFirst()) !== undefined;
  });
  return {
    handlers: { ...pipelineHandlers(deps), ...executionHandlers(deps, wakers) } as SageboxFeature['handlers'],
  };
}
