/**
 * LoRA adapters in the PEFT layout: adapter_config.json + adapter_model.safetensors with keys
 * base_model.model.<module>.lora_A.weight [r, in] and .lora_B.weight [out, r], so Python PEFT
 * loads them. Merging folds scale * B A into the base weights.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { K } from '../tensor/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { type AdapterSet, type LlamaModel, type LoraModule, LINEAR_MODULES, mulberry } from '../model/llama.js';
import { readSafetensors, writeSafetensors, type DType } from '../model/safetensors.js';

export interface LoraConfig {
  r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
  use_rslora?: boolean;
}

export const DEFAULT_LORA: LoraConfig = {
  r: 8,
  lora_alpha: 16,
  lora_dropout: 0.0,
  target_modules: ['q_proj', 'v_proj'],
};

export function loraScale(c: LoraConfig): number {
  return c.use_rslora ? c.lora_alpha / Math.sqrt(c.r) : c.lora_alpha / c.r;
}

function validate(c: LoraConfig): void {
  if (!Number.isInteger(c.r) || c.r <= 0) throw new Error(`LoRA rank r must be a positive integer, got ${c.r}`);
  if (!(c.lora_dropout >= 0 && c.lora_dropout < 1)) throw new Error(`lora_dropout must be in [0, 1), got ${c.lora_dropout}`);
  for (const t of c.target_modules) {
    if (!LINEAR_MODULES.includes(t)) throw new Error(`unknown LoRA target module "${t}" (one of ${LINEAR_MODULES.join(', ')}, or "all-linear")`);
  }
}

function expandTargets(t: string[] | string): string[] {
  if (t === 'all-linear' || (Array.isArray(t) && t.includes('all-linear'))) return LINEAR_MODULES.slice();
  return Array.isArray(t) ? t : [t];
}

/** Names of the model's linear modules matched by target_modules (last path component). */
export function targetModuleNames(model: LlamaModel, targets: string[]): string[] {
  const out: string[] = [];
  for (const name of model.params.keys()) {
    if (!name.endsWith('.weight')) continue;
    const mod = name.slice(0, -'.weight'.length);
    const last = mod.split('.').pop()!;
    if (targets.includes(last) && mod.startsWith('model.layers.')) out.push(mod);
  }
  return out;
}

/** Attaches fresh adapters (A ~ PEFT's kaiming-uniform, B = 0), freezes the base. */
export function attachLora(model: LlamaModel, cfg: Partial<LoraConfig> = {}, seed = 0): AdapterSet {
  const c: LoraConfig = { ...DEFAULT_LORA, ...cfg, target_modules: expandTargets(cfg.target_modules ?? DEFAULT_LORA.target_modules) };
  validate(c);
  model.setRequiresGrad(false);
  const r = mulberry(seed ^ 0x5eed);
  const modules = new Map<string, LoraModule>();
  for (const mod of targetModuleNames(model, c.target_modules)) {
    const w = model.params.get(mod + '.weight')!;
    const [outF, inF] = w.shape;
    const bound = 1 / Math.sqrt(inF);
    const A = Tensor.zeros([c.r, inF], true);
    for (let i = 0; i < A.size; i++) A.data[i] = (2 * r() - 1) * bound;
    const B = Tensor.zeros([outF, c.r], true);
    modules.set(mod, { A, B, scale: loraScale(c), dropout: c.lora_dropout });
  }
  const set: AdapterSet = { modules, enabled: true, rand: mulberry(seed ^ 0xd0) };
  model.adapters = set;
  (model as { loraConfig?: LoraConfig }).loraConfig = c;
  return set;
}

export function loraParams(set: AdapterSet): Tensor[] {
  const out: Tensor[] = [];
  for (const m of set.modules.values()) out.push(m.A, m.B);
  return out;
}

export function getLoraConfig(model: LlamaModel): LoraConfig | undefined {
  return (model as { loraConfig?: LoraConfig }).loraConfig;
}

