/** sagebox LLM customization runtime (library). */
export * from './tensor/index.js';
export { LlamaModel, type AdapterSet, type KVCache, type LoraModule } from './model/llama.js';
export { parseConfig, readConfig, type LlamaConfig } from './model/config.js';
export { readSafetensors, writeSafetensors, parseSafetensors, serializeSafetensors } from './model/safetensors.js';
export { TextTokenizer, type ChatMessage } from './model/tokenizer.js';
export { attachLora, loadAdapter, saveAdapter, mergeLora, saveModel, type LoraConfig } from './peft/lora.js';
export { generate, sampleToken, type GenerateOptions } from './generate.js';
export * from './data/datasets.js';
export { resolveHyperparameters, DEFAULTS as DEFAULT_HYPERPARAMETERS, type Hyperparameters } from './train/hyperparams.js';
export type { Progress, TrainHooks, TrainResult } from './train/common.js';
export { trainSft, evalLoss, tokenizeSft } from './train/sft.js';
export { trainDpo, preferenceAccuracy, tokenizeDpo } from './train/dpo.js';
export { trainGrpo } from './train/grpo.js';
export { presetReward, judgeReward, parseRewardOutput, type RewardFunction, type RewardSample } from './train/rewards.js';
export * from './eval/evaluate.js';
export * from './customize.js';
