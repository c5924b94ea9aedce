/** CreateModel's rules and the model messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelArn } from '../../../src/sagemaker/models/index.js';
import { checkCreateModel, modelAlreadyExists, modelNotFound } from '../../../src/sagemaker/models/validate.js';

test('a model needs a container with an image or a model package', () => {
  checkCreateModel({ ModelName: 'm', PrimaryContainer: { Image: 'i' } });
  checkCreateModel({ ModelName: 'm', PrimaryContainer: { ModelPackageName: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1' } });
  checkCreateModel({ ModelName: 'm', Containers: [{ Image: 'a', ContainerHostname: 'a' }, { Image: 'b', ContainerHostname: 'b' }], InferenceExecutionConfig: { Mode: 'Direct' } });
  assert.throws(() => checkCreateModel({ ModelName: 'm' }), { message: 'Either PrimaryContainer or Containers must be specified.' });
  assert.throws(() => checkCreateModel({ ModelName: 'm', Containers: [{ Image: 'a' }, {}] }), { message: 'Containers[1]: either Image or ModelPackageName must be specified.' });
});

test('names and messages', () => {
  const arn = modelArn({ accountId: '123456789012', region: 'us-east-1' }, 'My-Model');
  assert.equal(arn, 'arn:aws:sagemaker:us-east-1:123456789012:model/my-model');
  assert.equal(modelNotFound(arn).message, `Could not find model "${arn}".`);
  assert.equal(modelAlreadyExists(arn).name, 'ValidationException');
});
