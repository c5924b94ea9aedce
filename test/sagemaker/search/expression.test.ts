import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression, parseTimestamp } from '../../../src/sagemaker/search/expression.js';
import { flattenRecord, resolveProperty } from '../../../src/sagemaker/search/properties.js';
import { modelPackageSource } from '../../../src/sagemaker/search/sources/model-packages.js';
import { trainingJobSource } from '../../../src/sagemaker/search/sources/training-jobs.js';

describe('search property names', () => {
  test('resolve against the record and Describe shapes, with their types', () => {
    assert.deepEqual(resolveProperty(trainingJobSource, 'TrainingJobName'), { kind: 'value', name: 'TrainingJobName', type: 'text', mapEntry: false });
    assert.equal((resolveProperty(trainingJobSource, 'ResourceConfig.InstanceCount') as { type: string }).type, 'number');
    assert.equal((resolveProperty(trainingJobSource, 'CreationTime') as { type: string }).type, 'timestamp');
    assert.equal((resolveProperty(trainingJobSource, 'EnableNetworkIsolation') as { type: string }).type, 'boolean');
    // Describe-only members (the 2025-12 additions) are searchable too.
    assert.equal((resolveProperty(trainingJobSource, 'ServerlessJobConfig.BaseModelArn') as { type: string }).type, 'text');
    assert.deepEqual(resolveProperty(trainingJobSource, 'InputDataConfig.DataSource.S3DataSource.S3Uri'),
      { kind: 'value', name: 'InputDataConfig.DataSource.S3DataSource.S3Uri', type: 'text', mapEntry: false, listRoot: 'InputDataConfig' });
    assert.deepEqual(resolveProperty(trainingJobSource, 'HyperParameters.learning.rate'),
      { kind: 'value', name: 'HyperParameters.learning.rate', type: 'text', mapEntry: true });
    assert.deepEqual(resolveProperty(trainingJobSource, 'Metrics.validation:loss'), { kind: 'value', name: 'Metrics.validation:loss', type: 'number', mapEntry: false });
    assert.deepEqual(resolveProperty(trainingJobSource, 'Tags.team'), { kind: 'tag', name: 'Tags.team', key: 'team' });
    assert.equal(resolveProperty(trainingJobSource, 'InputDataConfig')?.kind, 'container');
    assert.equal((resolveProperty(modelPackageSource, 'InferenceSpecification.Containers.IsCheckpoint') as { type: string }).type, 'boolean');
    assert.equal(resolveProperty(trainingJobSource, 'Nope'), undefined);
    assert.equal(resolveProperty(trainingJobSource, 'ResourceConfig.Nope'), undefined);
    assert.equal(resolveProperty(trainingJobSource, 'TrainingJobName.x'), undefined);
  });

  test('flatten a record with list element indexes and typed values', () => {
    const values = flattenRecord(trainingJobSource, {
      TrainingJobName: 'j', CreationTime: new Date(1_700_000_000_000), EnableNetworkIsolation: true,
      HyperParameters: { lr: '0.5', opt: 'adam' },
      InputDataConfig: [{ ChannelName: 'train' }, { ChannelName: 'test' }],
      FinalMetricDataList: [{ MetricName: 'loss', Value: 0.25, Timestamp: new Date(0) }],
      Tags: [{ Key: 'k', Value: 'v' }], NotAMember: 'x',
    });
    const by = (name: string) => values.filter((v) => v.name === name);
    assert.deepEqual(by('TrainingJobName'), [{ name: 'TrainingJobName', elem: -1, num: null, txt: 'j' }]);
    assert.deepEqual(by('CreationTime'), [{ name: 'CreationTime', elem: -1, num: 1_700_000_000_000, txt: null }]);
    assert.deepEqual(by('EnableNetworkIsolation')[0]?.num, 1);
    assert.deepEqual(by('HyperParameters.lr'), [{ name: 'HyperParameters.lr', elem: -1, num: 0.5, txt: '0.5' }]);
    assert.deepEqual(by('HyperParameters.opt')[0]?.num, null);
    assert.deepEqual(by('InputDataConfig.ChannelName').map((v) => [v.elem, v.txt]), [[0, 'train'], [1, 'test']]);
    assert.deepEqual(by('Metrics.loss'), [{ name: 'Metrics.loss', elem: -1, num: 0.25, txt: null }]);
    assert.equal(by('Tags.Key').length, 0);
    assert.equal(by('NotAMember').length, 0);
  });
});

