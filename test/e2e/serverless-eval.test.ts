/**
 * Serverless RLAIF and evaluation jobs (JobType=Evaluation, SAGEMAKER-SEMANTICS §3.10) through
 * the real SDK on the built-in model: RLAIF with a reward-prompt evaluator raises the judge's
 * score, measured by LLM-as-a-judge evaluations of the base model and of the RLAIF output
 * package (a custom model); a benchmark; a custom scorer written in Python. Results land under
 * `<job>/output/output/<name>/eval_results/` and the headline scores are metrics.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { rlaifRows, rlvrAddRows } from '../../src/llm/data/synthetic.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { createGroup, getJson, listKeys, objectStore, putJsonl, serverlessRequest, watchJob } from '../sagemaker/serverless/helpers.js';

let sb: TestSagebox;
let group: string;
const OUT = 's3://bucket/serverless-output';
const TEMPLATE = 'Question: {prompt}\nAnswer: {response}\nIs the answer correct and helpful? Reply yes or no.';

/** A custom scorer in Python (Lambda contract): 1 when the answer has more than 3 characters, plus its length as a metric. */
const LENGTH_SCORER_PY = `
import json
def lambda_handler(event, context):
    out = []
    for s in event:
        answer = [m for m in s["messages"] if m["role"] == "assistant"][-1]["content"]
        out.append({"id": s["id"], "aggregate_reward_score": 1.0 if len(answer) > 3 else 0.0,
                    "metrics_list": [{"name": "length", "value": len(answer), "type": "Metric"}]})
    return {"statusCode": 200, "body": json.dumps(out)}
`;

async function importEvaluator(name: string, reference: string, type: 'RewardFunction' | 'RewardPrompt'): Promise<string> {
  const r = await sb.client.send(new sm.ImportHubContentCommand({
    HubName: 'assets', HubContentType: 'JsonDoc', HubContentName: name, DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify({ SubType: 'AWS/Evaluator', JsonContent: JSON.stringify({ Reference: reference, EvaluatorType: type }) }),
  }));
  return r.HubContentArn!;
}

function evaluation(name: string, type: sm.EvaluationType, data: string, extra: Partial<sm.CreateTrainingJobRequest> = {}, evaluatorArn?: string): sm.CreateTrainingJobRequest {
  return serverlessRequest(name, { JobType: 'Evaluation', EvaluationType: type, ...(evaluatorArn ? { EvaluatorArn: evaluatorArn } : {}) }, undefined, { test: data }, extra);
}

const metric = (d: sm.DescribeTrainingJobCommandOutput, name: string): number => d.FinalMetricDataList!.find((m) => m.MetricName === name)!.Value!;

before(async () => {
  sb = await startTestSagebox();
  group = await createGroup(sb.client, 'tiny-finetunes');
  await sb.client.send(new sm.CreateHubCommand({ HubName: 'assets', HubDescription: 'evaluators' }));
});
after(async () => sb.close(true));

test('RLAIF with a reward-prompt evaluator; LLM-as-a-judge of the base model and of the RLAIF package: the judge score rises', async () => {
  await objectStore(sb).putBuffer('s3://bucket/evaluators/judge.txt', TEMPLATE);
  const prompt = await importEvaluator('helpful-judge', 's3://bucket/evaluators/judge.txt', 'RewardPrompt');
  await putJsonl(sb, 's3://bucket/rlaif/train.jsonl', rlaifRows(24, 9));
  await putJsonl(sb, 's3://bucket/rlaif-test/test.jsonl', rlaifRows(16, 10));
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('rlaif-lora', { CustomizationTechnique: 'RLAIF', Peft: 'LORA', EvaluatorArn: prompt }, group,
    { train: 's3://bucket/rlaif/' }, { HyperParameters: { num_epochs: '2', global_batch_size: '4', learning_rate: '3e-3', num_generations: '6', max_new_tokens: '24', kl_coef: '0.01' } })));
  // The base model's score, evaluated while RLAIF trains.
  await sb.client.send(new sm.CreateTrainingJobCommand(evaluation('judge-base', 'LLMAJEvaluation', 's3://bucket/rlaif-test/',
    { HyperParameters: { max_new_tokens: '24', name: 'judge' } }, prompt)));
  const rlaif = (await watchJob(sb.client, 'rlaif-lora')).last;
  assert.equal(rlaif.TrainingJobStatus, 'Completed', rlaif.FailureReason);
  const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: rlaif.OutputModelPackageArn! }));
  assert.equal(pkg.InferenceSpecification!.Containers![0]!.BaseModel!.RecipeName, 'sagebox-tiny-rlaif-lora');
  assert.ok(metric(rlaif, 'reward_mean') > 0);

  await sb.client.send(new sm.CreateTrainingJobCommand(evaluation('judge-rlaif', 'LLMAJEvaluation', 's3://bucket/rlaif-test/', {
    HyperParameters: { max_new_tokens: '24', name: 'judge' },
    ModelPackageConfig: { ModelPackageGroupArn: group, SourceModelPackageArn: rlaif.OutputModelPackageArn! },
  }, prompt)));
  const base = (await watchJob(sb.client, 'judge-base')).last;
  const tuned = (await watchJob(sb.client, 'judge-rlaif')).last;
  for (const d of [base, tuned]) {
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    assert.equal(d.OutputModelPackageArn, undefined, 'evaluation jobs make no output package');
    assert.deepEqual(d.ProgressInfo, { CurrentEpoch: 1, CurrentStep: 16, TotalStepCountPerEpoch: 16, MaxEpoch: 1 });
    assert.ok(d.BillableTokenCount! > 16 * 10, `BillableTokenCount ${d.BillableTokenCount}`);
    const results = await getJson(sb, `${OUT}/${d.TrainingJobName}/output/output/judge/eval_results/bedrock_llm_judge_results.json`);
    assert.equal(results.results.all.judge_score, metric(d, 'judge_score'));
    assert.ok((await listKeys(sb, `${OUT}/${d.TrainingJobName}/output/output/judge/eval_results/`)).includes('inference_output.jsonl'));
  }
  assert.ok(metric(tuned, 'judge_score') > metric(base, 'judge_score'), `judge score ${metric(base, 'judge_score')} -> ${metric(tuned, 'judge_score')}`);
});

