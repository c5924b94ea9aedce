/**
 * Llama-family decoder (llama, mistral, qwen2 with q/k/v bias, qwen3 with per-head q/k RMSNorm),
 * grouped-query attention, tied or untied embeddings. Parameters keep Hugging Face names and
 * layouts ([out, in] linear weights), so checkpoints load and save without renaming.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { K } from '../tensor/backend.js';
import * as ops from '../tensor/ops.js';
import { Tensor, noGrad } from '../tensor/tensor.js';
import { type LlamaConfig, parseConfig, readConfig, ropeInvFreq } from './config.js';
import { readSafetensors } from './safetensors.js';

/** A LoRA adapter on one linear module: y += scale * B(A(dropout(x))). */
export interface LoraModule {
  A: Tensor; // [r, in]
  B: Tensor; // [out, r]
  scale: number;
  dropout: number;
}

export interface AdapterSet {
  modules: Map<string, LoraModule>;
  enabled: boolean;
  rand: () => number;
}

/** KV cache for generation: per layer [B, capacity, KVH*HD]. */
export interface KVCache {
  B: number;
  capacity: number;
  length: number;
  k: Float32Array[];
  v: Float32Array[];
}

export const LINEAR_MODULES = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'];

export class LlamaModel {
  readonly config: LlamaConfig;
  readonly params = new Map<string, Tensor>();
  adapters: AdapterSet | null = null;
  /** Train-mode flag (dropout active). */
  training = false;
  private rope: ops.RopeTables;

