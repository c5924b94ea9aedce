/**
 * Reads one page of hits in SortBy order, keyset-paged on (sort value, doc id). Resources
 * without the sort property come after all the others, in either order (as a search engine's
 * `missing: _last`).
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { ExprNode } from './expression.js';
import { probe, type CompileContext } from './sql.js';

/** What the page is sorted by (a property, `Tags.<key>` included). @example { name: 'Metrics.loss', column: 'num' } */
export interface SortSpec { name: string; column: 'num' | 'txt' }

/** Where the previous page stopped (`value` null: among the resources lacking the property). @example { value: 0.25, id: 42 } */
export interface Cursor { value: number | string | null; id: number }

/** One hit of a page. @example { doc: 42, resourceId: 17, value: 0.25 } */
export interface Hit { doc: number; resourceId: number; value: number | string | null }

/** Up to this many hits are sorted in SQL from the hit list; more walk the sort property's index. */
export const SET_FORM_MAX = 2_000;

/**
 * @example
 *   const page = await readPage(db, ctx, tree, { docs, complete: true }, { name: 'Metrics.loss', column: 'num' }, nameId, 'Ascending', undefined, 11);
 */
export async function readPage(
  db: Kysely<Database>, ctx: CompileContext, tree: ExprNode | undefined, hits: { docs: number[]; complete: boolean }, sort: SortSpec,
  sortNameId: number | undefined, order: 'Ascending' | 'Descending', cursor: Cursor | undefined, limit: number,
  /** `auto` picks by the number of hits; the others force a plan (tests compare them). */
  plan: 'auto' | 'sort-hits' | 'walk-index' = 'auto',
): Promise<Hit[]> {
  const hitDocs = hits.docs;
  const dir = sql.raw(order === 'Ascending' ? 'ASC' : 'DESC');
  const gt = sql.raw(order === 'Ascending' ? '>' : '<');
  const ge = sql.raw(order === 'Ascending' ? '>=' : '<=');
  const sortValue = (doc: string): RawBuilder<unknown> => {
    if (sortNameId === undefined) return sql`NULL`;
    return sql`(SELECT s.${sql.raw(sort.column)} FROM search_properties s WHERE s.doc = ${sql.raw(doc)} AND s.name = ${sortNameId} AND s.seq = 0)`;
  };
  const inHitList = sql<SqlBool>`d.id IN (SELECT value FROM json_each(${JSON.stringify(hitDocs)}))`;
  const map = (rows: { doc: number; resource_id: number; sv: number | string | null }[]): Hit[] =>
    rows.map((r) => ({ doc: Number(r.doc), resourceId: Number(r.resource_id), value: r.sv ?? null }));

  const sortHits = plan === 'auto' ? tree !== undefined && hitDocs.length <= SET_FORM_MAX : plan === 'sort-hits';
  if (sortHits) {
    // Few hits (all of them known already): sort them, take the page. The sort value comes by
    // a join (a correlated subquery would be evaluated again for each ORDER BY term).
    const sortJoin = sortNameId === undefined ? sql`` : sql`LEFT JOIN search_properties s ON s.doc = d.id AND s.name = ${sortNameId} AND s.seq = 0`;
    const sortColumn = sortNameId === undefined ? sql`NULL` : sql.raw(`s.${sort.column}`);
    let after: RawBuilder<SqlBool> = sql<SqlBool>`1`;
    if (cursor && cursor.value !== null) {
      after = sql<SqlBool>`(sv ${gt} ${cursor.value} OR (sv = ${cursor.value} AND doc ${gt} ${cursor.id}) OR sv IS NULL)`;
    } else if (cursor) {
      after = sql<SqlBool>`(sv IS NULL AND doc ${gt} ${cursor.id})`;
    }
    const rows = await sql<{ doc: number; resource_id: number; sv: number | string | null }>`
      SELECT doc, resource_id, sv FROM (
        SELECT d.id AS doc, d.resource_id AS resource_id, ${sortColumn} AS sv FROM search_docs d ${sortJoin}
        WHERE ${inHitList}) x
      WHERE ${after} ORDER BY (sv IS NULL), sv ${dir}, doc ${dir} LIMIT ${limit}`.execute(db);
    return map(rows.rows);
  }

  // Many hits: walk the sort property's index in order, probing each candidate.
  const page: Hit[] = [];
  if (!cursor || cursor.value !== null) {
    let after: RawBuilder<SqlBool> = sql<SqlBool>`1`;
    let rows: { doc: number; resource_id: number; sv: number | string | null }[] = [];
    if (sortNameId !== undefined) {
      const col = sql.raw(`s.${sort.column}`);
      if (cursor) after = sql<SqlBool>`${col} ${ge} ${cursor.value} AND (${col} ${gt} ${cursor.value} OR s.doc ${gt} ${cursor.id})`;
      // Candidates straight off the (scope, name, value) index, probed by doc id alone.
      const found = (await sql<{ doc: number; sv: number | string | null }>`
        SELECT s.doc AS doc, ${col} AS sv FROM search_properties s
        WHERE s.scope = ${ctx.scope} AND s.name = ${sortNameId} AND ${col} IS NOT NULL AND s.seq = 0
          AND ${after} AND ${probe(tree, ctx, 's.doc')}
        ORDER BY ${col} ${dir}, s.doc ${dir} LIMIT ${limit}`.execute(db)).rows;
      if (found.length > 0) {
        const docs = await db.selectFrom('search_docs').select(['id', 'resource_id']).where('id', 'in', found.map((f) => Number(f.doc))).execute();
        const resourceOf = new Map(docs.map((d) => [Number(d.id), Number(d.resource_id)]));
        rows = found.map((f) => ({ doc: f.doc, resource_id: resourceOf.get(Number(f.doc))!, sv: f.sv }));
      }
    }
    page.push(...map(rows));
  }
  if (page.length < limit) {
    // The hits lacking the sort property: from the hit list when it is complete, else by a scan.
    const afterId = cursor && cursor.value === null ? sql<SqlBool>`d.id ${gt} ${cursor.id}` : sql<SqlBool>`1`;
    const matches = hits.complete ? inHitList : probe(tree, ctx, 'd.id');
    const rows = await sql<{ doc: number; resource_id: number; sv: null }>`
      SELECT d.id AS doc, d.resource_id AS resource_id, NULL AS sv FROM search_docs d
      WHERE d.scope_id = ${ctx.scope} AND ${sortValue('d.id')} IS NULL AND ${afterId} AND ${matches}
      ORDER BY d.id ${dir} LIMIT ${limit - page.length}`.execute(db);
    page.push(...map(rows.rows));
  }
  return page;
}

/**
 * The matching doc ids, at most `cap` of them (one pass of the hits query: their number is
 * TotalHits, and when they are few they are the page's candidates too).
 *
 * @example const docs = await collectHits(db, await hitsQuery(db, tree, ctx, 10_001), 10_001);
 */
export async function collectHits(db: Kysely<Database>, hits: RawBuilder<unknown>, cap: number): Promise<number[]> {
  const result = await sql<{ doc: number }>`SELECT doc FROM (${hits}) LIMIT ${cap}`.execute(db);
  return result.rows.map((r) => Number(r.doc));
}
