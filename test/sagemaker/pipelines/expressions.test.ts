import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionError, resolveValue, type ExpressionScope } from '../../../src/sagemaker/pipelines/expressions.js';
import { evaluateConditions } from '../../../src/sagemaker/pipelines/conditions.js';
import { FloatValue, renderValue } from '../../../src/sagemaker/pipelines/values.js';
import { parsePath, lookupPath } from '../../../src/sagemaker/pipelines/property-path.js';
import { parseDuration } from '../../../src/sagemaker/pipelines/durations.js';
import { decideRetry } from '../../../src/sagemaker/pipelines/retry-policy.js';

function scope(extra: Partial<ExpressionScope> = {}): ExpressionScope {
  const objects = new Map<string, string>([
    ['s3://b/eval/evaluation.json', JSON.stringify({ regression_metrics: { mse: { value: 4.5 } }, list: [1, { a: 'x' }] })],
    ['s3://b/bad.json', '{nope'],
  ]);
  return {
    parameters: new Map<string, any>([['Threshold', new FloatValue(6)], ['Count', 2], ['Spot', false], ['Label', 'run1']]),
    execution: { PipelineExecutionId: 'abc123def456', PipelineName: 'P' },
    experiment: { ExperimentName: 'p', TrialName: 't' },
    stepProperties: (s) => (s === 'Proc'
      ? { ProcessingOutputConfig: { Outputs: [{ OutputName: 'train', S3Output: { S3Uri: 's3://b/train' } }, { OutputName: 'evaluation', S3Output: { S3Uri: 's3://b/eval' } }] } }
      : s === 'Train' ? { FinalMetricDataList: [{ MetricName: 'val:acc', Value: 0.9 }], ModelArtifacts: { S3ModelArtifacts: 's3://b/m.tar.gz' } } : undefined),
    propertyFileUri: (s, f) => {
      if (s === 'Proc' && f === 'Eval') return 's3://b/eval/evaluation.json';
      throw new ExpressionError('no such file');
    },
    readObject: async (uri) => {
      const v = objects.get(uri);
      if (v === undefined) throw Object.assign(new Error(`The object ${uri} does not exist`), { name: 'ObjectNotFoundError' });
      return Buffer.from(v);
    },
    ...extra,
  };
}

test('renders values as the service does: floats keep .0, booleans lower-case', () => {
  assert.equal(renderValue(new FloatValue(6)), '6.0');
  assert.equal(renderValue(new FloatValue(0.1)), '0.1');
  assert.equal(renderValue(3), '3');
  assert.equal(renderValue(false), 'false');
  assert.equal(renderValue({ a: [1, new FloatValue(2)] }), '{"a":[1,2]}');
});

test('Get, Join and nested expressions resolve with their types', async () => {
  const out = await resolveValue({
    n: { Get: 'Parameters.Count' },
    msg: { 'Std:Join': { On: ' ', Values: ['MSE >', { Get: 'Parameters.Threshold' }, { Get: 'Parameters.Spot' }] } },
    uri: { Get: "Steps.Proc.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" },
    acc: { Get: "Steps.Train.FinalMetricDataList['val:acc'].Value" },
    idx: { Get: 'Steps.Proc.ProcessingOutputConfig.Outputs[1].OutputName' },
    list: [{ 'Std:Join': { On: '/', Values: ['s3:/', 'b', { Get: 'Execution.PipelineExecutionId' }] } }],
    exp: { Get: 'PipelineExperimentConfig.TrialName' },
    notExpr: { Get: 'x', Other: 1 },
  }, scope());
  assert.deepEqual(out, {
    n: 2, msg: 'MSE > 6.0 false', uri: 's3://b/train', acc: 0.9, idx: 'evaluation', list: ['s3://b/abc123def456'], exp: 't', notExpr: { Get: 'x', Other: 1 },
  });
});