test('BenchmarkEvaluation of the base model: exact match and accuracy as metrics, results under <name>=None', async () => {
  await putJsonl(sb, 's3://bucket/bench/test.jsonl', rlvrAddRows(12, 8, 'test'));
  await sb.client.send(new sm.CreateTrainingJobCommand(evaluation('bench-base', 'BenchmarkEvaluation', 's3://bucket/bench/', { HyperParameters: { max_new_tokens: '4' } })));
  const { last: d } = await watchJob(sb.client, 'bench-base');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  const keys = await listKeys(sb, `${OUT}/bench-base/output/output/None/eval_results/`);
  const file = keys.find((k) => /^results_.*\.json$/.test(k));
  assert.ok(file, keys.join(', '));
  const results = await getJson(sb, `${OUT}/bench-base/output/output/None/eval_results/${file}`);
  assert.equal(results.results.all.num_samples, 12);
  assert.equal(metric(d, 'exact_match'), results.results.all.exact_match);
  assert.equal(metric(d, 'accuracy'), results.results.all.accuracy);
  assert.equal(d.ModelArtifacts?.S3ModelArtifacts, undefined);
});

test('CustomScorerEvaluation with a Python reward function from the hub', async () => {
  await objectStore(sb).putBuffer('s3://bucket/evaluators/length.py', LENGTH_SCORER_PY);
  const scorer = await importEvaluator('length-scorer', 's3://bucket/evaluators/length.py', 'RewardFunction');
  await putJsonl(sb, 's3://bucket/scorer/test.jsonl', rlaifRows(6, 11));
  await sb.client.send(new sm.CreateTrainingJobCommand(evaluation('scorer-base', 'CustomScorerEvaluation', 's3://bucket/scorer/', { HyperParameters: { max_new_tokens: '16', name: 'gen_qa' } }, scorer)));
  const { last: d } = await watchJob(sb.client, 'scorer-base');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  const keys = await listKeys(sb, `${OUT}/scorer-base/output/output/gen_qa/eval_results/`);
  const results = await getJson(sb, `${OUT}/scorer-base/output/output/gen_qa/eval_results/${keys.find((k) => k.startsWith('results_'))}`);
  const task = results.results['custom|gen_qa|0'];
  assert.equal(task.num_samples, 6);
  assert.ok(task.length > 0);
  assert.equal(metric(d, 'aggregate_reward_score'), task.aggregate_reward_score);
  assert.equal(metric(d, 'length'), task.length);
});

test('LLMAJEvaluation with judge_model_id naming a hub Model and the built-in judge prompt', async () => {
  await putJsonl(sb, 's3://bucket/judge-small/test.jsonl', rlaifRows(4, 12));
  await sb.client.send(new sm.CreateTrainingJobCommand(evaluation('judge-by-hub-model', 'LLMAJEvaluation', 's3://bucket/judge-small/', {
    HyperParameters: { max_new_tokens: '8', judge_model_id: 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/sagebox-tiny/1.0.0' },
  })));
  const { last: d } = await watchJob(sb.client, 'judge-by-hub-model');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  const score = metric(d, 'judge_score');
  assert.ok(score > 0 && score < 1, `judge_score ${score}`);
  assert.equal(metric(d, 'num_samples'), 4);
});
