/**
 * A SearchSource for a family whose records are its Describe operation's answer, called in
 * process per row of the page (and per row being indexed). The family's table needs `id`,
 * `account_id`, `region`, `arn` and a modification-time column; nothing else of its layout is
 * read, so the family can change its storage freely.
 */
import { sql } from 'kysely';
import type { ResourceType, SearchRecord } from '../../../aws/generated/sagemaker/types.js';
import type { SearchSource, SourceEnv } from './types.js';

/** What `describedSource` needs to know of a family (see its example). */
export interface DescribedSourceSpec {
  resource: ResourceType;
  recordMember: keyof SearchRecord;
  table: string;
  shapes: string[];
  arnMember?: string;
  /** The column holding the row's modification time (epoch ms), indexed with `id`. */
  modifiedColumn: string;
  /** Extra columns `describeInput` needs (e.g. `name`). */
  columns?: string[];
  /** The Describe operation and its input for one row. */
  operation: string;
  describeInput(row: Record<string, unknown> & { arn: string }): object;
}

/**
 * @example
 *   export const pipelineSource = describedSource({ resource: 'Pipeline', recordMember: 'Pipeline', table: 'pipelines',
 *     shapes: ['Pipeline', 'DescribePipelineResponse'], modifiedColumn: 'last_modified_time',
 *     operation: 'DescribePipeline', describeInput: (row) => ({ PipelineName: row.arn }) });
 */
export function describedSource(spec: DescribedSourceSpec): SearchSource {
  const table = sql.table(spec.table);
  const modified = sql.ref(spec.modifiedColumn);
  const extra = (spec.columns ?? []).map((c) => sql.ref(c));
  return {
    resource: spec.resource,
    recordMember: spec.recordMember,
    table: spec.table,
    shapes: spec.shapes,
    ...(spec.arnMember ? { arnMember: spec.arnMember } : {}),
    async changed({ db }: SourceEnv, since, after, limit) {
      const from = Number.isFinite(since) ? since : Number.MIN_SAFE_INTEGER;
      const cursor = after
        ? sql`${modified} >= ${after.modified} AND (${modified} > ${after.modified} OR id > ${after.id})`
        : sql`${modified} >= ${from}`;
      const rows = await sql<{ id: number; modified: number; account_id: string; region: string; arn: string }>`
        SELECT id, ${modified} AS modified, account_id, region, arn FROM ${table}
        WHERE ${cursor} ORDER BY ${modified}, id LIMIT ${limit}`.execute(db);
      return rows.rows.map((r) => ({ id: Number(r.id), modified: Number(r.modified), accountId: r.account_id, region: r.region, arn: r.arn }));
    },
    async load({ db, invoke }: SourceEnv, ids) {
      const out = new Map<number, Record<string, unknown>>();
      if (ids.length === 0) return out;
      const columns = sql.join([sql`id`, sql`account_id`, sql`region`, sql`arn`, ...extra]);
      const rows = await sql<Record<string, unknown> & { id: number; account_id: string; region: string; arn: string }>`
        SELECT ${columns} FROM ${table} WHERE id IN (${sql.join(ids)})`.execute(db);
      for (const row of rows.rows) {
        const ctx = { accountId: row.account_id, region: row.region, requestId: 'search' };
        try {
          out.set(Number(row.id), await invoke<Record<string, unknown>>(spec.operation, spec.describeInput(row), ctx));
        } catch (error) {
          // Deleted between listing and describing: left out. Anything else is a real failure.
          const code = (error as { code?: string }).code;
          if (code !== 'ResourceNotFound' && !/does not exist|not found/i.test((error as Error).message)) throw error;
        }
      }
      return out;
    },
  };
}