  constructor(config: LlamaConfig, weights?: Map<string, { shape: number[]; data: Float32Array }>) {
    this.config = config;
    const c = config;
    const D = c.hidden_size, HD = c.head_dim, H = c.num_attention_heads, KVH = c.num_key_value_heads, F = c.intermediate_size;
    const expect = new Map<string, number[]>();
    expect.set('model.embed_tokens.weight', [c.vocab_size, D]);
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const p = `model.layers.${l}.`;
      expect.set(p + 'input_layernorm.weight', [D]);
      expect.set(p + 'post_attention_layernorm.weight', [D]);
      expect.set(p + 'self_attn.q_proj.weight', [H * HD, D]);
      expect.set(p + 'self_attn.k_proj.weight', [KVH * HD, D]);
      expect.set(p + 'self_attn.v_proj.weight', [KVH * HD, D]);
      expect.set(p + 'self_attn.o_proj.weight', [D, H * HD]);
      if (c.attention_bias) {
        expect.set(p + 'self_attn.q_proj.bias', [H * HD]);
        expect.set(p + 'self_attn.k_proj.bias', [KVH * HD]);
        expect.set(p + 'self_attn.v_proj.bias', [KVH * HD]);
      }
      if (c.model_type === 'qwen3') {
        expect.set(p + 'self_attn.q_norm.weight', [HD]);
        expect.set(p + 'self_attn.k_norm.weight', [HD]);
      }
      expect.set(p + 'mlp.gate_proj.weight', [F, D]);
      expect.set(p + 'mlp.up_proj.weight', [F, D]);
      expect.set(p + 'mlp.down_proj.weight', [D, F]);
    }
    expect.set('model.norm.weight', [D]);
    if (!c.tie_word_embeddings) expect.set('lm_head.weight', [c.vocab_size, D]);
    for (const [name, shape] of expect) {
      const w = weights?.get(name);
      if (weights && !w) {
        if (name === 'lm_head.weight' && weights.has('model.embed_tokens.weight')) {
          throw new Error(`checkpoint has no lm_head.weight but config.json says tie_word_embeddings=false`);
        }
        throw new Error(`checkpoint is missing tensor ${name}`);
      }
      if (w && (w.shape.length !== shape.length || w.shape.some((v, i) => v !== shape[i]))) {
        throw new Error(`tensor ${name} has shape [${w.shape.join(',')}], config.json implies [${shape.join(',')}]`);
      }
      this.params.set(name, new Tensor(w ? w.data : new Float32Array(shape.reduce((a, b) => a * b, 1)), shape));
    }
    this.rope = ops.ropeTables(HD, Math.min(c.max_position_embeddings, 512), ropeInvFreq(c));
  }

  /** Random init (std 0.02 normal for matrices, ones for norms), seeded. */
  static random(config: LlamaConfig, seed = 0, std = 0.02): LlamaModel {
    const m = new LlamaModel(config);
    const r = mulberry(seed);
    for (const [name, t] of m.params) {
      if (name.endsWith('norm.weight') || name.endsWith('layernorm.weight')) t.data.fill(1);
      else if (name.endsWith('.bias')) t.data.fill(0);
      else for (let i = 0; i < t.size; i++) t.data[i] = std * gauss(r);
    }
    return m;
  }

  /** Loads a Hugging Face folder: config.json + *.safetensors (sharded or not). */
  static load(dir: string): LlamaModel {
    const cfgPath = join(dir, 'config.json');
    if (!existsSync(cfgPath)) throw new Error(`${dir}: no config.json`);
    const config = readConfig(cfgPath);
    const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors') && !f.startsWith('adapter_')).sort();
    if (!files.length) throw new Error(`${dir}: no *.safetensors weights`);
    const weights = new Map<string, { shape: number[]; data: Float32Array }>();
    const skipped = new Map<string, string>();
    for (const f of files) {
      const st = readSafetensors(join(dir, f));
      for (const [k, v] of st.tensors) weights.set(k, v);
      for (const [k, d] of st.skipped) skipped.set(k, `${d} in ${f}`);
    }
    try {
      return new LlamaModel(config, weights);
    } catch (e) {
      const m = /missing tensor (\S+)/.exec((e as Error).message);
      if (m && skipped.has(m[1])) throw new Error(`${dir}: tensor ${m[1]} has unsupported dtype ${skipped.get(m[1])} (F32, F16, BF16 are supported)`);
      throw new Error(`${dir}: ${(e as Error).message}`);
    }
  }

  static fromConfig(raw: Record<string, unknown>, seed = 0): LlamaModel {
    return LlamaModel.random(parseConfig(raw), seed);
  }

  get lmHead(): Tensor {
    return this.params.get(this.config.tie_word_embeddings ? 'model.embed_tokens.weight' : 'lm_head.weight')!;
  }

  numParams(): number {
    let n = 0;
    for (const t of this.params.values()) n += t.size;
    return n;
  }

  setRequiresGrad(on: boolean): void {
    for (const t of this.params.values()) t.requiresGrad = on;
  }

  private ensureRope(n: number): void {
    if (n <= this.rope.maxPos) return;
    if (n > this.config.max_position_embeddings) throw new Error(`sequence of ${n} tokens exceeds max_position_embeddings ${this.config.max_position_embeddings}`);
    const cap = Math.min(this.config.max_position_embeddings, Math.max(n, this.rope.maxPos * 2));
    this.rope = ops.ropeTables(this.config.head_dim, cap, ropeInvFreq(this.config));
  }

  private proj(x: Tensor, name: string): Tensor {
    const w = this.params.get(name + '.weight')!;
    const b = this.params.get(name + '.bias') ?? null;
    const y = ops.linear(x, w, b);
    const a = this.adapters;
    if (!a || !a.enabled) return y;
    const m = a.modules.get(name);
    if (!m) return y;
    const xin = this.training && m.dropout > 0 ? ops.dropout(x, m.dropout, a.rand) : x;
    return ops.addScaled(y, ops.linear(ops.linear(xin, m.A), m.B), m.scale);
  }

  /** Final-normed hidden states [B*T, D] for ids [B*T] (training / scoring path). */
  /** One layer's attention inputs: the q/k/v projections, Qwen3's q/k norm, RoPE from position `pos0`. */
  private qkv(h: Tensor, p: string, B: number, T: number, pos0: number): { q: Tensor; k: Tensor; v: Tensor } {
    const c = this.config, P = this.params;
    const HD = c.head_dim, eps = c.rms_norm_eps;
    let q = this.proj(h, p + 'self_attn.q_proj');
    let k = this.proj(h, p + 'self_attn.k_proj');
    const v = this.proj(h, p + 'self_attn.v_proj');
    if (c.model_type === 'qwen3') {
      q = ops.rmsnorm(q, P.get(p + 'self_attn.q_norm.weight')!, eps, HD);
      k = ops.rmsnorm(k, P.get(p + 'self_attn.k_norm.weight')!, eps, HD);
    }
    return {
      q: ops.rope(q, B, T, c.num_attention_heads, HD, this.rope, pos0),
      k: ops.rope(k, B, T, c.num_key_value_heads, HD, this.rope, pos0),
      v,
    };
  }

  hidden(ids: Int32Array, B: number, T: number): Tensor {
    const c = this.config, P = this.params;
    const H = c.num_attention_heads, KVH = c.num_key_value_heads, HD = c.head_dim, eps = c.rms_norm_eps;
    if (ids.length !== B * T) throw new Error(`ids length ${ids.length} != ${B}x${T}`);
    this.ensureRope(T);
    let x = ops.embedding(P.get('model.embed_tokens.weight')!, ids, [B * T]);
    for (let l = 0; l < c.num_hidden_layers; l++) {
      const p = `model.layers.${l}.`;
      const h = ops.rmsnorm(x, P.get(p + 'input_layernorm.weight')!, eps);
      const { q, k, v } = this.qkv(h, p, B, T, 0);
      const o = ops.attention(q, k, v, B, T, H, KVH, HD);
      x = ops.add(x, this.proj(o, p + 'self_attn.o_proj'));
      const h2 = ops.rmsnorm(x, P.get(p + 'post_attention_layernorm.weight')!, eps);
      const g = ops.swiglu(this.proj(h2, p + 'mlp.gate_proj'), this.proj(h2, p + 'mlp.up_proj'));
      x = ops.add(x, this.proj(g, p + 'mlp.down_proj'));
    }
    return ops.rmsnorm(x, P.get('model.norm.weight')!, eps);
  }

  /** Logits [B*T, V]. */
  forward(ids: Int32Array, B: number, T: number): Tensor {
    return ops.linear(this.hidden(ids, B, T), this.lmHead);
  }

  newCache(B: number, capacity: number): KVCache {
    const c = this.config;
    const n = B * capacity * c.num_key_value_heads * c.head_dim;
    return {
      B, capacity, length: 0,
      k: Array.from({ length: c.num_hidden_layers }, () => new Float32Array(n)),
      v: Array.from({ length: c.num_hidden_layers }, () => new Float32Array(n)),
    };
  }

  /**
   * Incremental forward (no grad): appends ids [B, Tn] to the cache and returns the logits of
   * the last new position of each sequence, [B, V].
   */
  step(ids: Int32Array, Tn: number, cache: KVCache): Tensor {
    return noGrad(() => {
      const c = this.config, P = this.params, B = cache.B;
      const H = c.num_attention_heads, KVH = c.num_key_value_heads, HD = c.head_dim, eps = c.rms_norm_eps;
      const pos0 = cache.length, KD = KVH * HD;
      if (pos0 + Tn > cache.capacity) throw new Error(`KV cache capacity ${cache.capacity} exceeded`);
      this.ensureRope(pos0 + Tn);
      let x = ops.embedding(P.get('model.embed_tokens.weight')!, ids, [B * Tn]);
      for (let l = 0; l < c.num_hidden_layers; l++) {
        const p = `model.layers.${l}.`;
        const h = ops.rmsnorm(x, P.get(p + 'input_layernorm.weight')!, eps);
        const { q, k, v } = this.qkv(h, p, B, Tn, pos0);
        const kc = cache.k[l], vc = cache.v[l];
        for (let b = 0; b < B; b++) {
          kc.set(k.data.subarray(b * Tn * KD, (b + 1) * Tn * KD), (b * cache.capacity + pos0) * KD);
          vc.set(v.data.subarray(b * Tn * KD, (b + 1) * Tn * KD), (b * cache.capacity + pos0) * KD);
        }
        const o = Tensor.zeros([B * Tn, H * HD]);
        K.attnFwd(q.data, kc, vc, o.data, null, B, Tn, pos0 + Tn, H, KVH, HD, pos0, cache.capacity, 1 / Math.sqrt(HD));
        x = ops.add(x, this.proj(o, p + 'self_attn.o_proj'));
        const h2 = ops.rmsnorm(x, P.get(p + 'post_attention_layernorm.weight')!, eps);
        const g = ops.swiglu(this.proj(h2, p + 'mlp.gate_proj'), this.proj(h2, p + 'mlp.up_proj'));
        x = ops.add(x, this.proj(g, p + 'mlp.down_proj'));
      }
      cache.length = pos0 + Tn;
      const last = new Int32Array(B);
      for (let b = 0; b < B; b++) last[b] = b * Tn + Tn - 1;
      const xl = ops.sliceRows(x, last);
      return ops.linear(ops.rmsnorm(xl, P.get('model.norm.weight')!, eps), this.lmHead);
    });
  }
}

export function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
