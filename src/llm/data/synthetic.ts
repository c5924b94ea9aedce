/**
 * The generated corpus of the built-in base model (arithmetic and templated language) and
 * task datasets in the §3.9 formats drawn from the same generator, for tests and demos.
 */
import { mulberry } from '../model/llama.js';
import type { ChatMessage } from '../model/tokenizer.js';

const ANIMALS = ['cat', 'dog', 'bird', 'fish', 'horse', 'cow', 'fox', 'owl', 'bear', 'frog'];
const COLORS = ['red', 'blue', 'green', 'black', 'white', 'brown', 'gray', 'pink'];
const ADJS = ['happy', 'small', 'big', 'fast', 'slow', 'quiet', 'loud', 'calm'];
const PLACES = ['in the park', 'on the hill', 'by the river', 'in the house', 'at the farm', 'near the lake'];
const VERBS = ['runs', 'sleeps', 'eats', 'plays', 'sits', 'jumps'];

export type Rand = () => number;
const pick = <T>(r: Rand, a: T[]): T => a[Math.floor(r() * a.length)];
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export interface Problem { question: string; answer: string; a: number; b: number; op: '+' | '-' }

export function arithmetic(r: Rand, maxN = 99): Problem {
  const op = r() < 0.6 ? '+' : '-';
  let a = int(r, 0, maxN), b = int(r, 0, maxN);
  if (op === '-' && b > a) [a, b] = [b, a];
  const forms = [`What is ${a}${op}${b}?`, `What is ${a} ${op} ${b}?`, `Compute ${a}${op}${b}.`, `${a}${op}${b}=?`];
  return { question: pick(r, forms), answer: String(op === '+' ? a + b : a - b), a, b, op };
}

export function sentence(r: Rand): string {
  const an = pick(r, ANIMALS);
  const forms = [
    () => `The ${an} is ${pick(r, ADJS)}.`,
    () => `The ${pick(r, COLORS)} ${an} ${pick(r, VERBS)} ${pick(r, PLACES)}.`,
    () => `A ${pick(r, ADJS)} ${an} ${pick(r, VERBS)}.`,
  ];
  return pick(r, forms)();
}

/** Operand range of a pretraining problem: mostly small numbers. */
function pickMax(r: Rand): number {
  const u = r();
  return u < 0.45 ? 9 : u < 0.85 ? 20 : 99;
}

/** One chat conversation of the pretraining mix. */
export function conversation(r: Rand): ChatMessage[] {
  const k = r();
  if (k < 0.7) { const p = arithmetic(r, pickMax(r)); return [{ role: 'user', content: p.question }, { role: 'assistant', content: p.answer }]; }
  if (k < 0.8) {
    const an = pick(r, ANIMALS), c = pick(r, COLORS);
    return [{ role: 'user', content: `Describe a ${c} ${an}.` }, { role: 'assistant', content: `The ${c} ${an} is ${pick(r, ADJS)}.` }];
  }
  if (k < 0.9) {
    const words = Array.from({ length: int(r, 1, 3) }, () => pick(r, [...ANIMALS, ...COLORS]));
    return [{ role: 'user', content: `Repeat: ${words.join(' ')}` }, { role: 'assistant', content: words.join(' ') }];
  }
  return [{ role: 'user', content: 'Tell me something.' }, { role: 'assistant', content: sentence(r) }];
}

/** RLVR rows (verl style) of arithmetic problems. */
export function rlvrRows(n: number, seed: number, maxN = 99): Array<Record<string, unknown>> {
  const r = mulberry(seed);
  return Array.from({ length: n }, () => {
    const p = arithmetic(r, maxN);
    return { data_source: 'sagebox/arithmetic', prompt: [{ role: 'user', content: p.question }], ability: 'math', reward_model: { style: 'rule', ground_truth: p.answer } };
  });
}

/** SFT rows: a new skill, "Double N." -> 2N (messages format, or prompt/completion every other row). */
export function sftRows(n: number, seed: number): Array<Record<string, unknown>> {
  const r = mulberry(seed);
  return Array.from({ length: n }, (_, i) => {
    const a = int(r, 0, 49);
    return i % 2
      ? { prompt: `Double ${a}.`, completion: String(2 * a) }
      : { messages: [{ role: 'user', content: `Double ${a}.` }, { role: 'assistant', content: String(2 * a) }] };
  });
}

/** DPO rows: prefer the correct sum, reject a wrong one. */
export function dpoRows(n: number, seed: number): Array<Record<string, unknown>> {
  const r = mulberry(seed);
  return Array.from({ length: n }, () => {
    const p = arithmetic(r);
    let wrong = Number(p.answer) + pick(r, [-10, -2, -1, 1, 2, 10]);
    if (wrong < 0) wrong = Number(p.answer) + 1;
    return { prompt: [{ role: 'user', content: p.question }], chosen: p.answer, rejected: String(wrong) };
  });
}

/** RLAIF prompts. */
export function rlaifRows(n: number, seed: number): Array<Record<string, unknown>> {
  const r = mulberry(seed);
  return Array.from({ length: n }, () => ({ prompt: [{ role: 'user', content: `Describe a ${pick(r, COLORS)} ${pick(r, ANIMALS)}.` }] }));
}

/**
 * RLVR rows in a phrasing the base model never saw in pretraining ("Add a and b."), single
 * digits; pairs split into train (a*10+b not divisible by 4) and held-out test (divisible by 4).
 */
export function rlvrAddRows(n: number, seed: number, split: 'train' | 'test'): Array<Record<string, unknown>> {
  const r = mulberry(seed);
  const out: Array<Record<string, unknown>> = [];
  while (out.length < n) {
    const a = int(r, 0, 9), b = int(r, 0, 9);
    if (((a * 10 + b) % 4 === 0) !== (split === 'test')) continue;
    out.push({ data_source: 'sagebox/add', prompt: [{ role: 'user', content: `Add ${a} and ${b}.` }], ability: 'math', reward_model: { style: 'rule', ground_truth: String(a + b) } });
  }
  return out;
}

/** DPO rows teaching a style: describe animals as "happy" rather than with another adjective. */
export function dpoStyleRows(n: number, seed: number): Array<Record<string, unknown>> {
  const r = mulberry(seed);
  return Array.from({ length: n }, () => {
    const an = pick(r, ANIMALS), c = pick(r, COLORS);
    const other = pick(r, ADJS.filter((a) => a !== 'happy'));
    return { prompt: [{ role: 'user', content: `Describe a ${c} ${an}.` }], chosen: `The ${c} ${an} is happy.`, rejected: `The ${c} ${an} is ${other}.` };
  });
}
