import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildGraph, planSteps, selectivePlan, type StepProgress } from '../../../src/sagemaker/pipelines/dag.js';
import { parseDefinition } from '../../../src/sagemaker/pipelines/definition.js';
import { validateDefinition } from '../../../src/sagemaker/pipelines/validate-definition.js';

export const EXAMPLES = fileURLToPath(new URL('../../e2e/fixtures/pipelines/examples/', import.meta.url));
const example = (f: string) => parseDefinition(readFileSync(EXAMPLES + f, 'utf8'));
const doc = (steps: any[], parameters: any[] = []) => ({ Version: '2020-12-01', Parameters: parameters, Steps: steps });

test('every example definition validates', () => {
  for (const f of ['01-abalone-train-eval-condition-register-fail.json', '03-all-parameter-types-and-conditions.json', '04-dependson-without-data-dependency.json',
    '05-retry-policies.json', '06-step-caching.json', '09-endpoint-inference-component-bedrock-lineage.json', '10-emr-qualitycheck-register-with-baselines.json', '11-v3-mlflow-config.json']) {
    validateDefinition(example(f));
  }
});

test('edges come from data references (Join and JsonGet included), DependsOn and branches', () => {
  const g = buildGraph(example('01-abalone-train-eval-condition-register-fail.json'));
  assert.deepEqual(g.nodes.get('AbaloneTrain')!.preds, ['AbaloneProcess']);
  assert.deepEqual(g.nodes.get('AbaloneEval')!.preds.sort(), ['AbaloneProcess', 'AbaloneTrain']);
  assert.deepEqual(g.nodes.get('AbaloneMSECond')!.preds, ['AbaloneEval']);
  assert.deepEqual(g.nodes.get('AbaloneMSEFail')!.branch, { condition: 'AbaloneMSECond', outcome: false });
  const p = (m: Record<string, StepProgress>) => planSteps(g, new Map(Object.entries(m)));
  assert.deepEqual(p({}).ready, ['AbaloneProcess']);
  const ok = { status: 'Succeeded' as const };
  const afterCond = p({ AbaloneProcess: ok, AbaloneTrain: ok, AbaloneEval: ok, AbaloneMSECond: { status: 'Succeeded', outcome: true } });
  assert.deepEqual(afterCond.ready, ['AbaloneRegisterModel-RegisterModel', 'AbaloneCreateModel-CreateModel']);
  assert.ok(afterCond.blocked.has('AbaloneMSEFail'));
  const g4 = buildGraph(example('04-dependson-without-data-dependency.json'));
  assert.deepEqual(planSteps(g4, new Map()).ready, ['PrepareTrainSplit', 'PrepareValidationSplit']);
});

test('the downstream closure of an untaken branch is blocked', () => {
  const g = buildGraph(doc([
    { Name: 'C', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [{ Name: 'I', Type: 'Fail', Arguments: {} }], ElseSteps: [{ Name: 'E', Type: 'Model', Arguments: {} }] } },
    { Name: 'After', Type: 'Model', Arguments: { X: { Get: 'Steps.E.ModelName' } } },
    { Name: 'Free', Type: 'Model', Arguments: {} },
  ]) as any);
  const plan = planSteps(g, new Map([['C', { status: 'Succeeded', outcome: true }], ['Free', { status: 'Executing' }]]));
  assert.deepEqual(plan.ready, ['I']);
  assert.deepEqual([...plan.blocked].sort(), ['After', 'E']);
  assert.deepEqual(plan.running, ['Free']);
});

test('selective execution: ancestors are reused, a gap between selected steps is refused', () => {
  const g = buildGraph(doc([
    { Name: 'A', Type: 'Model', Arguments: {} },
    { Name: 'B', Type: 'Model', Arguments: {}, DependsOn: ['A'] },
    { Name: 'C', Type: 'Model', Arguments: {}, DependsOn: ['B'] },
    { Name: 'D', Type: 'Model', Arguments: {}, DependsOn: ['C'] },
  ]) as any);
  const s = selectivePlan(g, new Set(['C']));
  assert.deepEqual([...s.reused].sort(), ['A', 'B']);
  assert.deepEqual([...s.excluded], ['D']);
  assert.throws(() => selectivePlan(g, new Set(['A', 'C'])), /Step B lies on a path between selected steps/);
});

test('bad definitions are refused with a message naming the problem', () => {
  const bad: [any, RegExp][] = [
    [doc([{ Name: 'A', Type: 'Model', Arguments: {}, DependsOn: ['B'] }, { Name: 'B', Type: 'Model', Arguments: {}, DependsOn: ['A'] }]), /cyclic dependency: (A -> B -> A|B -> A -> B)/],
    [doc([{ Name: 'A', Type: 'Model' }, { Name: 'A', Type: 'Model' }]), /A appears more than once/],
    [doc([{ Name: 'A', Type: 'CreateModel' }]), /Step A has an unknown Type 'CreateModel'/],
    [doc([{ Name: 'A', Type: 'Model', Arguments: { X: { Get: 'Steps.Z.ModelName' } } }]), /A refers to step Z, which is undefined/],
    [doc([{ Name: 'A', Type: 'Model', Arguments: { X: { Get: 'Parameters.P' } } }]), /All parameters used in step definitions must be defined in the pipeline/],
    [doc([{ Name: 'F', Type: 'Fail', Arguments: {} }, { Name: 'C', Type: 'Condition', DependsOn: ['F'], Arguments: { Conditions: [] } }]), /^C can not depends on FailStep$/],
    [doc([{ Name: 'A', Type: 'Model', RetryPolicies: [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], MaxAttempts: 2 }] }]), /does not accept SageMaker job retry policies/],
    [doc([{ Name: 'A', Type: 'Training', RetryPolicies: [{ ExceptionType: ['Step.THROTTLING'], MaxAttempts: 2, ExpireAfterMin: 3 }] }]), /not both/],
    [doc([{ Name: 'A', Type: 'Training', CacheConfig: { Enabled: true, ExpireAfter: 'soon' } }]), /not an ISO 8601 duration/],
    [doc([], [{ Name: 'P', Type: 'Integer', DefaultValue: 'x' }]), /Parameter P of type Integer has a DefaultValue of another type/],
    [doc([{ Name: 'A', Type: 'Model', Arguments: { X: { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.B.PropertyFiles.F' }, Path: 'a' } } } }, { Name: 'B', Type: 'Processing', Arguments: {} }]), /does not declare in its PropertyFiles/],
  ];
  for (const [d, re] of bad) assert.throws(() => validateDefinition(d), (e: any) => e.name === 'ValidationException' && re.test(e.message), `${re}`);
  assert.throws(() => parseDefinition('{"Version":"2019-01-01","Steps":[]}'), /Version '2019-01-01' is not supported/);
  assert.throws(() => parseDefinition('not json'), /not valid JSON/);
});
