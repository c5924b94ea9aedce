/**
 * Entry points for jobs: runCustomization (SFT / DPO / RLVR / RLAIF, LoRA or full) and
 * runEvaluation (benchmark, custom scorer, LLM-as-a-judge). Outputs follow §3.5 / §3.10:
 * adapters in <out>/checkpoints/hf/ (PEFT layout), merged weights in <out>/checkpoints/hf_merged/
 * (full fine-tuning: full weights in checkpoints/hf/), evaluation results in <out>/eval_results/.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './tensor/backend.js';
import { LlamaModel } from './model/llama.js';
import { TextTokenizer } from './model/tokenizer.js';
import { loadAdapter, mergeLora, saveAdapter, saveModel } from './peft/lora.js';
import { parseDataset, readRows, type Technique } from './data/datasets.js';
import { resolveHyperparameters, type Hyperparameters } from './train/hyperparams.js';
import type { TrainHooks, TrainResult } from './train/common.js';
import { evalLoss, tokenizeSft, trainSft } from './train/sft.js';
import { preferenceAccuracy, tokenizeDpo, trainDpo } from './train/dpo.js';
import { trainGrpo } from './train/grpo.js';
import { judgeReward, presetReward, type RewardFunction } from './train/rewards.js';
import { benchmarkEval, customScorerEval, llmJudgeEval, writeEvalOutputs, type EvalItem, type EvalReport } from './eval/evaluate.js';

/** The built-in base model shipped with sagebox (see models/sagebox-tiny/README.md). */
export const BUILTIN_MODEL_DIR = join(projectRoot, 'models', 'sagebox-tiny');

export interface LoadedModel { model: LlamaModel; tokenizer: TextTokenizer; dir: string }

export function loadModel(dir = BUILTIN_MODEL_DIR, adapterDir?: string): LoadedModel {
  const model = LlamaModel.load(dir);
  const tokenizer = TextTokenizer.load(dir, model.config.eos_token_id);
  if (tokenizer.vocabSize > model.config.vocab_size) throw new Error(`${dir}: tokenizer has ${tokenizer.vocabSize} tokens, the model only ${model.config.vocab_size}`);
  if (adapterDir) loadAdapter(adapterDir, model);
  return { model, tokenizer, dir };
}

export interface CustomizationJob {
  technique: Technique;
  baseModelDir?: string;
  /** Continued fine-tuning from an adapter folder. */
  adapterDir?: string;
  trainData: string;
  validationData?: string;
  hyperparameters?: Record<string, string>;
  /** 'LORA' or null for full fine-tuning (overrides hyperparameters.peft). */
  peft?: 'LORA' | null;
  outputDir: string;
  /** RLVR: a reward function (Lambda contract); else preset_reward_function / exact match. */
  rewardFunction?: RewardFunction;
  /** RLAIF: judge model folder (default: the base model) and prompt template. */
  judgeModelDir?: string;
  judgeTemplate?: string;
  hooks?: TrainHooks;
}

export interface CustomizationResult extends TrainResult {
  hyperparameters: Hyperparameters;
  validation?: Record<string, number>;
  adapterDir?: string;
  mergedDir?: string;
}

function copyTokenizer(from: string, to: string): void {
  for (const f of ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'chat_template.jinja']) {
    if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f));
  }
}

