/**
 * Serverless fine-tuning end to end through the real SDK on the built-in base model
 * (SAGEMAKER-SEMANTICS §3): one job per technique (LoRA and full where it is meaningful), each
 * moving its target metric; the Logged output package; ProgressInfo live, monotonic and
 * complete; BillableTokenCount equal to the runtime's own count; the §3.5 output layout;
 * DatasetArn input; continued fine-tuning from an output package.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsJsonCall } from '../../src/cli/aws-call.js';
import { dpoStyleRows, rlvrAddRows, sftRows } from '../../src/llm/data/synthetic.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import {
  BASE_MODEL_V1, createGroup, getJson, listKeys, metricSeries, objectStore, putJsonl, serverlessRequest, watchJob,
} from '../sagemaker/serverless/helpers.js';

let sb: TestSagebox;
let group: string;
let hub: string;
const OUT = 's3://bucket/serverless-output';

/** An exact-match reward function in the Lambda contract, as an ES module (RLVR). */
const EXACT_MATCH_MJS = `
const norm = (s) => String(s ?? '').trim().replace(/[.\\s]+$/, '').toLowerCase();
export function lambda_handler(samples) {
  return { statusCode: 200, body: JSON.stringify(samples.map((s) => {
    const answer = [...s.messages].reverse().find((m) => m.role === 'assistant')?.content ?? '';
    return { id: s.id, aggregate_reward_score: norm(answer) === norm(s.reference_answer) ? 1 : 0 };
  })) };
}
`;

before(async () => {
  sb = await startTestSagebox();
  group = await createGroup(sb.client, 'tiny-finetunes');
  hub = (await sb.client.send(new sm.CreateHubCommand({ HubName: 'assets', HubDescription: 'datasets and evaluators' }))).HubArn!;
});
after(async () => sb.close(true));

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Progress as the SDK computes it (§3.6): must never go back, and must end at 1. */
function assertProgress(seen: sm.DescribeTrainingJobCommandOutput[], last: sm.DescribeTrainingJobCommandOutput): number {
  const fractions: number[] = [];
  for (const d of seen) {
    const p = d.ProgressInfo;
    assert.ok(p, 'ProgressInfo is present on every Describe of a serverless job');
    if (p.CurrentStep === undefined) continue;
    assert.ok(p.CurrentEpoch! >= 1 && p.CurrentEpoch! <= p.MaxEpoch! && p.CurrentStep >= 0 && p.CurrentStep <= p.TotalStepCountPerEpoch!, JSON.stringify(p));
    fractions.push(((p.CurrentEpoch! - 1) * p.TotalStepCountPerEpoch! + p.CurrentStep) / (p.MaxEpoch! * p.TotalStepCountPerEpoch!));
  }
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! >= fractions[i - 1]!, `progress went back: ${fractions.join(' ')}`);
  const p = last.ProgressInfo!;
  assert.equal(p.CurrentEpoch, p.MaxEpoch);
  assert.equal(p.CurrentStep, p.TotalStepCountPerEpoch);
  return new Set(fractions).size;
}

/** The output package and the job agree, and the package says what it holds. */
async function assertPackage(d: sm.DescribeTrainingJobCommandOutput, recipe: string, isCheckpoint: boolean): Promise<sm.DescribeModelPackageCommandOutput> {
  assert.match(d.OutputModelPackageArn!, /^arn:aws:sagemaker:us-east-1:123456789012:model-package\/tiny-finetunes\/\d+$/);
  const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: d.OutputModelPackageArn! }));
  assert.equal(pkg.ModelPackageRegistrationType, 'Logged');
  assert.equal(pkg.ModelPackageStatus, 'Completed');
  const c = pkg.InferenceSpecification!.Containers![0]!;
  assert.deepEqual(c.BaseModel, { HubContentName: 'sagebox-tiny', HubContentVersion: '1.0.0', RecipeName: recipe });
  assert.equal(c.IsCheckpoint, isCheckpoint);
  assert.deepEqual(c.ModelDataSource, { S3DataSource: { S3Uri: `${OUT}/${d.TrainingJobName}/output/`, S3DataType: 'S3Prefix', CompressionType: 'None' } });
  assert.equal(d.ModelArtifacts!.S3ModelArtifacts, `${OUT}/${d.TrainingJobName}/output/model`);
  const runtime = await getJson(sb, `${OUT}/${d.TrainingJobName}/output/model/training_metrics.json`);
  assert.equal(d.BillableTokenCount, runtime.tokens, 'BillableTokenCount is the tokens the runtime processed');
  assert.ok(d.BillableTokenCount! > 0);
  return pkg;
}

