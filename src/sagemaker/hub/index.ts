import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import { deleteHubContent, describeHubContent, importHubContent } from './contents.js';
import { createHub, deleteHub, describeHub } from './hubs.js';
import { listHubContents, listHubContentVersions } from './list-contents.js';
import { listHubs } from './list-hubs.js';
import type * as S from './shapes.js';
import { registerHubTaggables } from './taggable.js';
import './tables.js';

/**
 * The hub operation handlers, keyed by operation name, over one store:
 * private hubs and their versioned content (Model, DataSet, JsonDoc,
 * Notebook) in the store, and the read-only public hub `SageMakerPublicHub`
 * served from the built-in catalogue (`registerPublicHubContent`). Input
 * arrives shape-validated; handlers apply the service's semantics and throw
 * `ServiceError`s. Creating the handlers also registers the hub ARN types
 * with the tag operations.
 *
 * Other providers resolve hub content with `resolveHubContent`,
 * `resolveDatasetLocation` and `resolveEvaluator`.
 *
 * @example
 *   const hub = createHubHandlers(store);
 *   await hub.CreateHub({ HubName: 'my-hub', HubDescription: 'assets' }, ctx);
 *   await hub.ImportHubContent({ HubName: 'my-hub', HubContentType: 'DataSet', HubContentName: 'train',
 *     HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0',
 *     HubContentDocument: JSON.stringify({ DatasetS3Bucket: 'b', DatasetS3Prefix: 'train.jsonl' }) }, ctx);
 */
export function createHubHandlers(store: Store) {
  registerHubTaggables();
  return {
    CreateHub: (input: S.CreateHubRequest, ctx: RequestContext) => createHub(store, input, ctx),
    DescribeHub: (input: S.DescribeHubRequest, ctx: RequestContext) => describeHub(store, input, ctx),
    ListHubs: (input: S.ListHubsRequest, ctx: RequestContext) => listHubs(store, input, ctx),
    DeleteHub: (input: S.DeleteHubRequest, ctx: RequestContext) => deleteHub(store, input, ctx),
    ImportHubContent: (input: S.ImportHubContentRequest, ctx: RequestContext) => importHubContent(store, input, ctx),
    DescribeHubContent: (input: S.DescribeHubContentRequest, ctx: RequestContext) => describeHubContent(store, input, ctx),
    ListHubContents: (input: S.ListHubContentsRequest, ctx: RequestContext) => listHubContents(store, input, ctx),
    ListHubContentVersions: (input: S.ListHubContentVersionsRequest, ctx: RequestContext) =>
      listHubContentVersions(store, input, ctx),
    DeleteHubContent: (input: S.DeleteHubContentRequest, ctx: RequestContext) => deleteHubContent(store, input, ctx),
  } satisfies Record<string, (input: any, ctx: RequestContext) => Promise<unknown>>;
}

export type HubHandlers = ReturnType<typeof createHubHandlers>;

export {
  hubDatasetResolver, resolveDatasetLocation, resolveEvaluator, resolveHubContent, type ResolvableHubContentType,
  type ResolvedHubContent,
} from './resolve.js';
export { registerPublicHubContent, type PublicHubContent } from './public-hub.js';
export {
  PUBLIC_ACCOUNT, PUBLIC_HUB_NAME, hubContentArn, parseHubContentArn, type Caller, type ParsedHubContentArn,
} from './arns.js';
export { datasetS3Uri, evaluatorSpec, type EvaluatorSpec, type EvaluatorType } from './documents.js';
