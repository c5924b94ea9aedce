import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * Algorithms (src/sagemaker/algorithms). One row per algorithm; its specifications and the
 * state of its validation profiles are JSON documents. Validation itself is durable work in
 * `work_items` (kind `algorithm-validation`, 003_engine). Lists page on `(sort column, id)`,
 * so each list index ends with those two columns, as in 001.
 */
export function algorithmsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('algorithms'), dialect)
        .addColumn('account_id', 'varchar(12)', (c) => c.notNull())
        .addColumn('region', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull())
        .addColumn('arn', 'varchar(256)', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('creation_time', 'bigint', (c) => c.notNull())
        .addColumn('last_modified_time', 'bigint', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .addColumn('validation', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alg_name_key').unique().on('algorithms')
        .columns(['account_id', 'region', 'name_key']).execute();
      await db.schema.createIndex('alg_name_id').on('algorithms')
        .columns(['account_id', 'region', 'name_key', 'id']).execute();
      await db.schema.createIndex('alg_created').on('algorithms')
        .columns(['account_id', 'region', 'creation_time', 'id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('algorithms').execute();
    },
  };
}
