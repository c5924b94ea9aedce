/**
 * GRPO-style policy optimisation, used by RLVR (verifiable rewards) and RLAIF (judge rewards):
 * per prompt a group of sampled completions, group-relative advantages (r - mean) / (std + eps),
 * loss = mean over sequences of mean over their tokens of -A * log pi(token)
 *        + klCoef * KL(pi || ref) (k3 estimator), the reference being the frozen base.
 * One policy update per generation batch (on-policy, so the PPO ratio is 1).
 */
import type { ChatMessage } from '../model/tokenizer.js';
import type { LlamaModel } from '../model/llama.js';
import { mulberry } from '../model/llama.js';
import type { TextTokenizer } from '../model/tokenizer.js';
import { generate } from '../generate.js';
import * as ops from '../tensor/ops.js';
import { backward, noGrad, withArena } from '../tensor/tensor.js';
import { packBatch, runLoop, trainableParams, type TrainHooks, type TrainResult } from './common.js';
import type { Hyperparameters } from './hyperparams.js';
import { parseRewardOutput, type RewardFunction, type RewardSample } from './rewards.js';

export interface GrpoExample { prompt: ChatMessage[]; reference?: string }

export async function trainGrpo(model: LlamaModel, tok: TextTokenizer, examples: GrpoExample[], reward: RewardFunction,
  hp: Hyperparameters, hooks: TrainHooks = {}): Promise<TrainResult> {
  const maxPos = model.config.max_position_embeddings;
  const prompts = examples.map((e) => tok.encode(tok.applyChatTemplate(e.prompt, true)).slice(-Math.max(1, maxPos - hp.maxNewTokens)));
  const G = hp.numGenerations;
  const rand = mulberry(hp.seed ^ 0x9e37);
  trainableParams(model, hp);
  // full fine-tuning: a frozen copy of the starting weights is the reference
  let refWeights: Map<string, Float32Array> | null = null;
  if (!model.adapters && hp.klCoef > 0) {
    refWeights = new Map();
    for (const [k, t] of model.params) refWeights.set(k, t.data.slice());
  }
  const refLogprobs = (ids: Int32Array, B: number, T: number, targets: Int32Array): Float32Array => noGrad(() => {
    if (model.adapters) {
      model.adapters.enabled = false;
      try { return ops.tokenLogprobs(model.forward(ids, B, T), targets).data.slice(); } finally { model.adapters.enabled = true; }
    }
    const cur = new Map<string, Float32Array>();
    for (const [k, t] of model.params) { cur.set(k, t.data); t.data = refWeights!.get(k)!; }
    try { return ops.tokenLogprobs(model.forward(ids, B, T), targets).data.slice(); } finally { for (const [k, t] of model.params) t.data = cur.get(k)!; }
  });

  return runLoop(model, examples.length, hp, hooks, async (idx, w) => {
    // 1. sample a group per prompt
    const seqs: Array<{ ids: number[]; mask: number[] }> = [];
    const samples: RewardSample[] = [];
    const groupOf: number[] = [];
    for (const [gi, i] of idx.entries()) {
      const outs = generate(model, prompts[i], {
        numReturnSequences: G, maxNewTokens: hp.maxNewTokens, temperature: hp.temperature, topP: hp.topP, eosIds: tok.eosIds, rand,
      });
      for (const [k, o] of outs.entries()) {
        const text = tok.decode(o);
        const ended = o.length < hp.maxNewTokens && tok.eosIds.length > 0;
        const comp = ended ? [...o, tok.eosIds[0]] : o;
        const ids = [...prompts[i], ...comp];
        seqs.push({ ids, mask: ids.map((_, t) => (t >= prompts[i].length ? 1 : 0)) });
        samples.push({ id: `${i}-${k}`, messages: [...examples[i].prompt, { role: 'assistant', content: text }], ...(examples[i].reference !== undefined ? { reference_answer: examples[i].reference } : {}) });
        groupOf.push(gi);
      }
    }
    // 2. rewards and group-relative advantages
    const scores = parseRewardOutput(await reward(samples), samples.map((s) => s.id));
    const r = samples.map((s) => scores.get(s.id)!.aggregate_reward_score);
    const adv = new Array<number>(r.length).fill(0);
    for (let g = 0; g < idx.length; g++) {
      const members = r.map((_, k) => k).filter((k) => groupOf[k] === g);
      const mean = members.reduce((a, k) => a + r[k], 0) / members.length;
      const std = Math.sqrt(members.reduce((a, k) => a + (r[k] - mean) ** 2, 0) / members.length);
      for (const k of members) adv[k] = (r[k] - mean) / (std + 1e-4);
    }
    const meanReward = r.reduce((a, b) => a + b, 0) / r.length;
    // 3. policy gradient step with KL to the reference
    return withArena(() => {
      const b = packBatch(seqs, tok.padId, maxPos);
      const ref = hp.klCoef > 0 ? refLogprobs(b.ids, b.B, b.T, b.targets) : null;
      const lp = ops.tokenLogprobs(model.forward(b.ids, b.B, b.T), b.targets);
      const count = new Array<number>(seqs.length).fill(0);
      for (let t = 0; t < b.seqOfRow.length; t++) if (b.seqOfRow[t] >= 0) count[b.seqOfRow[t]]++;
      const weights = new Float32Array(b.seqOfRow.length);
      for (let t = 0; t < weights.length; t++) { const s = b.seqOfRow[t]; if (s >= 0) weights[t] = 1 / (count[s] * seqs.length); }
      const kl = hp.klCoef;
      let klSum = 0;
      const per = ops.map(lp,
        (v, t) => {
          const s = b.seqOfRow[t];
          if (s < 0) return 0;
          const d = ref ? ref[t] - v : 0;
          const k3 = ref ? Math.exp(d) - d - 1 : 0;
          klSum += k3 * weights[t];
          return -adv[s] * v + kl * k3;
        },
        (v, _y, t) => {
          const s = b.seqOfRow[t];
          if (s < 0) return 0;
          const d = ref ? ref[t] - v : 0;
          return -adv[s] + (ref ? kl * (1 - Math.exp(d)) : 0);
        });
      const loss = ops.weightedSum(per, weights);
      backward(loss, w);
      return { loss: loss.item(), tokens: b.tokens, metrics: { reward_mean: meanReward, kl: klSum } };
    });
  });
}
