/**
 * Rewards for RLVR / custom scoring. A reward function follows the documented Lambda contract
 * (SAGEMAKER-SEMANTICS §3.9): input an array of {id, messages, reference_answer?}; output an
 * array of {id, aggregate_reward_score, metrics_list?}, either directly (Nova style) or wrapped
 * as {statusCode: 200, body: JSON.stringify(array)} (open-weight style).
 */
import type { ChatMessage } from '../model/tokenizer.js';
import type { LlamaModel } from '../model/llama.js';
import type { TextTokenizer } from '../model/tokenizer.js';
import { noGrad, withArena } from '../tensor/tensor.js';

export interface RewardSample {
  id: string;
  messages: ChatMessage[];
  reference_answer?: string;
}

export interface RewardResult {
  id: string;
  aggregate_reward_score: number;
  metrics_list?: Array<{ name: string; value: number; type: 'Metric' | 'Reward' }>;
}

export type RewardFunction = (samples: RewardSample[]) => unknown | Promise<unknown>;

/** Validates a reward function's output against the contract; returns score per id. */
export function parseRewardOutput(out: unknown, ids: string[]): Map<string, RewardResult> {
  let arr = out;
  if (arr && typeof arr === 'object' && !Array.isArray(arr) && 'body' in arr) {
    const o = arr as { statusCode?: number; body: unknown };
    if (o.statusCode !== undefined && o.statusCode !== 200) throw new Error(`reward function returned statusCode ${o.statusCode}`);
    try {
      arr = typeof o.body === 'string' ? JSON.parse(o.body) : o.body;
    } catch (e) {
      throw new Error(`reward function body is not JSON (${(e as Error).message})`);
    }
  }
  if (!Array.isArray(arr)) throw new Error('reward function must return an array of {id, aggregate_reward_score} (or {statusCode, body})');
  const m = new Map<string, RewardResult>();
  for (const [i, r] of arr.entries()) {
    if (!r || typeof r !== 'object') throw new Error(`reward function output [${i}] is not an object`);
    const { id, aggregate_reward_score: s } = r as RewardResult;
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new Error(`reward function output [${i}] has no numeric aggregate_reward_score`);
    m.set(String(id), r as RewardResult);
  }
  for (const id of ids) if (!m.has(id)) throw new Error(`reward function returned no score for sample id ${id}`);
  return m;
}

function normalizeAnswer(s: string): string {
  return s.trim().replace(/[.\s]+$/, '').replace(/,/g, '').toLowerCase();
}

/** The number a response ends on: after '####' if present (gsm8k), else the last number. */
export function extractFinalNumber(s: string): string | null {
  const h = /####\s*(-?[\d,]*\.?\d+)/.exec(s);
  if (h) return h[1].replace(/,/g, '');
  const all = s.match(/-?\d[\d,]*\.?\d*/g);
  return all ? all[all.length - 1].replace(/,/g, '').replace(/\.$/, '') : null;
}

/** Preset verifiable rewards: exact_match (default) and gsm8k (final number). */
export function presetReward(name = 'exact_match'): RewardFunction {
  const n = name.toLowerCase();
  if (n !== 'exact_match' && n !== 'gsm8k' && n !== 'math') throw new Error(`unknown preset_reward_function "${name}" (exact_match, gsm8k)`);
  return (samples: RewardSample[]) => samples.map((s) => {
    const resp = [...s.messages].reverse().find((m) => m.role === 'assistant')?.content ?? '';
    const ref = s.reference_answer ?? '';
    let ok: boolean;
    if (n === 'exact_match') ok = normalizeAnswer(resp) === normalizeAnswer(ref);
    else { const a = extractFinalNumber(resp), b = extractFinalNumber(ref) ?? ref.trim(); ok = a !== null && Number(a) === Number(b); }
    return { id: s.id, aggregate_reward_score: ok ? 1 : 0, metrics_list: [{ name: 'accuracy', value: ok ? 1 : 0, type: 'Metric' as const }] };
  });
}

export const DEFAULT_JUDGE_TEMPLATE =
  'Question: {prompt}\nAnswer: {response}\nIs the answer correct and helpful? Reply yes or no.';

/**
 * RLAIF / LLM-as-a-judge: the judge model reads the template (placeholders {prompt},
 * {response}, {reference}) as a user turn and the score is P(yes) / (P(yes) + P(no)) of its
 * first answer token.
 */
export function judgeReward(judge: LlamaModel, tok: TextTokenizer, template = DEFAULT_JUDGE_TEMPLATE): RewardFunction {
  const first = (w: string) => {
    const ids = tok.encode(w);
    if (!ids.length) throw new Error(`judge tokenizer cannot encode "${w}"`);
    return ids[0];
  };
  const yes = [first('yes'), first('Yes')], no = [first('no'), first('No')];
  return (samples: RewardSample[]) => samples.map((s) => {
    const prompt = s.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const response = [...s.messages].reverse().find((m) => m.role === 'assistant')?.content ?? '';
    const text = template.replaceAll('{prompt}', prompt).replaceAll('{response}', response).replaceAll('{reference}', s.reference_answer ?? '');
    let ids = tok.encode(tok.applyChatTemplate([{ role: 'user', content: text }], true));
    const maxPos = judge.config.max_position_embeddings;
    if (ids.length > maxPos) ids = ids.slice(ids.length - maxPos);
    const score = withArena(() => noGrad(() => {
      const cache = judge.newCache(1, ids.length);
      const lg = judge.step(Int32Array.from(ids), ids.length, cache).data;
      let mx = -Infinity;
      for (const i of [...yes, ...no]) mx = Math.max(mx, lg[i]);
      const py = yes.reduce((a, i) => a + Math.exp(lg[i] - mx), 0), pn = no.reduce((a, i) => a + Math.exp(lg[i] - mx), 0);
      return py / (py + pn);
    }));
    return { id: s.id, aggregate_reward_score: score, metrics_list: [{ name: 'judge_score', value: score, type: 'Reward' as const }] };
  });
}
