/**
 * Compiles a parsed SearchExpression to SQL over the index, in two forms:
 *
 * - probe form: a condition on one `search_docs` row `d` (EXISTS probes on the
 *   `(doc, name, seq)` primary key; tags are `Tags.<key>` properties). Used when the page is read
 *   in sort order straight off the sort property's index: each candidate costs a few probes and
 *   the scan stops at the page's end.
 * - hits form: a SELECT of the matching doc ids, driven by the index range of the most
 *   selective filter, the rest probed. Used to count the hits (TotalHits), and to read the page
 *   when the hits are few (sorting a few hundred rows beats walking the sort index past
 *   non-hits).
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { Comparison, ExprNode, FilterNode } from './expression.js';

/**
 * What a compiled query needs besides the tree: the scope and the interned names it uses.
 *
 * @example { scope: 1, names: new Map([['Metrics.loss', 34]]), prefixes: new Map() }
 */
export interface CompileContext {
  scope: number;
  /** Interned ids of the names the tree uses (absent: no resource has the property). */
  names: Map<string, number>;
  /** Interned ids of every name under a container property or nested root. */
  prefixes: Map<string, number[]>;
}

/**
 * Names and prefixes a tree needs interned ids for.
 *
 * @example namesUsed(tree) // { names: Set {'Metrics.loss', 'Tags.team'}, prefixes: Set {'InputDataConfig'} }
 */
export function namesUsed(tree: ExprNode | undefined): { names: Set<string>; prefixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  const visit = (node: ExprNode): void => {
    if (node.kind === 'filter') {
      if (node.prop.kind === 'container') prefixes.add(node.prop.name);
      else names.add(node.prop.name); // values and `Tags.<key>`
    } else if (node.kind === 'nested') {
      prefixes.add(node.root);
      node.filters.forEach(visit);
    } else {
      node.children.forEach(visit);
    }
  };
  if (tree) visit(tree);
  return { names, prefixes };
}

const FALSE = sql<SqlBool>`0`;

/** `cmp` with its negation taken out: NotEquals is "not (Equals)", NotExists "not (Exists)". */
function positive(cmp: Comparison): { cmp: Comparison; negated: boolean } {
  if (cmp.op === 'notExists') return { cmp: { op: 'exists' }, negated: true };
  if (cmp.op === 'ne') return { cmp: { ...cmp, op: 'eq' } as Comparison, negated: true };
  return { cmp, negated: false };
}

function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const SQL_OP = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/** The value condition of a (positive) comparison on a numeric column and a text column. */
function valueCondition(cmp: Comparison, num: string, txt: string): RawBuilder<SqlBool> {
  switch (cmp.op) {
    case 'exists':
      return sql<SqlBool>`1`;
    case 'contains':
      // LIKE: case-insensitive for ASCII, as the service's Contains is.
      return sql<SqlBool>`${sql.raw(txt)} LIKE ${likeContains(cmp.text)} ESCAPE '\\'`;
    case 'in':
      return cmp.texts.length === 0 ? FALSE : sql<SqlBool>`${sql.raw(txt)} IN (${sql.join(cmp.texts)})`;
    default:
      if ('text' in cmp) return sql<SqlBool>`${sql.raw(txt)} = ${cmp.text}`;
      if (!('num' in cmp)) return FALSE;
      return cmp.integer
        ? sql<SqlBool>`CAST(${sql.raw(num)} AS INTEGER) ${sql.raw(SQL_OP[cmp.op])} ${cmp.num}`
        : sql<SqlBool>`${sql.raw(num)} ${sql.raw(SQL_OP[cmp.op])} ${cmp.num}`;
  }
}

function nameIds(node: FilterNode, ctx: CompileContext): number[] {
  if (node.prop.kind === 'container') return ctx.prefixes.get(node.prop.name) ?? [];
  const id = ctx.names.get(node.prop.name);
  return id === undefined ? [] : [id];
}

/** `alias.name = id` (one id: an equality the planner seeks on), or `alias.name IN (...)`. */
function nameIn(alias: string, ids: number[]): RawBuilder<SqlBool> {
  return ids.length === 1 ? sql<SqlBool>`${sql.raw(alias)}.name = ${ids[0]}` : sql<SqlBool>`${sql.raw(alias)}.name IN (${sql.join(ids)})`;
}

function negate(cond: RawBuilder<SqlBool>, negated: boolean): RawBuilder<SqlBool> {
  return negated ? sql<SqlBool>`NOT ${cond}` : cond;
}

/** The probe-form condition of a filter on doc alias `d`; `elem` ties it to one list element. */
function filterProbe(node: FilterNode, ctx: CompileContext, doc: string, elem?: string): RawBuilder<SqlBool> {
  const { cmp, negated } = positive(node.cmp);
  const ids = nameIds(node, ctx);
  if (ids.length === 0) return negate(FALSE, negated);
  const sameElem = elem === undefined ? sql`` : sql` AND f.elem = ${sql.raw(elem)}`;
  return negate(sql<SqlBool>`EXISTS (SELECT 1 FROM search_properties f WHERE f.doc = ${sql.raw(doc)} AND ${nameIn('f', ids)}${sameElem}
    AND ${valueCondition(cmp, 'f.num', 'f.txt')})`, negated);
}

