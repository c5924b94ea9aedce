/**
 * Every serverless CreateTrainingJob combination sagebox refuses (SAGEMAKER-SEMANTICS §3.1-§3.5,
 * §8, O3, O12), through the real SDK with exact messages: members the platform owns, JobType
 * rules, evaluators, channels, recipe overrides, the base model, the group and the source package.
 */
import { before, after } from 'node:test';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { maxLen, notNull, one, pattern, runBadInputCases, type BadInputCase } from '../helpers/bad-input.js';
import { BASE_MODEL, BASE_MODEL_V1, createGroup, objectStore, serverlessRequest } from '../sagemaker/serverless/helpers.js';

const ACCOUNT = 'arn:aws:sagemaker:us-east-1:123456789012';
const GROUP = `${ACCOUNT}:model-package-group/tiny-finetunes`;
const HUB = `${ACCOUNT}:hub-content/assets`;
const PROMPT = `${HUB}/JsonDoc/judge-prompt/1.0.0`;
const REWARD = `${HUB}/JsonDoc/exact/1.0.0`;
const LAMBDA = `${HUB}/JsonDoc/lambda-reward/1.0.0`;
const TEXT_REWARD = `${HUB}/JsonDoc/text-reward/1.0.0`;
const DATASET = `${HUB}/DataSet/train/1.0.0`;
const REGISTERED = `${ACCOUNT}:model-package/tiny-finetunes/1`;

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
  await createGroup(sb.client, 'tiny-finetunes');
  await sb.client.send(new sm.CreateHubCommand({ HubName: 'assets', HubDescription: 'assets' }));
  const evaluator = (name: string, Reference: string, EvaluatorType: string) => sb.client.send(new sm.ImportHubContentCommand({
    HubName: 'assets', HubContentType: 'JsonDoc', HubContentName: name, HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify({ SubType: 'AWS/Evaluator', JsonContent: JSON.stringify({ Reference, EvaluatorType }) }),
  }));
  await evaluator('judge-prompt', 's3://bucket/judge.txt', 'RewardPrompt');
  await evaluator('exact', 's3://bucket/exact.mjs', 'RewardFunction');
  await evaluator('lambda-reward', 'arn:aws:lambda:us-east-1:123456789012:function:reward', 'RewardFunction');
  await evaluator('text-reward', 's3://bucket/reward.txt', 'RewardFunction');
  await objectStore(sb).putBuffer('s3://bucket/train.jsonl', '{"prompt":"a","completion":"b"}\n');
  await sb.client.send(new sm.ImportHubContentCommand({
    HubName: 'assets', HubContentType: 'DataSet', HubContentName: 'train', HubContentVersion: '1.0.0', DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify({ DatasetS3Bucket: 'bucket', DatasetS3Prefix: 'train.jsonl' }),
  }));
  // A Registered package made by hand: no BaseModel, so it cannot be continued.
  await sb.client.send(new sm.CreateModelPackageCommand({
    ModelPackageGroupName: 'tiny-finetunes',
    InferenceSpecification: { Containers: [{ Image: 'img:1', ModelDataUrl: 's3://bucket/model.tar.gz' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
  }));
});
after(async () => sb.close(true));

const sft = serverlessRequest('bad', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, GROUP, { train: 's3://bucket/train.jsonl' }) as unknown as Record<string, any>;
const withConfig = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...sft, ServerlessJobConfig: { BaseModelArn: BASE_MODEL, ...config }, ...extra });
const evaluation = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ ...sft, ModelPackageConfig: undefined, InputDataConfig: [{ ...sft.InputDataConfig[0], ChannelName: 'test' }], ServerlessJobConfig: { BaseModelArn: BASE_MODEL, JobType: 'Evaluation', ...config }, ...extra });
const owned = (member: string) => `${member} cannot be set for a serverless training job (ServerlessJobConfig): serverless jobs choose their own algorithm and compute.`;
const hundredAndOne = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v']));
const s3 = (uri: string, type = 'S3Prefix') => ({ S3DataSource: { S3DataType: type, S3Uri: uri } });

