/**
 * The combinations of a serverless CreateTrainingJob (ServerlessJobConfig) that are refused
 * before anything is resolved (SAGEMAKER-SEMANTICS §3.1-§3.5, O3, O12). The members the
 * platform owns (AlgorithmSpecification, ResourceConfig, ...) are refused by the training
 * provider's own check; these are the rules between the serverless members themselves.
 * Messages are ours (the service's are not documented), each saying what to change.
 */
import { validation } from '../../aws/service-error.js';
import type { CreateTrainingJobRequest } from '../training/shapes.js';
import { checkRecipeOverrides } from './recipes.js';

/** Channel names a fine-tuning job reads (§3.3). */
export const FINE_TUNING_CHANNELS = ['train', 'validation'] as const;

/**
 * Throws ValidationException for a serverless request whose members contradict each other.
 *
 * @example checkServerlessCombination({ ...req, ServerlessJobConfig: { BaseModelArn, JobType: 'FineTuning' } })
 *   // ValidationException: CustomizationTechnique is required ...
 */
export function checkServerlessCombination(input: CreateTrainingJobRequest): void {
  const sj = input.ServerlessJobConfig!;
  const hps = input.HyperParameters ?? {};
  if (sj.JobType === 'FineTuning') {
    if (!sj.CustomizationTechnique) {
      throw validation('CustomizationTechnique is required for a serverless FineTuning job: choose SFT, DPO, RLVR or RLAIF.');
    }
    if (sj.EvaluationType) throw validation('EvaluationType can be set only when JobType is Evaluation.');
    if (sj.CustomizationTechnique === 'RLVR' && !sj.EvaluatorArn && !hps.preset_reward_function) {
      throw validation('RLVR needs a reward function: set ServerlessJobConfig.EvaluatorArn (a RewardFunction evaluator) or the preset_reward_function hyperparameter (exact_match, gsm8k).');
    }
    if (sj.EvaluatorArn && (sj.CustomizationTechnique === 'SFT' || sj.CustomizationTechnique === 'DPO')) {
      throw validation(`EvaluatorArn cannot be used with ${sj.CustomizationTechnique}: only RLVR (a reward function) and RLAIF (a reward prompt) use an evaluator.`);
    }
  } else {
    if (sj.CustomizationTechnique) throw validation('CustomizationTechnique can be set only when JobType is FineTuning.');
    if (sj.Peft) throw validation('Peft can be set only when JobType is FineTuning.');
    if (sj.EvaluationType === 'CustomScorerEvaluation' && !sj.EvaluatorArn && !hps.preset_reward_function) {
      throw validation('CustomScorerEvaluation needs a scorer: set ServerlessJobConfig.EvaluatorArn (a RewardFunction evaluator) or the preset_reward_function hyperparameter (exact_match, gsm8k).');
    }
    if (sj.EvaluatorArn && sj.EvaluationType === 'BenchmarkEvaluation') {
      throw validation('EvaluatorArn cannot be used with BenchmarkEvaluation: benchmarks score against the references in the data set.');
    }
    if (input.ModelPackageConfig && !input.ModelPackageConfig.SourceModelPackageArn) {
      throw validation('ModelPackageConfig of an evaluation job must name the model to evaluate in SourceModelPackageArn (omit ModelPackageConfig to evaluate the base model).');
    }
  }
  if (input.OutputDataConfig.CompressionType === 'GZIP') {
    throw validation('OutputDataConfig.CompressionType must be NONE for a serverless training job: its outputs are written as plain files (checkpoints/hf, eval_results).');
  }
  checkChannels(input);
  checkRecipeOverrides(input.HyperParameters);
}

function checkChannels(input: CreateTrainingJobRequest): void {
  const channels = input.InputDataConfig ?? [];
  const fineTuning = input.ServerlessJobConfig!.JobType === 'FineTuning';
  if (channels.length === 0) {
    throw validation(`InputDataConfig is required for a serverless ${fineTuning ? 'fine-tuning' : 'evaluation'} job: give a '${fineTuning ? 'train' : 'test'}' channel (S3DataSource or DatasetSource).`);
  }
  for (const c of channels) {
    if (c.DataSource.FileSystemDataSource) {
      throw validation(`Channel '${c.ChannelName}': a serverless job reads S3DataSource or DatasetSource channels, not FileSystemDataSource.`);
    }
    const type = c.DataSource.S3DataSource?.S3DataType;
    if (type !== undefined && type !== 'S3Prefix' && type !== 'Converse') {
      throw validation(`Channel '${c.ChannelName}': a serverless job reads S3DataType S3Prefix (or Converse), not ${type}.`);
    }
    if (fineTuning && !(FINE_TUNING_CHANNELS as readonly string[]).includes(c.ChannelName)) {
      throw validation(`Channel '${c.ChannelName}': a serverless fine-tuning job reads the channels 'train' and (optionally) 'validation'.`);
    }
  }
  if (fineTuning && !channels.some((c) => c.ChannelName === 'train')) {
    throw validation("A serverless fine-tuning job needs a 'train' channel.");
  }
  if (!fineTuning && channels.length > 1) {
    throw validation('A serverless evaluation job reads one channel (the evaluation data set).');
  }
}
