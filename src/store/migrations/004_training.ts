import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * Training jobs, their metric time series, and their logs (served through the CloudWatch Logs
 * API shape). List indexes end with `(sort column, id)` for keyset pages, as in 001.
 */
export function trainingMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('training_jobs'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('secondary_status', 'varchar(32)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('training_start_time', 'bigint')
        .addColumn('training_end_time', 'bigint')
        .addColumn('failure_reason', 'text')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tj_name_key').unique().on('training_jobs').columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('tj_created').on('training_jobs').columns(['account_id', 'region', 'creation_time', 'id']).execute();
      await db.schema.createIndex('tj_status').on('training_jobs').columns(['account_id', 'region', 'status', 'id']).execute();

      await db.schema.createTable('training_metrics')
        .addColumn('job_id', 'bigint', (c) => c.notNull().references('training_jobs.id').onDelete('cascade'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('step', 'integer', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('training_metrics_pk', ['job_id', 'attempt', 'name', 'step'])
        .execute();

      await addIdColumn(db.schema.createTable('log_streams'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('group_name', 'varchar(512)', (c) => c.notNull())
        .addColumn('stream_name', 'varchar(512)', (c) => c.notNull())
        .addColumn('job_id', 'bigint', (c) => c.references('training_jobs.id').onDelete('cascade'))
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('first_event_time', 'bigint')
        .addColumn('last_event_time', 'bigint')
        .addColumn('last_ingestion_time', 'bigint')
        .addColumn('stored_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('event_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('truncated', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('log_streams_name').unique().on('log_streams')
        .columns(['account_id', 'region', 'group_name', 'stream_name']).execute();

      await addIdColumn(db.schema.createTable('log_events'), dialect)
        .addColumn('stream_id', 'bigint', (c) => c.notNull().references('log_streams.id').onDelete('cascade'))
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('ingestion_time', 'bigint', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('log_events_stream').on('log_events').columns(['stream_id', 'timestamp', 'id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('log_events').execute();
      await db.schema.dropTable('log_streams').execute();
      await db.schema.dropTable('training_metrics').execute();
      await db.schema.dropTable('training_jobs').execute();
    },
  };
}
