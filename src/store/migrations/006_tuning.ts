import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * Hyperparameter tuning jobs (src/sagemaker/tuning): one row per tuning job (its request and
 * state as JSON) and one row per trial (the training job it launched, with its objective).
 * The driver is durable work in `work_items` (kind `tuning-job`, 003_engine). Lists page on
 * `(sort column, id)`, so each list index ends with those two columns, as in 001.
 */
export function tuningMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('tuning_jobs'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(32)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(32)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('strategy', 'varchar(16)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('end_time', 'bigint')
        .addColumn('failure_reason', 'text')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tuning_name_key').unique().on('tuning_jobs').columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('tuning_name_id').on('tuning_jobs').columns(['account_id', 'region', 'name_key', 'id']).execute();
      await db.schema.createIndex('tuning_created').on('tuning_jobs').columns(['account_id', 'region', 'creation_time', 'id']).execute();
      await db.schema.createIndex('tuning_status').on('tuning_jobs').columns(['account_id', 'region', 'status', 'id']).execute();

      await addIdColumn(db.schema.createTable('tuning_trials'), dialect)
        .addColumn('tuning_job_id', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('training_job_name', 'varchar(63)', (c) => c.notNull())
        .addColumn('training_job_id', 'bigint')
        .addColumn('definition_name', 'varchar(64)')
        .addColumn('tuned', 'text', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('objective_status', 'varchar(16)', (c) => c.notNull())
        .addColumn('objective', 'double precision')
        .addColumn('retryable', 'integer', (c) => c.notNull())
        .addColumn('early_stopped', 'integer', (c) => c.notNull())
        .addColumn('bracket', 'integer')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addColumn('end_time', 'bigint')
        .execute();
      // One trial per sequence number: a restarted driver can never launch the same trial twice.
      await db.schema.createIndex('tuning_trial_seq').unique().on('tuning_trials').columns(['tuning_job_id', 'seq']).execute();
      // DescribeTrainingJob looks up a training job's tuning job (TuningJobArn) by training_job_id.
      await db.schema.createIndex('tuning_trial_job').on('tuning_trials').columns(['training_job_id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('tuning_trials').execute();
      await db.schema.dropTable('tuning_jobs').execute();
    },
  };
}
