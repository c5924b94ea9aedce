/**
 * Lineage records: artifacts, contexts, actions and the associations between them, as records
 * (sagebox does not create lineage on its own for jobs). Pipelines' Lineage steps create them
 * and report their ARNs in `Metadata.Lineage`.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { Store } from '../../store/database.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { addAssociation, deleteAssociation, listAssociations } from './associations.js';
import * as E from './entities.js';
import type { LineageDeps } from './entities.js';
import type { LineageKind } from './tables.js';

export type { LineageDeps } from './entities.js';
export { parseEntityArn } from './records.js';

/**
 * The ARN of the lineage entity of a kind with this name in the caller's account and region
 * (for artifacts, whose names need not be unique, the newest), or undefined. Pipelines' Lineage
 * steps name association ends `{Name, Type}`; this resolves them.
 *
 * @example await lineageArnByName(store, ctx, 'artifact', 'llm-demo-weights') // 'arn:aws:sagemaker:...:artifact/0f3c...'
 */
export async function lineageArnByName(
  store: Store, ctx: Pick<RequestContext, 'accountId' | 'region'>, kind: LineageKind, name: string,
): Promise<string | undefined> {
  const row = await store.db.selectFrom('lineage_entities').select('arn')
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', kind)
    .where('name_key', '=', name.toLowerCase()).orderBy('creation_time', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row?.arn;
}

/**
 * The lineage operations, keyed by operation name; registers artifact, context and action ARNs
 * for tagging.
 *
 * @example
 *   const lineage = createLineageHandlers({ store, clock: systemClock });
 *   const { ArtifactArn } = await lineage.CreateArtifact({ ArtifactType: 'DataSet', Source: { SourceUri: 's3://b/d' } }, ctx);
 */
export function createLineageHandlers(deps: LineageDeps) {
  for (const type of ['artifact', 'context', 'action']) {
    registerTaggableResource(type, async (arn, ctx, store) => (await E.entityExistsByArn(store, ctx, arn)) !== undefined);
  }
  type Handler<I, O> = (input: I, ctx: RequestContext) => Promise<O>;
  const bind = <I, O>(fn: (d: LineageDeps, input: I, ctx: RequestContext) => Promise<O>): Handler<I, O> => (input, ctx) => fn(deps, input, ctx);
  return {
    CreateArtifact: bind<T.CreateArtifactRequest, T.CreateArtifactResponse>(E.createArtifact),
    CreateContext: bind<T.CreateContextRequest, T.CreateContextResponse>(E.createContext),
    CreateAction: bind<T.CreateActionRequest, T.CreateActionResponse>(E.createAction),
    DescribeArtifact: bind<T.DescribeArtifactRequest, T.DescribeArtifactResponse>(E.describeArtifact),
    DescribeContext: bind<T.DescribeContextRequest, T.DescribeContextResponse>(E.describeContext),
    DescribeAction: bind<T.DescribeActionRequest, T.DescribeActionResponse>(E.describeAction),
    ListArtifacts: bind<T.ListArtifactsRequest, T.ListArtifactsResponse>(E.listArtifacts),
    ListContexts: bind<T.ListContextsRequest, T.ListContextsResponse>(E.listContexts),
    ListActions: bind<T.ListActionsRequest, T.ListActionsResponse>(E.listActions),
    DeleteArtifact: bind<T.DeleteArtifactRequest, T.DeleteArtifactResponse>(E.deleteArtifact),
    DeleteContext: bind<T.DeleteContextRequest, T.DeleteContextResponse>(E.deleteContext),
    DeleteAction: bind<T.DeleteActionRequest, T.DeleteActionResponse>(E.deleteAction),
    AddAssociation: bind<T.AddAssociationRequest, T.AddAssociationResponse>(addAssociation),
    DeleteAssociation: bind<T.DeleteAssociationRequest, T.DeleteAssociationResponse>(deleteAssociation),
    ListAssociations: bind<T.ListAssociationsRequest, T.ListAssociationsResponse>(listAssociations),
  };
}
