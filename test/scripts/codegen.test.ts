import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { renderErrors, renderOperations, renderShapes, renderTypes, reachableShapes, scopedOperations } from '../../scripts/codegen.js';

const modelUrl = new URL('../../../shared/aws-models/sagemaker/2017-07-24/service-2.json', import.meta.url);
const generated = (file: string) => readFileSync(new URL(`../../src/aws/generated/sagemaker/${file}`, import.meta.url), 'utf8');

test('committed generated code is what the generator makes from the model', { skip: !existsSync(modelUrl) && 'model not beside the project' }, () => {
  const model = JSON.parse(readFileSync(modelUrl, 'utf8'));
  const ops = scopedOperations();
  const names = reachableShapes(model, ops);
  assert.equal(renderShapes(model, names), generated('shapes.ts'));
  assert.equal(renderTypes(model, names), generated('types.ts'));
  assert.equal(renderOperations(model, ops), generated('operations.ts'));
  assert.equal(renderErrors(model, names), generated('errors.ts'));
});

test('every operation an issue names is in the generated table, with the 2025-12-03 members', async () => {
  const { operations } = await import('../../src/aws/generated/sagemaker/operations.js');
  const { shapes } = await import('../../src/aws/generated/sagemaker/shapes.js');
  for (const op of scopedOperations()) assert.ok(operations[op], op);
  assert.ok(shapes.ModelPackageContainerDefinition!.members!.BaseModel);
  assert.ok(shapes.ModelPackageContainerDefinition!.members!.IsCheckpoint);
  assert.deepEqual(shapes.ModelPackageRegistrationType!.enum, ['Logged', 'Registered']);
  assert.ok(shapes.CreateTrainingJobRequest!.members!.ServerlessJobConfig);
});
