/** The SQL dialects the store is written for (only SQLite is wired so far). */
export type StoreDialect = 'sqlite' | 'postgres';
