import type { CreateTableBuilder } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Adds the surrogate `id` primary key. Dialect specific: SQLite wants
 * `integer primary key autoincrement` (a rowid alias that never reuses a
 * deleted id), PostgreSQL `bigserial primary key`. Ids only ever grow, which
 * keyset pagination's `(sort key, id)` tie-break relies on.
 */
export function addIdColumn<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: StoreDialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
