/**
 * DPO: loss = -log sigmoid(beta * ((pi_c - pi_r) - (ref_c - ref_r))) with sequence log-probs
 * of the answers. The reference is the frozen base (LoRA: adapters off; full fine-tuning: the
 * weights before training), computed once before training.
 */
import type { DpoExample } from '../data/datasets.js';
import type { LlamaModel } from '../model/llama.js';
import type { TextTokenizer } from '../model/tokenizer.js';
import * as ops from '../tensor/ops.js';
import { backward, noGrad, withArena } from '../tensor/tensor.js';
import { packBatch, runLoop, trainableParams, type TrainHooks, type TrainResult } from './common.js';
import type { Hyperparameters } from './hyperparams.js';

export interface DpoTokenized { chosen: { ids: number[]; mask: number[] }; rejected: { ids: number[]; mask: number[] } }

export function tokenizeDpo(tok: TextTokenizer, ex: DpoExample[], maxLen: number): DpoTokenized[] {
  const one = (e: DpoExample, answer: string) => {
    const { ids, assistantMask } = tok.encodeChat([...e.prompt, { role: 'assistant', content: answer }]);
    return { ids: ids.slice(0, maxLen), mask: assistantMask.slice(0, maxLen) };
  };
  return ex.map((e) => ({ chosen: one(e, e.chosen), rejected: one(e, e.rejected) }));
}

/** Sequence log-probs [2n] (chosen_0, rejected_0, chosen_1, ...) as a tensor (grad if enabled). */
function seqLogps(model: LlamaModel, pairs: DpoTokenized[], padId: number) {
  const seqs = pairs.flatMap((p) => [p.chosen, p.rejected]);
  const b = packBatch(seqs, padId, model.config.max_position_embeddings);
  const lp = ops.tokenLogprobs(model.forward(b.ids, b.B, b.T), b.targets);
  return { logps: ops.segmentSum(lp, b.seqOfRow, seqs.length), tokens: b.tokens };
}

/** Per pair: policy margin log p(chosen) - log p(rejected) (no grad). */
export function preferenceMargins(model: LlamaModel, data: DpoTokenized[], padId: number, batch = 8): number[] {
  const out: number[] = [];
  const wasTraining = model.training;
  model.training = false;
  try {
    for (let i = 0; i < data.length; i += batch) {
      withArena(() => noGrad(() => {
        const { logps } = seqLogps(model, data.slice(i, i + batch), padId);
        for (let k = 0; k < logps.size; k += 2) out.push(logps.data[k] - logps.data[k + 1]);
      }));
    }
  } finally {
    model.training = wasTraining;
  }
  return out;
}

/** Fraction of pairs whose chosen answer the model prefers (higher sequence log-prob). */
export function preferenceAccuracy(model: LlamaModel, data: DpoTokenized[], padId: number): number {
  const m = preferenceMargins(model, data, padId);
  return m.filter((v) => v > 0).length / Math.max(1, m.length);
}

export async function trainDpo(model: LlamaModel, tok: TextTokenizer, examples: DpoExample[], hp: Hyperparameters,
  hooks: TrainHooks = {}): Promise<TrainResult> {
  const data = tokenizeDpo(tok, examples, Math.min(hp.maxSeqLength, model.config.max_position_embeddings));
  // reference margins from the frozen base
  trainableParams(model, hp); // attach adapters first so "adapters off" is the base
  const prevEnabled = model.adapters?.enabled;
  if (model.adapters) model.adapters.enabled = false;
  const refMargins = preferenceMargins(model, data, tok.padId);
  if (model.adapters) model.adapters.enabled = prevEnabled ?? true;
  const beta = hp.beta;
  return runLoop(model, data.length, hp, hooks, (idx, w) => withArena(() => {
    const { logps, tokens } = seqLogps(model, idx.map((i) => data[i]), tok.padId);
    const n = idx.length;
    // margins_k = logp(chosen_k) - logp(rejected_k)
    const pairIdx = new Int32Array(2 * n), sign = new Float32Array(2 * n);
    for (let k = 0; k < n; k++) { pairIdx[2 * k] = k; pairIdx[2 * k + 1] = k; sign[2 * k] = 1; sign[2 * k + 1] = -1; }
    const margins = ops.segmentSum(logps, pairIdx, n, sign);
    const ref = idx.map((i) => refMargins[i]);
    const losses = ops.map(margins, (v, k) => -ops.logSigmoid(beta * (v - ref[k])), (v, _y, k) => -beta * (1 - ops.sigmoid(beta * (v - ref[k]))));
    const loss = ops.weightedSum(losses, new Array(n).fill(1 / n));
    backward(loss, w);
    let acc = 0, rew = 0;
    for (let k = 0; k < n; k++) { const z = margins.data[k] - ref[k]; if (z > 0) acc++; rew += beta * z; }
    return { loss: loss.item(), tokens, metrics: { rewards_accuracy: acc / n, rewards_margin: rew / n } };
  }));
}
