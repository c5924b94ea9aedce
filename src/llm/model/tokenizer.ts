/**
 * Tokenizer of a Hugging Face folder: tokenizer.json through @huggingface/tokenizers, and the
 * chat template of tokenizer_config.json through @huggingface/jinja.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { Template } from '@huggingface/jinja';

export interface ChatMessage {
  role: string;
  content: string;
}

/** ChatML, used when a tokenizer has tokens for it but no chat_template. */
export const CHATML_TEMPLATE =
  "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

export class TextTokenizer {
  private readonly tok: Tokenizer;
  private readonly template: Template | null;
  readonly config: Record<string, unknown>;
  readonly eosIds: number[];
  readonly bosId: number | null;
  readonly padId: number;
  readonly vocabSize: number;

  constructor(tokenizerJson: object, tokenizerConfig: Record<string, unknown> = {}, eosFromModel?: number | number[] | null) {
    this.tok = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.config = tokenizerConfig;
    const tmpl = tokenizerConfig.chat_template;
    const tmplStr = typeof tmpl === 'string' ? tmpl : Array.isArray(tmpl) ? (tmpl as Array<{ name: string; template: string }>).find((t) => t.name === 'default')?.template : undefined;
    this.template = tmplStr ? new Template(tmplStr) : this.tok.token_to_id('<|im_start|>') !== undefined ? new Template(CHATML_TEMPLATE) : null;
    const tokId = (v: unknown): number | undefined => {
      const s = typeof v === 'string' ? v : v && typeof v === 'object' && 'content' in v ? String((v as { content: string }).content) : undefined;
      return s === undefined ? undefined : this.tok.token_to_id(s);
    };
    const eos = new Set<number>();
    const e1 = tokId(tokenizerConfig.eos_token);
    if (e1 !== undefined) eos.add(e1);
    if (typeof eosFromModel === 'number') eos.add(eosFromModel);
    if (Array.isArray(eosFromModel)) for (const e of eosFromModel) eos.add(e);
    const imEnd = this.tok.token_to_id('<|im_end|>');
    if (imEnd !== undefined && this.template) eos.add(imEnd);
    this.eosIds = [...eos];
    this.bosId = tokId(tokenizerConfig.bos_token) ?? null;
    this.padId = tokId(tokenizerConfig.pad_token) ?? this.eosIds[0] ?? 0;
    this.vocabSize = this.tok.get_vocab(true).size;
  }

  static load(dir: string, eosFromModel?: number | number[] | null): TextTokenizer {
    const tj = join(dir, 'tokenizer.json');
    if (!existsSync(tj)) throw new Error(`${dir}: no tokenizer.json`);
    let json: object, cfg: Record<string, unknown> = {};
    try {
      json = JSON.parse(readFileSync(tj, 'utf8'));
    } catch (e) {
      throw new Error(`${tj}: invalid JSON (${(e as Error).message})`);
    }
    const tc = join(dir, 'tokenizer_config.json');
    if (existsSync(tc)) cfg = JSON.parse(readFileSync(tc, 'utf8'));
    const ct = join(dir, 'chat_template.jinja');
    if (!cfg.chat_template && existsSync(ct)) cfg.chat_template = readFileSync(ct, 'utf8');
    return new TextTokenizer(json, cfg, eosFromModel);
  }

  get hasChatTemplate(): boolean {
    return this.template !== null;
  }

  encode(text: string, addSpecialTokens = false): number[] {
    return this.tok.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  decode(ids: ArrayLike<number>, skipSpecial = true): string {
    if (!ids.length) return '';
    return this.tok.decode(Array.from(ids), { skip_special_tokens: skipSpecial });
  }

  tokenToId(t: string): number | undefined {
    return this.tok.token_to_id(t);
  }

  /** Renders messages with the chat template (or a plain "role: content" fallback). */
  applyChatTemplate(messages: ChatMessage[], addGenerationPrompt: boolean): string {
    if (!this.template) {
      let s = messages.map((m) => (m.role === 'assistant' ? m.content : `${m.content}\n`)).join('');
      if (addGenerationPrompt) s += '';
      return s;
    }
    return this.template.render({
      messages,
      add_generation_prompt: addGenerationPrompt,
      bos_token: typeof this.config.bos_token === 'string' ? this.config.bos_token : '',
      eos_token: typeof this.config.eos_token === 'string' ? this.config.eos_token : '',
    });
  }

  /**
   * Token ids of a conversation and a mask of the tokens produced by assistant turns
   * (1 = train on it). Every assistant turn's content and its end-of-turn tokens are marked.
   */
  encodeChat(messages: ChatMessage[]): { ids: number[]; assistantMask: number[] } {
    const ids = this.encode(this.applyChatTemplate(messages, false));
    const mask = new Array<number>(ids.length).fill(0);
    for (let i = 0; i < messages.length; i++) {
      if (messages[i].role !== 'assistant') continue;
      const start = this.encode(this.applyChatTemplate(messages.slice(0, i), true)).length;
      let end = this.encode(this.applyChatTemplate(messages.slice(0, i + 1), false)).length;
      if (!this.template) { end = Math.min(ids.length, end); }
      for (let t = start; t < end && t < ids.length; t++) mask[t] = 1;
    }
    // without a template there is no end-of-turn token: append EOS as a trained token
    if (!this.template && this.eosIds.length && messages[messages.length - 1]?.role === 'assistant') {
      ids.push(this.eosIds[0]);
      mask.push(1);
    }
    return { ids, assistantMask: mask };
  }
}
