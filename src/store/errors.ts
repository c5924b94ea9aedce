/**
 * True when `err` is a UNIQUE (or primary key) violation, on either dialect.
 * Providers check for an existing row first (to answer with the service's
 * message), and catch this as the backstop when two writers race past that
 * check: exactly one insert wins.
 *
 * @example
 *   try { await insertGroup(trx, row); }
 *   catch (err) { if (isUniqueViolation(err)) throw alreadyExists(); throw err; }
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' || // better-sqlite3
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' // PostgreSQL unique_violation (node-postgres)
  );
}
