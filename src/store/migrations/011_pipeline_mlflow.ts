import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * MLflow parent runs of pipeline executions (table types: src/mlflow/tables.ts): one row per
 * execution that logs to MLflow, and, on a training job's link, the execution whose parent run
 * its run is nested under.
 *
 * No foreign key to pipeline_executions: DeletePipeline removes executions, and a parent run
 * whose final status has not reached a down server yet must still be ended (as KILLED) then.
 */
export function pipelineMlflowMigration(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('mlflow_pipeline_runs')
        .addColumn('execution_id', 'bigint', (c) => c.primaryKey())
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_arn', 'varchar(2048)', (c) => c.notNull())
        .addColumn('experiment_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('run_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('experiment_id', 'varchar(32)')
        .addColumn('run_id', 'varchar(32)')
        .addColumn('synced_status', 'varchar(16)')
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('failing_since', 'bigint')
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.alterTable('mlflow_job_links').addColumn('parent_execution_id', 'bigint').execute();
    },
  };
}
