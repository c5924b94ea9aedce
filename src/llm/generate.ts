/** KV-cached sampling: greedy, temperature, top-k, top-p; several samples per prompt. */
import { type LlamaModel, mulberry } from './model/llama.js';
import { withArena } from './tensor/tensor.js';

export interface GenerateOptions {
  maxNewTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  topK?: number;
  /** Number of samples for the prompt (a batch sharing the prompt). */
  numReturnSequences?: number;
  eosIds?: number[];
  seed?: number;
  rand?: () => number;
}

/** Samples one token id from logits (in place transforms). */
export function sampleToken(logits: Float32Array, o: { temperature: number; topP: number; topK: number }, rand: () => number): number {
  const V = logits.length;
  if (!(o.temperature > 0)) {
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[j] > logits[best]) best = j;
    return best;
  }
  let mx = -Infinity;
  for (let j = 0; j < V; j++) if (logits[j] > mx) mx = logits[j];
  const p = new Float64Array(V);
  let sum = 0;
  for (let j = 0; j < V; j++) { p[j] = Math.exp((logits[j] - mx) / o.temperature); sum += p[j]; }
  for (let j = 0; j < V; j++) p[j] /= sum;
  let candidates: number[] | null = null;
  if ((o.topK > 0 && o.topK < V) || o.topP < 1) {
    const idx = Array.from({ length: V }, (_, j) => j).sort((a, b) => p[b] - p[a]);
    let keep = o.topK > 0 ? Math.min(o.topK, V) : V;
    if (o.topP < 1) {
      let c = 0, n = 0;
      while (n < keep) { c += p[idx[n]]; n++; if (c >= o.topP) break; }
      keep = n;
    }
    candidates = idx.slice(0, keep);
  }
  const ids = candidates ?? null;
  let total = 0;
  if (ids) for (const j of ids) total += p[j];
  else total = 1;
  let u = rand() * total;
  if (ids) {
    for (const j of ids) { u -= p[j]; if (u <= 0) return j; }
    return ids[ids.length - 1];
  }
  for (let j = 0; j < V; j++) { u -= p[j]; if (u <= 0) return j; }
  return V - 1;
}

/** Generates continuations of one prompt; returns the new token ids of each sample (EOS excluded). */
export function generate(model: LlamaModel, promptIds: number[], opts: GenerateOptions = {}): number[][] {
  const n = opts.numReturnSequences ?? 1;
  const maxNew = opts.maxNewTokens ?? 64;
  const eos = new Set(opts.eosIds ?? []);
  const rand = opts.rand ?? mulberry(opts.seed ?? 0);
  const so = { temperature: opts.temperature ?? 0, topP: opts.topP ?? 1, topK: opts.topK ?? 0 };
  if (!promptIds.length) throw new Error('generate: empty prompt');
  const maxPos = model.config.max_position_embeddings;
  if (promptIds.length >= maxPos) promptIds = promptIds.slice(promptIds.length - (maxPos - 1)); // keep the end
  const limit = Math.min(model.config.max_position_embeddings, promptIds.length + maxNew);
  const cache = model.newCache(n, limit);
  const V = model.config.vocab_size;
  const outs: number[][] = Array.from({ length: n }, () => []);
  const done = new Array<boolean>(n).fill(false);
  const wasTraining = model.training;
  model.training = false;
  try {
    const ids = new Int32Array(n * promptIds.length);
    for (let b = 0; b < n; b++) ids.set(promptIds, b * promptIds.length);
    let logits = withArena(() => model.step(ids, promptIds.length, cache).data.slice());
    while (true) {
      const next = new Int32Array(n);
      for (let b = 0; b < n; b++) {
        if (done[b]) continue;
        const t = sampleToken(logits.subarray(b * V, (b + 1) * V), so, rand);
        if (eos.has(t)) done[b] = true;
        else { outs[b].push(t); next[b] = t; }
        if (outs[b].length >= maxNew) done[b] = true;
      }
      if (done.every(Boolean) || cache.length + 1 > limit) break;
      logits = withArena(() => model.step(next, 1, cache).data.slice());
    }
  } finally {
    model.training = wasTraining;
  }
  return outs;
}
