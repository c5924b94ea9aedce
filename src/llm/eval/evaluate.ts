/**
 * Evaluation (SAGEMAKER-SEMANTICS §3.10): benchmark accuracy / exact match, custom scorer
 * (reward function over generations) and LLM-as-a-judge, each writing a results JSON, plus
 * inference_output.jsonl.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../model/tokenizer.js';
import type { LlamaModel } from '../model/llama.js';
import type { TextTokenizer } from '../model/tokenizer.js';
import { generate } from '../generate.js';
import { extractFinalNumber, parseRewardOutput, type RewardFunction, type RewardSample } from '../train/rewards.js';

export interface EvalItem { prompt: ChatMessage[]; reference?: string }

export interface Generation { id: string; prompt: ChatMessage[]; response: string; reference?: string; tokens: number }

export interface EvalOptions {
  maxNewTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Called after each item: (done, total, tokens so far). */
  onProgress?: (done: number, total: number, tokens: number) => void;
}

/** Greedy (or sampled) generations for each item; tokens = prompt + completion tokens. */
export function runInference(model: LlamaModel, tok: TextTokenizer, items: EvalItem[], o: EvalOptions = {}): Generation[] {
  const out: Generation[] = [];
  let tokens = 0;
  items.forEach((it, i) => {
    const ids = tok.encode(tok.applyChatTemplate(it.prompt, true));
    const g = generate(model, ids, { maxNewTokens: o.maxNewTokens ?? 64, temperature: o.temperature ?? 0, topP: o.topP ?? 1, seed: (o.seed ?? 0) + i, eosIds: tok.eosIds })[0];
    tokens += ids.length + g.length;
    out.push({ id: String(i), prompt: it.prompt, response: tok.decode(g), reference: it.reference, tokens: ids.length + g.length });
    o.onProgress?.(i + 1, items.length, tokens);
  });
  return out;
}

function norm(s: string): string {
  return s.trim().replace(/[.\s]+$/, '').toLowerCase();
}

export interface EvalReport { results: Record<string, Record<string, number>>; generations: Generation[]; tokens: number }

/** Benchmark: exact match and (numeric) accuracy of responses against references. */
export function benchmarkEval(model: LlamaModel, tok: TextTokenizer, items: EvalItem[], o: EvalOptions = {}): EvalReport {
  const gens = runInference(model, tok, items, o);
  let em = 0, acc = 0;
  for (const g of gens) {
    const ref = g.reference ?? '';
    if (norm(g.response) === norm(ref)) em++;
    const a = extractFinalNumber(g.response), b = extractFinalNumber(ref);
    if ((a !== null && b !== null && Number(a) === Number(b)) || norm(g.response) === norm(ref)) acc++;
  }
  const n = Math.max(1, gens.length);
  return { results: { all: { exact_match: em / n, accuracy: acc / n, num_samples: gens.length } }, generations: gens, tokens: gens.reduce((a, g) => a + g.tokens, 0) };
}

/** Custom scorer: a reward function (Lambda contract) over the generations. */
export async function customScorerEval(model: LlamaModel, tok: TextTokenizer, items: EvalItem[], reward: RewardFunction,
  name = 'custom', o: EvalOptions = {}): Promise<EvalReport> {
  const gens = runInference(model, tok, items, o);
  const samples: RewardSample[] = gens.map((g) => ({ id: g.id, messages: [...g.prompt, { role: 'assistant', content: g.response }], ...(g.reference !== undefined ? { reference_answer: g.reference } : {}) }));
  const scores = parseRewardOutput(await reward(samples), samples.map((s) => s.id));
  const metrics: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let total = 0;
  for (const s of samples) {
    const r = scores.get(s.id)!;
    total += r.aggregate_reward_score;
    for (const m of r.metrics_list ?? []) { metrics[m.name] = (metrics[m.name] ?? 0) + m.value; counts[m.name] = (counts[m.name] ?? 0) + 1; }
  }
  const n = Math.max(1, samples.length);
  const task: Record<string, number> = { aggregate_reward_score: total / n, num_samples: samples.length };
  for (const k of Object.keys(metrics)) task[k] = metrics[k] / counts[k];
  return { results: { [`custom|${name}|0`]: task, all: task }, generations: gens, tokens: gens.reduce((a, g) => a + g.tokens, 0) };
}

/** LLM-as-a-judge: the judge reward (see judgeReward) over the generations. */
export async function llmJudgeEval(model: LlamaModel, tok: TextTokenizer, items: EvalItem[], judge: RewardFunction,
  o: EvalOptions = {}): Promise<EvalReport> {
  const r = await customScorerEval(model, tok, items, judge, 'llm_judge', o);
  const all = r.results.all;
  return { ...r, results: { all: { judge_score: all.aggregate_reward_score, num_samples: all.num_samples } } };
}

/** Writes results_<timestamp>.json and inference_output.jsonl into dir (eval_results layout). */
export function writeEvalOutputs(dir: string, report: EvalReport, resultsFile?: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, resultsFile ?? `results_${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ results: report.results }, null, 2) + '\n');
  writeFileSync(join(dir, 'inference_output.jsonl'), report.generations.map((g) => JSON.stringify({
    id: g.id, prompt: g.prompt, inference: g.response, ...(g.reference !== undefined ? { gold: g.reference } : {}),
  })).join('\n') + (report.generations.length ? '\n' : ''));
  return file;
}
