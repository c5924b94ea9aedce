/**
 * Datasets per technique (SAGEMAKER-SEMANTICS §3.9): JSONL parsing and validation with errors
 * that name the file and line, normalised to one shape per technique.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from '../model/tokenizer.js';

export type Technique = 'SFT' | 'DPO' | 'RLVR' | 'RLAIF';

export class DatasetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetError';
  }
}

export interface Row {
  file?: string;
  line: number;
  value: Record<string, unknown>;
}

/** Parses JSONL text; blank lines are skipped. */
export function parseJsonl(text: string, file = 'dataset.jsonl'): Row[] {
  const rows: Row[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (e) {
      throw new DatasetError(`${file} line ${i + 1}: malformed JSON (${(e as Error).message})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DatasetError(`${file} line ${i + 1}: expected a JSON object per line`);
    rows.push({ file, line: i + 1, value: v as Record<string, unknown> });
  }
  return rows;
}

/** Reads a .jsonl/.json file, or every such file of a folder (sorted), into rows tagged by file. */
export function readRows(path: string): Array<Row & { file: string }> {
  const st = statSync(path);
  const files = st.isDirectory()
    ? readdirSync(path).filter((f) => /\.(jsonl|json)$/i.test(f)).sort().map((f) => join(path, f))
    : [path];
  if (!files.length) throw new DatasetError(`${path}: no .jsonl or .json files`);
  const out: Array<Row & { file: string }> = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const t = text.trimStart();
    if (f.toLowerCase().endsWith('.json') && t.startsWith('[')) {
      let arr: unknown;
      try { arr = JSON.parse(text); } catch (e) { throw new DatasetError(`${f}: malformed JSON (${(e as Error).message})`); }
      (arr as unknown[]).forEach((v, i) => {
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DatasetError(`${f} item ${i + 1}: expected a JSON object`);
        out.push({ file: f, line: i + 1, value: v as Record<string, unknown> });
      });
    } else for (const r of parseJsonl(text, f)) out.push({ ...r, file: f });
  }
  return out;
}

export interface SftExample { messages: ChatMessage[] }
export interface DpoExample { prompt: ChatMessage[]; chosen: string; rejected: string }
export interface RlvrExample { prompt: ChatMessage[]; groundTruth: string; style: string; dataSource?: string }
export interface RlaifExample { prompt: ChatMessage[]; reference?: string }

const where = (r: { file?: string; line: number }) => `${r.file ?? 'dataset'} line ${r.line}`;

function messagesOf(v: unknown, ctx: string, field: string): ChatMessage[] {
  if (!Array.isArray(v) || !v.length) throw new DatasetError(`${ctx}: "${field}" must be a non-empty list of messages`);
  return v.map((m, i) => {
    if (!m || typeof m !== 'object') throw new DatasetError(`${ctx}: ${field}[${i}] is not a message object`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (role !== 'system' && role !== 'user' && role !== 'assistant') throw new DatasetError(`${ctx}: ${field}[${i}].role must be system, user or assistant (got ${JSON.stringify(role)})`);
    let text: string;
    if (typeof content === 'string') text = content;
    else if (Array.isArray(content) && content.every((c) => c && typeof c === 'object' && typeof (c as { text?: unknown }).text === 'string')) text = content.map((c) => (c as { text: string }).text).join('');
    else throw new DatasetError(`${ctx}: ${field}[${i}].content must be a string`);
    if (role === 'system' && i !== 0) throw new DatasetError(`${ctx}: ${field}[${i}]: a system message may only come first`);
    return { role, content: text };
  });
}

function promptOf(value: Record<string, unknown>, ctx: string): ChatMessage[] {
  const p = value.prompt ?? value.input;
  const sys = typeof value.system === 'string' ? [{ role: 'system', content: value.system }] : [];
  if (typeof p === 'string') return [...sys, { role: 'user', content: p }];
  if (Array.isArray(p)) return [...sys, ...messagesOf(p, ctx, 'prompt')];
  throw new DatasetError(`${ctx}: missing "prompt" (a string or a list of messages)`);
}

function textOf(v: unknown, ctx: string, field: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const ms = messagesOf(v, ctx, field);
    const last = ms[ms.length - 1];
    if (last.role !== 'assistant') throw new DatasetError(`${ctx}: "${field}" must end with an assistant message`);
    return last.content;
  }
  throw new DatasetError(`${ctx}: missing "${field}" (a string or a list of messages)`);
}

export function toSft(r: Row & { file?: string }): SftExample {
  const ctx = where(r), v = r.value;
  if ('chosen' in v) throw new DatasetError(`${ctx}: this looks like DPO data (chosen/rejected); SFT needs "messages" or "prompt"/"completion"`);
  if ('messages' in v) {
    const ms = messagesOf(v.messages, ctx, 'messages');
    if (!ms.some((m) => m.role === 'assistant')) throw new DatasetError(`${ctx}: "messages" has no assistant message to train on`);
    return { messages: ms };
  }
  if ('prompt' in v || 'completion' in v) {
    if (typeof v.prompt !== 'string') throw new DatasetError(`${ctx}: "prompt" must be a string`);
    if (typeof v.completion !== 'string') throw new DatasetError(`${ctx}: "completion" must be a string`);
    const sys: ChatMessage[] = typeof v.system === 'string' ? [{ role: 'system', content: v.system }] : [];
    return { messages: [...sys, { role: 'user', content: v.prompt }, { role: 'assistant', content: v.completion }] };
  }
  throw new DatasetError(`${ctx}: SFT records need "messages" or "prompt" and "completion"`);
}

export function toDpo(r: Row & { file?: string }): DpoExample {
  const ctx = where(r), v = r.value;
  if (!('chosen' in v) || !('rejected' in v)) {
    if ('messages' in v || 'completion' in v) throw new DatasetError(`${ctx}: this looks like SFT data; DPO needs "chosen" and "rejected"`);
    throw new DatasetError(`${ctx}: DPO records need "chosen" and "rejected"`);
  }
  if (Array.isArray(v.chosen) && Array.isArray(v.rejected) && !('prompt' in v) && !('input' in v)) {
    const c = messagesOf(v.chosen, ctx, 'chosen'), j = messagesOf(v.rejected, ctx, 'rejected');
    if (c[c.length - 1].role !== 'assistant' || j[j.length - 1].role !== 'assistant') throw new DatasetError(`${ctx}: "chosen" and "rejected" must end with an assistant message`);
    const pc = c.slice(0, -1), pj = j.slice(0, -1);
    if (JSON.stringify(pc) !== JSON.stringify(pj)) throw new DatasetError(`${ctx}: "chosen" and "rejected" must share the same prompt (and system message)`);
    if (!pc.length) throw new DatasetError(`${ctx}: "chosen" has no prompt before the assistant answer`);
    return { prompt: pc, chosen: c[c.length - 1].content, rejected: j[j.length - 1].content };
  }
  const prompt = promptOf(v, ctx);
  return { prompt, chosen: textOf(v.chosen, ctx, 'chosen'), rejected: textOf(v.rejected, ctx, 'rejected') };
}

export function toRlvr(r: Row & { file?: string }): RlvrExample {
  const ctx = where(r), v = r.value;
  if (!('prompt' in v)) throw new DatasetError(`${ctx}: RLVR records need "prompt"`);
  const rm = v.reward_model as { ground_truth?: unknown; style?: unknown } | undefined;
  if (!rm || typeof rm !== 'object') throw new DatasetError(`${ctx}: RLVR records need "reward_model" with "style" and "ground_truth"`);
  if (rm.ground_truth === undefined || rm.ground_truth === null) throw new DatasetError(`${ctx}: missing "reward_model.ground_truth"`);
  if (typeof rm.style !== 'string') throw new DatasetError(`${ctx}: missing "reward_model.style" (e.g. "rule")`);
  return {
    prompt: promptOf(v, ctx),
    groundTruth: typeof rm.ground_truth === 'string' ? rm.ground_truth : JSON.stringify(rm.ground_truth),
    style: rm.style,
    dataSource: typeof v.data_source === 'string' ? v.data_source : undefined,
  };
}

export function toRlaif(r: Row & { file?: string }): RlaifExample {
  const ctx = where(r), v = r.value;
  const rm = v.reward_model as { ground_truth?: unknown } | undefined;
  return { prompt: promptOf(v, ctx), reference: rm && typeof rm.ground_truth === 'string' ? rm.ground_truth : undefined };
}

export function parseDataset<T extends Technique>(technique: T, rows: Array<Row & { file?: string }>, minRows = 1):
  T extends 'SFT' ? SftExample[] : T extends 'DPO' ? DpoExample[] : T extends 'RLVR' ? RlvrExample[] : RlaifExample[] {
  if (rows.length < minRows) {
    const f = rows[0]?.file ? ` in ${rows[0].file}` : '';
    throw new DatasetError(`${technique} needs at least ${minRows} training rows, found ${rows.length}${f}`);
  }
  const conv = { SFT: toSft, DPO: toDpo, RLVR: toRlvr, RLAIF: toRlaif }[technique];
  if (!conv) throw new DatasetError(`unknown customization technique ${technique}`);
  return rows.map((r) => conv(r)) as never;
}
