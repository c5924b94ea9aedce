/** Hugging Face config.json for the Llama family (llama, mistral, qwen2, qwen3). */
import { readFileSync } from 'node:fs';

export interface RopeScaling {
  rope_type?: string;
  type?: string;
  factor?: number;
  low_freq_factor?: number;
  high_freq_factor?: number;
  original_max_position_embeddings?: number;
}

export interface LlamaConfig {
  model_type: string;
  architectures?: string[];
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  rms_norm_eps: number;
  rope_theta: number;
  rope_scaling?: RopeScaling | null;
  max_position_embeddings: number;
  tie_word_embeddings: boolean;
  attention_bias?: boolean;
  hidden_act?: string;
  bos_token_id?: number | null;
  eos_token_id?: number | number[] | null;
  pad_token_id?: number | null;
  torch_dtype?: string;
  [k: string]: unknown;
}

export const SUPPORTED_MODEL_TYPES = ['llama', 'mistral', 'qwen2', 'qwen3'];

function req(raw: Record<string, unknown>, key: string, file: string): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${file}: "${key}" must be a positive number`);
  return v;
}

/** Validates and completes a raw config.json object. */
export function parseConfig(raw: Record<string, unknown>, file = 'config.json'): LlamaConfig {
  const modelType = String(raw.model_type ?? '');
  if (!SUPPORTED_MODEL_TYPES.includes(modelType)) {
    const arch = Array.isArray(raw.architectures) ? ` (${(raw.architectures as unknown[]).join(', ')})` : '';
    throw new Error(`${file}: unsupported architecture model_type="${modelType}"${arch}; supported: ${SUPPORTED_MODEL_TYPES.join(', ')}`);
  }
  const act = raw.hidden_act ?? 'silu';
  if (act !== 'silu') throw new Error(`${file}: unsupported hidden_act "${String(act)}" (only silu)`);
  const heads = req(raw, 'num_attention_heads', file);
  const hidden = req(raw, 'hidden_size', file);
  const kvHeads = typeof raw.num_key_value_heads === 'number' ? raw.num_key_value_heads : heads;
  if (heads % kvHeads !== 0) throw new Error(`${file}: num_attention_heads ${heads} is not a multiple of num_key_value_heads ${kvHeads}`);
  const headDim = typeof raw.head_dim === 'number' ? raw.head_dim : hidden / heads;
  if (!Number.isInteger(headDim) || headDim % 2) throw new Error(`${file}: head_dim ${headDim} must be an even integer`);
  const rs = (raw.rope_scaling ?? null) as RopeScaling | null;
  if (rs) {
    const t = rs.rope_type ?? rs.type;
    if (t !== 'llama3' && t !== 'default') throw new Error(`${file}: unsupported rope_scaling type "${String(t)}" (default and llama3 are supported)`);
  }
  return {
    ...raw,
    model_type: modelType,
    vocab_size: req(raw, 'vocab_size', file),
    hidden_size: hidden,
    intermediate_size: req(raw, 'intermediate_size', file),
    num_hidden_layers: req(raw, 'num_hidden_layers', file),
    num_attention_heads: heads,
    num_key_value_heads: kvHeads,
    head_dim: headDim,
    rms_norm_eps: typeof raw.rms_norm_eps === 'number' ? raw.rms_norm_eps : 1e-6,
    rope_theta: typeof raw.rope_theta === 'number' ? raw.rope_theta : 10000,
    rope_scaling: rs,
    max_position_embeddings: typeof raw.max_position_embeddings === 'number' ? raw.max_position_embeddings : 2048,
    tie_word_embeddings: raw.tie_word_embeddings === true,
    attention_bias: raw.attention_bias === true || modelType === 'qwen2',
    hidden_act: 'silu',
  };
}

export function readConfig(path: string): LlamaConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read config (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object') throw new Error(`${path}: config is not a JSON object`);
  return parseConfig(raw as Record<string, unknown>, path);
}

/** Inverse frequencies for RoPE, with Llama 3 scaling when configured. */
export function ropeInvFreq(c: LlamaConfig): Float64Array {
  const hd = c.head_dim, half = hd / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(c.rope_theta, (2 * i) / hd);
  const rs = c.rope_scaling;
  if (rs && (rs.rope_type ?? rs.type) === 'llama3') {
    const factor = rs.factor ?? 8, lo = rs.low_freq_factor ?? 1, hi = rs.high_freq_factor ?? 4;
    const old = rs.original_max_position_embeddings ?? 8192;
    const loWave = old / lo, hiWave = old / hi;
    for (let i = 0; i < half; i++) {
      const wave = (2 * Math.PI) / inv[i];
      if (wave < hiWave) continue;
      if (wave > loWave) { inv[i] /= factor; continue; }
      const s = (old / wave - lo) / (hi - lo);
      inv[i] = (1 - s) * (inv[i] / factor) + s * inv[i];
    }
  }
  return inv;
}
