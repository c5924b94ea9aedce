import assert from 'node:assert/strict';
import type { RequestContext } from '../../../src/aws/context.js';
import { ServiceError } from '../../../src/aws/service-error.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { createRegistryHandlers } from '../../../src/sagemaker/registry/index.js';
import { createTagHandlers } from '../../../src/sagemaker/tags/index.js';
import type { CreateModelPackageInput, InferenceSpecification } from '../../../src/sagemaker/registry/shapes.js';

/** The caller most tests use. */
export const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'req-1' };
/** Another account, same region. */
export const otherAccount: RequestContext = { ...ctx, accountId: '210987654321' };

/** A fresh in-memory store with the registry and tag handlers over it. */
export async function setup() {
  const store: Store = await openStore({ sqlitePath: ':memory:' });
  return { store, registry: createRegistryHandlers(store), tags: createTagHandlers(store) };
}

/** An InferenceSpecification using the 2025-12-03 container members. */
export function inferenceSpec(image = 'img:1'): InferenceSpecification {
  return {
    Containers: [{
      Image: image,
      ModelDataUrl: 's3://bucket/model.tar.gz',
      IsCheckpoint: true,
      BaseModel: { HubContentName: 'nova-lite', HubContentVersion: '1.0.0', RecipeName: 'sft-lora' },
    }],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv'],
    SupportedTransformInstanceTypes: ['ml.m5.large'],
    SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
  };
}

/** A versioned CreateModelPackage request for `group`. */
export function versionOf(group: string, extra: Partial<CreateModelPackageInput> = {}): CreateModelPackageInput {
  return { ModelPackageGroupName: group, InferenceSpecification: inferenceSpec(), ...extra };
}

/** Asserts that `promise` rejects with a ServiceError of `code` whose message matches `message`. */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp | string): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ServiceError, `expected a ServiceError, got ${String(err)}`);
    assert.equal(err.code, code, `code (message: ${err.message})`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}
