/**
 * What the server and a serverless job's worker thread say to each other. The worker runs the
 * customization runtime (src/llm) off the server's event loop; the server keeps the job's
 * states, logs, metrics and outputs.
 */
import type { Progress } from '../../llm/train/common.js';
import type { Technique } from './recipes.js';

/** How the worker scores samples (RLVR, CustomScorerEvaluation). */
export type RewardSpec =
  /** A JavaScript module exporting `lambda_handler` (or `handler`, or a default function): the Lambda contract. */
  | { kind: 'module'; file: string }
  /** A Python file defining `lambda_handler(event, context)`, run with `python3`. */
  | { kind: 'python'; file: string }
  /** A built-in verifiable reward (`exact_match`, `gsm8k`). */
  | { kind: 'preset'; name: string };

/** Fields both job types share. */
interface CommonSpec {
  /** The Hugging Face folder of the model to start from (base weights, or a package's full weights). */
  modelDir: string;
  /** A PEFT adapter folder applied on top of modelDir (continued fine-tuning, evaluating a LoRA package). */
  adapterDir?: string;
  hyperparameters: Record<string, string>;
  outputDir: string;
  reward?: RewardSpec;
  /** Judge prompt template (RLAIF, LLMAJEvaluation); placeholders {prompt}, {response}, {reference}. */
  judgeTemplate?: string;
  /** Judge model folder; default: the job's model. */
  judgeModelDir?: string;
}

export interface FineTuningSpec extends CommonSpec {
  kind: 'FineTuning';
  technique: Technique;
  peft: 'LORA' | null;
  trainData: string;
  validationData?: string;
}

export interface EvaluationSpec extends CommonSpec {
  kind: 'Evaluation';
  evaluationType: 'BenchmarkEvaluation' | 'CustomScorerEvaluation' | 'LLMAJEvaluation';
  data: string;
}

export type WorkerSpec = FineTuningSpec | EvaluationSpec;

/** What the worker reports at the end. */
export interface WorkerResult {
  /** Tokens the runtime processed (BillableTokenCount). */
  tokens: number;
  /** Metric name → final value (FinalMetricDataList). */
  finalMetrics: Record<string, number>;
  stopped: boolean;
  /** Fine-tuning: whether a PEFT adapter was written (checkpoints/hf) and merged weights (checkpoints/hf_merged). */
  adapter?: boolean;
  merged?: boolean;
  steps?: number;
  /** Evaluation: the results file, relative to outputDir. */
  resultsFile?: string;
}

export type WorkerMessage =
  /** The runtime is loaded: training (or evaluation) starts now. */
  | { t: 'ready' }
  | { t: 'log'; text: string }
  | { t: 'progress'; p: Progress }
  | { t: 'eval-progress'; done: number; total: number; tokens: number }
  | { t: 'done'; result: WorkerResult }
  /** `client`: the job's input (data, hyperparameters, reward function) caused it. */
  | { t: 'fail'; message: string; client: boolean };

/**
 * workerData of the worker thread.
 *
 * @example new Worker(entry, { workerData: { spec, stopFlag: new SharedArrayBuffer(4) } satisfies WorkerData })
 */
export interface WorkerData {
  spec: WorkerSpec;
  /** Int32Array over it: [0] = 1 asks the trainer to stop after the current step. */
  stopFlag: SharedArrayBuffer;
}