/** Writes adapter_config.json + adapter_model.safetensors (PEFT layout). */
export function saveAdapter(dir: string, model: LlamaModel, baseModelNameOrPath = '', dtype: DType = 'F32'): void {
  const set = model.adapters, c = getLoraConfig(model);
  if (!set || !c) throw new Error('saveAdapter: the model has no LoRA adapters');
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [mod, m] of set.modules) {
    tensors[`base_model.model.${mod}.lora_A.weight`] = { shape: m.A.shape, data: m.A.data };
    tensors[`base_model.model.${mod}.lora_B.weight`] = { shape: m.B.shape, data: m.B.data };
  }
  writeSafetensors(join(dir, 'adapter_model.safetensors'), tensors, dtype);
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: baseModelNameOrPath,
    r: c.r,
    lora_alpha: c.lora_alpha,
    lora_dropout: c.lora_dropout,
    target_modules: c.target_modules,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    use_rslora: c.use_rslora ?? false,
    use_dora: false,
    modules_to_save: null,
    layers_to_transform: null,
    layers_pattern: null,
    rank_pattern: {},
    alpha_pattern: {},
    revision: null,
  };
  writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify(config, null, 2) + '\n');
}

/** Loads a PEFT LoRA adapter folder onto the model (replacing any adapters). */
export function loadAdapter(dir: string, model: LlamaModel): AdapterSet {
  const cfgPath = join(dir, 'adapter_config.json');
  if (!existsSync(cfgPath)) throw new Error(`${dir}: no adapter_config.json`);
  const raw = JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>;
  if (raw.peft_type !== 'LORA') throw new Error(`${cfgPath}: unsupported peft_type ${String(raw.peft_type)} (only LORA)`);
  const targets = expandTargets((raw.target_modules as string[] | string) ?? DEFAULT_LORA.target_modules);
  const c: LoraConfig = {
    r: Number(raw.r), lora_alpha: Number(raw.lora_alpha), lora_dropout: Number(raw.lora_dropout ?? 0),
    target_modules: targets, use_rslora: raw.use_rslora === true,
  };
  validate(c);
  const st = readSafetensors(join(dir, 'adapter_model.safetensors')).tensors;
  const modules = new Map<string, LoraModule>();
  model.setRequiresGrad(false);
  for (const mod of targetModuleNames(model, c.target_modules)) {
    const a = st.get(`base_model.model.${mod}.lora_A.weight`), b = st.get(`base_model.model.${mod}.lora_B.weight`);
    if (!a || !b) throw new Error(`${dir}: adapter has no lora_A/lora_B for ${mod}`);
    modules.set(mod, { A: new Tensor(a.data, a.shape, true), B: new Tensor(b.data, b.shape, true), scale: loraScale(c), dropout: c.lora_dropout });
  }
  const set: AdapterSet = { modules, enabled: true, rand: mulberry(1) };
  model.adapters = set;
  (model as { loraConfig?: LoraConfig }).loraConfig = c;
  return set;
}

/** Folds the adapters into the base weights (W += scale * B A) and removes them. */
export function mergeLora(model: LlamaModel): void {
  const set = model.adapters;
  if (!set) return;
  for (const [mod, m] of set.modules) {
    const w = model.params.get(mod + '.weight')!;
    const [outF, inF] = w.shape, r = m.A.shape[0];
    K.sgemm(0, 0, outF, inF, r, m.scale, m.B.data, 0, r, m.A.data, 0, inF, 1, w.data, 0, inF);
  }
  model.adapters = null;
  (model as { loraConfig?: LoraConfig }).loraConfig = undefined;
}

/** Writes a full Hugging Face model folder (config.json + model.safetensors). */
export function saveModel(dir: string, model: LlamaModel, dtype: DType = 'F32'): void {
  mkdirSync(dir, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of model.params) {
    if (name === 'lm_head.weight' && model.config.tie_word_embeddings) continue;
    tensors[name] = { shape: t.shape, data: t.data };
  }
  writeSafetensors(join(dir, 'model.safetensors'), tensors, dtype);
  const cfg = { ...model.config, torch_dtype: dtype === 'F32' ? 'float32' : dtype === 'BF16' ? 'bfloat16' : 'float16' };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg, null, 2) + '\n');
}
