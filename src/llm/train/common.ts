/** The training loop shared by the techniques: epochs, batches, accumulation, schedule, hooks. */
import { mulberry, type LlamaModel } from '../model/llama.js';
import { attachLora, loraParams } from '../peft/lora.js';
import { AdamW, scheduledLr } from '../tensor/optim.js';
import { Tensor, clearTape, withArena } from '../tensor/tensor.js';
import type { Hyperparameters } from './hyperparams.js';

/** What a job needs to report ProgressInfo and BillableTokenCount. */
export interface Progress {
  /** 1-based. */
  epoch: number;
  /** Steps finished within the epoch, 1..stepsPerEpoch. */
  step: number;
  stepsPerEpoch: number;
  maxEpochs: number;
  globalStep: number;
  totalSteps: number;
  /** Tokens processed so far (billable). */
  tokens: number;
  loss: number;
  learningRate: number;
  metrics: Record<string, number>;
}

export interface TrainHooks {
  onProgress?: (p: Progress) => void;
  /** Return true to stop after the current step (StopTrainingJob). */
  shouldStop?: () => boolean;
  log?: (line: string) => void;
}

export interface TrainResult {
  steps: number;
  epochs: number;
  tokens: number;
  losses: number[];
  metrics: Array<Record<string, number>>;
  stopped: boolean;
}

/** Makes the trainable parameter set: LoRA adapters (attached if absent) or every weight. */
export function trainableParams(model: LlamaModel, hp: Hyperparameters): Tensor[] {
  if (hp.peft === 'LORA') {
    const set = model.adapters ?? attachLora(model, {
      r: hp.loraR, lora_alpha: hp.loraAlpha, lora_dropout: hp.loraDropout, target_modules: hp.loraTargetModules,
    }, hp.seed);
    set.enabled = true;
    return loraParams(set);
  }
  model.adapters = null;
  model.setRequiresGrad(true);
  return [...model.params.values()];
}

export function shuffled(n: number, rand: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export interface MicroResult {
  /** Loss value to report (already averaged over the micro batch). */
  loss: number;
  tokens: number;
  metrics?: Record<string, number>;
}

/**
 * Runs epochs over n examples. microStep(indices, weight) must run forward + backward on those
 * examples with its loss multiplied by `weight` (the micro batch's share of the step).
 */
export async function runLoop(model: LlamaModel, n: number, hp: Hyperparameters, hooks: TrainHooks,
  microStep: (idx: number[], weight: number) => MicroResult | Promise<MicroResult>): Promise<TrainResult> {
  if (n <= 0) throw new Error('no training examples');
  const params = trainableParams(model, hp);
  const opt = new AdamW(params, { lr: hp.learningRate, weightDecay: hp.weightDecay });
  const batch = Math.min(hp.batchSize, n);
  const stepsPerEpoch = Math.ceil(n / batch);
  let totalSteps = stepsPerEpoch * hp.epochs;
  if (hp.maxSteps > 0) totalSteps = Math.min(totalSteps, hp.maxSteps);
  const maxEpochs = Math.ceil(totalSteps / stepsPerEpoch);
  const warmup = hp.warmupSteps || Math.floor(hp.warmupRatio * totalSteps);
  const rand = mulberry(hp.seed);
  const res: TrainResult = { steps: 0, epochs: 0, tokens: 0, losses: [], metrics: [], stopped: false };
  model.training = true;
  try {
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const order = shuffled(n, rand);
      for (let s = 0; s < stepsPerEpoch && res.steps < totalSteps; s++) {
        const idx = order.slice(s * batch, Math.min(n, (s + 1) * batch));
        const micro = Math.max(1, Math.ceil(idx.length / hp.gradientAccumulationSteps));
        opt.zeroGrad();
        let loss = 0, tokens = 0;
        const metrics: Record<string, number> = {};
        for (let m = 0; m < idx.length; m += micro) {
          const part = idx.slice(m, m + micro);
          const w = part.length / idx.length;
          const r = await microStep(part, w);
          clearTape();
          loss += r.loss * w;
          tokens += r.tokens;
          for (const [k, v] of Object.entries(r.metrics ?? {})) metrics[k] = (metrics[k] ?? 0) + v * w;
        }
        if (hp.maxGradNorm > 0) metrics.grad_norm = opt.clipGradNorm(hp.maxGradNorm);
        opt.lr = scheduledLr(hp.learningRate, res.steps, totalSteps, hp.lrScheduler, warmup);
        opt.stepUpdate();
        res.steps++;
        res.tokens += tokens;
        res.losses.push(loss);
        res.metrics.push(metrics);
        res.epochs = epoch;
        hooks.onProgress?.({
          epoch, step: s + 1, stepsPerEpoch, maxEpochs, globalStep: res.steps, totalSteps, tokens: res.tokens,
          loss, learningRate: opt.lr, metrics,
        });
        hooks.log?.(`epoch ${epoch} step ${s + 1}/${stepsPerEpoch} loss ${loss.toFixed(4)} lr ${opt.lr.toExponential(2)} tokens ${res.tokens}`);
        if (hooks.shouldStop?.()) { res.stopped = true; return res; }
      }
    }
  } finally {
    model.training = false;
    clearTape();
  }
  return res;
}

/** A padded batch of token sequences (right padding) with next-token targets. */
export interface PackedBatch {
  B: number;
  T: number;
  ids: Int32Array;
  targets: Int32Array;
  /** Sequence index of each target row (-1 for ignored). */
  seqOfRow: Int32Array;
  tokens: number;
}

/**
 * Packs sequences into [B, T] inputs: input = seq[0..L-2], target = seq[1..L-1] where
 * trainMask[t] is 1, else -100. T = the longest sequence minus one.
 */
export function packBatch(seqs: Array<{ ids: number[]; mask: number[] }>, padId: number, maxT = Infinity, multiple = 16): PackedBatch {
  const B = seqs.length;
  // T rounded up to a multiple (within maxT), so shapes repeat and the step arena reuses buffers
  const longest = Math.max(1, ...seqs.map((s) => s.ids.length - 1));
  const T = Math.max(longest, Math.min(maxT, Math.ceil(longest / multiple) * multiple));
  const ids = new Int32Array(B * T).fill(padId), targets = new Int32Array(B * T).fill(-100), seqOfRow = new Int32Array(B * T).fill(-1);
  let tokens = 0;
  seqs.forEach((s, b) => {
    tokens += s.ids.length;
    for (let t = 0; t < s.ids.length - 1; t++) {
      ids[b * T + t] = s.ids[t];
      if (s.mask[t + 1]) { targets[b * T + t] = s.ids[t + 1]; seqOfRow[b * T + t] = b; }
    }
  });
  return { B, T, ids, targets, seqOfRow, tokens };
}

export { withArena };
