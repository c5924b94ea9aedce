import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LlamaModel } from '../../src/llm/model/llama.js';
import { readSafetensors } from '../../src/llm/model/safetensors.js';
import { attachLora, loadAdapter, mergeLora, saveAdapter, saveModel, loraParams } from '../../src/llm/peft/lora.js';
import * as ops from '../../src/llm/tensor/ops.js';
import { backward, noGrad } from '../../src/llm/tensor/tensor.js';
import { parseDataset, parseJsonl, readRows, DatasetError } from '../../src/llm/data/datasets.js';
import { resolveHyperparameters } from '../../src/llm/train/hyperparams.js';
import { parseRewardOutput, presetReward, extractFinalNumber } from '../../src/llm/train/rewards.js';
import { sampleToken } from '../../src/llm/generate.js';
import { AdamW } from '../../src/llm/tensor/optim.js';
import { mulberry } from '../../src/llm/model/llama.js';
import { gradCheck } from './helpers.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'torch');
const ids = Int32Array.from([1, 5, 9, 13, 2, 7, 30, 40, 50, 3, 4, 5]);

test('LoRA: gradients by finite differences, PEFT save/load, merge equals adapted forward', () => {
  const m = LlamaModel.load(join(FIX, 'llama'));
  attachLora(m, { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj', 'down_proj'] }, 3);
  const set = m.adapters!;
  for (const p of loraParams(set)) for (let i = 0; i < p.size; i++) p.data[i] += 0.05 * Math.sin(i + p.size); // non-zero B
  const base = [...m.params.values()];
  assert.ok(base.every((t) => !t.requiresGrad));
  const tg = Int32Array.from([5, 9, 13, 2, 7, 30, 40, 50, 3, 4, 5, 6]);
  const mod = set.modules.get('model.layers.1.self_attn.v_proj')!;
  const err = gradCheck(() => ops.crossEntropy(m.forward(ids, 2, 6), tg), [mod.A, mod.B], { h: 1e-2, samples: 6 });
  assert.ok(err < 3e-2, `lora grad err ${err}`);
  const adapted = noGrad(() => m.forward(ids, 2, 6)).data.slice();

  const dir = mkdtempSync(join(tmpdir(), 'lora-'));
  try {
    saveAdapter(join(dir, 'adapter'), m, 'base-model');
    const cfg = JSON.parse(readFileSync(join(dir, 'adapter', 'adapter_config.json'), 'utf8'));
    assert.equal(cfg.peft_type, 'LORA');
    assert.equal(cfg.r, 4);
    assert.equal(cfg.lora_alpha, 8);
    assert.deepEqual(cfg.target_modules, ['q_proj', 'v_proj', 'down_proj']);
    const st = readSafetensors(join(dir, 'adapter', 'adapter_model.safetensors')).tensors;
    assert.deepEqual(st.get('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')!.shape, [4, 32]);
    assert.deepEqual(st.get('base_model.model.model.layers.0.mlp.down_proj.lora_B.weight')!.shape, [32, 4]);
    assert.equal(st.size, 2 * 3 * 2);

    const m2 = LlamaModel.load(join(FIX, 'llama'));
    loadAdapter(join(dir, 'adapter'), m2);
    const again = noGrad(() => m2.forward(ids, 2, 6)).data;
    for (let i = 0; i < again.length; i++) assert.ok(Math.abs(again[i] - adapted[i]) < 1e-5);
    m2.adapters!.enabled = false;
    const plain = noGrad(() => m2.forward(ids, 2, 6)).data;
    assert.ok(plain.some((v, i) => Math.abs(v - adapted[i]) > 1e-3), 'adapters off changes the output');
    m2.adapters!.enabled = true;
    mergeLora(m2);
    assert.equal(m2.adapters, null);
    const merged = noGrad(() => m2.forward(ids, 2, 6)).data;
    for (let i = 0; i < merged.length; i++) assert.ok(Math.abs(merged[i] - adapted[i]) < 1e-4);
    saveModel(join(dir, 'merged'), m2, 'BF16');
    const m3 = LlamaModel.load(join(dir, 'merged'));
    const bf = noGrad(() => m3.forward(ids, 2, 6)).data;
    let mx = 0;
    for (let i = 0; i < bf.length; i++) mx = Math.max(mx, Math.abs(bf[i] - adapted[i]));
    assert.ok(mx < 0.1, `bf16 merged drift ${mx}`);
    assert.ok(existsSync(join(dir, 'merged', 'config.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LoRA training step lowers the loss; only adapters change', () => {
  const m = LlamaModel.load(join(FIX, 'qwen3'));
  const before = m.params.get('model.layers.0.self_attn.q_proj.weight')!.data.slice();
  attachLora(m, { r: 8, lora_alpha: 16, target_modules: 'all-linear' as unknown as string[] }, 1);
  const opt = new AdamW(loraParams(m.adapters!), { lr: 1e-2, weightDecay: 0 });
  const tg = Int32Array.from([5, 9, 13, 2, 7, 30, 40, 50, 3, 4, 5, 6]);
  const losses: number[] = [];
  for (let s = 0; s < 10; s++) {
    opt.zeroGrad();
    const l = ops.crossEntropy(m.forward(ids, 2, 6), tg);
    losses.push(l.item());
    backward(l);
    opt.stepUpdate();
  }
  assert.ok(losses[9] < losses[0] * 0.8, `${losses[0]} -> ${losses[9]}`);
  assert.deepEqual(m.params.get('model.layers.0.self_attn.q_proj.weight')!.data, before);
  assert.throws(() => attachLora(m, { target_modules: ['c_attn'] }), /unknown LoRA target module "c_attn"/);
});

test('datasets: formats per technique and clear errors naming the line', () => {
  const sft = parseJsonl('{"messages":[{"role":"system","content":"s"},{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}\n\n{"prompt":"p","completion":"c","system":"x"}\n', 'train.jsonl');
  const s = parseDataset('SFT', sft);
  assert.equal(s.length, 2);
  assert.deepEqual(s[1].messages.map((m) => m.role), ['system', 'user', 'assistant']);
  assert.throws(() => parseJsonl('{"prompt":"p"}\n{not json}\n', 'train.jsonl'), /train\.jsonl line 2: malformed JSON/);
  assert.throws(() => parseDataset('SFT', parseJsonl('{"prompt":"p"}', 'f.jsonl')), /f\.jsonl line 1: "completion" must be a string/);
  assert.throws(() => parseDataset('SFT', parseJsonl('{"chosen":"a","rejected":"b","prompt":"p"}')), /looks like DPO data/);
  assert.throws(() => parseDataset('SFT', parseJsonl('{"messages":[{"role":"user","content":"q"},{"role":"system","content":"s"},{"role":"assistant","content":"a"}]}')), /system message may only come first/);
  assert.throws(() => parseDataset('SFT', parseJsonl('{"messages":[{"role":"user","content":"q"}]}')), /no assistant message/);
  const d = parseDataset('DPO', parseJsonl([
    '{"prompt":"p","chosen":"good","rejected":"bad"}',
    '{"chosen":[{"role":"user","content":"q"},{"role":"assistant","content":"A"}],"rejected":[{"role":"user","content":"q"},{"role":"assistant","content":"B"}]}',
    '{"input":[{"role":"user","content":"q"}],"chosen":[{"role":"assistant","content":"A"}],"rejected":[{"role":"assistant","content":"B"}]}',
  ].join('\n')));
  assert.deepEqual(d.map((x) => [x.chosen, x.rejected]), [['good', 'bad'], ['A', 'B'], ['A', 'B']]);
  assert.throws(() => parseDataset('DPO', parseJsonl('{"messages":[]}')), /looks like SFT data/);
  assert.throws(() => parseDataset('DPO', parseJsonl('{"chosen":[{"role":"user","content":"q"},{"role":"assistant","content":"A"}],"rejected":[{"role":"user","content":"z"},{"role":"assistant","content":"B"}]}')), /same prompt/);
  const r = parseDataset('RLVR', parseJsonl('{"data_source":"openai/gsm8k","prompt":[{"role":"user","content":"1+1?"}],"ability":"math","reward_model":{"ground_truth":"2","style":"rule"}}'));
  assert.equal(r[0].groundTruth, '2');
  assert.throws(() => parseDataset('RLVR', parseJsonl('{"prompt":"x","reward_model":{"style":"rule"}}')), /line 1: missing "reward_model.ground_truth"/);
  assert.throws(() => parseDataset('RLVR', parseJsonl('{"prompt":"x"}')), /need "reward_model"/);
  assert.throws(() => parseDataset('SFT', [], 32), /SFT needs at least 32 training rows, found 0/);
  const dir = mkdtempSync(join(tmpdir(), 'ds-'));
  try {
    writeFileSync(join(dir, 'a.jsonl'), '{"prompt":"p","completion":"c"}\n');
    writeFileSync(join(dir, 'b.json'), '[{"prompt":"p2","completion":"c2"}]');
    assert.equal(readRows(dir).length, 2);
    assert.ok(readRows(dir)[1].file.endsWith('b.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(new DatasetError('x') instanceof Error);
});

test('hyperparameters: recipe keys, defaults and errors', () => {
  const hp = resolveHyperparameters({ learning_rate: '0.001', num_epochs: '3', lora_alpha: '32', global_batch_size: '16', gradient_accumulation_steps: '4', mlflow_experiment_name: 'x', peft: 'none' });
  assert.equal(hp.learningRate, 0.001);
  assert.equal(hp.epochs, 3);
  assert.equal(hp.loraAlpha, 32);
  assert.equal(hp.batchSize, 16);
  assert.equal(hp.peft, null);
  assert.equal(resolveHyperparameters().peft, 'LORA');
  assert.throws(() => resolveHyperparameters({ learning_rate: 'fast' }), /learning_rate="fast": not a number/);
  assert.throws(() => resolveHyperparameters({ num_epochs: '0' }), /num_epochs="0": must be an integer >= 1/);
  assert.throws(() => resolveHyperparameters({ global_batch_size: '6', gradient_accumulation_steps: '4' }), /multiple of gradient_accumulation_steps/);
});

test('reward contract: direct array, wrapped body, errors; presets', () => {
  const out = parseRewardOutput([{ id: 'a', aggregate_reward_score: 1 }, { id: 'b', aggregate_reward_score: 0.5 }], ['a', 'b']);
  assert.equal(out.get('b')!.aggregate_reward_score, 0.5);
  const w = parseRewardOutput({ statusCode: 200, body: JSON.stringify([{ id: 'a', aggregate_reward_score: 2 }]) }, ['a']);
  assert.equal(w.get('a')!.aggregate_reward_score, 2);
  assert.throws(() => parseRewardOutput([{ id: 'a' }], ['a']), /no numeric aggregate_reward_score/);
  assert.throws(() => parseRewardOutput([], ['a']), /no score for sample id a/);
  assert.throws(() => parseRewardOutput({ statusCode: 500, body: '[]' }, []), /statusCode 500/);
  const em = presetReward('exact_match')([{ id: '1', messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: ' 42. ' }], reference_answer: '42' }]) as Array<{ aggregate_reward_score: number }>;
  assert.equal(em[0].aggregate_reward_score, 1);
  const g = presetReward('gsm8k')([{ id: '1', messages: [{ role: 'assistant', content: 'so 3+4 = 7 #### 7' }], reference_answer: 'blah #### 7' }]) as Array<{ aggregate_reward_score: number }>;
  assert.equal(g[0].aggregate_reward_score, 1);
  assert.equal(extractFinalNumber('it is 1,234 apples'), '1234');
});

test('sampling: greedy, temperature, top-p', () => {
  const logits = Float32Array.from([0, 2, 1, -1]);
  assert.equal(sampleToken(logits.slice(), { temperature: 0, topP: 1, topK: 0 }, Math.random), 1);
  const r = mulberry(1);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 2000; i++) counts[sampleToken(logits.slice(), { temperature: 1, topP: 1, topK: 0 }, r)]++;
  assert.ok(counts[1] > counts[2] && counts[2] > counts[0] && counts[3] > 0);
  const c2 = [0, 0, 0, 0];
  for (let i = 0; i < 500; i++) c2[sampleToken(logits.slice(), { temperature: 1, topP: 0.6, topK: 0 }, r)]++;
  assert.equal(c2[0] + c2[3], 0, 'top-p drops the tail');
});

test('a PEFT adapter written by PyTorch reproduces its logits (base + alpha/r * B A)', () => {
  const exp = JSON.parse(readFileSync(join(FIX, 'llama-lora', 'expected.json'), 'utf8')) as { input_ids: number[]; logits: number[] };
  const m = LlamaModel.load(join(FIX, 'llama'));
  loadAdapter(join(FIX, 'llama-lora'), m);
  const T = exp.input_ids.length;
  const out = noGrad(() => m.forward(Int32Array.from(exp.input_ids), 1, T)).data;
  let scale = 0, err = 0;
  for (let i = 0; i < exp.logits.length; i++) { scale = Math.max(scale, Math.abs(exp.logits[i])); err = Math.max(err, Math.abs(out[i] - exp.logits[i])); }
  assert.ok(err / scale < 1e-4, `relative error ${err / scale}`);
  mergeLora(m);
  const merged = noGrad(() => m.forward(Int32Array.from(exp.input_ids), 1, T)).data;
  for (let i = 0; i < exp.logits.length; i++) assert.ok(Math.abs(merged[i] - exp.logits[i]) < 1e-4 * scale);
});
