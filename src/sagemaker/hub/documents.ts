import { validation } from '../../aws/service-error.js';
import { badDocument } from './messages.js';
import type { HubContentDependency } from './shapes.js';

/**
 * HubContentDocument checks, and the readers other providers use.
 *
 * Every document must be valid JSON, and for Model, DataSet and JsonDoc a
 * JSON object. Beyond that sagebox checks only what its jobs rely on, in the
 * shapes the SageMaker Python SDK v3 (`sagemaker.ai_registry`) writes:
 *
 * - **DataSet** (`DataSetHubContentDocument`, schema 2.0.0):
 *   `{"DatasetType": "CUSTOMER_PROVIDED", "DatasetRoleArn": ..., "DatasetS3Bucket": "b",
 *     "DatasetS3Prefix": "datasets/x/20251203_101010.jsonl", "DatasetContextS3Uri": ...,
 *     "ConversationId": ..., "ConversationCheckpointId": ..., "Dependencies": [], "ContentMetadata"?: {...}}`.
 *   `DatasetS3Bucket` (a non-empty string without `/`) is required: it is where
 *   a job reads the data, as `s3://<DatasetS3Bucket>/<DatasetS3Prefix>` (the SDK's
 *   own reading). `DatasetS3Prefix`, when present, must be a string; absent or
 *   empty means the whole bucket. Other members are kept as sent.
 * - **JsonDoc**: `{"SubType": "AWS/Evaluator", "JsonContent": "<JSON text>"}`.
 *   `SubType`, when present, must be a string; `JsonContent`, when present,
 *   must be a string holding JSON (the SDK `json.loads` it). For the
 *   `AWS/Evaluator` subtype `JsonContent` is required and must be an object
 *   with `Reference` (a non-empty string: a Lambda ARN or an S3 URI) and
 *   `EvaluatorType` (`RewardFunction` or `RewardPrompt`).
 * - **Model**: an object (recipes, `GatedBucket`... are read by the jobs that use it).
 * - **Notebook**: any JSON.
 *
 * @example
 *   checkDocument('DataSet', '{"DatasetS3Bucket":"b","DatasetS3Prefix":"d/train.jsonl"}');
 *   datasetS3Uri({ DatasetS3Bucket: 'b', DatasetS3Prefix: 'd/train.jsonl' }) // 's3://b/d/train.jsonl'
 */

/** The evaluator subtype the SDK writes for reward functions and reward prompts. */
export const EVALUATOR_SUBTYPE = 'AWS/Evaluator';
export const EVALUATOR_TYPES = ['RewardFunction', 'RewardPrompt'] as const;
export type EvaluatorType = (typeof EVALUATOR_TYPES)[number];

/** Parses and checks a document for its type; returns the parsed JSON or throws ValidationException. */
export function checkDocument(type: string, text: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw badDocument(type, `it is not valid JSON (${(err as Error).message}).`);
  }
  if (type === 'Notebook') return doc;
  if (!isObject(doc)) throw badDocument(type, 'it must be a JSON object.');
  if (type === 'DataSet') checkDataset(doc);
  if (type === 'JsonDoc') checkJsonDoc(doc);
  return doc;
}

function checkDataset(doc: Record<string, unknown>): void {
  const bucket = doc['DatasetS3Bucket'];
  if (typeof bucket !== 'string' || bucket === '' || bucket.includes('/')) {
    throw badDocument('DataSet', 'DatasetS3Bucket must be the name of the S3 bucket that holds the data set.');
  }
  const prefix = doc['DatasetS3Prefix'];
  if (prefix !== undefined && typeof prefix !== 'string') {
    throw badDocument('DataSet', 'DatasetS3Prefix must be a string (the key or key prefix of the data set).');
  }
}

