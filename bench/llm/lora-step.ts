/**
 * Benchmark: tokens/s of one LoRA SFT training step (forward + backward + AdamW on the
 * adapters) on the reference configurations of the PyTorch peer (bench/llm/llama_torch.py, a
 * copy of ../shared/bench/lora/llama_torch.py), at 1 and 2 threads, side by side with the peer
 * when /usr/bin/python3 can import torch. Prints the ratio, peak RSS and the loss curve.
 *
 *   npx tsx bench/llm/lora-step.ts [--configs tiny,100m] [--threads 1,2] [--steps N] [--no-torch] [--fallback (tiny only)]
 *
 * Each measurement runs in a fresh child process (threads are fixed before OpenBLAS loads, and
 * peak RSS is per configuration).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

interface Ref { V: number; D: number; L: number; H: number; FF: number; T: number; B: number }
const CONFIGS: Record<string, Ref> = {
  tiny: { V: 8192, D: 256, L: 4, H: 4, FF: 768, T: 128, B: 8 },
  '100m': { V: 32000, D: 768, L: 12, H: 12, FF: 2048, T: 128, B: 4 },
};

interface Result { tokBest: number; tokMedian: number; msMedian: number; losses: number[]; maxRssMB: number; kernels: string; coreType: string; threads: number }

async function child(cfgName: string, steps: number): Promise<void> {
  const { LlamaModel } = await import('../../src/llm/model/llama.js');
  const { parseConfig } = await import('../../src/llm/model/config.js');
  const { attachLora, loraParams } = await import('../../src/llm/peft/lora.js');
  const ops = await import('../../src/llm/tensor/ops.js');
  const { backward, withArena } = await import('../../src/llm/tensor/tensor.js');
  const { AdamW } = await import('../../src/llm/tensor/optim.js');
  const { backendInfo } = await import('../../src/llm/tensor/backend.js');
  const c = CONFIGS[cfgName];
  const model = LlamaModel.random(parseConfig({
    model_type: 'llama', vocab_size: c.V, hidden_size: c.D, intermediate_size: c.FF, num_hidden_layers: c.L,
    num_attention_heads: c.H, num_key_value_heads: c.H, rms_norm_eps: 1e-5, rope_theta: 10000,
    max_position_embeddings: c.T, tie_word_embeddings: false,
  }), 0);
  const set = attachLora(model, { r: 8, lora_alpha: 16, lora_dropout: 0, target_modules: ['q_proj', 'v_proj'] }, 0);
  model.training = true;
  const opt = new AdamW(loraParams(set), { lr: 1e-3, weightDecay: 0 });
  let seed = 1;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const batch = () => {
    const ids = new Int32Array(c.B * c.T), tg = new Int32Array(c.B * c.T);
    for (let b = 0; b < c.B; b++) {
      let cur = Math.floor(rnd() * c.V);
      for (let t = 0; t < c.T; t++) { ids[b * c.T + t] = cur; cur = (cur * 7 + 3) % c.V; tg[b * c.T + t] = cur; }
    }
    return { ids, tg };
  };
  const step = (): number => withArena(() => {
    const { ids, tg } = batch();
    opt.zeroGrad();
    const loss = ops.crossEntropy(model.forward(ids, c.B, c.T), tg);
    backward(loss);
    opt.stepUpdate();
    return loss.item();
  });
  for (let i = 0; i < 2; i++) step();
  const times: number[] = [], losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    losses.push(step());
    times.push((performance.now() - t0) / 1000);
  }
  const sorted = times.slice().sort((a, b) => a - b);
  const tok = c.B * c.T;
  const info = backendInfo();
  const r: Result = {
    tokBest: tok / sorted[0], tokMedian: tok / sorted[Math.floor(sorted.length / 2)], msMedian: sorted[Math.floor(sorted.length / 2)] * 1000,
    losses, maxRssMB: process.resourceUsage().maxRSS / 1024, kernels: info.kernels, coreType: info.coreType, threads: info.threads,
  };
  console.log('RESULT ' + JSON.stringify(r));
}

function torchAvailable(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** The OpenBLAS kernel our runtime selects; the peer gets the same, so both use the same sgemm. */
function coreType(): string | undefined {
  try {
    if (/\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))) return 'SkylakeX';
  } catch { /* not Linux */ }
  return process.env.OPENBLAS_CORETYPE;
}

