#!/usr/bin/env python3
# One-time generator of the PyTorch fixtures in test/llm/fixtures/torch/ (committed; the tests
# never need torch). Run with Debian's interpreter: /usr/bin/python3 scripts/llm/make-fixtures.py
# It builds small Llama / Qwen2 / Qwen3 decoders in plain PyTorch following the Hugging Face
# modelling code, writes them as HF folders (config.json + model.safetensors, written by hand in
# F32 / BF16 / F16), and records logits, loss, gradients and a few AdamW steps.
import json, math, os, struct, sys
import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'llm', 'fixtures', 'torch')

def write_safetensors(path, tensors, dtype):
    tdt = {'F32': torch.float32, 'BF16': torch.bfloat16, 'F16': torch.float16}[dtype]
    header, blobs, off = {'__metadata__': {'format': 'pt'}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(tdt).contiguous()
        b = t.view(torch.int16).numpy().tobytes() if dtype != 'F32' else t.numpy().tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header)
    h += ' ' * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h.encode()); [f.write(b) for b in blobs]
    # the values the model really uses (after rounding to dtype)
    return {k: v.detach().to(tdt).to(torch.float32) for k, v in tensors.items()}

def rms(x, w, eps):
    v = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(v + eps))

def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), -1)

def forward(cfg, W, ids):
    B, T = ids.shape
    D, H, KVH, HD = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_key_value_heads'], cfg['head_dim']
    eps = cfg['rms_norm_eps']
    inv = 1.0 / (cfg['rope_theta'] ** (torch.arange(0, HD, 2, dtype=torch.int64).float() / HD))
    fr = torch.arange(T).float()[:, None] * inv[None, :]
    emb = torch.cat((fr, fr), -1)
    cos, sin = emb.cos(), emb.sin()
    x = W['model.embed_tokens.weight'][ids]
    mask = torch.full((T, T), float('-inf')).triu(1)
    for l in range(cfg['num_hidden_layers']):
        p = f'model.layers.{l}.'
        h = rms(x, W[p + 'input_layernorm.weight'], eps)
        def lin(name, t):
            y = t @ W[p + name + '.weight'].T
            if (p + name + '.bias') in W: y = y + W[p + name + '.bias']
            return y
        q = lin('self_attn.q_proj', h).view(B, T, H, HD)
        k = lin('self_attn.k_proj', h).view(B, T, KVH, HD)
        v = lin('self_attn.v_proj', h).view(B, T, KVH, HD)
        if cfg['model_type'] == 'qwen3':
            q = rms(q, W[p + 'self_attn.q_norm.weight'], eps)
            k = rms(k, W[p + 'self_attn.k_norm.weight'], eps)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = H // KVH
        k = k.repeat_interleave(rep, dim=1); v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(HD) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, H * HD)
        x = x + lin('self_attn.o_proj', o)
        h2 = rms(x, W[p + 'post_attention_layernorm.weight'], eps)
        x = x + lin('mlp.down_proj', F.silu(lin('mlp.gate_proj', h2)) * lin('mlp.up_proj', h2))
    x = rms(x, W['model.norm.weight'], eps)
    head = W['model.embed_tokens.weight'] if cfg['tie_word_embeddings'] else W['lm_head.weight']
    return x @ head.T

def make(name, cfg, dtype, grad_names, seed):
    torch.manual_seed(seed)
    D, H, KVH, HD, FF, V = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_key_value_heads'], cfg['head_dim'], cfg['intermediate_size'], cfg['vocab_size']
    W = {'model.embed_tokens.weight': torch.randn(V, D) * 0.5, 'model.norm.weight': 1 + 0.1 * torch.randn(D)}
    if not cfg['tie_word_embeddings']: W['lm_head.weight'] = torch.randn(V, D) * 0.2
    for l in range(cfg['num_hidden_layers']):
        p = f'model.layers.{l}.'
        W[p + 'input_layernorm.weight'] = 1 + 0.1 * torch.randn(D)
        W[p + 'post_attention_layernorm.weight'] = 1 + 0.1 * torch.randn(D)
        W[p + 'self_attn.q_proj.weight'] = torch.randn(H * HD, D) * 0.2
        W[p + 'self_attn.k_proj.weight'] = torch.randn(KVH * HD, D) * 0.2
        W[p + 'self_attn.v_proj.weight'] = torch.randn(KVH * HD, D) * 0.2
        W[p + 'self_attn.o_proj.weight'] = torch.randn(D, H * HD) * 0.2
        if cfg.get('attention_bias') or cfg['model_type'] == 'qwen2':
            for n, o in (('q', H * HD), ('k', KVH * HD), ('v', KVH * HD)): W[p + f'self_attn.{n}_proj.bias'] = torch.randn(o) * 0.1
        if cfg['model_type'] == 'qwen3':
            W[p + 'self_attn.q_norm.weight'] = 1 + 0.1 * torch.randn(HD)
            W[p + 'self_attn.k_norm.weight'] = 1 + 0.1 * torch.randn(HD)
        W[p + 'mlp.gate_proj.weight'] = torch.randn(FF, D) * 0.2
        W[p + 'mlp.up_proj.weight'] = torch.randn(FF, D) * 0.2
        W[p + 'mlp.down_proj.weight'] = torch.randn(D, FF) * 0.2
    d = os.path.join(ROOT, name); os.makedirs(d, exist_ok=True)
    W = write_safetensors(os.path.join(d, 'model.safetensors'), W, dtype)
    with open(os.path.join(d, 'config.json'), 'w') as f: json.dump(cfg, f, indent=1)
    g = torch.Generator().manual_seed(seed + 1)
    B, T = 2, 9
    ids = torch.randint(0, V, (B, T + 1), generator=g)
    inp, tgt = ids[:, :T], ids[:, 1:].clone()
    tgt[0, :3] = -100
    for t in W.values(): t.requires_grad_(True)
    logits = forward(cfg, W, inp)
    loss = F.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1), ignore_index=-100)
    loss.backward()
    r = lambda t: [float(f'{v:.7g}') for v in t.detach().reshape(-1).tolist()]
    out = {'B': B, 'T': T, 'input_ids': inp.reshape(-1).tolist(), 'targets': tgt.reshape(-1).tolist(),
           'logits': r(logits), 'loss': loss.item(), 'grads': {n: r(W[n].grad) for n in grad_names}}
    # full fine-tuning: 3 AdamW steps (lr 1e-2, wd 0.1) on the same batch, losses before each step
    opt = torch.optim.AdamW(list(W.values()), lr=1e-2, weight_decay=0.1, betas=(0.9, 0.999), eps=1e-8)
    losses = []
    for s in range(4):
        opt.zero_grad(set_to_none=True)
        l = F.cross_entropy(forward(cfg, W, inp).reshape(-1, V), tgt.reshape(-1), ignore_index=-100)
        losses.append(l.item())
        if s < 3: l.backward(); opt.step()
    out['adamw_losses'] = losses
    with open(os.path.join(d, 'expected.json'), 'w') as f: json.dump(out, f)
    print(name, 'loss', loss.item(), 'adamw', losses)