test('the built-in base model is listed in the public hub with its recipes', async () => {
  const list = await sb.client.send(new sm.ListHubContentsCommand({ HubName: 'SageMakerPublicHub', HubContentType: 'Model' }));
  assert.ok(list.HubContentSummaries!.some((c) => c.HubContentArn === BASE_MODEL_V1), JSON.stringify(list.HubContentSummaries));
  const d = await sb.client.send(new sm.DescribeHubContentCommand({ HubName: 'SageMakerPublicHub', HubContentType: 'Model', HubContentName: 'sagebox-tiny' }));
  const doc = JSON.parse(d.HubContentDocument!);
  assert.equal(doc.GatedBucket, false);
  assert.deepEqual(doc.RecipeCollection.map((r: { Name: string }) => r.Name).sort(), [
    'sagebox-tiny-dpo-fft', 'sagebox-tiny-dpo-lora', 'sagebox-tiny-rlaif-fft', 'sagebox-tiny-rlaif-lora',
    'sagebox-tiny-rlvr-fft', 'sagebox-tiny-rlvr-lora', 'sagebox-tiny-sft-fft', 'sagebox-tiny-sft-lora',
  ]);
});

test('SFT with LoRA: Completed, loss down, ProgressInfo live and complete, tokens billed, Logged package, §3.5 layout', async () => {
  await putJsonl(sb, 's3://bucket/sft/train.jsonl', sftRows(32, 1));
  await putJsonl(sb, 's3://bucket/sft-val/val.jsonl', sftRows(16, 2));
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('sft-lora', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, group,
    { train: 's3://bucket/sft/', validation: 's3://bucket/sft-val/' }, { HyperParameters: { num_epochs: '2', learning_rate: '3e-3' } })));
  const { last: d, seen } = await watchJob(sb.client, 'sft-lora');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  assert.deepEqual(d.SecondaryStatusTransitions!.map((t) => t.Status), ['Starting', 'Pending', 'Downloading', 'Training', 'Uploading', 'Completed']);
  assert.deepEqual(d.ProgressInfo, { CurrentEpoch: 2, CurrentStep: 4, TotalStepCountPerEpoch: 4, MaxEpoch: 2 });
  assertProgress(seen, d);
  // Service defaults for serverless jobs (§3.4, §3.5) and the versioned BaseModelArn (§3.2).
  assert.deepEqual(d.StoppingCondition, { MaxRuntimeInSeconds: 86400 });
  assert.equal(d.OutputDataConfig!.CompressionType, 'NONE');
  assert.equal(d.ServerlessJobConfig!.BaseModelArn, BASE_MODEL_V1);
  assert.equal(d.AlgorithmSpecification, undefined);
  assert.equal(d.ResourceConfig, undefined);
  const series = await metricSeries(sb, 'sft-lora');
  assert.equal(series.train_loss!.length, 8);
  assert.ok(series.train_loss!.at(-1)! < series.train_loss![0]! * 0.7, `train_loss ${series.train_loss}`);
  assert.ok(d.FinalMetricDataList!.some((m) => m.MetricName === 'validation_loss'));
  assert.equal(d.FinalMetricDataList!.find((m) => m.MetricName === 'train_loss')!.Value, series.train_loss!.at(-1));
  await assertPackage(d, 'sagebox-tiny-sft-lora', true);
  const keys = await listKeys(sb, `${OUT}/sft-lora/output/`);
  for (const k of ['model/checkpoints/hf/adapter_model.safetensors', 'model/checkpoints/hf/adapter_config.json', 'model/checkpoints/hf_merged/model.safetensors', 'output/manifest.json']) {
    assert.ok(keys.includes(k), `${k} in ${keys.join(', ')}`);
  }
  const manifest = await getJson(sb, `${OUT}/sft-lora/output/output/manifest.json`);
  assert.equal(manifest.checkpoint_s3_bucket, `${OUT}/sft-lora/output/model/checkpoints/`);
  // The log, as for any training job.
  const logs = await awsJsonCall<{ events: { message: string }[] }>({ url: sb.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } },
    'logs', 'Logs_20140328.FilterLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'sft-lora/' });
  const lines = logs.events.map((e) => e.message);
  assert.ok(lines.some((l) => /^sagebox: channel 'train': 1 file\(s\), \d+ bytes from s3:\/\/bucket\/sft\/$/.test(l)), lines.join('\n'));
  assert.ok(lines.includes('sagebox: base model sagebox-tiny 1.0.0, recipe sagebox-tiny-sft-lora'), lines.join('\n'));
  assert.equal(lines.filter((l) => /^epoch [12] step [1-4]\/4 loss [0-9.]+ lr \S+ tokens \d+$/.test(l)).length, 8, lines.join('\n'));
});

