import type { RequestContext } from '../../../src/aws/context.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { createHubHandlers } from '../../../src/sagemaker/hub/index.js';
import { createTagHandlers } from '../../../src/sagemaker/tags/index.js';
import type { ImportHubContentRequest } from '../../../src/sagemaker/hub/shapes.js';

export { ctx, otherAccount, rejectsWith } from '../registry/fixtures.js';

/** The same account in another region. */
export const otherRegion = (c: RequestContext): RequestContext => ({ ...c, region: 'eu-west-1' });

/** A fresh in-memory store with the hub and tag handlers over it. */
export async function setup() {
  const store: Store = await openStore({ sqlitePath: ':memory:' });
  return { store, hub: createHubHandlers(store), tags: createTagHandlers(store) };
}

/** A DataSet document as the SageMaker Python SDK v3 (`DataSet.create`) writes it. */
export function datasetDocument(bucket = 'sagemaker-us-east-1-123456789012', prefix = 'datasets/train/20251203_101010.jsonl'): string {
  return JSON.stringify({
    DatasetType: 'CUSTOMER_PROVIDED',
    DatasetS3Bucket: bucket,
    DatasetS3Prefix: prefix,
    DatasetContextS3Uri: '""',
    DatasetRoleArn: 'arn:aws:iam::123456789012:role/r',
    ConversationId: 'default-conversation',
    ConversationCheckpointId: 'default-checkpoint',
    Dependencies: [],
  });
}

/** An evaluator JsonDoc document as the SDK (`Evaluator.create`) writes it. */
export function evaluatorDocument(reference = 'arn:aws:lambda:us-east-1:123456789012:function:reward', type = 'RewardFunction'): string {
  return JSON.stringify({ SubType: 'AWS/Evaluator', JsonContent: JSON.stringify({ Reference: reference, EvaluatorType: type }) });
}

/** An ImportHubContent request for a DataSet named `name` in `hub`. */
export function datasetImport(hub: string, name: string, extra: Partial<ImportHubContentRequest> = {}): ImportHubContentRequest {
  return {
    HubName: hub, HubContentType: 'DataSet', HubContentName: name, HubContentVersion: '1.0.0',
    DocumentSchemaVersion: '2.0.0', HubContentDocument: datasetDocument(), ...extra,
  };
}
