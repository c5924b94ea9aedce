/**
 * A serverless fine-tuning job (ServerlessJobConfig) with MlflowConfig: its loss series, written
 * through the same metric path as any training job, is the run's metric history, and the run
 * ends FINISHED. Uses the serverless helpers' built-in tiny base model.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { sftRows } from '../../src/llm/data/synthetic.js';
import { MlflowClient } from '../../src/mlflow/client.js';
import type { TestSagebox } from '../helpers/sagebox.js';
import { createGroup, metricSeries, putJsonl, serverlessRequest, watchJob } from '../sagemaker/serverless/helpers.js';
import { sageboxWithServer, until } from '../mlflow/helpers.js';

let sb: TestSagebox;
let url: string;
let arn: string;
before(async () => {
  ({ sb, url, arn } = await sageboxWithServer('serverless-tracking'));
});
after(async () => sb.close(true));

test('a serverless SFT job logs its loss series to its MLflow run', async () => {
  await putJsonl(sb, 's3://bucket/sft/train.jsonl', sftRows(16, 1));
  const group = await createGroup(sb.client, 'mlflow-finetunes');
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('sft-mlflow', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, group,
    { train: 's3://bucket/sft/' }, { HyperParameters: { num_epochs: '1' }, MlflowConfig: { MlflowResourceArn: arn, MlflowExperimentName: 'finetunes' } })));
  const { last } = await watchJob(sb.client, 'sft-mlflow', undefined, 120_000);
  assert.equal(last.TrainingJobStatus, 'Completed', last.FailureReason);
  const runId = await until('MlflowDetails', async () =>
    (await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'sft-mlflow' }))).MlflowDetails?.MlflowRunId);
  const client = new MlflowClient(url);
  const run = await until('FINISHED', async () => {
    const r = await client.getRun(runId);
    return r.info.status === 'FINISHED' ? r : undefined;
  });
  const series = await metricSeries(sb, 'sft-mlflow');
  assert.ok(Object.keys(series).length > 0, 'the job wrote metric series');
  for (const [name, values] of Object.entries(series)) {
    const history = await client.getMetricHistory(run.info.run_id, name);
    assert.deepEqual(history.map((m) => m.value), values, name);
  }
  assert.deepEqual(run.data.params?.find((p) => p.key === 'num_epochs'), { key: 'num_epochs', value: '1' });
});