describe('search expressions', () => {
  test('defaults: Value without Operator is Equals, neither is Exists, Operator And', () => {
    const tree = parseExpression(trainingJobSource, { Filters: [{ Name: 'TrainingJobName', Value: 'a' }, { Name: 'FailureReason' }] });
    assert.equal(tree?.kind, 'and');
    assert.deepEqual((tree as { children: { cmp: unknown }[] }).children.map((c) => c.cmp), [{ op: 'eq', text: 'a' }, { op: 'exists' }]);
  });

  test('values are parsed by type', () => {
    const cmp = (name: string, Operator: string, Value: string) =>
      (parseExpression(trainingJobSource, { Filters: [{ Name: name, Operator: Operator as 'Equals', Value }] }) as { children: { cmp: unknown }[] }).children[0]!.cmp;
    assert.deepEqual(cmp('Metrics.loss', 'LessThan', '0.5'), { op: 'lt', num: 0.5, integer: false });
    assert.deepEqual(cmp('CreationTime', 'GreaterThan', '2024-01-02T03:04:05'), { op: 'gt', num: Date.UTC(2024, 0, 2, 3, 4, 5), integer: false });
    assert.deepEqual(cmp('EnableNetworkIsolation', 'Equals', 'TRUE'), { op: 'eq', num: 1, integer: false });
    assert.deepEqual(cmp('HyperParameters.epochs', 'GreaterThanOrEqualTo', '3'), { op: 'ge', num: 3, integer: true });
    assert.deepEqual(cmp('HyperParameters.opt', 'Equals', 'adam'), { op: 'eq', text: 'adam' });
    assert.deepEqual(cmp('TrainingJobStatus', 'In', 'Completed, Failed'), { op: 'in', texts: ['Completed', 'Failed'] });
  });

  test('timestamps: ISO 8601 (UTC unless zoned) or epoch seconds', () => {
    assert.equal(parseTimestamp('2024-01-02T03:04:05'), Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(parseTimestamp('2024-01-02T03:04:05+01:00'), Date.UTC(2024, 0, 2, 2, 4, 5));
    assert.equal(parseTimestamp('1700000000'), 1_700_000_000_000);
    assert.ok(Number.isNaN(parseTimestamp('yesterday')));
  });

  test('bad expressions answer clear messages', () => {
    const bad = (expr: object, message: RegExp | string) => assert.throws(() => parseExpression(trainingJobSource, expr), (e: Error) => {
      if (typeof message === 'string') assert.equal(e.message, message); else assert.match(e.message, message);
      return (e as { code?: string }).code === 'ValidationException';
    });
    bad({ Filters: [{ Name: 'Nope', Value: 'x' }] }, /^Unknown property name 'Nope' for resource type TrainingJob\./);
    bad({ Filters: [{ Name: 'TrainingJobName', Operator: 'GreaterThan', Value: 'x' }] },
      "Operator 'GreaterThan' is not supported for text property 'TrainingJobName'. Supported operators: Equals, NotEquals, Contains, In, Exists, NotExists.");
    bad({ Filters: [{ Name: 'ResourceConfig.InstanceCount', Operator: 'Contains', Value: '1' }] }, /Operator 'Contains' is not supported for numeric property/);
    bad({ Filters: [{ Name: 'EnableNetworkIsolation', Operator: 'LessThan', Value: 'true' }] }, /not supported for Boolean property/);
    bad({ Filters: [{ Name: 'InputDataConfig', Operator: 'Equals', Value: 'x' }] }, /not supported for structured property 'InputDataConfig'/);
    bad({ Filters: [{ Name: 'Metrics.loss', Operator: 'LessThan', Value: 'abc' }] }, "Value 'abc' for numeric property 'Metrics.loss' is not a number.");
    bad({ Filters: [{ Name: 'CreationTime', Operator: 'LessThan', Value: 'soon' }] }, /is not an ISO 8601 date-time/);
    bad({ Filters: [{ Name: 'EnableNetworkIsolation', Operator: 'Equals', Value: 'yes' }] }, /must be true or false/);
    bad({ Filters: [{ Name: 'Metrics.loss', Operator: 'LessThan' }] }, "The filter on 'Metrics.loss' with operator 'LessThan' requires a Value.");
    bad({}, 'A SearchExpression must contain at least one Filter, NestedFilter or SubExpression.');
    bad({ Filters: [{ Name: 'TrainingJobName', Operator: 'Contains', Value: 'a' }, { Name: 'RoleArn', Operator: 'Contains', Value: 'b' }] },
      "'CONTAINS' operator usage limit of 1 exceeded.");
    bad({ NestedFilters: [{ NestedPropertyName: 'ResourceConfig', Filters: [{ Name: 'ResourceConfig.InstanceCount', Value: '1' }] }] }, /is not a list property/);
    bad({ NestedFilters: [{ NestedPropertyName: 'InputDataConfig', Filters: [{ Name: 'TrainingJobName', Value: '1' }] }] }, /must name a property of NestedPropertyName 'InputDataConfig'/);
    const many = { SubExpressions: Array.from({ length: 10 }, () => ({ Filters: Array.from({ length: 5 }, () => ({ Name: 'TrainingJobName', Value: 'a' })) })) };
    bad(many, 'A SearchExpression can contain at most 50 SubExpressions, NestedFilters and Filters in all; this one has 60.');
  });
});