/**
 * The probe-form condition of a tree on one doc, given as an SQL expression of its id.
 *
 * @example
 *   sql`SELECT d.id FROM search_docs d WHERE d.scope_id = ${scope} AND ${probe(tree, ctx, 'd.id')}`
 */
export function probe(node: ExprNode | undefined, ctx: CompileContext, doc: string): RawBuilder<SqlBool> {
  if (!node) return sql<SqlBool>`1`;
  switch (node.kind) {
    case 'filter':
      return filterProbe(node, ctx, doc);
    case 'nested': {
      // Some element of the list satisfies every filter: anchor on any value under the list
      // (its `elem` names the element), then probe each filter on that element.
      const rootIds = ctx.prefixes.get(node.root) ?? [];
      if (rootIds.length === 0) return FALSE;
      const each = node.filters.map((f) => filterProbe(f, ctx, doc, 'a.elem'));
      return sql<SqlBool>`EXISTS (SELECT 1 FROM search_properties a WHERE a.doc = ${sql.raw(doc)} AND ${nameIn('a', rootIds)}
        AND a.elem >= 0 AND ${sql.join(each, sql` AND `)})`;
    }
    default: {
      const parts = node.children.map((c) => probe(c, ctx, doc));
      return sql<SqlBool>`(${sql.join(parts, node.kind === 'and' ? sql` AND ` : sql` OR `)})`;
    }
  }
}

/** The top-level conjuncts of a tree (a tree that is not an And is its own single conjunct). */
function conjuncts(node: ExprNode): ExprNode[] {
  return node.kind === 'and' ? node.children.flatMap(conjuncts) : [node];
}

/** A positive filter can drive a query: its hits are one index range. */
function isDriver(node: ExprNode): node is FilterNode {
  return node.kind === 'filter' && !positive(node.cmp).negated;
}

/**
 * An index-only row source for a positive filter, for estimating how many hits it has:
 * `SELECT 1 FROM <its index range>`.
 */
function estimateSource(node: FilterNode, ctx: CompileContext): RawBuilder<unknown> {
  const ids = nameIds(node, ctx);
  if (ids.length === 0) return sql`SELECT 1 WHERE 0`;
  return sql`SELECT 1 FROM search_properties f WHERE f.scope = ${ctx.scope} AND ${nameIn('f', ids)} AND ${valueCondition(node.cmp, 'f.num', 'f.txt')}`;
}

/** The FROM and WHERE that read a positive filter's index range, one row `x` (with `x.doc`) per value. */
function driverFrom(node: FilterNode, ctx: CompileContext): RawBuilder<unknown> {
  const ids = nameIds(node, ctx);
  if (ids.length === 0) return sql`FROM search_properties x WHERE 0`;
  return sql`FROM search_properties x WHERE x.scope = ${ctx.scope} AND ${nameIn('x', ids)} AND ${valueCondition(node.cmp, 'x.num', 'x.txt')}`;
}

/**
 * The query of the matching doc ids (each once), driven by the tree's most selective positive
 * top-level filter: its index range is read and every other condition probed per doc. The
 * sizes of the candidate ranges are measured first (index-only counts, capped at `probeCap`),
 * which is what lets "metric < x AND tag = t" start from whichever side is smaller.
 *
 * @example
 *   const hits = await hitsQuery(db, tree, ctx, 10_001);
 *   sql`SELECT count(*) FROM (${hits})`
 */
export async function hitsQuery(
  db: Kysely<Database>, tree: ExprNode | undefined, ctx: CompileContext, probeCap: number,
): Promise<RawBuilder<unknown>> {
  if (!tree) return sql`SELECT id AS doc FROM search_docs WHERE scope_id = ${ctx.scope}`;
  const parts = conjuncts(tree);
  let best: { index: number; size: number } | undefined;
  for (const [index, node] of parts.entries()) {
    if (!isDriver(node)) continue;
    const counted = await sql<{ n: number }>`SELECT count(*) AS n FROM (${estimateSource(node, ctx)} LIMIT ${probeCap})`.execute(db);
    const size = Number(counted.rows[0]?.n ?? 0);
    if (!best || size < best.size) best = { index, size };
    if (size === 0) break;
  }
  if (!best) return sql`SELECT d.id AS doc FROM search_docs d WHERE d.scope_id = ${ctx.scope} AND ${probe(tree, ctx, 'd.id')}`;
  const rest = parts.filter((_, i) => i !== best!.index);
  const others = rest.length === 0 ? sql<SqlBool>`1` : probe({ kind: 'and', children: rest }, ctx, 'x.doc');
  const driver = parts[best.index] as FilterNode;
  // A driver yields each doc once unless the property can hold several values per resource.
  const repeats = driver.prop.kind === 'container' || (driver.prop.kind === 'value' && driver.prop.listRoot !== undefined);
  return sql`SELECT ${sql.raw(repeats ? 'DISTINCT ' : '')}x.doc AS doc ${driverFrom(driver, ctx)} AND ${others}`;
}
