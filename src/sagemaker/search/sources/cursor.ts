import type { ExpressionBuilder, SqlBool, Expression } from 'kysely';
import { keysetAfter } from '../../../store/keyset.js';

/**
 * The keyset condition "after (modified, id)" on a table's modification column, shared by the
 * sources' `changed` queries (the store's ascending keyset, or `>= since` on the first batch).
 *
 * @example
 *   query.where((eb) => afterCursor(eb, 'last_modified_time', since, after))
 */
export function afterCursor(
  eb: ExpressionBuilder<any, any>, column: string, since: number, after: { modified: number; id: number } | undefined,
): Expression<SqlBool> {
  if (!after) return eb(column, '>=', Number.isFinite(since) ? since : Number.MIN_SAFE_INTEGER);
  return keysetAfter(eb, column, 'Ascending', after.modified, after.id);
}
