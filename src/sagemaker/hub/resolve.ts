import { validation } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import { PUBLIC_ACCOUNT, PUBLIC_HUB_NAME, isPublicHubName, parseHubContentArn, publicHubArn, type Caller } from './arns.js';
import { findContent, type HubTarget } from './content-rows.js';
import { datasetS3Uri, evaluatorSpec, type EvaluatorSpec } from './documents.js';
import { findHub } from './hubs.js';
import { contentNotFound } from './messages.js';
import type { HubContentStatus } from './shapes.js';
import { isVersion, versionKey } from './versions.js';

/** The content types jobs resolve. */
export type ResolvableHubContentType = 'Model' | 'DataSet' | 'JsonDoc';

/** One hub content version, as other providers need it. */
export interface ResolvedHubContent {
  /** The version's full ARN (with the version, even when the caller's ARN had none). */
  arn: string;
  hubName: string;
  hubArn: string;
  /** True for `SageMakerPublicHub` content (account `aws`). */
  isPublic: boolean;
  type: ResolvableHubContentType;
  name: string;
  version: string;
  documentSchemaVersion: string;
  /** The parsed HubContentDocument. */
  document: Record<string, unknown>;
  /** The document text as stored. */
  documentText: string;
  status: HubContentStatus;
  displayName?: string;
  description?: string;
  searchKeywords?: string[];
  creationTime: Date;
}

/**
 * Resolves a hub content ARN (`...:hub-content/<hub>/<Type>/<name>[/<x.y.z>]`)
 * to its version: the one named, or the latest (highest) when the ARN has no
 * version ("SageMaker always selects the latest version"). Private hubs of
 * the caller's account and region, and the public hub (account `aws`, any
 * region the caller uses) resolve; nothing else does.
 *
 * Errors:
 * - not a hub content ARN, or of another type than `expectedType`:
 *   ValidationException (`... is not a hub content ARN.` / `... is not a DataSet hub content ARN.`);
 * - no such hub, content or version (or another account or region):
 *   ResourceNotFound `Hub content <arn> does not exist.`;
 * - a version that is not `Available`: ValidationException.
 *
 * @example
 *   const model = await resolveHubContent(store, ctx, job.ServerlessJobConfig.BaseModelArn, 'Model');
 *   model.document.RecipeCollection; model.arn; // versioned ARN for DescribeTrainingJob
 */
export async function resolveHubContent(
  store: Store, ctx: Caller, arn: string, expectedType?: ResolvableHubContentType,
): Promise<ResolvedHubContent> {
  const parsed = parseHubContentArn(arn);
  if (!parsed) throw validation(`${arn} is not a hub content ARN.`);
  if (expectedType !== undefined && parsed.type !== expectedType) {
    throw validation(`${arn} is not a ${expectedType} hub content ARN.`);
  }
  if (parsed.type !== 'Model' && parsed.type !== 'DataSet' && parsed.type !== 'JsonDoc') {
    throw validation(`${arn} is not a Model, DataSet or JsonDoc hub content ARN.`);
  }
  if (parsed.version !== undefined && !isVersion(parsed.version)) throw contentNotFound(arn);
  const isPublic = parsed.accountId === PUBLIC_ACCOUNT;
  let hub: HubTarget | undefined;
  if (parsed.region === ctx.region) {
    if (isPublic && isPublicHubName(parsed.hubName)) {
      hub = { kind: 'public', name: PUBLIC_HUB_NAME, arn: publicHubArn(ctx.region), accountId: PUBLIC_ACCOUNT };
    } else if (parsed.accountId === ctx.accountId) {
      const row = await findHub(store.db, ctx, parsed.hubName.toLowerCase());
      if (row) hub = { kind: 'private', name: row.name, arn: row.arn, accountId: ctx.accountId, row };
    }
  }
  const vKey = parsed.version === undefined ? undefined : versionKey(parsed.version, 'version');
  const row = hub && await findContent(store.db, ctx, hub, parsed.type, parsed.name.toLowerCase(), vKey);
  if (!hub || !row) throw contentNotFound(arn);
  if (row.status !== 'Available') throw validation(`Hub content ${row.arn} is not Available (its status is ${row.status}).`);
  return {
    arn: row.arn,
    hubName: hub.name,
    hubArn: hub.arn,
    isPublic: hub.kind === 'public',
    type: parsed.type,
    name: row.name,
    version: row.version,
    documentSchemaVersion: row.document_schema_version,
    document: JSON.parse(row.document) as Record<string, unknown>,
    documentText: row.document,
    status: row.status as HubContentStatus,
    displayName: row.display_name ?? undefined,
    description: row.description ?? undefined,
    searchKeywords: row.keywords === null ? undefined : (JSON.parse(row.keywords) as string[]),
    creationTime: new Date(row.creation_time),
  };
}

/**
 * The S3 URI a DataSet hub content holds its data at:
 * `s3://<DatasetS3Bucket>/<DatasetS3Prefix>` from its document (the fields the
 * SageMaker Python SDK writes). The prefix may name one object
 * (`datasets/x/20251203_101010.jsonl`) or a key prefix. Errors as `resolveHubContent`.
 *
 * @example
 *   await resolveDatasetLocation(store, ctx, channel.DataSource.DatasetSource.DatasetArn)
 *   // 's3://sagemaker-us-east-1-123456789012/datasets/train/20251203_101010.jsonl'
 */
export async function resolveDatasetLocation(store: Store, ctx: Caller, datasetArn: string): Promise<string> {
  const dataset = await resolveHubContent(store, ctx, datasetArn, 'DataSet');
  return datasetS3Uri(dataset.document);
}

/**
 * The evaluator a JsonDoc hub content describes (`SubType: AWS/Evaluator`):
 * its Reference (a Lambda ARN or an S3 URI) and EvaluatorType
 * (RewardFunction | RewardPrompt). A JsonDoc of another subtype is a
 * ValidationException `... is not an evaluator ...`. Errors otherwise as `resolveHubContent`.
 */
export async function resolveEvaluator(
  store: Store, ctx: Caller, evaluatorArn: string,
): Promise<EvaluatorSpec & { content: Record<string, unknown>; hubContent: ResolvedHubContent }> {
  const doc = await resolveHubContent(store, ctx, evaluatorArn, 'JsonDoc');
  const spec = evaluatorSpec(doc.document);
  if (!spec) throw validation(`Hub content ${doc.arn} is not an evaluator (its document's SubType is not AWS/Evaluator).`);
  return { ...spec, hubContent: doc };
}

/**
 * A `DatasetArn` resolver in the shape the training provider's dependencies
 * take (`(datasetArn, ctx) => { s3Uri, s3DataType }`): the DataSet's location
 * as an `S3Prefix` (a key prefix also matches a single object's full key).
 *
 * @example
 *   createTrainingHandlers(store, { ..., resolveDataset: hubDatasetResolver(store) });
 */
export function hubDatasetResolver(store: Store) {
  return async (datasetArn: string, ctx: Caller): Promise<{ s3Uri: string; s3DataType: 'S3Prefix' }> =>
    ({ s3Uri: await resolveDatasetLocation(store, ctx, datasetArn), s3DataType: 'S3Prefix' });
}
