/**
 * runs/search: MLflow's filter grammar (search-filter.ts) and order_by, as one SQL query over
 * the runs of the given experiments. Metrics compare against each run's latest value (as in
 * MLflow); a clause on a key a run lacks never matches it. Default order: start_time DESC, then
 * run id; runs lacking an order_by key come last. Pages are offsets (MLflow's page tokens).
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import type { StoreDialect } from '../store/dialect.js';
import { decodeOffset, encodeOffset, parseExperimentId } from './experiments.js';
import { toRuns, type RunRow } from './runs.js';
import { parseOrderBy, parseRunFilter, type FilterClause } from './search-filter.js';
import { invalidParameter, VIEW_TYPES, type SearchRunsRequest, type SearchRunsResponse, type ViewType } from './wire.js';

type Db = Kysely<Database>;

export const SEARCH_MAX_RESULTS_DEFAULT = 1000;
export const SEARCH_MAX_RESULTS_THRESHOLD = 50_000;

const ATTRIBUTE_COLUMNS: Record<string, string> = {
  run_id: 'run_uuid', run_name: 'name', status: 'status', user_id: 'user_id', artifact_uri: 'artifact_uri',
  lifecycle_stage: 'lifecycle_stage', start_time: 'start_time', end_time: 'end_time',
};

/** `<lhs> <op> <value>` for one clause, in the store's dialect (LIKE is case-sensitive as in MLflow). */
function compare(lhs: Expression<unknown>, c: FilterClause, dialect: StoreDialect): Expression<SqlBool> {
  const v = c.value;
  if (Array.isArray(v)) {
    return c.comparator === 'IN' ? sql<SqlBool>`${lhs} in (${sql.join(v)})` : sql<SqlBool>`${lhs} not in (${sql.join(v)})`;
  }
  switch (c.comparator) {
    case 'LIKE':
      // SQLite's LIKE ignores ASCII case; GLOB with the pattern translated keeps MLflow's meaning.
      return dialect === 'sqlite' ? sql<SqlBool>`${lhs} glob ${likeToGlob(String(v))}` : sql<SqlBool>`${lhs} like ${v}`;
    case 'ILIKE':
      return dialect === 'sqlite' ? sql<SqlBool>`lower(${lhs}) like lower(${v})` : sql<SqlBool>`${lhs} ilike ${v}`;
    default:
      return sql<SqlBool>`${lhs} ${sql.raw(c.comparator)} ${v}`;
  }
}

/** `a%b_` → `a*b?`, with GLOB's own specials escaped as one-character classes. */
export function likeToGlob(pattern: string): string {
  return pattern.replace(/[*?[\]]/g, (ch) => `[${ch}]`).replace(/%/g, '*').replace(/_/g, '?');
}

/**
 * @example
 *   await searchRuns(db, 'sqlite', 1, { experiment_ids: ['1'], filter: "metrics.loss < 0.5", order_by: ['metrics.loss ASC'] });
 */
export async function searchRuns(db: Db, dialect: StoreDialect, trackingId: number, req: SearchRunsRequest): Promise<SearchRunsResponse> {
  const max = req.max_results ?? SEARCH_MAX_RESULTS_DEFAULT;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > SEARCH_MAX_RESULTS_THRESHOLD) {
    throw invalidParameter(`Invalid value for request parameter max_results. It must be at most ${SEARCH_MAX_RESULTS_THRESHOLD}, but got value ${max}`);
  }
  const view: ViewType = req.run_view_type ?? 'ACTIVE_ONLY';
  if (!VIEW_TYPES.includes(view)) throw invalidParameter(`Invalid value ${JSON.stringify(view)} for parameter 'run_view_type' supplied.`);
  const clauses = parseRunFilter(req.filter);
  const order = parseOrderBy(req.order_by);
  const offset = decodeOffset(req.page_token);
  const experiments = (req.experiment_ids ?? []).map((id) => parseExperimentId(id)).filter((n): n is number => n !== undefined);
  if (experiments.length === 0) return {};

  let q = db.selectFrom('mlflow_runs as r').selectAll('r').where('r.tracking_id', '=', trackingId).where('r.experiment_id', 'in', experiments);
  if (view === 'ACTIVE_ONLY') q = q.where('r.lifecycle_stage', '=', 'active');
  else if (view === 'DELETED_ONLY') q = q.where('r.lifecycle_stage', '=', 'deleted');
  for (const c of clauses) {
    if (c.type === 'attribute') {
      q = q.where(compare(sql.ref(`r.${ATTRIBUTE_COLUMNS[c.key] ?? 'start_time'}`), c, dialect));
      continue;
    }
    const table = c.type === 'metric' ? 'mlflow_latest_metrics' : c.type === 'parameter' ? 'mlflow_params' : 'mlflow_tags';
    const extra = c.type === 'metric' ? sql` and x.is_nan = 0` : sql``;
    q = q.where(sql<SqlBool>`exists (select 1 from ${sql.table(table)} x where x.run_uuid = r.run_uuid and x.key = ${c.key}${extra} and ${compare(sql.ref('x.value'), c, dialect)})`);
  }
  let ordered = q;
  let startTimeOrdered = false;
  for (const o of order) {
    const dir = sql.raw(o.ascending ? 'asc' : 'desc');
    let key: Expression<unknown>;
    if (o.type === 'attribute') {
      const column = ATTRIBUTE_COLUMNS[o.key] ?? 'start_time';
      if (column === 'start_time') startTimeOrdered = true;
      key = sql.ref(`r.${column}`);
    } else {
      const table = o.type === 'metric' ? 'mlflow_latest_metrics' : o.type === 'parameter' ? 'mlflow_params' : 'mlflow_tags';
      key = sql`(select x.value from ${sql.table(table)} x where x.run_uuid = r.run_uuid and x.key = ${o.key})`;
    }
    ordered = ordered.orderBy(sql`${key} is null`).orderBy(sql`${key} ${dir}`);
  }
  if (!startTimeOrdered) ordered = ordered.orderBy('r.start_time', 'desc');
  const rows = (await ordered.orderBy('r.run_uuid').limit(max + 1).offset(offset).execute()) as RunRow[];
  const more = rows.length > max;
  const runs = await toRuns(db, more ? rows.slice(0, max) : rows);
  return { ...(runs.length ? { runs } : {}), ...(more ? { next_page_token: encodeOffset(offset + max) } : {}) };
}