test('SFT full fine-tuning from a hub DataSet: full weights, IsCheckpoint false; continued fine-tuning from the SFT LoRA package', async () => {
  await putJsonl(sb, 's3://bucket/datasets/sft-full.jsonl', sftRows(16, 3));
  const ds = await sb.client.send(new sm.ImportHubContentCommand({
    HubName: 'assets', HubContentType: 'DataSet', HubContentName: 'doubling', DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify({ DatasetType: 'CUSTOMER_PROVIDED', DatasetS3Bucket: 'bucket', DatasetS3Prefix: 'datasets/sft-full.jsonl', Dependencies: [] }),
  }));
  const req = serverlessRequest('sft-full', { CustomizationTechnique: 'SFT' }, group, {}, { HyperParameters: { learning_rate: '1e-3' } });
  req.InputDataConfig = [{ ChannelName: 'train', DataSource: { DatasetSource: { DatasetArn: ds.HubContentArn! } } }];
  await sb.client.send(new sm.CreateTrainingJobCommand(req));
  const { last: d } = await watchJob(sb.client, 'sft-full');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  await assertPackage(d, 'sagebox-tiny-sft-fft', false);
  const keys = await listKeys(sb, `${OUT}/sft-full/output/model/checkpoints/`);
  assert.ok(keys.includes('hf/model.safetensors') && !keys.some((k) => k.startsWith('hf_merged/')), keys.join(', '));
  const series = await metricSeries(sb, 'sft-full');
  assert.ok(series.train_loss!.at(-1)! < series.train_loss![0]!, `train_loss ${series.train_loss}`);

  // Continued fine-tuning: the LoRA adapter of sft-lora trains on; its first loss starts where sft-lora ended.
  const source = (await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'sft-lora' }))).OutputModelPackageArn!;
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('sft-continued', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, group,
    { train: 's3://bucket/sft/' }, { ModelPackageConfig: { ModelPackageGroupArn: group, SourceModelPackageArn: source } })));
  const { last: c } = await watchJob(sb.client, 'sft-continued');
  assert.equal(c.TrainingJobStatus, 'Completed', c.FailureReason);
  const pkg = await assertPackage(c, 'sagebox-tiny-sft-lora', true);
  assert.equal(pkg.CustomerMetadataProperties!.SourceModelPackageArn, source);
  // Evaluating the full fine-tune (a custom model with full weights) against the base model.
  await putJsonl(sb, 's3://bucket/sft-test/test.jsonl', sftRows(12, 4));
  const evaluate = (name: string, source?: string) => sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest(name,
    { JobType: 'Evaluation', EvaluationType: 'BenchmarkEvaluation' }, undefined, { test: 's3://bucket/sft-test/' }, {
      HyperParameters: { max_new_tokens: '4' }, ...(source ? { ModelPackageConfig: { ModelPackageGroupArn: group, SourceModelPackageArn: source } } : {}),
    })));
  await evaluate('eval-sft-full', d.OutputModelPackageArn!);
  await evaluate('eval-sft-base');
  const tuned = (await watchJob(sb.client, 'eval-sft-full')).last;
  const base = (await watchJob(sb.client, 'eval-sft-base')).last;
  assert.equal(tuned.TrainingJobStatus, 'Completed', tuned.FailureReason);
  assert.equal(base.TrainingJobStatus, 'Completed', base.FailureReason);
  const answers = async (job: string) => (await objectStore(sb).getBuffer(`${OUT}/${job}/output/output/None/eval_results/inference_output.jsonl`))
    .toString('utf8').trim().split('\n').map((l) => JSON.parse(l).inference as string);
  const [tunedAnswers, baseAnswers] = [await answers('eval-sft-full'), await answers('eval-sft-base')];
  assert.equal(tunedAnswers.length, 12);
  assert.notDeepEqual(tunedAnswers, baseAnswers, 'the evaluation ran the fine-tuned weights, not the base model');

  const before = await metricSeries(sb, 'sft-lora');
  const continued = await metricSeries(sb, 'sft-continued');
  assert.ok(continued.train_loss![0]! < before.train_loss![0]! * 0.7, `continued starts at ${continued.train_loss![0]}, fresh started at ${before.train_loss![0]}`);
});

