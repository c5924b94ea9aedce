import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { addIdColumn } from './helpers.js';

/**
 * The durable engine's work items (src/engine): one row per unit of work (a training job run,
 * later a tuning trial or pipeline step), claimed with a lease. `(state, run_after, id)` serves
 * the claim query; `(kind, resource_key)` finds the item of a resource (StopTrainingJob).
 */
export function engineMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await addIdColumn(db.schema.createTable('work_items'), dialect)
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('resource_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_owner', 'varchar(128)')
        .addColumn('lease_expires_at', 'bigint')
        .addColumn('heartbeat_at', 'bigint')
        .addColumn('run_after', 'bigint', (c) => c.notNull())
        .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('handle', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('work_items_claim').on('work_items').columns(['state', 'run_after', 'id']).execute();
      await db.schema.createIndex('work_items_resource').unique().on('work_items').columns(['kind', 'resource_key']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('work_items').execute();
    },
  };
}
