/**
 * The feature for Search (issue 9): the `Search` operation over training jobs, tuning jobs,
 * model packages, model package groups, pipelines and pipeline executions (one source module
 * each under ./sources), answered from a property index kept in step lazily (./indexer.ts).
 */
import type { FeatureDeps, SageboxFeature } from '../../feature.js';
import type { SearchRequest } from '../../aws/generated/sagemaker/types.js';
import type { RequestContext } from '../../aws/context.js';
import { SearchCatalog, SearchIndexer } from './indexer.js';
import { search, type SearchDeps } from './search.js';
import { SEARCH_SOURCES } from './sources/index.js';

/**
 * @example
 *   const feature = searchFeature(deps);
 *   await feature.handlers!.Search({ Resource: 'TrainingJob' }, ctx);
 */
export function searchFeature(deps: FeatureDeps): SageboxFeature {
  const env = { db: deps.store.db, store: deps.store, invoke: deps.invoke };
  const catalog = new SearchCatalog(deps.store.db);
  const indexer = new SearchIndexer(env, catalog);
  const searchDeps: SearchDeps = { env, catalog, indexer };
  let warming: Promise<unknown> | undefined;
  return {
    handlers: {
      Search: (input: SearchRequest, ctx: RequestContext) => search(searchDeps, input, ctx),
    },
    async start() {
      // Catch the index up in the background, so the first Search after a restart (or after an
      // upgrade that brings many unindexed rows) does not pay for it. Search syncs anyway.
      warming = Promise.all(SEARCH_SOURCES.map((source) => indexer.sync(source).catch((error: unknown) => {
        deps.logger.warn({ err: error, resource: source.resource }, 'search: indexing failed; the next Search retries');
      })));
    },
    async stop() {
      indexer.close();
      await warming; // never close the store under a running index transaction
    },
  };
}