export async function runCustomization(job: CustomizationJob): Promise<CustomizationResult> {
  const base = job.baseModelDir ?? BUILTIN_MODEL_DIR;
  const hpIn: Record<string, string> = { ...(job.hyperparameters ?? {}) };
  if (job.peft !== undefined) hpIn.peft = job.peft ?? 'none';
  const hp = resolveHyperparameters(hpIn);
  const { model, tokenizer } = loadModel(base, job.adapterDir);
  const rows = readRows(job.trainData);
  const valRows = job.validationData ? readRows(job.validationData) : null;
  const maxLen = Math.min(hp.maxSeqLength, model.config.max_position_embeddings);
  let result: TrainResult;
  const validation: Record<string, number> = {};
  switch (job.technique) {
    case 'SFT': {
      const ex = parseDataset('SFT', rows, hp.minTrainRows);
      result = await trainSft(model, tokenizer, ex, hp, job.hooks);
      if (valRows) validation.validation_loss = evalLoss(model, tokenizeSft(tokenizer, parseDataset('SFT', valRows), maxLen), tokenizer.padId);
      break;
    }
    case 'DPO': {
      const ex = parseDataset('DPO', rows, hp.minTrainRows);
      result = await trainDpo(model, tokenizer, ex, hp, job.hooks);
      if (valRows) validation.preference_accuracy = preferenceAccuracy(model, tokenizeDpo(tokenizer, parseDataset('DPO', valRows), maxLen), tokenizer.padId);
      break;
    }
    case 'RLVR': {
      const ex = parseDataset('RLVR', rows, hp.minTrainRows);
      const preset = job.hyperparameters?.preset_reward_function;
      const reward = job.rewardFunction ?? presetReward(preset ?? 'exact_match');
      result = await trainGrpo(model, tokenizer, ex.map((e) => ({ prompt: e.prompt, reference: e.groundTruth })), reward, hp, job.hooks);
      if (valRows) {
        const v = parseDataset('RLVR', valRows);
        validation.exact_match = benchmarkEval(model, tokenizer, v.map((e) => ({ prompt: e.prompt, reference: e.groundTruth })), { maxNewTokens: hp.maxNewTokens }).results.all.exact_match;
      }
      break;
    }
    case 'RLAIF': {
      const ex = parseDataset('RLAIF', rows, hp.minTrainRows);
      const judge = loadModel(job.judgeModelDir ?? base);
      const reward = judgeReward(judge.model, judge.tokenizer, job.judgeTemplate ?? job.hyperparameters?.judge_prompt_template);
      result = await trainGrpo(model, tokenizer, ex.map((e) => ({ prompt: e.prompt, reference: e.reference })), reward, hp, job.hooks);
      break;
    }
    default:
      throw new Error(`unknown customization technique ${String(job.technique)}`);
  }
  const out: CustomizationResult = { ...result, hyperparameters: hp, ...(Object.keys(validation).length ? { validation } : {}) };
  const hf = join(job.outputDir, 'checkpoints', 'hf');
  if (model.adapters) {
    saveAdapter(hf, model, base);
    copyTokenizer(base, hf);
    out.adapterDir = hf;
    mergeLora(model);
    const merged = join(job.outputDir, 'checkpoints', 'hf_merged');
    saveModel(merged, model);
    copyTokenizer(base, merged);
    out.mergedDir = merged;
  } else {
    saveModel(hf, model);
    copyTokenizer(base, hf);
    out.mergedDir = hf;
  }
  mkdirSync(job.outputDir, { recursive: true });
  writeFileSync(join(job.outputDir, 'training_metrics.json'), JSON.stringify({
    technique: job.technique, steps: result.steps, epochs: result.epochs, tokens: result.tokens, losses: result.losses,
    metrics: result.metrics, validation, stopped: result.stopped,
  }, null, 2) + '\n');
  return out;
}

export type EvaluationType = 'BenchmarkEvaluation' | 'CustomScorerEvaluation' | 'LLMAJEvaluation';

export interface EvaluationJob {
  type: EvaluationType;
  modelDir?: string;
  adapterDir?: string;
  data: string;
  hyperparameters?: Record<string, string>;
  outputDir: string;
  rewardFunction?: RewardFunction;
  judgeModelDir?: string;
  judgeTemplate?: string;
  onProgress?: (done: number, total: number, tokens: number) => void;
}

/** Items from any prompt-bearing rows: RLVR (reward_model.ground_truth), {prompt, answer|completion|reference}, or messages. */
export function evalItems(path: string): EvalItem[] {
  return readRows(path).map((r) => {
    const v = r.value;
    if (Array.isArray(v.messages)) {
      const ms = parseDataset('SFT', [r])[0].messages;
      const last = ms[ms.length - 1];
      return last.role === 'assistant' ? { prompt: ms.slice(0, -1), reference: last.content } : { prompt: ms };
    }
    const rm = v.reward_model as { ground_truth?: unknown } | undefined;
    const ref = rm?.ground_truth ?? v.answer ?? v.completion ?? v.reference ?? v.gold;
    const prompt = parseDataset('RLAIF', [r])[0].prompt;
    return { prompt, ...(ref !== undefined ? { reference: String(ref) } : {}) };
  });
}

export async function runEvaluation(job: EvaluationJob): Promise<EvalReport & { resultsFile: string }> {
  const { model, tokenizer } = loadModel(job.modelDir ?? BUILTIN_MODEL_DIR, job.adapterDir);
  const items = evalItems(job.data);
  if (!items.length) throw new Error(`${job.data}: no evaluation rows`);
  const hp = job.hyperparameters ?? {};
  const o = { maxNewTokens: hp.max_new_tokens ? Number(hp.max_new_tokens) : 64, temperature: hp.temperature ? Number(hp.temperature) : 0, onProgress: job.onProgress };
  let report: EvalReport;
  let file: string | undefined;
  if (job.type === 'BenchmarkEvaluation') report = benchmarkEval(model, tokenizer, items, o);
  else if (job.type === 'CustomScorerEvaluation') {
    report = await customScorerEval(model, tokenizer, items, job.rewardFunction ?? presetReward(hp.preset_reward_function ?? 'exact_match'), hp.name ?? 'gen_qa', o);
  } else if (job.type === 'LLMAJEvaluation') {
    const judge = loadModel(job.judgeModelDir ?? job.modelDir ?? BUILTIN_MODEL_DIR);
    report = await llmJudgeEval(model, tokenizer, items, judgeReward(judge.model, judge.tokenizer, job.judgeTemplate), o);
    file = 'bedrock_llm_judge_results.json';
  } else throw new Error(`unknown EvaluationType ${String(job.type)}`);
  const resultsFile = writeEvalOutputs(join(job.outputDir, 'eval_results'), report, file);
  return { ...report, resultsFile };
}
