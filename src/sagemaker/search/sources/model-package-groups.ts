/**
 * Search source for `ModelPackageGroup`: records are DescribeModelPackageGroup's answer, got by
 * calling the operation in process (groups are few; this keeps the record identical to
 * Describe whatever the registry adds to it). Groups never change after creation (only their
 * version counter does), so their modification time is their CreationTime.
 */
import { afterCursor } from './cursor.js';
import type { SearchSource } from './types.js';

export const modelPackageGroupSource: SearchSource = {
  resource: 'ModelPackageGroup',
  recordMember: 'ModelPackageGroup',
  table: 'model_package_groups',
  shapes: ['ModelPackageGroup', 'DescribeModelPackageGroupOutput'],
  async changed({ db }, since, after, limit) {
    const rows = await db.selectFrom('model_package_groups').select(['id', 'creation_time', 'account_id', 'region', 'arn'])
      .where((eb) => afterCursor(eb, 'creation_time', since, after))
      .orderBy('creation_time').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), modified: Number(r.creation_time), accountId: r.account_id, region: r.region, arn: r.arn }));
  },
  async load({ db, invoke }, ids) {
    const out = new Map<number, Record<string, unknown>>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom('model_package_groups').select(['id', 'account_id', 'region', 'arn']).where('id', 'in', ids).execute();
    for (const row of rows) {
      const ctx = { accountId: row.account_id, region: row.region, requestId: 'search' };
      try {
        out.set(Number(row.id), await invoke<Record<string, unknown>>('DescribeModelPackageGroup', { ModelPackageGroupName: row.arn }, ctx));
      } catch (error) {
        // Deleted between listing and describing: left out, as the contract says.
        if (!/does not exist/.test((error as Error).message)) throw error;
      }
    }
    return out;
  },
};
