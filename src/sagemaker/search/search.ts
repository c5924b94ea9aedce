/**
 * The Search operation: validate the expression against the resource's properties, bring the
 * index up to date, count the hits, read one page in SortBy order, and answer each hit with
 * the resource's current record (what Describe answers, plus its Tags).
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { SearchRecord, SearchRequest, SearchResponse, Tag } from '../../aws/generated/sagemaker/types.js';
import { decodePageToken, encodePageToken, fingerprint } from '../../store/page-token.js';
import type { Database } from '../../store/schema.js';
import { parseExpression } from './expression.js';
import type { SearchCatalog, SearchIndexer } from './indexer.js';
import * as msg from './messages.js';
import { collectHits, readPage, type Cursor, type SortSpec } from './page.js';
import { resolveProperty, rootMembers } from './properties.js';
import { hitsQuery, namesUsed, type CompileContext } from './sql.js';
import { SEARCH_SOURCES, sourceFor } from './sources/index.js';
import type { SearchSource, SourceEnv } from './sources/types.js';

/** MaxResults when the request gives none. */
export const DEFAULT_MAX_RESULTS = 10;
/** TotalHits counts exactly up to this many, then answers GreaterThanOrEqualTo (as a search engine's default). */
export const TOTAL_HITS_CAP = 10_000;

/**
 * What the Search operation runs on.
 *
 * @example const deps: SearchDeps = { env, catalog, indexer: new SearchIndexer(env, catalog) };
 */
export interface SearchDeps {
  env: SourceEnv;
  catalog: SearchCatalog;
  indexer: SearchIndexer;
}

/** SortBy resolved: what to sort on, and the name the token records. */
function sortSpec(source: SearchSource, sortBy: string | undefined): { spec: SortSpec; key: string } {
  const name = sortBy ?? (rootMembers(source).has('LastModifiedTime') ? 'LastModifiedTime' : 'CreationTime');
  const prop = resolveProperty(source, name);
  if (!prop) throw msg.unknownSortBy(name, source.resource);
  if (prop.kind === 'container') throw msg.sortByContainer(name);
  return { spec: { name, column: prop.kind === 'tag' || prop.type === 'text' ? 'txt' : 'num' }, key: name };
}

/**
 * @example
 *   const page = await search(deps, { Resource: 'TrainingJob', SortBy: 'Metrics.loss', SortOrder: 'Ascending' }, ctx);
 */
export async function search(deps: SearchDeps, input: SearchRequest, ctx: RequestContext): Promise<SearchResponse> {
  const source = sourceFor(input.Resource);
  if (!source) throw msg.unsupportedResource(input.Resource, SEARCH_SOURCES.map((s) => s.resource));
  const tree = parseExpression(source, input.SearchExpression);
  const { spec, key } = sortSpec(source, input.SortBy);
  const order = input.SortOrder ?? 'Descending';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  // As a string: fingerprint() canonicalises only the top-level keys.
  const filters = fingerprint({ resource: input.Resource, expression: JSON.stringify(input.SearchExpression ?? null) });
  let cursor: Cursor | undefined;
  if (input.NextToken !== undefined) {
    const decoded = decodePageToken(input.NextToken, { sortKey: key, order, filters });
    cursor = { value: JSON.parse(String(decoded.value)) as number | string | null, id: decoded.id };
  }

  await deps.indexer.sync(source);
  const scope = await deps.catalog.scope(source.resource, ctx.accountId, ctx.region, false);
  if (scope === undefined) return { Results: [], TotalHits: { Value: 0, Relation: 'EqualTo' } };
  const used = namesUsed(tree);
  used.names.add(spec.name);
  const ids = await deps.catalog.lookup(used.names, used.prefixes);
  const compile: CompileContext = { scope, names: ids.names, prefixes: ids.prefixes };

  const db = deps.env.db;
  const matching = await hitsQuery(db, tree, compile, TOTAL_HITS_CAP + 1);
  const hitDocs = await collectHits(db, matching, TOTAL_HITS_CAP + 1);
  const total = hitDocs.length;
  const sortNameId = ids.names.get(spec.name);
  const hits = await readPage(db, compile, tree, { docs: hitDocs, complete: total <= TOTAL_HITS_CAP }, spec, sortNameId, order, cursor, limit + 1);
  const page = hits.slice(0, limit);
  const last = page.at(-1);
  const records = await recordsFor(db, deps.env, source, ctx, page.map((h) => h.resourceId));
  return {
    Results: page.flatMap((h) => {
      const record = records.get(h.resourceId);
      return record ? [{ [source.recordMember]: record } as SearchRecord] : [];
    }),
    NextToken: hits.length > limit && last
      ? encodePageToken({ sortKey: key, order, filters, value: JSON.stringify(last.value), id: last.doc })
      : undefined,
    TotalHits: total > TOTAL_HITS_CAP
      ? { Value: TOTAL_HITS_CAP, Relation: 'GreaterThanOrEqualTo' }
      : { Value: total, Relation: 'EqualTo' },
  };
}

/** The page's records, each with its Tags (one query for the page's tags). */
async function recordsFor(
  db: Kysely<Database>, env: SourceEnv, source: SearchSource, ctx: RequestContext, ids: number[],
): Promise<Map<number, Record<string, unknown>>> {
  const records = await source.load(env, ids);
  if (!rootMembers(source).has('Tags') || records.size === 0) return records;
  const arnOf = new Map<string, Record<string, unknown>>();
  for (const record of records.values()) {
    const arn = record[source.arnMember ?? `${source.resource}Arn`];
    if (typeof arn === 'string') arnOf.set(arn.toLowerCase(), record);
    record.Tags = [] as Tag[];
  }
  if (arnOf.size === 0) return records;
  const tags = await db.selectFrom('tags').select(['resource_key', 'tag_key', 'tag_value'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('resource_key', 'in', [...arnOf.keys()]).orderBy('resource_key').orderBy('tag_key').execute();
  for (const t of tags) (arnOf.get(t.resource_key)!.Tags as Tag[]).push({ Key: t.tag_key, Value: t.tag_value });
  return records;
}
