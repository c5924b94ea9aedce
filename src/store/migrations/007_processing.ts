import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * Processing jobs, models and lineage records (src/sagemaker/processing, models, lineage).
 * Requests and documents are JSON; the columns are what lookups, filters and keyset pages need
 * (list indexes end with `(sort column, id)`, as in 001). A processing job runs as durable work
 * in `work_items` (kind `processing-job`, 003_engine); its logs live in `log_streams` (004).
 */
export function processingMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('processing_jobs'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('processing_start_time', 'bigint')
        .addColumn('processing_end_time', 'bigint')
        .addColumn('failure_reason', 'text')
        .addColumn('exit_message', 'text')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pj_name_key').unique().on('processing_jobs').columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('pj_name_id').on('processing_jobs').columns(['account_id', 'region', 'name_key', 'id']).execute();
      await db.schema.createIndex('pj_created').on('processing_jobs').columns(['account_id', 'region', 'creation_time', 'id']).execute();
      await db.schema.createIndex('pj_status').on('processing_jobs').columns(['account_id', 'region', 'status', 'id']).execute();

      await addIdColumn(db.schema.createTable('models'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('models_name_key').unique().on('models').columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('models_name_id').on('models').columns(['account_id', 'region', 'name_key', 'id']).execute();
      await db.schema.createIndex('models_created').on('models').columns(['account_id', 'region', 'creation_time', 'id']).execute();

      // Artifacts, contexts and actions share one table: `kind` says which. `entity_key` is the
      // lower-cased name (contexts, actions) or the artifact's generated id; it is the ARN's last part.
      await addIdColumn(db.schema.createTable('lineage_entities'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('entity_key', 'varchar(128)', (c) => c.notNull())
        .addColumn('name', 'varchar(128)')
        .addColumn('name_key', 'varchar(128)')
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('entity_type', 'varchar(256)', (c) => c.notNull())
        .addColumn('source_uri', 'varchar(2048)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('lineage_key').unique().on('lineage_entities').columns(['account_id', 'region', 'kind', 'entity_key']).execute();
      await db.schema.createIndex('lineage_arn').on('lineage_entities').columns(['arn']).execute();
      await db.schema.createIndex('lineage_created').on('lineage_entities').columns(['account_id', 'region', 'kind', 'creation_time', 'id']).execute();
      await db.schema.createIndex('lineage_name').on('lineage_entities').columns(['account_id', 'region', 'kind', 'name_key', 'id']).execute();

      await addIdColumn(db.schema.createTable('lineage_associations'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('source_arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('destination_arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('source_type', 'varchar(256)')
        .addColumn('destination_type', 'varchar(256)')
        .addColumn('source_name', 'varchar(256)')
        .addColumn('destination_name', 'varchar(256)')
        .addColumn('association_type', 'varchar(32)')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('lineage_assoc_pair').unique().on('lineage_associations')
        .columns(['account_id', 'region', 'source_arn', 'destination_arn']).execute();
      await db.schema.createIndex('lineage_assoc_dest').on('lineage_associations').columns(['destination_arn']).execute();
      await db.schema.createIndex('lineage_assoc_created').on('lineage_associations')
        .columns(['account_id', 'region', 'creation_time', 'id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('lineage_associations').execute();
      await db.schema.dropTable('lineage_entities').execute();
      await db.schema.dropTable('models').execute();
      await db.schema.dropTable('processing_jobs').execute();
    },
  };
}
