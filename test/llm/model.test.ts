import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LlamaModel } from '../../src/llm/model/llama.js';
import { readSafetensors, writeSafetensors, f32ToBf16, bf16ToF32, f32ToF16, f16ToF32 } from '../../src/llm/model/safetensors.js';
import * as ops from '../../src/llm/tensor/ops.js';
import { backward, noGrad } from '../../src/llm/tensor/tensor.js';
import { AdamW } from '../../src/llm/tensor/optim.js';
import { nativeAvailable, useKernels } from '../../src/llm/tensor/backend.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'torch');
const backends: Array<'js' | 'native'> = nativeAvailable() ? ['js', 'native'] : ['js'];

interface Expected {
  B: number; T: number; input_ids: number[]; targets: number[]; logits: number[]; loss: number;
  grads: Record<string, number[]>; adamw_losses: number[];
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / Math.max(scale, 1e-6);
}

for (const be of backends) {
  describe(`PyTorch checkpoints reproduce (${be} kernels)`, () => {
    for (const name of ['llama', 'qwen3', 'qwen2']) {
      test(`${name}: logits, loss, gradients, AdamW steps`, () => {
        const prev = useKernels(be);
        try {
          const exp = JSON.parse(readFileSync(join(FIX, name, 'expected.json'), 'utf8')) as Expected;
          const m = LlamaModel.load(join(FIX, name));
          m.setRequiresGrad(true);
          const ids = Int32Array.from(exp.input_ids), tg = Int32Array.from(exp.targets);
          const logits = m.forward(ids, exp.B, exp.T);
          assert.ok(maxRelErr(logits.data, exp.logits) < 1e-4, `logits differ: ${maxRelErr(logits.data, exp.logits)}`);
          const loss = ops.crossEntropy(logits, tg);
          assert.ok(Math.abs(loss.item() - exp.loss) < 1e-4 * exp.loss);
          backward(loss);
          for (const [pn, g] of Object.entries(exp.grads)) {
            const t = m.params.get(pn)!;
            assert.ok(t.grad, `no grad for ${pn}`);
            const e = maxRelErr(t.grad!, g);
            assert.ok(e < 1e-3, `grad ${pn} differs by ${e}`);
          }
          // 3 AdamW steps of full fine-tuning follow torch.optim.AdamW
          const m2 = LlamaModel.load(join(FIX, name));
          m2.setRequiresGrad(true);
          const opt = new AdamW([...m2.params.values()], { lr: 1e-2, weightDecay: 0.1 });
          const losses: number[] = [];
          for (let s = 0; s < 4; s++) {
            opt.zeroGrad();
            const l = ops.crossEntropy(m2.forward(ids, exp.B, exp.T), tg);
            losses.push(l.item());
            if (s < 3) { backward(l); opt.stepUpdate(); }
          }
          for (let s = 0; s < 4; s++) assert.ok(Math.abs(losses[s] - exp.adamw_losses[s]) < 2e-3 * exp.adamw_losses[s] + 1e-4, `adamw step ${s}: ${losses[s]} vs ${exp.adamw_losses[s]}`);
        } finally {
          useKernels(prev);
        }
      });
    }
  });
}

test('KV-cached incremental forward equals the full forward', () => {
  const m = LlamaModel.load(join(FIX, 'qwen3'));
  const exp = JSON.parse(readFileSync(join(FIX, 'qwen3', 'expected.json'), 'utf8')) as Expected;
  const T = exp.T, V = m.config.vocab_size;
  const ids = Int32Array.from(exp.input_ids.slice(0, T)); // first sequence
  const full = noGrad(() => m.forward(ids, 1, T));
  const cache = m.newCache(1, 16);
  let last = m.step(ids.slice(0, 4), 4, cache);
  assert.ok(maxRelErr(last.data, full.data.subarray(3 * V, 4 * V)) < 1e-4);
  for (let t = 4; t < T; t++) {
    last = m.step(ids.slice(t, t + 1), 1, cache);
    assert.ok(maxRelErr(last.data, full.data.subarray(t * V, (t + 1) * V)) < 1e-4, `position ${t}`);
  }
});

test('safetensors round trip in F32, BF16 and F16; conversions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'st-'));
  try {
    const data = Float32Array.from([0, 1, -2.5, 3.14159, 1e-3, 65504, -1e-7]);
    for (const dt of ['F32', 'BF16', 'F16'] as const) {
      writeSafetensors(join(dir, 'a.safetensors'), { w: { shape: [7], data } }, dt);
      const r = readSafetensors(join(dir, 'a.safetensors')).tensors.get('w')!;
      assert.equal(r.dtype, dt);
      for (let i = 0; i < 7; i++) assert.ok(Math.abs(r.data[i] - data[i]) <= Math.abs(data[i]) * (dt === 'F32' ? 0 : 8e-3) + (dt === 'F16' ? 1e-7 : 0), `${dt} ${i}`);
    }
    assert.deepEqual(Array.from(bf16ToF32(f32ToBf16(Float32Array.from([1.5, -2])))), [1.5, -2]);
    assert.deepEqual(Array.from(f16ToF32(f32ToF16(Float32Array.from([0.5, -1024])))), [0.5, -1024]);
    writeFileSync(join(dir, 'bad.safetensors'), Buffer.from('garbage!!garbage'));
    assert.throws(() => readSafetensors(join(dir, 'bad.safetensors')), /bad\.safetensors: bad safetensors header/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unsupported architectures and mismatched checkpoints give clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }));
    assert.throws(() => LlamaModel.load(dir), /unsupported architecture model_type="gpt2" \(GPT2LMHeadModel\)/);
    const cfg = JSON.parse(readFileSync(join(FIX, 'llama', 'config.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, hidden_size: 64 }));
    writeFileSync(join(dir, 'model.safetensors'), readFileSync(join(FIX, 'llama', 'model.safetensors')));
    assert.throws(() => LlamaModel.load(dir), /has shape \[61,32\], config.json implies \[61,64\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('extra tensors in other dtypes are skipped; a needed one in an unsupported dtype is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-'));
  try {
    const st = readSafetensors(join(FIX, 'llama', 'model.safetensors'));
    const raw = (over: Record<string, string>) => {
      const header: Record<string, unknown> = {};
      const parts: Buffer[] = [];
      let off = 0;
      const add = (name: string, dtype: string, shape: number[], bytes: Buffer) => {
        header[name] = { dtype, shape, data_offsets: [off, off + bytes.length] };
        parts.push(bytes);
        off += bytes.length;
      };
      for (const [name, t] of st.tensors) {
        if (over[name] === 'F64') add(name, 'F64', t.shape, Buffer.from(Float64Array.from(t.data).buffer));
        else add(name, 'F32', t.shape, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      }
      add('model.layers.0.self_attn.rotary_emb.position_ids', 'I64', [4], Buffer.from(BigInt64Array.from([0n, 1n, 2n, 3n]).buffer));
      const h = Buffer.from(JSON.stringify(header));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(h.length));
      return Buffer.concat([len, h, ...parts]);
    };
    writeFileSync(join(dir, 'config.json'), readFileSync(join(FIX, 'llama', 'config.json')));
    writeFileSync(join(dir, 'model.safetensors'), raw({}));
    const m = LlamaModel.load(dir);
    assert.equal(m.params.size, 3 + 9 * 2);
    writeFileSync(join(dir, 'model.safetensors'), raw({ 'model.norm.weight': 'F64' }));
    assert.throws(() => LlamaModel.load(dir), /tensor model\.norm\.weight has unsupported dtype F64 in model\.safetensors/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