function runTorch(cfg: string, threads: number, steps: number): { tokMedian: number; tokBest: number; line: string; maxRssMB: number } | null {
  const script = join(here, 'llama_torch.py');
  const code = `import runpy,sys,resource; sys.argv=[${JSON.stringify(script)},'${threads}','${cfg}','${steps}']; runpy.run_path(sys.argv[0], run_name='__main__'); print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], {
    encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: String(threads), ...(coreType() ? { OPENBLAS_CORETYPE: coreType() } : {}) },
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('torch ')) ?? '';
  const m = /-> (\d+) tok\/s best, (\d+) tok\/s median/.exec(line);
  const rss = /MAXRSS (\d+)/.exec(r.stdout ?? '');
  if (!m) { console.log(`  torch peer failed: ${(r.stderr ?? '').trim().split('\n').pop()}`); return null; }
  return { tokBest: Number(m[1]), tokMedian: Number(m[2]), line, maxRssMB: rss ? Number(rss[1]) / 1024 : 0 };
}

function runOurs(cfg: string, threads: number, steps: number, fallback = false): Result | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', cfg, String(steps)], {
    encoding: 'utf8', env: { ...process.env, SAGEBOX_LLM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), ...(fallback ? { SAGEBOX_LLM_NATIVE: '0' } : {}) },
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) { console.log(`  sagebox run failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`); return null; }
  return JSON.parse(line.slice(7)) as Result;
}

export const name = 'lora-step';

/** Entry point for `npm run bench -- lora-step` (flags from BENCH_LORA_ARGS, e.g. "--configs tiny"). */
export async function run(): Promise<void> {
  await main((process.env.BENCH_LORA_ARGS ?? '').split(/\s+/).filter(Boolean));
}

async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  if (argv[0] === '--child') return child(argv[1], Number(argv[2]));
  const opt = (name: string, def: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : def; };
  const configs = opt('--configs', 'tiny,100m').split(',');
  const threadsList = opt('--threads', '1,2').split(',').map(Number);
  const stepsArg = opt('--steps', '');
  const withTorch = !argv.includes('--no-torch') && torchAvailable();
  console.log(`LoRA SFT step benchmark (r=8, alpha=16 on q,v; AdamW on adapters); PyTorch peer: ${withTorch ? `yes (OPENBLAS_CORETYPE=${coreType() ?? 'default'}, as sagebox)` : 'not available'}`);
  const targets: Record<string, number> = { tiny: 1.0, '100m': 0.8 };
  for (const cfg of configs) {
    const c = CONFIGS[cfg];
    if (!c) throw new Error(`unknown config ${cfg}`);
    const steps = stepsArg ? Number(stepsArg) : cfg === 'tiny' ? 10 : 4;
    for (const th of threadsList) {
      console.log(`\n[${cfg}] V=${c.V} D=${c.D} L=${c.L} H=${c.H} FF=${c.FF} T=${c.T} B=${c.B}, ${c.B * c.T} tokens/step, threads=${th}, ${steps} timed steps`);
      const ours = runOurs(cfg, th, steps);
      if (ours) {
        console.log(`  sagebox (${ours.kernels} kernels, OpenBLAS core ${ours.coreType}, ${ours.threads} BLAS threads): ${ours.tokMedian.toFixed(0)} tok/s median, ${ours.tokBest.toFixed(0)} best, ${ours.msMedian.toFixed(1)} ms/step, peak RSS ${ours.maxRssMB.toFixed(0)} MB`);
        console.log(`  loss curve: ${ours.losses.map((l) => l.toFixed(3)).join(' ')}`);
      }
      if (argv.includes('--fallback') && th === threadsList[0] && cfg === 'tiny') {
        const f = runOurs(cfg, 1, 2, true);
        if (f) console.log(`  sagebox pure-TypeScript fallback: ${f.tokMedian.toFixed(0)} tok/s median (2 steps), loss ${f.losses.map((l) => l.toFixed(3)).join(' ')}`);
      }
      if (withTorch) {
        const t = runTorch(cfg, th, steps);
        if (t) {
          console.log(`  ${t.line}`);
          console.log(`  torch peak RSS ${t.maxRssMB.toFixed(0)} MB`);
          if (ours) {
            const ratio = ours.tokMedian / t.tokMedian;
            console.log(`  RATIO sagebox/torch (median tok/s) = ${ratio.toFixed(2)}x  (target >= ${targets[cfg] ?? 1}x: ${ratio >= (targets[cfg] ?? 1) ? 'met' : 'NOT met'})`);
          }
        }
      }
    }
  }
}

// Run directly (npx tsx bench/llm/lora-step.ts ...), not when bench/run.ts imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
