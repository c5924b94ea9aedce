import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * Hubs and hub contents (src/sagemaker/hub). `hub_contents` has one row per
 * version; the unique index on `(hub_id, content_type, name_key, version_key)`
 * makes a duplicate version impossible and serves "latest version per name"
 * (a `NOT EXISTS` over a greater `version_key`) as an index probe. Lists page
 * on `(sort column, id)`, so each list index ends with those two columns.
 */
export function hubMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('hubs'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(255)')
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hub_name_key').unique().on('hubs')
        .columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('hub_created').on('hubs')
        .columns(['account_id', 'region', 'creation_time', 'id']).execute();
      await db.schema.createIndex('hub_modified').on('hubs')
        .columns(['account_id', 'region', 'last_modified_time', 'id']).execute();

      await addIdColumn(db.schema.createTable('hub_contents'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        // No ON DELETE: DeleteHub is refused while the hub holds content.
        .addColumn('hub_id', 'bigint', (c) => c.notNull().references('hubs.id'))
        .addColumn('content_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('version', 'varchar(14)', (c) => c.notNull())
        .addColumn('version_key', 'varchar(14)', (c) => c.notNull())
        .addColumn('document_schema_version', 'varchar(14)', (c) => c.notNull())
        .addColumn('schema_key', 'varchar(14)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(255)')
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('support_status', 'varchar(16)')
        .addColumn('keywords', 'text')
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('markdown', 'text')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('original_creation_time', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('hc_version').unique().on('hub_contents')
        .columns(['hub_id', 'content_type', 'name_key', 'version_key']).execute();
      await db.schema.createIndex('hc_created').on('hub_contents')
        .columns(['hub_id', 'content_type', 'creation_time', 'id']).execute();
      await db.schema.createIndex('hc_status').on('hub_contents')
        .columns(['hub_id', 'content_type', 'status', 'id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('hub_contents').execute();
      await db.schema.dropTable('hubs').execute();
    },
  };
}
