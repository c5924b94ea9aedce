/**
 * Recipes of serverless jobs (SAGEMAKER-SEMANTICS §3.3, §3.11): which technique / PEFT
 * combinations a hub Model offers (its document's `RecipeCollection`), and the HyperParameters
 * a job may override. HyperParameters on serverless jobs are recipe overrides: a key the
 * recipe does not know is refused at create time (the platform would otherwise ignore a typo
 * silently), and a known key with a bad value is refused with the runtime's own message.
 */
import { validation, type ServiceError } from '../../aws/service-error.js';
import { resolveHyperparameters } from '../../llm/train/hyperparams.js';

export type Technique = 'SFT' | 'DPO' | 'RLVR' | 'RLAIF';

/**
 * One entry of a Model document's `RecipeCollection` (the fields sagebox reads).
 *
 * @example { Name: 'sagebox-tiny-sft-lora', CustomizationTechnique: 'SFT', Peft: 'LORA', Hyperparameters: { learning_rate: '2e-3' } }
 */
export interface Recipe {
  Name: string;
  CustomizationTechnique: Technique;
  /** `LORA`, or absent for full fine-tuning. */
  Peft?: 'LORA';
  /** Recipe defaults, merged under the job's HyperParameters. */
  Hyperparameters?: Record<string, string>;
}

/** Training keys (the runtime's names and the recipe aliases it accepts). */
const TRAINING_KEYS = [
  'num_epochs', 'epochs', 'num_train_epochs', 'max_epochs', 'max_steps', 'global_batch_size', 'batch_size', 'train_batch_size',
  'gradient_accumulation_steps', 'learning_rate', 'lr', 'lr_scheduler_type', 'lr_scheduler', 'warmup_steps', 'warmup_ratio',
  'weight_decay', 'max_grad_norm', 'seed', 'max_seq_length', 'max_length', 'sequence_length', 'lora_r', 'lora_rank',
  'lora_alpha', 'lora_dropout', 'lora_target_modules', 'target_modules', 'beta', 'dpo_beta', 'num_generations', 'group_size',
  'max_new_tokens', 'temperature', 'top_p', 'kl_coef', 'kl_beta', 'min_train_rows',
];

/** Keys the platform itself reads (names, rewards, judges, evaluation tasks, MLflow). */
const PLATFORM_KEYS = [
  'name', 'preset_reward_function', 'judge_model_id', 'judge_prompt_template', 'mlflow_experiment_name', 'mlflow_run_name',
  'mlflow_tracking_uri', 'task', 'strategy', 'metric', 'evaluation_metric', 'subtask', 'lambda_type', 'inference_data_s3_path',
  'llmaj_metrics', 'custom_metrics',
];

/** Every HyperParameters key a serverless job may send. */
export const RECIPE_OVERRIDE_KEYS: ReadonlySet<string> = new Set([...TRAINING_KEYS, ...PLATFORM_KEYS]);

/**
 * Checks a serverless job's HyperParameters: known keys only, values the runtime accepts.
 * (The 100-entry limit is the model's, checked by the generated validation first.)
 *
 * @example checkRecipeOverrides({ learning_rate: '1e-4', lora_r: '8' }) // ok
 * @example checkRecipeOverrides({ learnin_rate: '1e-4' }) // ValidationException naming the key
 */
export function checkRecipeOverrides(hps: Record<string, string> | undefined): void {
  if (!hps) return;
  const unknown = Object.keys(hps).filter((k) => !RECIPE_OVERRIDE_KEYS.has(k));
  if (unknown.length > 0) {
    throw validation(
      `HyperParameters of a serverless training job are recipe overrides; unknown key${unknown.length > 1 ? 's' : ''} ` +
      `${unknown.map((k) => `'${k}'`).join(', ')}. Known keys: ${[...RECIPE_OVERRIDE_KEYS].sort().join(', ')}.`,
    );
  }
  try {
    resolveHyperparameters(hps);
  } catch (error) {
    throw validation(`HyperParameters: ${(error as Error).message}.`);
  }
}

/**
 * The recipe collection of a Model document (entries that are not recipe-shaped are skipped).
 *
 * @example recipesOf(JSON.parse(content.HubContentDocument)).map((r) => r.Name)
 */
export function recipesOf(document: Record<string, unknown>): Recipe[] {
  const list = document['RecipeCollection'];
  if (!Array.isArray(list)) return [];
  return list.filter((r): r is Recipe => typeof r === 'object' && r !== null
    && typeof (r as Recipe).Name === 'string' && typeof (r as Recipe).CustomizationTechnique === 'string');
}

/**
 * The model's recipe for a technique with or without LoRA, or the ValidationException that
 * names what the model offers.
 *
 * @example pickRecipe(doc, 'sagebox-tiny', 'SFT', 'LORA').Name // 'sagebox-tiny-sft-lora'
 */
export function pickRecipe(document: Record<string, unknown>, modelName: string, technique: Technique, peft: 'LORA' | undefined): Recipe {
  const recipes = recipesOf(document);
  const found = recipes.find((r) => r.CustomizationTechnique === technique && (r.Peft ?? undefined) === peft);
  if (found) return found;
  throw noRecipe(modelName, technique, peft, recipes);
}

function noRecipe(modelName: string, technique: Technique, peft: 'LORA' | undefined, recipes: Recipe[]): ServiceError {
  const offered = recipes.map((r) => `${r.CustomizationTechnique}${r.Peft ? ' with LoRA' : ' (full)'}`);
  return validation(
    `The base model ${modelName} has no recipe for ${technique}${peft ? ' with Peft LORA' : ' full fine-tuning (no Peft)'}; ` +
    `it offers: ${offered.length ? offered.join(', ') : 'no customization recipes'}.`,
  );
}

/**
 * The four techniques in LoRA and full variants, named `<model>-<technique>-<lora|fft>`.
 *
 * @example standardRecipes('my-llama').map((r) => r.Name) // ['my-llama-sft-lora', 'my-llama-sft-fft', ...]
 */
export function standardRecipes(modelName: string, defaults: Record<string, string> = {}): Recipe[] {
  const out: Recipe[] = [];
  for (const technique of ['SFT', 'DPO', 'RLVR', 'RLAIF'] as const) {
    out.push({ Name: `${modelName}-${technique.toLowerCase()}-lora`, CustomizationTechnique: technique, Peft: 'LORA', Hyperparameters: defaults });
    out.push({ Name: `${modelName}-${technique.toLowerCase()}-fft`, CustomizationTechnique: technique, Hyperparameters: defaults });
  }
  return out;
}