const cases: BadInputCase[] = [
  // §3.1: what the platform owns
  { what: 'AlgorithmSpecification', input: { ...sft, AlgorithmSpecification: { TrainingImage: 'i', TrainingInputMode: 'File' } }, message: owned('AlgorithmSpecification') },
  { what: 'ResourceConfig', input: { ...sft, ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } }, message: owned('ResourceConfig') },
  { what: 'CheckpointConfig', input: { ...sft, CheckpointConfig: { S3Uri: 's3://b/c' } }, message: owned('CheckpointConfig') },
  { what: 'RetryStrategy', input: { ...sft, RetryStrategy: { MaximumRetryAttempts: 1 } }, message: owned('RetryStrategy') },
  { what: 'DebugHookConfig', input: { ...sft, DebugHookConfig: { S3OutputPath: 's3://b/d' } }, message: owned('DebugHookConfig') },
  { what: 'ProfilerConfig', input: { ...sft, ProfilerConfig: { S3OutputPath: 's3://b/p' } }, message: owned('ProfilerConfig') },
  { what: 'managed spot', input: { ...sft, EnableManagedSpotTraining: true }, message: 'EnableManagedSpotTraining cannot be set for a serverless training job (ServerlessJobConfig).' },
  { what: 'MaxWaitTimeInSeconds', input: { ...sft, StoppingCondition: { MaxRuntimeInSeconds: 60, MaxWaitTimeInSeconds: 120 } }, message: 'Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is set to true' },
  { what: 'GZIP outputs', input: { ...sft, OutputDataConfig: { S3OutputPath: 's3://b/o', CompressionType: 'GZIP' } }, message: 'OutputDataConfig.CompressionType must be NONE for a serverless training job: its outputs are written as plain files (checkpoints/hf, eval_results).' },
  // §3.2: JobType rules
  { what: 'FineTuning without ModelPackageConfig', input: { ...sft, ModelPackageConfig: undefined }, message: 'ModelPackageConfig is required for a serverless fine-tuning job: the fine-tuned model is registered in its ModelPackageGroupArn.' },
  { what: 'FineTuning without CustomizationTechnique', input: withConfig({ JobType: 'FineTuning' }), message: 'CustomizationTechnique is required for a serverless FineTuning job: choose SFT, DPO, RLVR or RLAIF.' },
  { what: 'FineTuning with EvaluationType', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'SFT', EvaluationType: 'BenchmarkEvaluation' }), message: 'EvaluationType can be set only when JobType is Evaluation.' },
  { what: 'Evaluation without EvaluationType', input: evaluation({}), message: one(notNull('serverlessJobConfig.evaluationType')) },
  { what: 'Evaluation with CustomizationTechnique', input: evaluation({ EvaluationType: 'BenchmarkEvaluation', CustomizationTechnique: 'SFT' }), message: 'CustomizationTechnique can be set only when JobType is FineTuning.' },
  { what: 'Evaluation with Peft', input: evaluation({ EvaluationType: 'BenchmarkEvaluation', Peft: 'LORA' }), message: 'Peft can be set only when JobType is FineTuning.' },
  { what: 'Evaluation with a group but no source package', input: evaluation({ EvaluationType: 'BenchmarkEvaluation' }, { ModelPackageConfig: { ModelPackageGroupArn: GROUP } }), message: 'ModelPackageConfig of an evaluation job must name the model to evaluate in SourceModelPackageArn (omit ModelPackageConfig to evaluate the base model).' },
  // evaluators
  { what: 'RLVR without a reward', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'RLVR' }), message: 'RLVR needs a reward function: set ServerlessJobConfig.EvaluatorArn (a RewardFunction evaluator) or the preset_reward_function hyperparameter (exact_match, gsm8k).' },
  { what: 'SFT with an evaluator', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'SFT', EvaluatorArn: REWARD }), message: 'EvaluatorArn cannot be used with SFT: only RLVR (a reward function) and RLAIF (a reward prompt) use an evaluator.' },
  { what: 'CustomScorerEvaluation without a scorer', input: evaluation({ EvaluationType: 'CustomScorerEvaluation' }), message: 'CustomScorerEvaluation needs a scorer: set ServerlessJobConfig.EvaluatorArn (a RewardFunction evaluator) or the preset_reward_function hyperparameter (exact_match, gsm8k).' },
  { what: 'BenchmarkEvaluation with an evaluator', input: evaluation({ EvaluationType: 'BenchmarkEvaluation', EvaluatorArn: REWARD }), message: 'EvaluatorArn cannot be used with BenchmarkEvaluation: benchmarks score against the references in the data set.' },
  { what: 'RLVR with a reward prompt', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'RLVR', EvaluatorArn: PROMPT }), message: `EvaluatorArn ${PROMPT} is a RewardPrompt evaluator; RLVR needs a RewardFunction.` },
  { what: 'LLMAJEvaluation with a reward function', input: evaluation({ EvaluationType: 'LLMAJEvaluation', EvaluatorArn: REWARD }), message: `EvaluatorArn ${REWARD} is a RewardFunction evaluator; LLMAJEvaluation needs a RewardPrompt.` },
  { what: 'a Lambda reward function', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'RLVR', EvaluatorArn: LAMBDA }), message: `EvaluatorArn ${LAMBDA}: sagebox runs evaluators locally and cannot invoke arn:aws:lambda:us-east-1:123456789012:function:reward; make its Reference an s3:// URI of a .mjs, .js or .py file defining lambda_handler.` },
  { what: 'a reward function that is not code', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'RLVR', EvaluatorArn: TEXT_REWARD }), message: `EvaluatorArn ${TEXT_REWARD}: the reward function s3://bucket/reward.txt must be a .mjs, .js or .py file defining lambda_handler.` },
  { what: 'an unknown evaluator', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'RLVR', EvaluatorArn: `${HUB}/JsonDoc/nope/1.0.0` }), code: 'ResourceNotFound', message: `Hub content ${HUB}/JsonDoc/nope/1.0.0 does not exist.` },
  { what: 'a Bedrock judge', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'RLAIF' }, { HyperParameters: { judge_model_id: 'bedrock/anthropic.claude-3-haiku' } }), message: "judge_model_id 'bedrock/anthropic.claude-3-haiku': sagebox cannot call Bedrock models; give a hub Model ARN as the judge, or omit judge_model_id to judge with the job's own model." },
  // channels (§3.3)
  { what: 'no InputDataConfig', input: { ...sft, InputDataConfig: undefined }, message: "InputDataConfig is required for a serverless fine-tuning job: give a 'train' channel (S3DataSource or DatasetSource)." },
  { what: 'a FileSystemDataSource channel', input: { ...sft, InputDataConfig: [{ ChannelName: 'train', DataSource: { FileSystemDataSource: { FileSystemId: 'fs-0123456789abcdef0', FileSystemAccessMode: 'ro', FileSystemType: 'EFS', DirectoryPath: '/d' } } }] }, message: "Channel 'train': a serverless job reads S3DataSource or DatasetSource channels, not FileSystemDataSource." },
  { what: 'a ManifestFile channel', input: { ...sft, InputDataConfig: [{ ChannelName: 'train', DataSource: s3('s3://b/m.json', 'ManifestFile') }] }, message: "Channel 'train': a serverless job reads S3DataType S3Prefix (or Converse), not ManifestFile." },
  { what: 'an unknown channel name', input: { ...sft, InputDataConfig: [{ ChannelName: 'train', DataSource: s3('s3://b/t') }, { ChannelName: 'extra', DataSource: s3('s3://b/e') }] }, message: "Channel 'extra': a serverless fine-tuning job reads the channels 'train' and (optionally) 'validation'." },
  { what: 'no train channel', input: { ...sft, InputDataConfig: [{ ChannelName: 'validation', DataSource: s3('s3://b/v') }] }, message: "A serverless fine-tuning job needs a 'train' channel." },
  { what: 'an evaluation with two channels', input: evaluation({ EvaluationType: 'BenchmarkEvaluation' }, { InputDataConfig: [{ ChannelName: 'a', DataSource: s3('s3://b/a') }, { ChannelName: 'b', DataSource: s3('s3://b/b') }] }), message: 'A serverless evaluation job reads one channel (the evaluation data set).' },
  { what: 'an unknown DatasetArn', input: { ...sft, InputDataConfig: [{ ChannelName: 'train', DataSource: { DatasetSource: { DatasetArn: `${HUB}/DataSet/nope/1.0.0` } } }] }, code: 'ResourceNotFound', message: `Hub content ${HUB}/DataSet/nope/1.0.0 does not exist.` },
  // recipe overrides (§3.3, §8)
  { what: 'an unknown hyperparameter', input: { ...sft, HyperParameters: { learning_rate: '1e-4', learnin_rate: '1e-4' } }, message: /^HyperParameters of a serverless training job are recipe overrides; unknown key 'learnin_rate'\. Known keys: batch_size, beta, .*learning_rate, .*weight_decay\.$/ },
  { what: 'a bad hyperparameter value', input: { ...sft, HyperParameters: { learning_rate: 'fast' } }, message: 'HyperParameters: hyperparameter learning_rate="fast": not a number.' },
  { what: 'more than 100 hyperparameters', input: { ...sft, HyperParameters: hundredAndOne }, message: one(maxLen(`{${Object.entries(hundredAndOne).map(([k, v]) => `${k}=${v}`).join(', ')}}`, 'hyperParameters', 100)) },
  { what: 'a bad SequenceLength', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'SFT', SequenceLength: 'long' }), message: one(pattern('long', 'serverlessJobConfig.sequenceLength', '\\d+K')) },
  // the base model, the group, the source package
  { what: 'a BaseModelArn that is a DataSet', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'SFT', BaseModelArn: DATASET }), message: /^1 validation error detected: Value 'arn:aws:sagemaker:us-east-1:123456789012:hub-content\/assets\/DataSet\/train\/1\.0\.0' at 'serverlessJobConfig\.baseModelArn' failed to satisfy constraint: Member must satisfy regular expression pattern: / },
  { what: 'an unknown base model', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'SFT', BaseModelArn: `${BASE_MODEL}-xl` }), code: 'ResourceNotFound', message: `Hub content ${BASE_MODEL}-xl does not exist.` },
  { what: 'an unknown base model version', input: withConfig({ JobType: 'FineTuning', CustomizationTechnique: 'SFT', BaseModelArn: BASE_MODEL_V1.replace('1.0.0', '9.0.0') }), code: 'ResourceNotFound', message: `Hub content ${BASE_MODEL}/9.0.0 does not exist.` },
  { what: 'an unknown group', input: { ...sft, ModelPackageConfig: { ModelPackageGroupArn: `${ACCOUNT}:model-package-group/nope` } }, message: 'Model package group nope does not exist.' },
  { what: 'an unknown source package', input: { ...sft, ModelPackageConfig: { ModelPackageGroupArn: GROUP, SourceModelPackageArn: `${ACCOUNT}:model-package/tiny-finetunes/99` } }, message: `ModelPackage ${ACCOUNT}:model-package/tiny-finetunes/99 does not exist.` },
  { what: 'a source package without BaseModel', input: { ...sft, ModelPackageConfig: { ModelPackageGroupArn: GROUP, SourceModelPackageArn: REGISTERED } }, message: `SourceModelPackageArn ${REGISTERED}: continued fine tuning is only allowed on model packages fine tuned with SageMaker 1p models (the package has no BaseModel).` },
];

runBadInputCases(() => sb.client, { CreateTrainingJob: cases });