base = dict(vocab_size=61, hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=64, hidden_act='silu')
make('llama', dict(base, model_type='llama', architectures=['LlamaForCausalLM'], head_dim=8, rms_norm_eps=1e-5,
                   rope_theta=10000.0, tie_word_embeddings=False), 'F32',
     ['model.embed_tokens.weight', 'lm_head.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight', 'model.layers.1.mlp.down_proj.weight', 'model.layers.0.input_layernorm.weight', 'model.norm.weight'], 1)
make('qwen3', dict(base, model_type='qwen3', architectures=['Qwen3ForCausalLM'], head_dim=16, rms_norm_eps=1e-6,
                   rope_theta=1000000.0, tie_word_embeddings=True, attention_bias=False), 'BF16',
     ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_norm.weight', 'model.layers.1.self_attn.k_norm.weight',
      'model.layers.0.self_attn.q_proj.weight', 'model.layers.1.mlp.gate_proj.weight'], 2)
make('qwen2', dict(base, model_type='qwen2', architectures=['Qwen2ForCausalLM'], head_dim=8, rms_norm_eps=1e-6,
                   rope_theta=1000000.0, tie_word_embeddings=True), 'F16',
     ['model.embed_tokens.weight', 'model.layers.0.self_attn.q_proj.bias', 'model.layers.1.self_attn.v_proj.bias',
      'model.layers.0.self_attn.k_proj.weight'], 3)

# A LoRA adapter in the PEFT layout on the llama fixture, and the logits PyTorch computes with it
# (W_eff = W + alpha/r * B @ A): checks that sagebox reads PEFT adapters with PEFT's semantics.
def make_lora():
    d = os.path.join(ROOT, 'llama'); out = os.path.join(ROOT, 'llama-lora'); os.makedirs(out, exist_ok=True)
    cfg = json.load(open(os.path.join(d, 'config.json')))
    torch.manual_seed(11)
    W = {}
    with open(os.path.join(d, 'model.safetensors'), 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]; header = json.loads(f.read(n)); blob = f.read()
    for k, v in header.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']
        W[k] = torch.frombuffer(bytearray(blob[s:e]), dtype=torch.float32).reshape(v['shape']).clone()
    r, alpha, targets = 4, 8, ['q_proj', 'v_proj', 'down_proj']
    A = {}
    for l in range(cfg['num_hidden_layers']):
        for t in targets:
            mod = f'model.layers.{l}.' + ('mlp.' if t == 'down_proj' else 'self_attn.') + t
            w = W[mod + '.weight']
            a = torch.randn(r, w.shape[1]) * 0.3; b = torch.randn(w.shape[0], r) * 0.3
            A[f'base_model.model.{mod}.lora_A.weight'] = a; A[f'base_model.model.{mod}.lora_B.weight'] = b
            W[mod + '.weight'] = w + (alpha / r) * (b @ a)
    write_safetensors(os.path.join(out, 'adapter_model.safetensors'), A, 'F32')
    with open(os.path.join(out, 'adapter_config.json'), 'w') as f:
        json.dump({'peft_type': 'LORA', 'task_type': 'CAUSAL_LM', 'r': r, 'lora_alpha': alpha, 'lora_dropout': 0.0,
                   'target_modules': targets, 'bias': 'none', 'fan_in_fan_out': False, 'base_model_name_or_path': 'llama'}, f, indent=1)
    g = torch.Generator().manual_seed(12)
    ids = torch.randint(0, cfg['vocab_size'], (1, 8), generator=g)
    with torch.no_grad(): logits = forward(cfg, W, ids)
    json.dump({'input_ids': ids.reshape(-1).tolist(), 'logits': [float(f'{v:.7g}') for v in logits.reshape(-1).tolist()]},
              open(os.path.join(out, 'expected.json'), 'w'))
    print('llama-lora', logits.abs().max().item())

make_lora()
