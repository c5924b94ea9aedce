import type { ExpressionBuilder, SqlBool, Expression } from 'kysely';

/**
 * The keyset condition "after (modified, id)" on a table's modification column, shared by the
 * sources' `changed` queries.
 *
 * @example
 *   query.where((eb) => afterCursor(eb, 'last_modified_time', since, after))
 */
export function afterCursor(
  eb: ExpressionBuilder<any, any>, column: string, since: number, after: { modified: number; id: number } | undefined,
): Expression<SqlBool> {
  const from = Number.isFinite(since) ? since : Number.MIN_SAFE_INTEGER;
  if (!after) return eb(column, '>=', from);
  return eb.and([eb(column, '>=', after.modified), eb.or([eb(column, '>', after.modified), eb('id', '>', after.id)])]);
}