test('DPO with LoRA and full: preference loss falls from ln 2, rewards accuracy rises', async () => {
  await putJsonl(sb, 's3://bucket/dpo/train.jsonl', dpoStyleRows(32, 5));
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('dpo-lora', { CustomizationTechnique: 'DPO', Peft: 'LORA' }, group,
    { train: 's3://bucket/dpo/' }, { HyperParameters: { num_epochs: '2', beta: '0.1' } })));
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('dpo-full', { CustomizationTechnique: 'DPO' }, group,
    { train: 's3://bucket/dpo/' }, { HyperParameters: { learning_rate: '5e-4' } })));
  for (const [name, recipe, isCheckpoint] of [['dpo-lora', 'sagebox-tiny-dpo-lora', true], ['dpo-full', 'sagebox-tiny-dpo-fft', false]] as const) {
    const { last: d } = await watchJob(sb.client, name);
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    const series = await metricSeries(sb, name);
    assert.ok(Math.abs(series.train_loss![0]! - Math.LN2) < 1e-3, `${name} starts at ln 2: ${series.train_loss![0]}`);
    assert.ok(series.train_loss!.at(-1)! < series.train_loss![0]! - 0.05, `${name} train_loss ${series.train_loss}`);
    assert.ok(series.rewards_accuracy!.at(-1)! > series.rewards_accuracy![0]!, `${name} rewards_accuracy ${series.rewards_accuracy}`);
    await assertPackage(d, recipe, isCheckpoint);
  }
});

test('RLVR with LoRA and a reward-function evaluator (ES module in the hub): reward rises; progress seen mid-run', async () => {
  await objectStore(sb).putBuffer('s3://bucket/evaluators/exact.mjs', EXACT_MATCH_MJS);
  const ev = await sb.client.send(new sm.ImportHubContentCommand({
    HubName: 'assets', HubContentType: 'JsonDoc', HubContentName: 'exact-match', DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify({ SubType: 'AWS/Evaluator', JsonContent: JSON.stringify({ Reference: 's3://bucket/evaluators/exact.mjs', EvaluatorType: 'RewardFunction' }) }),
  }));
  await putJsonl(sb, 's3://bucket/rlvr/train.jsonl', rlvrAddRows(64, 7, 'train'));
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('rlvr-lora', { CustomizationTechnique: 'RLVR', Peft: 'LORA', EvaluatorArn: ev.HubContentArn! }, group,
    { train: 's3://bucket/rlvr/' }, { HyperParameters: { num_epochs: '2', learning_rate: '1.5e-3', num_generations: '8', max_new_tokens: '4', kl_coef: '0.01' } })));
  const { last: d, seen } = await watchJob(sb.client, 'rlvr-lora');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  assert.ok(assertProgress(seen, d) >= 3, 'ProgressInfo was seen moving while the job trained');
  const reward = (await metricSeries(sb, 'rlvr-lora')).reward_mean!;
  assert.equal(reward.length, 16);
  assert.ok(mean(reward.slice(-4)) > mean(reward.slice(0, 4)) + 0.05, `reward_mean ${reward.map((r) => r.toFixed(2)).join(' ')}`);
  await assertPackage(d, 'sagebox-tiny-rlvr-lora', true);
  const logs = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'rlvr-lora' }));
  assert.ok(logs.SecondaryStatusTransitions!.some((t) => t.StatusMessage === 'Training in progress: RLVR with LoRA of sagebox-tiny'));
  void hub;
});

test('RLVR full fine-tuning with a preset reward (exact_match): runs, logs its rewards, full-weights package', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('rlvr-full', { CustomizationTechnique: 'RLVR' }, group,
    { train: 's3://bucket/rlvr/' }, { HyperParameters: { preset_reward_function: 'exact_match', max_steps: '4', num_generations: '4', max_new_tokens: '4', learning_rate: '5e-4' } })));
  const { last: d } = await watchJob(sb.client, 'rlvr-full');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  // max_steps ended the epoch after 4 of its 8 steps; a completed job's progress ends complete.
  assert.deepEqual(d.ProgressInfo, { CurrentEpoch: 1, CurrentStep: 8, TotalStepCountPerEpoch: 8, MaxEpoch: 1 });
  const series = await metricSeries(sb, 'rlvr-full');
  assert.equal(series.reward_mean!.length, 4);
  assert.ok(series.reward_mean!.every((r) => r >= 0 && r <= 1));
  await assertPackage(d, 'sagebox-tiny-rlvr-fft', false);
});
