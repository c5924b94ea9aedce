import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * Pipelines (src/sagemaker/pipelines): pipelines, their definition versions, executions (the
 * definition each runs is frozen in its row) and the steps an execution has started. The
 * orchestration of an execution is durable work in `work_items` (kind `pipeline-execution`).
 */
export function pipelinesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('pipelines'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('arn', 'varchar(512)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('role_arn', 'varchar(2048)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('parallelism', 'text')
        .addColumn('latest_version', 'integer', (c) => c.notNull())
        .addColumn('client_token', 'varchar(128)')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('last_run_time', 'bigint')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('last_modified_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pl_name_key').unique().on('pipelines').columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('pl_created').on('pipelines').columns(['account_id', 'region', 'creation_time', 'id']).execute();

      await addIdColumn(db.schema.createTable('pipeline_versions'), dialect)
        .addColumn('pipeline_id', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('plv_version').unique().on('pipeline_versions').columns(['pipeline_id', 'version']).execute();

      await addIdColumn(db.schema.createTable('pipeline_executions'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('pipeline_id', 'integer', (c) => c.notNull())
        .addColumn('pipeline_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('pipeline_arn', 'varchar(512)', (c) => c.notNull())
        .addColumn('exec_id', 'varchar(16)', (c) => c.notNull())
        .addColumn('arn', 'varchar(1024)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addColumn('version_id', 'integer', (c) => c.notNull())
        .addColumn('definition', 'text', (c) => c.notNull())
        .addColumn('role_arn', 'varchar(2048)', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('parallelism', 'text')
        .addColumn('selective', 'text')
        .addColumn('mlflow', 'text')
        .addColumn('experiment', 'text')
        .addColumn('client_token', 'varchar(128)')
        .addColumn('request_hash', 'varchar(128)')
        .addColumn('run', 'integer', (c) => c.notNull())
        .addColumn('failed_by_fail_step', 'integer', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ple_arn').unique().on('pipeline_executions').columns(['arn']).execute();
      await db.schema.createIndex('ple_pipeline').on('pipeline_executions').columns(['pipeline_id', 'creation_time', 'id']).execute();
      await db.schema.createIndex('ple_token').on('pipeline_executions').columns(['pipeline_id', 'client_token']).execute();

      await addIdColumn(db.schema.createTable('pipeline_execution_steps'), dialect)
        .addColumn('execution_id', 'integer', (c) => c.notNull())
        .addColumn('pipeline_id', 'integer', (c) => c.notNull())
        .addColumn('step_name', 'varchar(64)', (c) => c.notNull())
        .addColumn('step_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(256)')
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('end_time', 'bigint')
        .addColumn('attempt_count', 'integer', (c) => c.notNull())
        .addColumn('failure_reason', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('properties', 'text')
        .addColumn('outcome', 'integer')
        .addColumn('cache_key', 'varchar(128)')
        .addColumn('cache_hit_source', 'varchar(1024)')
        .addColumn('selective_source', 'varchar(1024)')
        .addColumn('resource_name', 'varchar(256)')
        .addColumn('attempt_started', 'bigint')
        .addColumn('callback_token', 'varchar(16)')
        .addColumn('callback_result', 'text')
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pls_step').unique().on('pipeline_execution_steps').columns(['execution_id', 'step_name']).execute();
      await db.schema.createIndex('pls_cache').on('pipeline_execution_steps').columns(['pipeline_id', 'step_name', 'cache_key']).execute();
      await db.schema.createIndex('pls_callback').on('pipeline_execution_steps').columns(['callback_token']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      for (const t of ['pipeline_execution_steps', 'pipeline_executions', 'pipeline_versions', 'pipelines']) await db.schema.dropTable(t).execute();
    },
  };
}
