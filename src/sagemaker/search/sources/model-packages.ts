/**
 * Search source for `ModelPackage`: records are DescribeModelPackage's answer (the registry's
 * own `describeOutput` of each row). A package's modification time is its LastModifiedTime, or
 * its CreationTime until it is first updated.
 */
import { sql } from 'kysely';
import { describeOutput } from '../../registry/rows.js';
import { afterCursor } from './cursor.js';
import type { SearchSource } from './types.js';

const MODIFIED = 'coalesce(last_modified_time, creation_time)';

export const modelPackageSource: SearchSource = {
  resource: 'ModelPackage',
  recordMember: 'ModelPackage',
  table: 'model_packages',
  shapes: ['ModelPackage', 'DescribeModelPackageOutput'],
  async changed({ db }, since, after, limit) {
    // The expression matches migration 010's index on model_packages.
    const rows = await db.selectFrom('model_packages')
      .select(['id', 'account_id', 'region', 'arn', sql<number>`${sql.raw(MODIFIED)}`.as('modified')])
      .where((eb) => afterCursor(eb, sql.raw(MODIFIED) as never, since, after))
      .orderBy(sql.raw(MODIFIED)).orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), modified: Number(r.modified), accountId: r.account_id, region: r.region, arn: r.arn }));
  },
  async load({ db }, ids) {
    const out = new Map<number, Record<string, unknown>>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom('model_packages').selectAll().where('id', 'in', ids).execute();
    for (const row of rows) out.set(Number(row.id), describeOutput(row) as unknown as Record<string, unknown>);
    return out;
  },
};
