import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/** The tables Search indexes, with the Search `Resource` each holds (a delete trigger each). */
const SEARCHED_TABLES: [string, string][] = [
  ['training_jobs', 'TrainingJob'], ['tuning_jobs', 'HyperParameterTuningJob'], ['model_packages', 'ModelPackage'],
  ['model_package_groups', 'ModelPackageGroup'], ['pipelines', 'Pipeline'], ['pipeline_executions', 'PipelineExecution'],
];

/**
 * The Search index (src/sagemaker/search/tables.ts explains the tables).
 *
 * `search_properties` is clustered on `(doc, name, seq)` (SQLite `WITHOUT ROWID`), so "does
 * resource d have property p with value v" is one primary-key probe, and its two partial
 * indexes `(scope, name, num)` / `(scope, name, txt)` (which carry the primary key, hence end
 * in `doc`) make "every resource whose p is in this range, in p order" a range scan: filters
 * and SortBy on any property use them. The other tables get the indexes the lazy indexer needs
 * to find what changed since its watermark, and triggers that queue deletions and tag changes.
 */
export function searchMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('search_scopes'), dialect)
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('search_scopes_key').unique().on('search_scopes')
        .columns(['resource_type', 'account_id', 'region']).execute();

      await addIdColumn(db.schema.createTable('search_docs'), dialect)
        .addColumn('scope_id', 'bigint', (c) => c.notNull())
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'bigint', (c) => c.notNull())
        .addColumn('arn_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('modified', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('search_docs_resource').unique().on('search_docs')
        .columns(['resource_type', 'resource_id']).execute();
      await db.schema.createIndex('search_docs_scope').on('search_docs').columns(['scope_id', 'id']).execute();
      await db.schema.createIndex('search_docs_arn').on('search_docs').columns(['arn_key', 'scope_id']).execute();

      await addIdColumn(db.schema.createTable('search_names'), dialect)
        .addColumn('name', 'varchar(1024)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('search_names_name').unique().on('search_names').column('name').execute();

      let props = db.schema.createTable('search_properties')
        .addColumn('doc', 'bigint', (c) => c.notNull())
        .addColumn('name', 'integer', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('scope', 'integer', (c) => c.notNull())
        .addColumn('elem', 'integer', (c) => c.notNull())
        .addColumn('num', 'double precision')
        .addColumn('txt', 'text')
        .addPrimaryKeyConstraint('search_properties_pk', ['doc', 'name', 'seq']);
      // SQLite: cluster the rows on the primary key (no separate rowid b-tree to maintain).
      if (dialect === 'sqlite') props = props.modifyEnd(sql`without rowid`);
      await props.execute();
      await db.schema.createIndex('search_properties_num').on('search_properties')
        .columns(['scope', 'name', 'num']).where(sql.ref('num'), 'is not', null).execute();
      await db.schema.createIndex('search_properties_txt').on('search_properties')
        .columns(['scope', 'name', 'txt']).where(sql.ref('txt'), 'is not', null).execute();

      await db.schema.createTable('search_watermarks')
        .addColumn('resource_type', 'varchar(32)', (c) => c.primaryKey())
        .addColumn('modified', 'bigint', (c) => c.notNull())
        .execute();

      // What the indexer scans: rows modified since its watermark.
      await db.schema.createIndex('search_tj_modified').on('training_jobs').columns(['last_modified_time', 'id']).execute();
      await db.schema.createIndex('search_mp_modified').on('model_packages')
        .expression(sql`coalesce(last_modified_time, creation_time)`).execute();
      await db.schema.createIndex('search_mpg_created').on('model_package_groups').columns(['creation_time', 'id']).execute();
      await db.schema.createIndex('search_tuning_modified').on('tuning_jobs').columns(['last_modified_time', 'id']).execute();
      await db.schema.createIndex('search_pipelines_modified').on('pipelines').columns(['last_modified_time', 'id']).execute();
      await db.schema.createIndex('search_executions_modified').on('pipeline_executions').columns(['last_modified_time', 'id']).execute();
      // Tags are indexed as `Tags.<key>` properties. A tag change does not touch the resource's
      // LastModifiedTime, so triggers queue the changed resources for the next Search to
      // re-read (the tag operations' code stays as it is).
      await addIdColumn(db.schema.createTable('search_tag_changes'), dialect)
        .addColumn('resource_key', 'varchar(256)', (c) => c.notNull())
        .execute();
      // Deleted resources: triggers queue them too (a row count per Search would cost a scan).
      await addIdColumn(db.schema.createTable('search_deletions'), dialect)
        .addColumn('resource_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_id', 'bigint', (c) => c.notNull())
        .execute();
      if (dialect === 'sqlite') {
        for (const [table, type] of SEARCHED_TABLES) {
          await sql`CREATE TRIGGER ${sql.raw(`search_${table}_deleted`)} AFTER DELETE ON ${sql.table(table)}
            BEGIN INSERT INTO search_deletions (resource_type, resource_id) VALUES (${sql.lit(type)}, old.id); END`.execute(db);
        }
        await sql`CREATE TRIGGER search_tags_inserted AFTER INSERT ON tags
          BEGIN INSERT INTO search_tag_changes (resource_key) VALUES (new.resource_key); END`.execute(db);
        await sql`CREATE TRIGGER search_tags_updated AFTER UPDATE ON tags
          BEGIN INSERT INTO search_tag_changes (resource_key) VALUES (new.resource_key); END`.execute(db);
        await sql`CREATE TRIGGER search_tags_deleted AFTER DELETE ON tags
          BEGIN INSERT INTO search_tag_changes (resource_key) VALUES (old.resource_key); END`.execute(db);
      } else {
        // When the PostgreSQL dialect is wired: the same triggers, as plpgsql functions.
        throw new Error('010_search: the change triggers are written for SQLite only');
      }
    },
    async down(db: Kysely<any>): Promise<void> {
      const triggers = ['search_tags_inserted', 'search_tags_updated', 'search_tags_deleted', ...SEARCHED_TABLES.map(([t]) => `search_${t}_deleted`)];
      for (const trigger of triggers) {
        await sql`DROP TRIGGER IF EXISTS ${sql.raw(trigger)}`.execute(db);
      }
      for (const index of ['search_executions_modified', 'search_pipelines_modified', 'search_tuning_modified', 'search_mpg_created', 'search_mp_modified', 'search_tj_modified']) {
        await db.schema.dropIndex(index).execute();
      }
      for (const table of ['search_deletions', 'search_tag_changes', 'search_watermarks', 'search_properties', 'search_names', 'search_docs', 'search_scopes']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