function checkJsonDoc(doc: Record<string, unknown>): void {
  const subType = doc['SubType'];
  if (subType !== undefined && typeof subType !== 'string') throw badDocument('JsonDoc', 'SubType must be a string.');
  const content = doc['JsonContent'];
  if (content === undefined) {
    if (subType === EVALUATOR_SUBTYPE) throw badDocument('JsonDoc', `JsonContent is required for SubType ${EVALUATOR_SUBTYPE}.`);
    return;
  }
  if (typeof content !== 'string') throw badDocument('JsonDoc', 'JsonContent must be a string holding a JSON document.');
  let inner: unknown;
  try {
    inner = JSON.parse(content);
  } catch (err) {
    throw badDocument('JsonDoc', `JsonContent is not valid JSON (${(err as Error).message}).`);
  }
  if (subType !== EVALUATOR_SUBTYPE) return;
  if (!isObject(inner)) throw badDocument('JsonDoc', 'JsonContent of an evaluator must be a JSON object.');
  const reference = inner['Reference'];
  if (typeof reference !== 'string' || reference === '') {
    throw badDocument('JsonDoc', 'JsonContent.Reference of an evaluator must be a Lambda function ARN or an S3 URI.');
  }
  const evaluatorType = inner['EvaluatorType'];
  if (typeof evaluatorType !== 'string' || !(EVALUATOR_TYPES as readonly string[]).includes(evaluatorType)) {
    throw badDocument('JsonDoc', `JsonContent.EvaluatorType of an evaluator must be one of ${EVALUATOR_TYPES.join(', ')}.`);
  }
}

/**
 * HubContentDependencies, read from the document's `Dependencies` array
 * (JumpStart documents list `{DependencyOriginPath, DependencyCopyPath, ...}`
 * there; the SDK's DataSet documents send `[]`). Entries that are not objects
 * are skipped; at most 50 (the shape's limit). Undefined when there are none.
 */
export function documentDependencies(doc: unknown): HubContentDependency[] | undefined {
  if (!isObject(doc) || !Array.isArray(doc['Dependencies'])) return undefined;
  const deps: HubContentDependency[] = [];
  for (const d of doc['Dependencies'] as unknown[]) {
    if (!isObject(d)) continue;
    const dep: HubContentDependency = {};
    if (typeof d['DependencyOriginPath'] === 'string') dep.DependencyOriginPath = d['DependencyOriginPath'];
    if (typeof d['DependencyCopyPath'] === 'string') dep.DependencyCopyPath = d['DependencyCopyPath'];
    if (dep.DependencyOriginPath !== undefined || dep.DependencyCopyPath !== undefined) deps.push(dep);
    if (deps.length === 50) break;
  }
  return deps.length ? deps : undefined;
}

/** `s3://<DatasetS3Bucket>/<DatasetS3Prefix>` of a (checked) DataSet document. */
export function datasetS3Uri(doc: unknown): string {
  if (!isObject(doc) || typeof doc['DatasetS3Bucket'] !== 'string') {
    throw validation('The DataSet hub content document has no DatasetS3Bucket.');
  }
  const prefix = typeof doc['DatasetS3Prefix'] === 'string' ? doc['DatasetS3Prefix'].replace(/^\/+/, '') : '';
  return `s3://${doc['DatasetS3Bucket']}/${prefix}`;
}

/** What an evaluator JsonDoc says: its reference (Lambda ARN or S3 URI) and type. */
export interface EvaluatorSpec {
  reference: string;
  evaluatorType: EvaluatorType;
  /** The whole parsed JsonContent. */
  content: Record<string, unknown>;
}

/** The evaluator a (checked) JsonDoc document describes; undefined when it is not an `AWS/Evaluator` document. */
export function evaluatorSpec(doc: unknown): EvaluatorSpec | undefined {
  if (!isObject(doc) || doc['SubType'] !== EVALUATOR_SUBTYPE || typeof doc['JsonContent'] !== 'string') return undefined;
  const content = JSON.parse(doc['JsonContent']) as Record<string, unknown>;
  return { reference: content['Reference'] as string, evaluatorType: content['EvaluatorType'] as EvaluatorType, content };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