test('JsonGet reads a property file and an S3 object, with the local-mode failure messages', async () => {
  const s = scope();
  assert.equal(await resolveValue({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Proc.PropertyFiles.Eval' }, Path: 'regression_metrics.mse.value' } }, s), 4.5);
  assert.equal(await resolveValue({ 'Std:JsonGet': { S3Uri: { 'Std:Join': { On: '/', Values: ['s3://b/eval', 'evaluation.json'] } }, Path: '$.list[1].a' } }, s), 'x');
  await assert.rejects(resolveValue({ 'Std:JsonGet': { S3Uri: 's3://b/bad.json', Path: 'a' } }, s), { message: 'Contents of file s3://b/bad.json are not in valid JSON format.' });
  await assert.rejects(resolveValue({ 'Std:JsonGet': { S3Uri: 's3://b/none.json', Path: 'a' } }, s), /Received an error while reading file s3:\/\/b\/none.json from S3: NoSuchKey: /);
  await assert.rejects(resolveValue({ 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Proc.PropertyFiles.Eval' }, Path: 'regression_metrics.rmse' } }, s), { message: "Invalid json path 'regression_metrics.rmse'" });
  await assert.rejects(resolveValue({ Get: 'Steps.Train.Nope' }, s), { message: 'Steps.Train.Nope is undefined.' });
  await assert.rejects(resolveValue({ Get: 'Parameters.Nope' }, s), { message: 'Parameters.Nope is undefined.' });
});

test('conditions: comparisons, In, Not, Or and their type errors', async () => {
  const s = scope();
  const ok = (conds: any[]) => evaluateConditions(conds, s);
  assert.equal(await ok([{ Type: 'LessThanOrEqualTo', LeftValue: 4.5, RightValue: { Get: 'Parameters.Threshold' } }]), true);
  assert.equal(await ok([{ Type: 'GreaterThan', LeftValue: { Get: 'Parameters.Count' }, RightValue: 2 }]), false);
  assert.equal(await ok([{ Type: 'In', QueryValue: { Get: 'Parameters.Label' }, Values: ['a', 'run1'] }]), true);
  assert.equal(await ok([{ Type: 'In', Value: 'z', In: ['a'] }]), false);
  assert.equal(await ok([{ Type: 'Or', Conditions: [{ Type: 'Equals', LeftValue: { Get: 'Parameters.Spot' }, RightValue: true }, { Type: 'Not', Condition: { Type: 'Equals', LeftValue: 1, RightValue: 2 } }] }]), true);
  assert.equal(await ok([{ Type: 'LessThan', LeftValue: '1', RightValue: { 'Std:Join': { On: '', Values: [3] } } }]), true);
  assert.equal(await ok([{ Type: 'Equals', LeftValue: 1, RightValue: new FloatValue(1) }]), true);
  await assert.rejects(ok([{ Type: 'Equals', LeftValue: 1, RightValue: '1' }]), /LeftValue \[1\] of type \[int\] and RightValue \[1\] of type \[str\] are not of the same type/);
  await assert.rejects(ok([{ Type: 'GreaterThan', LeftValue: true, RightValue: 'a' }]), /Condition of type \[GreaterThan\] not supported between/);
});

test('paths, durations and retry decisions', () => {
  assert.deepEqual(parsePath("A.B['x:y'][2]"), [{ member: 'A' }, { member: 'B' }, { key: 'x:y' }, { index: 2 }]);
  assert.equal(lookupPath({ A: [{ Name: 'n', V: 1 }] }, parsePath("A['n'].V")), 1);
  assert.equal(parseDuration('PT12H'), 12 * 3600_000);
  assert.equal(parseDuration('p30d'), 30 * 86_400_000);
  assert.equal(parseDuration('30dT5h'), 30 * 86_400_000 + 5 * 3600_000);
  assert.equal(parseDuration('T16m'), 16 * 60_000);
  assert.equal(parseDuration('soon'), undefined);
  const policies = [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 3 }];
  assert.deepEqual(decideRetry(policies, 'SageMaker.CAPACITY_ERROR', 1, 0), { retry: true, delayMs: 30_000 });
  assert.deepEqual(decideRetry(policies, 'SageMaker.CAPACITY_ERROR', 2, 0), { retry: true, delayMs: 60_000 });
  assert.equal(decideRetry(policies, 'SageMaker.CAPACITY_ERROR', 3, 0).retry, false);
  assert.equal(decideRetry(policies, 'SageMaker.JOB_INTERNAL_ERROR', 1, 0).retry, false);
  assert.deepEqual(decideRetry([], 'Step.THROTTLING', 1, 0), { retry: true, delayMs: 1000 });
  assert.equal(decideRetry([{ ExceptionType: ['SageMaker.RESOURCE_LIMIT'], IntervalSeconds: 60, ExpireAfterMin: 2 }], 'SageMaker.RESOURCE_LIMIT', 2, 30_000).retry, false);
});
