/**
 * End to end on the built-in base model: each technique moves its target metric on held-out
 * data, outputs land in the documented layout, progress hooks report 1-based epochs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { BUILTIN_MODEL_DIR, loadModel, runCustomization, runEvaluation } from '../../src/llm/customize.js';
import { dpoRows, dpoStyleRows, rlaifRows, rlvrAddRows, sftRows } from '../../src/llm/data/synthetic.js';
import { parseDataset, parseJsonl } from '../../src/llm/data/datasets.js';
import { evalLoss, tokenizeSft } from '../../src/llm/train/sft.js';
import { preferenceAccuracy, tokenizeDpo } from '../../src/llm/train/dpo.js';
import { benchmarkEval } from '../../src/llm/eval/evaluate.js';
import { judgeReward } from '../../src/llm/train/rewards.js';
import type { Progress } from '../../src/llm/train/common.js';
import { generate } from '../../src/llm/generate.js';
import { mkdirSync } from 'node:fs';

const tmp = mkdtempSync(join(tmpdir(), 'sagebox-llm-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const jsonl = (name: string, rows: unknown[]) => {
  const p = join(tmp, name);
  writeFileSync(p, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
};

test('built-in model loads, generates text with its chat template', () => {
  assert.ok(existsSync(join(BUILTIN_MODEL_DIR, 'model.safetensors')));
  const { model, tokenizer } = loadModel();
  assert.ok(model.numParams() > 500_000);
  const ids = tokenizer.encode(tokenizer.applyChatTemplate([{ role: 'user', content: 'Describe a red cat.' }], true));
  const out = tokenizer.decode(generate(model, ids, { maxNewTokens: 24, eosIds: tokenizer.eosIds })[0]);
  assert.match(out, /cat/);
});

test('SFT (LoRA) lowers held-out loss on a new skill; PEFT + merged outputs; progress hooks', async (t) => {
  const train = jsonl('sft-train.jsonl', sftRows(48, 1));
  const valRows = sftRows(24, 2);
  const val = jsonl('sft-val.jsonl', valRows);
  const { model, tokenizer } = loadModel();
  const valData = tokenizeSft(tokenizer, parseDataset('SFT', parseJsonl(readFileSync(val, 'utf8'))), 256);
  const before = evalLoss(model, valData, tokenizer.padId);
  const progress: Progress[] = [];
  const out = join(tmp, 'sft-out');
  const r = await runCustomization({
    technique: 'SFT', trainData: train, validationData: val, outputDir: out, peft: 'LORA',
    hyperparameters: { num_epochs: '2', global_batch_size: '8', learning_rate: '3e-3', lora_r: '8', lora_alpha: '16', lora_target_modules: 'all-linear', lora_dropout: '0' },
    hooks: { onProgress: (p) => progress.push(p) },
  });
  t.diagnostic(`SFT LoRA held-out loss ${before.toFixed(4)} -> ${r.validation!.validation_loss.toFixed(4)}`);
  assert.ok(r.validation!.validation_loss < before * 0.7, `validation loss ${before} -> ${r.validation!.validation_loss}`);
  assert.equal(r.steps, 12);
  assert.deepEqual(progress.map((p) => [p.epoch, p.step]).slice(0, 7), [[1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 6], [2, 1]]);
  assert.ok(progress.every((p) => p.stepsPerEpoch === 6 && p.maxEpochs === 2));
  assert.ok(progress[11].tokens > progress[0].tokens && progress[11].tokens === r.tokens);
  assert.ok(existsSync(join(out, 'checkpoints', 'hf', 'adapter_model.safetensors')));
  assert.ok(existsSync(join(out, 'checkpoints', 'hf', 'adapter_config.json')));
  assert.ok(existsSync(join(out, 'checkpoints', 'hf_merged', 'model.safetensors')));
  // the merged model and base + adapter agree
  const merged = loadModel(join(out, 'checkpoints', 'hf_merged'));
  const adapted = loadModel(BUILTIN_MODEL_DIR, join(out, 'checkpoints', 'hf'));
  const a = evalLoss(merged.model, valData, tokenizer.padId), b = evalLoss(adapted.model, valData, tokenizer.padId);
  assert.ok(Math.abs(a - b) < 1e-3, `${a} vs ${b}`);
});

test('SFT full fine-tuning (no PEFT) also lowers held-out loss', async (t) => {
  const train = jsonl('sft-train2.jsonl', sftRows(32, 3));
  const val = jsonl('sft-val2.jsonl', sftRows(16, 4));
  const { model, tokenizer } = loadModel();
  const valData = tokenizeSft(tokenizer, parseDataset('SFT', parseJsonl(readFileSync(val, 'utf8'))), 256);
  const before = evalLoss(model, valData, tokenizer.padId);
  const r = await runCustomization({
    technique: 'SFT', trainData: train, validationData: val, outputDir: join(tmp, 'fft-out'), peft: null,
    hyperparameters: { num_epochs: '1', global_batch_size: '8', learning_rate: '1e-3' },
  });
  t.diagnostic(`SFT full held-out loss ${before.toFixed(4)} -> ${r.validation!.validation_loss.toFixed(4)}`);
  assert.ok(r.validation!.validation_loss < before * 0.8, `validation loss ${before} -> ${r.validation!.validation_loss}`);
  assert.ok(existsSync(join(tmp, 'fft-out', 'checkpoints', 'hf', 'model.safetensors')));
});

test('DPO raises held-out preference accuracy', async (t) => {
  const train = jsonl('dpo-train.jsonl', dpoStyleRows(48, 5));
  const val = jsonl('dpo-val.jsonl', dpoStyleRows(40, 6));
  const { model, tokenizer } = loadModel();
  const before = preferenceAccuracy(model, tokenizeDpo(tokenizer, parseDataset('DPO', parseJsonl(readFileSync(val, 'utf8'))), 256), tokenizer.padId);
  const r = await runCustomization({
    technique: 'DPO', trainData: train, validationData: val, outputDir: join(tmp, 'dpo-out'),
    hyperparameters: { num_epochs: '2', global_batch_size: '8', learning_rate: '2e-3', beta: '0.1', lora_target_modules: 'all-linear', lora_dropout: '0' },
  });
  const after = r.validation!.preference_accuracy;
  t.diagnostic(`DPO held-out preference accuracy ${before} -> ${after}`);
  assert.ok(after > before + 0.2, `preference accuracy ${before} -> ${after}`);
  assert.ok(r.metrics.at(-1)!.rewards_accuracy >= 0);
});

test('RLVR (GRPO, exact-match reward) raises held-out exact match; benchmark evaluation reports it', async (t) => {
  // a phrasing the base never saw ("Add a and b."); held-out pairs are disjoint from training pairs
  const train = jsonl('rlvr-train.jsonl', rlvrAddRows(128, 7, 'train'));
  const val = jsonl('rlvr-val.jsonl', rlvrAddRows(50, 8, 'test'));
  const { model, tokenizer } = loadModel();
  const items = parseDataset('RLVR', parseJsonl(readFileSync(val, 'utf8'))).map((e) => ({ prompt: e.prompt, reference: e.groundTruth }));
  const before = benchmarkEval(model, tokenizer, items, { maxNewTokens: 4 }).results.all.exact_match;
  const out = join(tmp, 'rlvr-out');
  const r = await runCustomization({
    technique: 'RLVR', trainData: train, outputDir: out,
    hyperparameters: { num_epochs: '2', global_batch_size: '8', learning_rate: '1.5e-3', num_generations: '8', max_new_tokens: '4', kl_coef: '0.01', lora_target_modules: 'all-linear', lora_dropout: '0' },
  });
  assert.equal(r.metrics.length, 32);
  const ev = await runEvaluation({ type: 'BenchmarkEvaluation', adapterDir: join(out, 'checkpoints', 'hf'), data: val, outputDir: join(tmp, 'eval-rlvr'), hyperparameters: { max_new_tokens: '4' } });
  const after = ev.results.all.exact_match;
  t.diagnostic(`RLVR held-out exact match ${before} -> ${after}`);
  assert.ok(after >= before + 0.1, `exact match ${before} -> ${after}`);
  const written = JSON.parse(readFileSync(ev.resultsFile, 'utf8'));
  assert.equal(written.results.all.exact_match, after);
  assert.ok(existsSync(join(tmp, 'eval-rlvr', 'eval_results', 'inference_output.jsonl')));
});

test('RLAIF raises the judge score; custom scorer and LLM-as-a-judge evaluations write results', async (t) => {
  const train = jsonl('rlaif-train.jsonl', rlaifRows(24, 9));
  const val = jsonl('rlaif-val.jsonl', rlaifRows(16, 10));
  const template = 'Question: {prompt}\nAnswer: {response}\nIs the answer correct and helpful? Reply yes or no.';
  const before = await runEvaluation({ type: 'LLMAJEvaluation', data: val, outputDir: join(tmp, 'eval-j0'), judgeTemplate: template, hyperparameters: { max_new_tokens: '24' } });
  const out = join(tmp, 'rlaif-out');
  await runCustomization({
    technique: 'RLAIF', trainData: train, outputDir: out, judgeTemplate: template,
    hyperparameters: { num_epochs: '2', global_batch_size: '4', learning_rate: '3e-3', num_generations: '6', max_new_tokens: '24', kl_coef: '0.01', lora_target_modules: 'all-linear', lora_dropout: '0' },
  });
  const after = await runEvaluation({ type: 'LLMAJEvaluation', adapterDir: join(out, 'checkpoints', 'hf'), data: val, outputDir: join(tmp, 'eval-j1'), judgeTemplate: template, hyperparameters: { max_new_tokens: '24' } });
  t.diagnostic(`RLAIF held-out judge score ${before.results.all.judge_score.toFixed(4)} -> ${after.results.all.judge_score.toFixed(4)}`);
  assert.ok(after.results.all.judge_score > before.results.all.judge_score, `judge ${before.results.all.judge_score} -> ${after.results.all.judge_score}`);
  assert.ok(after.resultsFile.endsWith('bedrock_llm_judge_results.json'));
  const custom = await runEvaluation({
    type: 'CustomScorerEvaluation', data: val, outputDir: join(tmp, 'eval-c'), hyperparameters: { max_new_tokens: '16' },
    rewardFunction: (samples) => ({ statusCode: 200, body: JSON.stringify(samples.map((s) => ({ id: s.id, aggregate_reward_score: s.messages.at(-1)!.content.length > 3 ? 1 : 0, metrics_list: [{ name: 'len', value: s.messages.at(-1)!.content.length, type: 'Metric' }] }))) }),
  });
  assert.ok(custom.results['custom|gen_qa|0'].num_samples === 16);
  assert.ok('len' in custom.results['custom|gen_qa|0']);
  void judgeReward;
});

test('bad input: wrong technique format, too few rows, unsupported model', async () => {
  const dpo = jsonl('wrong.jsonl', dpoRows(4, 1));
  await assert.rejects(runCustomization({ technique: 'SFT', trainData: dpo, outputDir: join(tmp, 'x') }), /wrong\.jsonl line 1: this looks like DPO data/);
  await assert.rejects(runCustomization({ technique: 'SFT', trainData: jsonl('few.jsonl', sftRows(3, 1)), outputDir: join(tmp, 'y'), hyperparameters: { min_train_rows: '32' } }), /SFT needs at least 32 training rows, found 3/);
  const bad = join(tmp, 'badmodel');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'config.json'), JSON.stringify({ model_type: 'mamba' }));
  await assert.rejects(runCustomization({ technique: 'SFT', baseModelDir: bad, trainData: jsonl('ok.jsonl', sftRows(4, 1)), outputDir: join(tmp, 'z') }), /unsupported architecture model_type="mamba"/);
  writeFileSync(join(tmp, 'broken.jsonl'), '{"prompt":"a","completion":"b"}\n{"prompt": \n');
  await assert.rejects(runCustomization({ technique: 'SFT', trainData: join(tmp, 'broken.jsonl'), outputDir: join(tmp, 'w') }), /broken\.jsonl line 2: malformed JSON/);
});

test('shouldStop hook ends training after the current step; max_steps caps it', async () => {
  const train = jsonl('stop.jsonl', sftRows(40, 11));
  let steps = 0;
  const r = await runCustomization({
    technique: 'SFT', trainData: train, outputDir: join(tmp, 'stop-out'), hyperparameters: { global_batch_size: '4' },
    hooks: { onProgress: () => { steps++; }, shouldStop: () => steps >= 3 },
  });
  assert.equal(r.steps, 3);
  assert.equal(r.stopped, true);
  const r2 = await runCustomization({ technique: 'SFT', trainData: train, outputDir: join(tmp, 'max-out'), hyperparameters: { global_batch_size: '4', max_steps: '2', num_epochs: '5' } });
  assert.equal(r2.steps, 2);
  assert.ok(existsSync(join(tmp, 'stop-out', 'training_metrics.json')));
});
