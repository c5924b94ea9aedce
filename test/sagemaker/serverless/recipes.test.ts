/**
 * Recipes and base-model documents of serverless jobs, without a server: which keys a job may
 * override, which technique / PEFT pairs a model offers, where its weights are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkRecipeOverrides, pickRecipe, RECIPE_OVERRIDE_KEYS, standardRecipes } from '../../../src/sagemaker/serverless/recipes.js';
import { artifactUriOf, localModelDir, modelDocument } from '../../../src/sagemaker/serverless/models.js';
import { DEFAULT_HYPERPARAMETERS } from '../../../src/llm/index.js';

test('recipe overrides: every key the runtime reads is accepted; typos and bad values are refused', () => {
  checkRecipeOverrides({ learning_rate: '1e-4', num_epochs: '2', lora_r: '4', lora_alpha: '8', global_batch_size: '4', name: 'run-1', mlflow_experiment_name: 'e' });
  checkRecipeOverrides(undefined);
  assert.throws(() => checkRecipeOverrides({ learnin_rate: '1e-4', epocs: '2' }), /unknown keys 'learnin_rate', 'epocs'\. Known keys: /);
  assert.throws(() => checkRecipeOverrides({ num_epochs: '0' }), { message: 'HyperParameters: hyperparameter num_epochs="0": must be an integer >= 1.' });
  assert.throws(() => checkRecipeOverrides({ global_batch_size: '6', gradient_accumulation_steps: '4' }), /must be a multiple of gradient_accumulation_steps=4/);
  // Every runtime field has at least one accepted spelling.
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  for (const field of Object.keys(DEFAULT_HYPERPARAMETERS)) {
    const spellings = [snake(field), field === 'epochs' ? 'num_epochs' : '', field === 'batchSize' ? 'global_batch_size' : '', field === 'loraR' ? 'lora_r' : '', field === 'maxSeqLength' ? 'max_seq_length' : ''];
    if (field === 'peft') continue; // chosen by ServerlessJobConfig.Peft, not a hyperparameter
    assert.ok(spellings.some((s) => RECIPE_OVERRIDE_KEYS.has(s)), `no recipe key for ${field}`);
  }
});

test('recipes: the standard eight; a missing pair names what the model offers', () => {
  const doc = modelDocument('sagebox-builtin://sagebox-tiny', 'sagebox-tiny');
  assert.equal(standardRecipes('m').length, 8);
  assert.equal(pickRecipe(doc, 'sagebox-tiny', 'DPO', 'LORA').Name, 'sagebox-tiny-dpo-lora');
  assert.equal(pickRecipe(doc, 'sagebox-tiny', 'RLAIF', undefined).Name, 'sagebox-tiny-rlaif-fft');
  const only = { RecipeCollection: [{ Name: 'x-sft-lora', CustomizationTechnique: 'SFT', Peft: 'LORA' }, { Name: 'x-dpo-fft', CustomizationTechnique: 'DPO' }] };
  assert.throws(() => pickRecipe(only, 'x', 'RLVR', 'LORA'), { message: 'The base model x has no recipe for RLVR with Peft LORA; it offers: SFT with LoRA, DPO (full).' });
  assert.throws(() => pickRecipe({}, 'y', 'SFT', undefined), { message: 'The base model y has no recipe for SFT full fine-tuning (no Peft); it offers: no customization recipes.' });
});

test('model documents: where the weights are; the built-in folder is the shipped model', async () => {
  assert.equal(artifactUriOf(modelDocument('s3://b/m/', 'm'), 'm'), 's3://b/m/');
  assert.throws(() => artifactUriOf({}, 'm'), /the hub Model m has no TrainingArtifactUri/);
  assert.throws(() => artifactUriOf({ TrainingArtifactUri: 'sagebox-builtin://huge' }, 'm'), /not a model shipped with sagebox \(sagebox-tiny\)/);
  const dir = await localModelDir(undefined as never, 'sagebox-builtin://sagebox-tiny', '/nonexistent');
  assert.ok(existsSync(path.join(dir, 'model.safetensors')));
  assert.equal(modelDocument('s3://b/m/', 'm', { gated: true }).GatedBucket, true);
});
