/**
 * Generator of the built-in base model models/sagebox-tiny: a character-level tokenizer,
 * a small Llama-style decoder, pretrained (full training) by this runtime on the generated
 * corpus of src/llm/data/synthetic.ts. Deterministic given the seed and step count.
 *
 *   npx tsx scripts/llm/make-base-model.ts [--steps N] [--minutes M] [--out models/sagebox-tiny]
 *
 * Stops at N steps or after M minutes, whichever first (the committed model says which in
 * its README.md). Uses 1 BLAS thread unless SAGEBOX_LLM_THREADS is set.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
process.env.SAGEBOX_LLM_THREADS ??= '1';
const { LlamaModel, mulberry } = await import('../../src/llm/model/llama.js');
const { parseConfig } = await import('../../src/llm/model/config.js');
const { TextTokenizer } = await import('../../src/llm/model/tokenizer.js');
// compact chat format: one special token per role, <|end|> closes a turn (short sequences)
const CHAT_TEMPLATE = "{% for m in messages %}{{ '<|' + m['role'] + '|>' }}{{ m['content'] }}<|end|>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";
const { saveModel } = await import('../../src/llm/peft/lora.js');
const { conversation, arithmetic } = await import('../../src/llm/data/synthetic.js');
const { packBatch } = await import('../../src/llm/train/common.js');
const { evalLoss } = await import('../../src/llm/train/sft.js');
const ops = await import('../../src/llm/tensor/ops.js');
const { backward, withArena } = await import('../../src/llm/tensor/tensor.js');
const { AdamW, scheduledLr } = await import('../../src/llm/tensor/optim.js');
const { generate } = await import('../../src/llm/generate.js');

const argv = process.argv.slice(2);
const opt = (n: string, d: string) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
const maxSteps = Number(opt('--steps', '1000'));
const minutes = Number(opt('--minutes', '14'));
const out = opt('--out', 'models/sagebox-tiny');
const SEED = 1234;

// --- tokenizer: specials + printable ASCII + newline, no merges (prefix-consistent) ---
const specials = ['<|endoftext|>', '<|end|>', '<|system|>', '<|user|>', '<|assistant|>'];
const chars: string[] = [];
for (let c = 32; c < 127; c++) chars.push(String.fromCharCode(c));
chars.push('\n');
const vocab: Record<string, number> = {};
specials.forEach((s, i) => (vocab[s] = i));
chars.forEach((c, i) => (vocab[c] = specials.length + i));
const V = specials.length + chars.length;
const tokenizerJson = {
  version: '1.0', truncation: null, padding: null,
  added_tokens: specials.map((s, i) => ({ id: i, content: s, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: null, pre_tokenizer: null, post_processor: null, decoder: { type: 'Fuse' },
  model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: [] },
};
const tokenizerConfig = {
  tokenizer_class: 'PreTrainedTokenizerFast', bos_token: null, eos_token: '<|end|>', pad_token: '<|endoftext|>',
  unk_token: null, model_max_length: 256, chat_template: CHAT_TEMPLATE, clean_up_tokenization_spaces: false,
};
const tok = new TextTokenizer(tokenizerJson, tokenizerConfig);

const config = parseConfig({
  architectures: ['LlamaForCausalLM'], model_type: 'llama', vocab_size: 128, hidden_size: 128, intermediate_size: 384,
  num_hidden_layers: 4, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 256, rms_norm_eps: 1e-5,
  rope_theta: 10000, tie_word_embeddings: true, hidden_act: 'silu', bos_token_id: null, eos_token_id: 1, pad_token_id: 0,
});
if (V > config.vocab_size) throw new Error('vocab too large');
const model = LlamaModel.random(config, SEED);
model.setRequiresGrad(true);
console.log(`params ${(model.numParams() / 1e6).toFixed(2)}M`);

const r = mulberry(SEED);
const B = 64;
const sample = () => {
  const { ids } = tok.encodeChat(conversation(r));
  return { ids, mask: ids.map(() => 1) };
};
const heldR = mulberry(777);
const heldOut = Array.from({ length: 96 }, () => { const { ids, assistantMask } = tok.encodeChat(conversation(heldR)); return { ids, mask: assistantMask }; });
const opt2 = new AdamW([...model.params.values()], { lr: 3e-3, weightDecay: 0.01, betas: [0.9, 0.95] });
const t0 = Date.now();
let step = 0, tokens = 0;
const deadline = t0 + minutes * 60_000;
const accuracy = (n: number) => {
  const rr = mulberry(4242);
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const p = arithmetic(rr, 20);
    const ids = tok.encode(tok.applyChatTemplate([{ role: 'user', content: p.question }], true));
    const g = generate(model, ids, { maxNewTokens: 6, eosIds: tok.eosIds });
    void 0;
    if (tok.decode(g[0]).trim() === p.answer) ok++;
  }
  return ok / n;
};
const estTotal = maxSteps;
while (step < maxSteps && Date.now() < deadline) {
  opt2.lr = scheduledLr(3e-3, step, estTotal, 'cosine', 50, 0.05);
  const loss = withArena(() => {
    const b = packBatch(Array.from({ length: B }, sample), tok.padId, config.max_position_embeddings);
    opt2.zeroGrad();
    const l = ops.crossEntropy(model.forward(b.ids, b.B, b.T), b.targets);
    backward(l);
    tokens += b.tokens;
    return l.item();
  });
  opt2.clipGradNorm(1.0);
  opt2.stepUpdate();
  step++;
  if (step % 100 === 0) {
    console.log(`step ${step} loss ${loss.toFixed(4)} tokens ${tokens} ${((Date.now() - t0) / 1000).toFixed(0)}s held-out ${evalLoss(model, heldOut, tok.padId).toFixed(4)}`);
  }
}
const acc = accuracy(100);
const heldLoss = evalLoss(model, heldOut, tok.padId);
console.log(`done: ${step} steps, ${tokens} tokens, ${((Date.now() - t0) / 1000).toFixed(0)}s, held-out answer loss ${heldLoss.toFixed(4)}, arithmetic exact match ${acc}`);
mkdirSync(out, { recursive: true });
model.setRequiresGrad(false);
saveModel(out, model, 'F32');
writeFileSync(join(out, 'tokenizer.json'), JSON.stringify(tokenizerJson) + '\n');
writeFileSync(join(out, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2) + '\n');
writeFileSync(join(out, 'generation_config.json'), JSON.stringify({ eos_token_id: 1, pad_token_id: 0, max_new_tokens: 32 }, null, 2) + '\n');
writeFileSync(join(out, 'README.md'), `# sagebox-tiny

The built-in base model of sagebox's customization runtime: a ${(model.numParams() / 1e6).toFixed(2)}M-parameter Llama-style
decoder (hidden 128, 4 layers, 4 heads / 2 KV heads, SwiGLU 384, tied embeddings) with a
character-level tokenizer, pretrained from scratch by sagebox itself on a generated corpus
of arithmetic (sums and differences, mostly of numbers up to 20) and templated language.
Chat format: \`<|user|>...<|end|><|assistant|>...<|end|>\` (tokenizer_config.json chat_template).

Rebuild: \`npx tsx scripts/llm/make-base-model.ts --steps ${maxSteps} --minutes ${minutes}\` (seed ${SEED}).
This build: ${step} steps of ${B} conversations, ${tokens} tokens, ${((Date.now() - t0) / 1000).toFixed(0)} s on 1 thread;
held-out answer loss ${heldLoss.toFixed(4)}, greedy exact match on 100 arithmetic problems with numbers up to 20: ${acc}.
`);
console.log(`wrote ${out}`);
