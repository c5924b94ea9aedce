import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { checkShape, compilePattern, formatViolations } from '../../src/aws/validate.js';
import { shapes } from '../../src/aws/generated/sagemaker/shapes.js';

const check = (shape: string, input: unknown) => checkShape(shapes, shape, input);

test('a valid request passes and unknown members are dropped', () => {
  const r = check('DescribeModelPackageGroupInput', { ModelPackageGroupName: 'my-group', Bogus: 1 });
  assert.deepEqual(r.violations, []);
  assert.deepEqual(r.value, { ModelPackageGroupName: 'my-group' });
});

test('missing required member: Value null ... Member must not be null', () => {
  const r = check('DescribeModelPackageGroupInput', {});
  assert.deepEqual(r.violations, [
    "Value null at 'modelPackageGroupName' failed to satisfy constraint: Member must not be null",
  ]);
});

test('pattern violation quotes the model pattern verbatim', () => {
  const r = check('CreateModelPackageGroupInput', { ModelPackageGroupName: 'bad_name' });
  assert.equal(r.violations.length, 1);
  assert.equal(
    r.violations[0],
    "Value 'bad_name' at 'modelPackageGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
  );
});

test('length and pattern failures of one value are both listed, length first', () => {
  const r = check('CreateModelPackageGroupInput', { ModelPackageGroupName: '_'.repeat(64) });
  assert.equal(r.violations.length, 2);
  assert.match(r.violations[0]!, /Member must have length less than or equal to 63$/);
  assert.match(r.violations[1]!, /Member must satisfy regular expression pattern/);
  assert.match(formatViolations(r.violations), /^2 validation errors detected: Value '_{64}' at 'modelPackageGroupName' failed/);
});

test('enum, range and list paths use Coral wording (1-based .member paths)', () => {
  const r = check('ListModelPackagesInput', { ModelApprovalStatus: 'Maybe', MaxResults: 0, SortBy: 'Size' });
  assert.deepEqual(r.violations, [
    "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    "Value 'Maybe' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [Approved, Rejected, PendingManualApproval]",
    "Value 'Size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime]",
  ]);
  const tags = check('AddTagsInput', {
    ResourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g',
    Tags: [{ Key: 'ok', Value: 'v' }, { Key: 'k'.repeat(129), Value: 'v' }],
  });
  assert.equal(tags.violations.length, 1);
  assert.match(tags.violations[0]!, /at 'tags\.2\.member\.key' failed to satisfy constraint: Member must have length less than or equal to 128$/);
});

test('too many list items and map entries', () => {
  const items = Array.from({ length: 101 }, (_, i) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/g/${i + 1}`);
  const r = check('BatchDescribeModelPackageInput', { ModelPackageArnList: items });
  assert.equal(r.violations.length, 1);
  assert.match(r.violations[0]!, /at 'modelPackageArnList' failed to satisfy constraint: Member must have length less than or equal to 100$/);
  const env = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
  const m = check('CreateTrainingJobRequest', {
    TrainingJobName: 'j', RoleArn: 'arn:aws:iam::123456789012:role/r', OutputDataConfig: { S3OutputPath: 's3://b/o' }, HyperParameters: env,
  });
  assert.equal(m.violations.length, 1);
  assert.match(m.violations[0]!, /^Value '\{k0=v, k1=v, .*\}' at 'hyperParameters' failed to satisfy constraint: Member must have length less than or equal to 100$/);
});

test('map key and value constraints are reported on the map', () => {
  const r = check('CreateTrainingJobRequest', {
    TrainingJobName: 'j', RoleArn: 'arn:aws:iam::123456789012:role/r', OutputDataConfig: { S3OutputPath: 's3://b/o' },
    Environment: { 'bad key!': 'x' },
  });
  assert.equal(r.violations.length, 1);
  assert.match(r.violations[0]!, /^Value '\{bad key!=x\}' at 'environment' failed to satisfy constraint: Map keys must satisfy constraint: \[Member must satisfy regular expression pattern: /);
});

test('wrong JSON types are SerializationException-style failures, not violations', () => {
  assert.equal(check('DescribeModelPackageGroupInput', { ModelPackageGroupName: 5 }).serializationError, 'NUMBER_VALUE can not be converted to a String');
  assert.equal(check('ListModelPackagesInput', { MaxResults: '5' }).serializationError, 'STRING_VALUE can not be converted to an Integer');
  assert.equal(check('ListModelPackagesInput', { MaxResults: 1.5 }).serializationError, 'NUMBER_VALUE 1.5 can not be converted to an Integer');
  assert.equal(check('DescribeModelPackageGroupInput', { ModelPackageGroupName: { a: 1 } }).serializationError, 'Start of structure or map found where not expected.');
  assert.equal(check('BatchDescribeModelPackageInput', { ModelPackageArnList: 'x' }).serializationError, 'STRING_VALUE can not be converted to a List');
  assert.equal(check('CreateModelPackageInput', { CertifyForMarketplace: 'true' }).serializationError, 'STRING_VALUE can not be converted to a Boolean');
});

test('timestamps arrive as epoch seconds (or ISO strings) and become Dates', () => {
  const r = check('ListModelPackagesInput', { CreationTimeAfter: 1700000000.5, CreationTimeBefore: '2030-01-01T00:00:00Z' });
  const v = r.value as { CreationTimeAfter: Date; CreationTimeBefore: Date };
  assert.equal(v.CreationTimeAfter.getTime(), 1700000000500);
  assert.equal(v.CreationTimeBefore.toISOString(), '2030-01-01T00:00:00.000Z');
  assert.match(check('ListModelPackagesInput', { CreationTimeAfter: 'yesterday' }).serializationError!, /can not be converted to a Date/);
});

test('Java-only regex forms translate: quantified $, \\p{Alnum}, lookbehind', () => {
  assert.ok(compilePattern('([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}')!.test('a b:c'));
  assert.ok(compilePattern('arn:[\\p{Alnum}\\-]+:lambda:[\\p{Alnum}\\-]+:[0-9]{12}:function:.*')!.test('arn:aws:lambda:us-east-1:123456789012:function:f'));
  const arnOrName = compilePattern('(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\\/[0-9]{1,9})?')!;
  assert.ok(arnOrName.test('group/3'));
  assert.ok(!arnOrName.test('group-'));
  // whole-value match, as Java's Matcher.matches()
  assert.ok(!compilePattern('[a-z]+')!.test('abc1'));
});

const modelPath = new URL('../../../shared/aws-models/sagemaker/2017-07-24/service-2.json', import.meta.url);
test('every pattern in the official model compiles in JavaScript', { skip: !existsSync(modelPath) && 'model not beside the project' }, () => {
  const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { shapes: Record<string, { pattern?: string }> };
  const failing = Object.values(model.shapes).flatMap((s) => (s.pattern && !compilePattern(s.pattern) ? [s.pattern] : []));
  assert.deepEqual(failing, []);
});
