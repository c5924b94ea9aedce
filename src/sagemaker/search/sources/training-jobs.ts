/**
 * Search source for `TrainingJob`: records are DescribeTrainingJob's answer for each row, built
 * exactly as the Describe handler builds it (the training family's `describeRow` plus the
 * fields its observers add, such as MlflowDetails) but for a page of rows at once. The virtual
 * `Metrics.<name>` properties are the final metric values (FinalMetricDataList).
 */
import type { MetricData } from '../../../aws/generated/sagemaker/types.js';
import { describeRow } from '../../training/describe.js';
import { observedDescribeFields } from '../../training/observer.js';
import { afterCursor } from './cursor.js';
import type { SearchSource } from './types.js';

export const trainingJobSource: SearchSource = {
  resource: 'TrainingJob',
  recordMember: 'TrainingJob',
  table: 'training_jobs',
  shapes: ['TrainingJob', 'DescribeTrainingJobResponse'],
  virtual: [{ prefix: 'Metrics.', type: 'number' }],
  async changed({ db }, since, after, limit) {
    const rows = await db.selectFrom('training_jobs').select(['id', 'last_modified_time', 'account_id', 'region', 'arn'])
      .where((eb) => afterCursor(eb, 'last_modified_time', since, after))
      .orderBy('last_modified_time').orderBy('id').limit(limit).execute();
    return rows.map((r) => ({ id: Number(r.id), modified: Number(r.last_modified_time), accountId: r.account_id, region: r.region, arn: r.arn }));
  },
  async load({ db, store }, ids) {
    const out = new Map<number, Record<string, unknown>>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom('training_jobs').selectAll().where('id', 'in', ids).execute();
    for (const row of rows) {
      out.set(Number(row.id), { ...describeRow(row), ...(await observedDescribeFields(store, row)) } as unknown as Record<string, unknown>);
    }
    return out;
  },
  extra(record) {
    const metrics = (record.FinalMetricDataList as MetricData[] | undefined) ?? [];
    return metrics.filter((m) => m.MetricName !== undefined && typeof m.Value === 'number')
      .map((m) => ({ name: `Metrics.${m.MetricName}`, value: m.Value! }));
  },
};
