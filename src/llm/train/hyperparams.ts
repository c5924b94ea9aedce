/** Recipe hyperparameters (string override map, as on serverless jobs) with defaults. */
import type { Schedule } from '../tensor/optim.js';

export interface Hyperparameters {
  epochs: number;
  /** > 0: stop after this many optimizer steps. */
  maxSteps: number;
  /** Examples per optimizer step (global batch). */
  batchSize: number;
  gradientAccumulationSteps: number;
  learningRate: number;
  lrScheduler: Schedule;
  warmupSteps: number;
  warmupRatio: number;
  weightDecay: number;
  maxGradNorm: number;
  seed: number;
  maxSeqLength: number;
  /** 'LORA' or null (full fine-tuning). */
  peft: 'LORA' | null;
  loraR: number;
  loraAlpha: number;
  loraDropout: number;
  loraTargetModules: string[];
  /** DPO temperature. */
  beta: number;
  /** RLVR / RLAIF (GRPO). */
  numGenerations: number;
  maxNewTokens: number;
  temperature: number;
  topP: number;
  klCoef: number;
  /** Minimum rows the train set must have. */
  minTrainRows: number;
}

export const DEFAULTS: Hyperparameters = {
  epochs: 1, maxSteps: -1, batchSize: 8, gradientAccumulationSteps: 1, learningRate: 2e-4, lrScheduler: 'linear',
  warmupSteps: 0, warmupRatio: 0, weightDecay: 0, maxGradNorm: 1.0, seed: 42, maxSeqLength: 1024, peft: 'LORA',
  loraR: 8, loraAlpha: 16, loraDropout: 0.05, loraTargetModules: ['q_proj', 'v_proj'], beta: 0.1,
  numGenerations: 4, maxNewTokens: 64, temperature: 1.0, topP: 1.0, klCoef: 0.04, minTrainRows: 1,
};

type Key = keyof Hyperparameters;
const ALIASES: Record<string, Key> = {
  num_epochs: 'epochs', epochs: 'epochs', num_train_epochs: 'epochs', max_epochs: 'epochs',
  max_steps: 'maxSteps', global_batch_size: 'batchSize', batch_size: 'batchSize', train_batch_size: 'batchSize',
  gradient_accumulation_steps: 'gradientAccumulationSteps', learning_rate: 'learningRate', lr: 'learningRate',
  lr_scheduler_type: 'lrScheduler', lr_scheduler: 'lrScheduler', warmup_steps: 'warmupSteps', warmup_ratio: 'warmupRatio',
  weight_decay: 'weightDecay', max_grad_norm: 'maxGradNorm', seed: 'seed', max_seq_length: 'maxSeqLength',
  max_length: 'maxSeqLength', sequence_length: 'maxSeqLength', peft: 'peft', lora_r: 'loraR', lora_rank: 'loraR',
  lora_alpha: 'loraAlpha', lora_dropout: 'loraDropout', lora_target_modules: 'loraTargetModules', target_modules: 'loraTargetModules',
  beta: 'beta', dpo_beta: 'beta', num_generations: 'numGenerations', group_size: 'numGenerations',
  max_new_tokens: 'maxNewTokens', temperature: 'temperature', top_p: 'topP', kl_coef: 'klCoef', kl_beta: 'klCoef',
  min_train_rows: 'minTrainRows',
};

/**
 * Merges a recipe override map over the defaults. Unknown keys are ignored (recipes carry many
 * platform keys, e.g. mlflow_*); known keys with bad values throw, naming the key.
 */
export function resolveHyperparameters(overrides: Record<string, string | number | boolean | string[] | null | undefined> = {},
  base: Partial<Hyperparameters> = {}): Hyperparameters {
  const hp: Hyperparameters = { ...DEFAULTS, ...base };
  for (const [k0, raw] of Object.entries(overrides)) {
    const key = ALIASES[k0] ?? (k0 in DEFAULTS ? (k0 as Key) : undefined);
    if (!key || raw === undefined || raw === null) continue;
    const bad = (why: string) => new Error(`hyperparameter ${k0}=${JSON.stringify(raw)}: ${why}`);
    const num = () => {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n) || String(raw).trim() === '') throw bad('not a number');
      return n;
    };
    const int = (min: number) => {
      const n = num();
      if (!Number.isInteger(n) || n < min) throw bad(`must be an integer >= ${min}`);
      return n;
    };
    switch (key) {
      case 'epochs': hp.epochs = int(1); break;
      case 'maxSteps': hp.maxSteps = int(-1); break;
      case 'batchSize': hp.batchSize = int(1); break;
      case 'gradientAccumulationSteps': hp.gradientAccumulationSteps = int(1); break;
      case 'warmupSteps': hp.warmupSteps = int(0); break;
      case 'seed': hp.seed = int(0); break;
      case 'maxSeqLength': hp.maxSeqLength = int(8); break;
      case 'loraR': hp.loraR = int(1); break;
      case 'numGenerations': hp.numGenerations = int(2); break;
      case 'maxNewTokens': hp.maxNewTokens = int(1); break;
      case 'minTrainRows': hp.minTrainRows = int(0); break;
      case 'learningRate': { const v = num(); if (!(v > 0)) throw bad('must be > 0'); hp.learningRate = v; break; }
      case 'warmupRatio': { const v = num(); if (v < 0 || v >= 1) throw bad('must be in [0, 1)'); hp.warmupRatio = v; break; }
      case 'loraDropout': { const v = num(); if (v < 0 || v >= 1) throw bad('must be in [0, 1)'); hp.loraDropout = v; break; }
      case 'weightDecay': case 'maxGradNorm': case 'loraAlpha': case 'beta': case 'temperature': case 'klCoef': {
        const v = num(); if (v < 0) throw bad('must be >= 0'); hp[key] = v; break;
      }
      case 'topP': { const v = num(); if (!(v > 0 && v <= 1)) throw bad('must be in (0, 1]'); hp.topP = v; break; }
      case 'lrScheduler': {
        const v = String(raw).toLowerCase();
        if (v !== 'linear' && v !== 'cosine' && v !== 'constant') throw bad('must be linear, cosine or constant');
        hp.lrScheduler = v; break;
      }
      case 'peft': {
        const v = String(raw).toUpperCase();
        if (v === 'LORA') hp.peft = 'LORA';
        else if (v === 'NONE' || v === 'FULL' || v === 'FFT' || v === '') hp.peft = null;
        else throw bad('must be LORA or none');
        break;
      }
      case 'loraTargetModules': {
        hp.loraTargetModules = Array.isArray(raw) ? raw.map(String) : String(raw).split(',').map((s) => s.trim()).filter(Boolean);
        break;
      }
    }
  }
  if (hp.batchSize % hp.gradientAccumulationSteps) throw new Error(`hyperparameter global_batch_size=${hp.batchSize} must be a multiple of gradient_accumulation_steps=${hp.gradientAccumulationSteps}`);
  return hp;
}
