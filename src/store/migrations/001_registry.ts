import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * The model registry (groups, packages, update tokens) and the generic tag
 * table. Indexes are chosen for the list queries: every list filters on
 * `(account_id, region)`, optionally on the package type or group, and keyset
 * pages on `(sort column, id)`, so each index ends with those two columns and
 * a page is an index range scan, whatever the depth.
 */
export function registryMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('model_package_groups'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('next_version', 'bigint', (c) => c.notNull().defaultTo(1))
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mpg_name_key').unique().on('model_package_groups')
        .columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('mpg_created').on('model_package_groups')
        .columns(['account_id', 'region', 'creation_time', 'id']).execute();

      await addIdColumn(db.schema.createTable('model_packages'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(80)', (c) => c.notNull())
        .addColumn('sort_name', 'varchar(63)', (c) => c.notNull())
        .addColumn('package_type', 'varchar(12)', (c) => c.notNull())
        // No ON DELETE: a group is only deleted once it holds no versions; the
        // foreign key is the backstop for that rule.
        .addColumn('group_id', 'bigint', (c) => c.references('model_package_groups.id'))
        .addColumn('group_name', 'varchar(63)')
        .addColumn('group_key', 'varchar(63)')
        .addColumn('version', 'bigint')
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('approval_status', 'varchar(32)')
        .addColumn('registration_type', 'varchar(16)')
        .addColumn('life_cycle', 'text')
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint')
        .addColumn('client_token', 'varchar(36)')
        .addColumn('request_hash', 'varchar(64)')
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('mp_name_key').unique().on('model_packages')
        .columns(['account_id', 'region', 'name_key']).execute();
      // NULL tokens never collide (both SQLite and PostgreSQL treat NULLs as distinct).
      await db.schema.createIndex('mp_client_token').unique().on('model_packages')
        .columns(['account_id', 'region', 'client_token']).execute();
      await db.schema.createIndex('mp_type_created').on('model_packages')
        .columns(['account_id', 'region', 'package_type', 'creation_time', 'id']).execute();
      await db.schema.createIndex('mp_type_name').on('model_packages')
        .columns(['account_id', 'region', 'package_type', 'sort_name', 'id']).execute();
      await db.schema.createIndex('mp_created').on('model_packages')
        .columns(['account_id', 'region', 'creation_time', 'id']).execute();
      await db.schema.createIndex('mp_name').on('model_packages')
        .columns(['account_id', 'region', 'sort_name', 'id']).execute();
      await db.schema.createIndex('mp_group_created').on('model_packages')
        .columns(['account_id', 'region', 'group_key', 'creation_time', 'id']).execute();
      await db.schema.createIndex('mp_group_id').on('model_packages')
        .columns(['account_id', 'region', 'group_key', 'id']).execute();
      // For "does this group still hold versions?" and the foreign key check.
      await db.schema.createIndex('mp_group_fk').on('model_packages').column('group_id').execute();

      await db.schema.createTable('model_package_update_tokens')
        .addColumn('package_id', 'bigint', (c) => c.notNull().references('model_packages.id').onDelete('cascade'))
        .addColumn('token', 'varchar(36)', (c) => c.notNull())
        .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_time', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('mp_update_tokens_pk', ['package_id', 'token'])
        .execute();

      await db.schema.createTable('tags')
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('resource_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('resource_arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('tag_key', 'varchar(128)', (c) => c.notNull())
        .addColumn('tag_value', 'varchar(256)', (c) => c.notNull())
        .addPrimaryKeyConstraint('tags_pk', ['account_id', 'region', 'resource_key', 'tag_key'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('tags').execute();
      await db.schema.dropTable('model_package_update_tokens').execute();
      await db.schema.dropTable('model_packages').execute();
      await db.schema.dropTable('model_package_groups').execute();
    },
  };
}
