/** Supervised fine-tuning: loss on assistant / completion tokens only. */
import type { SftExample } from '../data/datasets.js';
import type { LlamaModel } from '../model/llama.js';
import type { TextTokenizer } from '../model/tokenizer.js';
import * as ops from '../tensor/ops.js';
import { backward, noGrad, withArena } from '../tensor/tensor.js';
import { packBatch, runLoop, type TrainHooks, type TrainResult } from './common.js';
import type { Hyperparameters } from './hyperparams.js';

export interface Tokenized {
  ids: number[];
  mask: number[];
}

export function tokenizeSft(tok: TextTokenizer, examples: SftExample[], maxLen: number): Tokenized[] {
  return examples.map((e) => {
    const { ids, assistantMask } = tok.encodeChat(e.messages);
    return { ids: ids.slice(0, maxLen), mask: assistantMask.slice(0, maxLen) };
  });
}

export async function trainSft(model: LlamaModel, tok: TextTokenizer, examples: SftExample[], hp: Hyperparameters,
  hooks: TrainHooks = {}): Promise<TrainResult> {
  const data = tokenizeSft(tok, examples, Math.min(hp.maxSeqLength, model.config.max_position_embeddings));
  return runLoop(model, data.length, hp, hooks, (idx, w) => withArena(() => {
    const b = packBatch(idx.map((i) => data[i]), tok.padId, model.config.max_position_embeddings);
    const loss = ops.crossEntropy(model.forward(b.ids, b.B, b.T), b.targets);
    backward(loss, w);
    return { loss: loss.item(), tokens: b.tokens };
  }));
}

/** Mean token cross-entropy on the trained tokens of examples (no grad). */
export function evalLoss(model: LlamaModel, data: Tokenized[], padId: number, batch = 8): number {
  let sum = 0, count = 0;
  const wasTraining = model.training;
  model.training = false;
  try {
    for (let i = 0; i < data.length; i += batch) {
      withArena(() => noGrad(() => {
        const b = packBatch(data.slice(i, i + batch), padId, model.config.max_position_embeddings);
        const lp = ops.tokenLogprobs(model.forward(b.ids, b.B, b.T), b.targets);
        for (let r = 0; r < b.targets.length; r++) if (b.targets[r] !== -100) { sum -= lp.data[r]; count++; }
      }));
    }
  } finally {
    model.training = wasTraining;
  }
  return count ? sum / count : 0;
}
