import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

/** `Ascending` / `Descending`, as the SageMaker SortOrder enum spells them. */
export type KeysetOrder = 'Ascending' | 'Descending';

/**
 * The WHERE condition that resumes a keyset page after `(value, id)` in the
 * order `(column, id)`.
 *
 * Written as `column >= v AND (column > v OR id > i)` (mirrored for
 * descending) rather than the plain OR form: the leading range term lets both
 * SQLite and PostgreSQL seek into the `(..., column, id)` index instead of
 * scanning every earlier row, so a deep page costs the same as the first.
 *
 * @example
 *   query.where((eb) => keysetAfter(eb, 'creation_time', 'Ascending', 1700000000000, 42))
 *        .orderBy('creation_time', 'asc').orderBy('id', 'asc')
 */
export function keysetAfter(
  eb: ExpressionBuilder<any, any>,
  column: string,
  order: KeysetOrder,
  value: string | number,
  id: number,
): Expression<SqlBool> {
  const strict = order === 'Ascending' ? '>' : '<';
  const loose = order === 'Ascending' ? '>=' : '<=';
  return eb.and([eb(column, loose, value), eb.or([eb(column, strict, value), eb('id', strict, id)])]);
}

/** `asc` / `desc` for Kysely's orderBy. */
export function sqlDirection(order: KeysetOrder): 'asc' | 'desc' {
  return order === 'Ascending' ? 'asc' : 'desc';
}
