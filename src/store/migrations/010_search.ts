import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/** Reserved for its feature; filled in with the feature's tables. */
export function searchMigration(_dialect: StoreDialect): Migration {
  return { async up() {} };
}
