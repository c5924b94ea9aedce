import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextTokenizer } from '../../src/llm/model/tokenizer.js';

/** GPT-2 bytes_to_unicode. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
  const out: string[] = new Array(256);
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i])));
  return out;
}

function byteLevelTokenizer(): { json: object; config: Record<string, unknown> } {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((c, i) => (vocab[c] = i));
  const merges = [['Ġ', 'w'], ['o', 'r'], ['Ġw', 'or'], ['l', 'd'], ['Ġwor', 'ld'], ['H', 'e'], ['l', 'l'], ['He', 'll']];
  for (const [a, b] of merges) vocab[a + b] = Object.keys(vocab).length;
  const specials = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
  const base = Object.keys(vocab).length;
  specials.forEach((s, i) => (vocab[s] = base + i));
  return {
    json: {
      version: '1.0', truncation: null, padding: null,
      added_tokens: specials.map((s, i) => ({ id: base + i, content: s, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'NFC' },
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map((m) => m.join(' ')) },
    },
    config: {
      eos_token: '<|im_end|>', pad_token: '<|endoftext|>', bos_token: null,
      chat_template: "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}",
    },
  };
}

test('byte-level BPE tokenizer (Qwen/Llama 3 style) with a jinja chat template', () => {
  const { json, config } = byteLevelTokenizer();
  const tok = new TextTokenizer(json, config);
  const text = 'Hello world! 12+3=15 ünïcode';
  const ids = tok.encode(text);
  assert.equal(tok.decode(ids), text);
  assert.ok(ids.includes(tok.tokenToId('Ġworld')!), 'merges apply');
  assert.deepEqual(tok.eosIds, [tok.tokenToId('<|im_end|>')]);
  assert.equal(tok.padId, tok.tokenToId('<|endoftext|>'));
  const msgs = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello world' }];
  assert.equal(tok.applyChatTemplate(msgs.slice(0, 2), true), '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  const { ids: cids, assistantMask } = tok.encodeChat(msgs);
  const trained = cids.filter((_, i) => assistantMask[i]);
  assert.equal(tok.decode(trained, false), 'Hello world<|im_end|>\n');
});
