import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * MLflow tracking servers and apps, their MLflow tracking stores, and the link from training
 * jobs to the runs they log (table types: src/mlflow/tables.ts).
 */
export function mlflowMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('mlflow_resources'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('kind', 'varchar(8)', (c) => c.notNull())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('public_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('arn', 'varchar(2048)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .addColumn('external_uri', 'text')
        .execute();
      await db.schema.createIndex('mlflow_resources_public').unique().on('mlflow_resources').column('public_id').execute();
      await db.schema.createIndex('mlflow_resources_arn').unique().on('mlflow_resources').column('arn').execute();
      await db.schema.createIndex('mlflow_resources_name').on('mlflow_resources').columns(['account_id', 'region', 'kind', 'name_key']).execute();

      await addIdColumn(db.schema.createTable('mlflow_experiments'), dialect)
        .addColumn('tracking_id', 'bigint', (c) => c.notNull())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(500)', (c) => c.notNull())
        .addColumn('artifact_location', 'text', (c) => c.notNull())
        .addColumn('lifecycle_stage', 'varchar(16)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_update_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mlflow_experiments_id').unique().on('mlflow_experiments').columns(['tracking_id', 'experiment_id']).execute();
      await db.schema.createIndex('mlflow_experiments_name').unique().on('mlflow_experiments').columns(['tracking_id', 'name']).execute();

      await db.schema.createTable('mlflow_experiment_tags')
        .addColumn('tracking_id', 'bigint', (c) => c.notNull())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull())
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('mlflow_experiment_tags_pk', ['tracking_id', 'experiment_id', 'key'])
        .execute();

      await addIdColumn(db.schema.createTable('mlflow_runs'), dialect)
        .addColumn('tracking_id', 'bigint', (c) => c.notNull())
        .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(250)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('status', 'varchar(9)', (c) => c.notNull())
        .addColumn('start_time', 'bigint', (c) => c.notNull())
        .addColumn('end_time', 'bigint')
        .addColumn('lifecycle_stage', 'varchar(16)', (c) => c.notNull())
        .addColumn('artifact_uri', 'text', (c) => c.notNull())
        .addColumn('deleted_time', 'bigint')
        // A training job's run on an embedded server: its metric history includes the job's series.
        .addColumn('source_job_id', 'bigint')
        .execute();
      await db.schema.createIndex('mlflow_runs_uuid').unique().on('mlflow_runs').column('run_uuid').execute();
      await db.schema.createIndex('mlflow_runs_exp').on('mlflow_runs').columns(['tracking_id', 'experiment_id', 'start_time', 'id']).execute();

      for (const table of ['mlflow_params', 'mlflow_tags']) {
        await db.schema.createTable(table)
          .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
          .addColumn('key', 'varchar(250)', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
          .execute();
      }

      // MLflow's own key (a point logged twice is kept once); one b-tree in SQLite (WITHOUT ROWID),
      // already in history order, so a 100,000-point job costs one index write per point.
      const metrics = db.schema.createTable('mlflow_metrics')
        .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('mlflow_metrics_pk', ['run_uuid', 'key', 'timestamp', 'step', 'value', 'is_nan']);
      await (dialect === 'sqlite' ? metrics.modifyEnd(sql`without rowid`) : metrics).execute();

      await db.schema.createTable('mlflow_latest_metrics')
        .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
        .addColumn('key', 'varchar(250)', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('mlflow_latest_metrics_pk', ['run_uuid', 'key'])
        .execute();

      await addIdColumn(db.schema.createTable('mlflow_registered_models'), dialect)
        .addColumn('tracking_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mlflow_registered_models_name').unique().on('mlflow_registered_models').columns(['tracking_id', 'name']).execute();

      await addIdColumn(db.schema.createTable('mlflow_model_versions'), dialect)
        .addColumn('tracking_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('run_id', 'varchar(32)')
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('current_stage', 'varchar(20)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('user_id', 'varchar(256)')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('model_package_arn', 'text')
        .execute();
      await db.schema.createIndex('mlflow_model_versions_key').unique().on('mlflow_model_versions').columns(['tracking_id', 'name', 'version']).execute();

      await db.schema.createTable('mlflow_job_links')
        .addColumn('job_id', 'bigint', (c) => c.primaryKey().references('training_jobs.id').onDelete('cascade'))
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('job_name', 'varchar(63)', (c) => c.notNull())
        .addColumn('resource_arn', 'varchar(2048)', (c) => c.notNull())
        .addColumn('experiment_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('run_name', 'varchar(256)', (c) => c.notNull())
        .addColumn('experiment_id', 'varchar(32)')
        .addColumn('run_id', 'varchar(32)')
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('failing_since', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('points_logged', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema.createTable('mlflow_job_cursors')
        .addColumn('job_id', 'bigint', (c) => c.notNull().references('training_jobs.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('next_step', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('mlflow_job_cursors_pk', ['job_id', 'attempt', 'name'])
        .execute();
    },
  };
}
