/**
 * AddAssociation / DeleteAssociation / ListAssociations: directed edges between lineage
 * entities. Both ends must exist (ResourceNotFound otherwise; sagebox keeps no experiments or
 * trial components, so their ARNs are never found). Adding an edge that exists is a no-op that
 * answers the pair (a pipeline's Lineage step may run again).
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { resourceNotFound } from '../../aws/service-error.js';
import { isUniqueViolation } from '../../store/errors.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import { entityExistsByArn, type LineageDeps } from './entities.js';

/** [I] An association end that names nothing. */
const endNotFound = (arn: string) => resourceNotFound(`Lineage entity '${arn}' does not exist.`);

/** @example await addAssociation(deps, { SourceArn: artifactArn, DestinationArn: contextArn, AssociationType: 'ContributedTo' }, ctx) */
export async function addAssociation(deps: LineageDeps, input: T.AddAssociationRequest, ctx: RequestContext): Promise<T.AddAssociationResponse> {
  const source = await entityExistsByArn(deps.store, ctx, input.SourceArn);
  if (!source) throw endNotFound(input.SourceArn);
  const destination = await entityExistsByArn(deps.store, ctx, input.DestinationArn);
  if (!destination) throw endNotFound(input.DestinationArn);
  try {
    await deps.store.db.insertInto('lineage_associations').values({
      account_id: ctx.accountId, region: ctx.region, source_arn: source.arn, destination_arn: destination.arn,
      source_type: source.entity_type, destination_type: destination.entity_type,
      source_name: source.name, destination_name: destination.name,
      association_type: input.AssociationType ?? null, creation_time: deps.clock.now(),
    }).execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return { SourceArn: source.arn, DestinationArn: destination.arn };
}

/** @example await deleteAssociation(deps, { SourceArn: artifactArn, DestinationArn: contextArn }, ctx) */
export async function deleteAssociation(deps: LineageDeps, input: T.DeleteAssociationRequest, ctx: RequestContext): Promise<T.DeleteAssociationResponse> {
  const result = await deps.store.db.deleteFrom('lineage_associations')
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('source_arn', '=', input.SourceArn).where('destination_arn', '=', input.DestinationArn).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) {
    throw resourceNotFound(`Association from '${input.SourceArn}' to '${input.DestinationArn}' does not exist.`);
  }
  return { SourceArn: input.SourceArn, DestinationArn: input.DestinationArn };
}

const COLUMNS = {
  SourceArn: 'source_arn', DestinationArn: 'destination_arn', SourceType: 'source_type', DestinationType: 'destination_type', CreationTime: 'creation_time',
} as const;

/**
 * Filters by either end, either end's type and the association type, CreatedAfter / Before
 * (exclusive); SortBy any of the five columns (default CreationTime), SortOrder default
 * Descending (as documented).
 *
 * @example await listAssociations(deps, { DestinationArn: contextArn }, ctx)
 */
export async function listAssociations(deps: LineageDeps, input: T.ListAssociationsRequest, ctx: RequestContext): Promise<T.ListAssociationsResponse> {
  const sortBy = input.SortBy ?? 'CreationTime';
  const column = COLUMNS[sortBy];
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const f = {
    s: input.SourceArn, d: input.DestinationArn, st: input.SourceType, dt: input.DestinationType, at: input.AssociationType,
    after: input.CreatedAfter?.getTime(), before: input.CreatedBefore?.getTime(),
  };
  const paging = startPaging(sortBy, input.SortOrder ?? 'Descending', f, input.NextToken);
  let q = deps.store.db.selectFrom('lineage_associations').selectAll().where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  if (f.s !== undefined) q = q.where('source_arn', '=', f.s);
  if (f.d !== undefined) q = q.where('destination_arn', '=', f.d);
  if (f.st !== undefined) q = q.where('source_type', '=', f.st);
  if (f.dt !== undefined) q = q.where('destination_type', '=', f.dt);
  if (f.at !== undefined) q = q.where('association_type', '=', f.at);
  if (f.after !== undefined) q = q.where('creation_time', '>', f.after);
  if (f.before !== undefined) q = q.where('creation_time', '<', f.before);
  const cursor = paging.after;
  if (cursor) q = q.where((eb) => keysetAfter(eb, column, paging.order, cursor.value, cursor.id));
  const dir = sqlDirection(paging.order);
  const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();
  const { page, more } = takePage(rows, limit);
  const last = page.at(-1);
  return {
    AssociationSummaries: page.map((r) => ({
      SourceArn: r.source_arn, DestinationArn: r.destination_arn,
      SourceType: r.source_type ?? undefined, DestinationType: r.destination_type ?? undefined,
      AssociationType: (r.association_type ?? undefined) as T.AssociationEdgeType | undefined,
      SourceName: r.source_name ?? undefined, DestinationName: r.destination_name ?? undefined,
      CreationTime: new Date(r.creation_time),
    })),
    NextToken: more && last ? paging.nextToken(last[column] ?? '', last.id) : undefined,
  };
}
