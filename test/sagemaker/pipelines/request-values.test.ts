import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestFor } from '../../../src/sagemaker/pipelines/coerce.js';
import { effectiveParameters, typedParameters } from '../../../src/sagemaker/pipelines/parameters.js';
import { resourceName, shortResourceName, newExecutionId, newCallbackToken } from '../../../src/sagemaker/pipelines/names.js';
import { cacheKey, cacheLifetime } from '../../../src/sagemaker/pipelines/cache.js';
import { FloatValue } from '../../../src/sagemaker/pipelines/values.js';

test('resolved values take the types of the target operation\'s shapes', () => {
  const req = requestFor('CreateTrainingJob', {
    HyperParameters: { eta: new FloatValue(0.2), depth: 5, flag: true },
    ResourceConfig: { InstanceCount: '2', InstanceType: 'ml.m5.large', VolumeSizeInGB: new FloatValue(10) },
    EnableManagedSpotTraining: 'False',
    Environment: { RUN: 3 },
    Unknown: { Kept: 1 },
  });
  assert.deepEqual(req, {
    HyperParameters: { eta: '0.2', depth: '5', flag: 'true' },
    ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.m5.large', VolumeSizeInGB: 10 },
    EnableManagedSpotTraining: false,
    Environment: { RUN: '3' },
    Unknown: { Kept: 1 },
  });
  assert.deepEqual(requestFor('CreateTrainingJob', { HyperParameters: { t: new FloatValue(6) } }).HyperParameters, { t: '6.0' });
});

test('parameters: overrides, defaults as strings, typed values', () => {
  const declared = [
    { Name: 'I', Type: 'Integer', DefaultValue: 1 }, { Name: 'F', Type: 'Float', DefaultValue: 6 },
    { Name: 'B', Type: 'Boolean', DefaultValue: false }, { Name: 'S', DefaultValue: '' }, { Name: 'E', Type: 'String', DefaultValue: 'a', EnumValues: ['a', 'b'] },
  ];
  const eff = effectiveParameters(declared, [{ Name: 'B', Value: 'True' }, { Name: 'E', Value: 'b' }]);
  assert.deepEqual(eff, [{ Name: 'I', Value: '1' }, { Name: 'F', Value: '6.0' }, { Name: 'B', Value: 'True' }, { Name: 'S', Value: '' }, { Name: 'E', Value: 'b' }]);
  const typed = typedParameters(declared, eff);
  assert.equal(typed.get('I'), 1);
  assert.deepEqual(typed.get('F'), new FloatValue(6));
  assert.equal(typed.get('B'), true);
  assert.equal(typed.get('S'), '');
  assert.throws(() => effectiveParameters(declared, [{ Name: 'F', Value: 'abc' }]), { message: "Value 'abc' of parameter 'F' is not a valid Float." });
  assert.throws(() => effectiveParameters(declared, [{ Name: 'B', Value: 'yes' }]), { message: "Value 'yes' of parameter 'B' is not a valid Boolean." });
  assert.throws(() => effectiveParameters([{ Name: 'R', Type: 'String' }]), { message: "Parameter 'R' is undefined." });
});

test('names as the service forms them', () => {
  assert.match(newExecutionId(), /^[a-z0-9]{12}$/);
  assert.match(newCallbackToken(), /^[A-Za-z0-9]{10}$/);
  assert.match(resourceName('8pk6dxn4cfvl', 'Rossmann-Model-Training'), /^pipelines-8pk6dxn4cfvl-Rossmann-Model-Train-[A-Za-z0-9]{10}$/);
  assert.match(resourceName('8pk6dxn4cfvl', 'my_step'), /^pipelines-8pk6dxn4cfvl-my-step-[A-Za-z0-9]{10}$/);
  const tuning = shortResourceName('8pk6dxn4cfvl');
  assert.ok(tuning.length <= 32 && /^pipelines-8pk6dxn4cfvl-[A-Za-z0-9]{9}$/.test(tuning), tuning);
});

test('cache keys ignore what the developer guide leaves out of them', () => {
  const base = { HyperParameters: { a: '1' }, AlgorithmSpecification: { TrainingImage: 'x' }, ResourceConfig: { InstanceType: 'ml.m5.large' } };
  assert.equal(cacheKey('Training', base), cacheKey('Training', { ...base, ResourceConfig: { InstanceType: 'ml.p3.2xlarge' } }));
  assert.notEqual(cacheKey('Training', base), cacheKey('Training', { ...base, HyperParameters: { a: '2' } }));
  assert.equal(cacheKey('Training', { B: 1, HyperParameters: { y: '1', x: '2' } }), cacheKey('Training', { HyperParameters: { x: '2', y: '1' } }));
  assert.equal(cacheLifetime({ Name: 'T', Type: 'Training', CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' } }), 3_600_000);
  assert.equal(cacheLifetime({ Name: 'T', Type: 'Training', CacheConfig: { Enabled: false, ExpireAfter: 'PT1H' } }), undefined);
  assert.equal(cacheLifetime({ Name: 'M', Type: 'Model', CacheConfig: { Enabled: true } }), undefined);
});
