/**
 * Serverless jobs through stops, restarts and bad data (SAGEMAKER-SEMANTICS §3.5 O1, §3.6):
 * StopTrainingJob mid-run keeps the weights as of the stop; a sagebox restart mid-run runs the
 * job again from the beginning with the same output package; a bad dataset fails the job with
 * a ClientError and fails its package; a gated model needs AcceptEula.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { sftRows } from '../../src/llm/data/synthetic.js';
import { rmSync } from 'node:fs';
import { spawnServe } from '../helpers/cli-process.js';
import { awsError, sdkClient, startTestSagebox, tempDataDir, type TestSagebox } from '../helpers/sagebox.js';
import { createGroup, getJson, listKeys, metricSeries, putJsonl, serverlessRequest, watchJob } from '../sagemaker/serverless/helpers.js';

let sb: TestSagebox;
let group: string;
const OUT = 's3://bucket/serverless-output';
/** Far more steps (one example each) than a test waits for: the job is still training when the test acts. */
const LONG = { global_batch_size: '1', max_steps: '100000', num_epochs: '5000' };
/** A job that is still training a moment after its third step (about a second of steps on an idle machine), yet completes. */
const MEDIUM = { global_batch_size: '1', max_steps: '300', num_epochs: '15' };

before(async () => {
  sb = await startTestSagebox();
  group = await createGroup(sb.client, 'tiny-finetunes');
  await putJsonl(sb, 's3://bucket/sft/train.jsonl', sftRows(20, 1));
});
after(async () => sb.close(true));

const training = (d: sm.DescribeTrainingJobCommandOutput): boolean => (d.ProgressInfo?.CurrentStep ?? 0) >= 3 && d.SecondaryStatus === 'Training';

test('StopTrainingJob mid-run: Stopped after the current step, weights uploaded, tokens so far billed, package Completed', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('stop-me', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, group, { train: 's3://bucket/sft/' }, { HyperParameters: LONG })));
  await watchJob(sb.client, 'stop-me', training);
  await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'stop-me' }));
  const { last: d } = await watchJob(sb.client, 'stop-me');
  assert.equal(d.TrainingJobStatus, 'Stopped', d.FailureReason);
  assert.deepEqual(d.SecondaryStatusTransitions!.map((t) => t.Status).slice(-2), ['Stopping', 'Stopped']);
  const p = d.ProgressInfo!;
  assert.ok((p.CurrentEpoch! - 1) * p.TotalStepCountPerEpoch! + p.CurrentStep! < p.MaxEpoch! * p.TotalStepCountPerEpoch!, `stopped early: ${JSON.stringify(p)}`);
  const runtime = await getJson(sb, `${OUT}/stop-me/output/model/training_metrics.json`);
  assert.equal(runtime.stopped, true);
  assert.equal(d.BillableTokenCount, runtime.tokens);
  assert.ok(runtime.steps < 100000);
  assert.ok((await listKeys(sb, `${OUT}/stop-me/output/model/checkpoints/hf/`)).includes('adapter_model.safetensors'));
  const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: d.OutputModelPackageArn! }));
  assert.equal(pkg.ModelPackageStatus, 'Completed');
  const again = await awsError(() => sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: 'stop-me' })));
  assert.equal(again.message, 'The request was rejected because the training job is in status Stopped.');
});

test('MaxRuntimeInSeconds: the trainer stops, the job ends Stopped / MaxRuntimeExceeded with the weights it has', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('too-slow', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, group,
    { train: 's3://bucket/sft/' }, { HyperParameters: LONG, StoppingCondition: { MaxRuntimeInSeconds: 3 } })));
  const { last: d } = await watchJob(sb.client, 'too-slow');
  assert.equal(d.TrainingJobStatus, 'Stopped', d.FailureReason);
  assert.equal(d.SecondaryStatus, 'MaxRuntimeExceeded');
  assert.deepEqual(d.StoppingCondition, { MaxRuntimeInSeconds: 3 });
  const runtime = await getJson(sb, `${OUT}/too-slow/output/model/training_metrics.json`);
  assert.equal(runtime.stopped, true);
  assert.equal(d.BillableTokenCount, runtime.tokens);
});

test('a bad dataset fails the job with a ClientError naming file and line; the output package is Failed', async () => {
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('bad-data', { CustomizationTechnique: 'DPO', Peft: 'LORA' }, group, { train: 's3://bucket/sft/' })));
  const { last: d } = await watchJob(sb.client, 'bad-data');
  assert.equal(d.TrainingJobStatus, 'Failed');
  assert.match(d.FailureReason!, /^ClientError: .*train\.jsonl line 1: /);
  assert.equal(d.BillableTokenCount, undefined);
  const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: d.OutputModelPackageArn! }));
  assert.equal(pkg.ModelPackageStatus, 'Failed');
  assert.equal(pkg.ModelPackageStatusDetails!.ValidationStatuses![0]!.Status, 'Failed');
  assert.match(pkg.ModelPackageStatusDetails!.ValidationStatuses![0]!.FailureReason!, /bad-data failed: ClientError/);

  await putJsonl(sb, 's3://bucket/broken/train.jsonl', [{ prompt: 'a', completion: 'b' }]);
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('too-few', { CustomizationTechnique: 'SFT' }, group, { train: 's3://bucket/broken/' }, { HyperParameters: { min_train_rows: '32' } })));
  const few = (await watchJob(sb.client, 'too-few')).last;
  assert.equal(few.TrainingJobStatus, 'Failed');
  assert.match(few.FailureReason!, /^ClientError: .*SFT needs at least 32 training rows, found 1/);

  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('no-data', { CustomizationTechnique: 'SFT' }, group, { train: 's3://bucket/nothing-here/' })));
  const none = (await watchJob(sb.client, 'no-data')).last;
  assert.equal(none.FailureReason, "ClientError: channel 'train': there is no data at s3://bucket/nothing-here/");
});

test('a gated hub model needs AcceptEula=true, then runs', async () => {
  await sb.client.send(new sm.CreateHubCommand({ HubName: 'models', HubDescription: 'my models' }));
  const gated = await sb.client.send(new sm.ImportHubContentCommand({
    HubName: 'models', HubContentType: 'Model', HubContentName: 'gated-tiny', HubContentVersion: '2.0.0', DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify({
      GatedBucket: true, TrainingArtifactUri: 'sagebox-builtin://sagebox-tiny',
      RecipeCollection: [{ Name: 'gated-tiny-sft-lora', CustomizationTechnique: 'SFT', Peft: 'LORA' }],
    }),
  }));
  const unversioned = gated.HubContentArn!.replace(/\/2\.0\.0$/, '');
  const refused = await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('gated', { BaseModelArn: unversioned, CustomizationTechnique: 'SFT', Peft: 'LORA' }, group, { train: 's3://bucket/sft/' }))));
  assert.equal(refused.message, `The base model gated-tiny (${gated.HubContentArn}) is gated: accept its end-user license agreement with ServerlessJobConfig.AcceptEula=true.`);
  const noFull = await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('gated', { BaseModelArn: unversioned, AcceptEula: true, CustomizationTechnique: 'SFT' }, group, { train: 's3://bucket/sft/' }))));
  assert.equal(noFull.message, 'The base model gated-tiny has no recipe for SFT full fine-tuning (no Peft); it offers: SFT with LoRA.');
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('gated', { BaseModelArn: unversioned, AcceptEula: true, CustomizationTechnique: 'SFT', Peft: 'LORA' }, group, { train: 's3://bucket/sft/' })));
  const { last: d } = await watchJob(sb.client, 'gated');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  assert.equal(d.ServerlessJobConfig!.BaseModelArn, gated.HubContentArn);
  assert.equal(d.ServerlessJobConfig!.AcceptEula, true);
  const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: d.OutputModelPackageArn! }));
  assert.deepEqual(pkg.InferenceSpecification!.Containers![0]!.BaseModel, { HubContentName: 'gated-tiny', HubContentVersion: '2.0.0', RecipeName: 'gated-tiny-sft-lora' });
});

test('sagebox restarts mid-run: the job runs again from the beginning and completes; one output package', async () => {
  const dataDir = tempDataDir();
  let box = await startTestSagebox({ dataDir });
  try {
    const g = await createGroup(box.client, 'restarts');
    await putJsonl(box, 's3://bucket/sft/train.jsonl', sftRows(20, 1));
    await box.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('restart-me', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, g,
      { train: 's3://bucket/sft/' }, { HyperParameters: MEDIUM })));
    const mid = (await watchJob(box.client, 'restart-me', training)).last;
    const pkgArn = mid.OutputModelPackageArn!;
    assert.ok(pkgArn, 'the output package is allocated when the job starts');
    assert.equal((await box.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: pkgArn }))).ModelPackageStatus, 'InProgress');
    await box.close();
    box = await startTestSagebox({ dataDir });
    const { last: d } = await watchJob(box.client, 'restart-me');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    const statuses = d.SecondaryStatusTransitions!.map((t) => t.Status);
    assert.deepEqual(statuses, ['Starting', 'Pending', 'Downloading', 'Training', 'Starting', 'Pending', 'Downloading', 'Training', 'Uploading', 'Completed']);
    assert.equal(d.OutputModelPackageArn, pkgArn);
    assert.deepEqual(d.ProgressInfo, { CurrentEpoch: 15, CurrentStep: 20, TotalStepCountPerEpoch: 20, MaxEpoch: 15 });
    const runtime = await getJson(box, `${OUT}/restart-me/output/model/training_metrics.json`);
    assert.equal(runtime.steps, 300);
    assert.equal(d.BillableTokenCount, runtime.tokens, 'only the attempt that completed is billed');
    const series = await metricSeries(box, 'restart-me');
    assert.equal(series.train_loss!.length, 300, 'the metric series is the completed run\'s');
    assert.deepEqual(series.train_loss, runtime.losses);
    const versions = await box.client.send(new sm.ListModelPackagesCommand({ ModelPackageGroupName: 'restarts' }));
    assert.equal(versions.ModelPackageSummaryList!.length, 1);
    assert.equal(versions.ModelPackageSummaryList![0]!.ModelPackageStatus, 'Completed');
  } finally {
    await box.close(true);
  }
});

test('kill -9 of sagebox mid-run: the restarted server runs the job again from the beginning', async () => {
  const dataDir = tempDataDir();
  let server = await spawnServe(['--data-dir', dataDir]);
  let client = sdkClient(server.url);
  try {
    const box = { dataDir } as TestSagebox;
    const g = await createGroup(client, 'crashes');
    await putJsonl(box, 's3://bucket/sft/train.jsonl', sftRows(20, 1));
    await client.send(new sm.CreateTrainingJobCommand(serverlessRequest('crash-me', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, g,
      { train: 's3://bucket/sft/' }, { HyperParameters: MEDIUM })));
    await watchJob(client, 'crash-me', training);
    server.child.kill('SIGKILL');
    await server.exited();
    client.destroy();
    server = await spawnServe(['--data-dir', dataDir]);
    client = sdkClient(server.url);
    const { last: d } = await watchJob(client, 'crash-me');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    const restart = d.SecondaryStatusTransitions!.findIndex((t, i) => i > 0 && t.Status === 'Starting');
    assert.equal(d.SecondaryStatusTransitions![restart]!.StatusMessage, 'sagebox stopped while the job was running; it runs again from the beginning');
    assert.deepEqual(d.SecondaryStatusTransitions!.slice(restart).map((t) => t.Status), ['Starting', 'Pending', 'Downloading', 'Training', 'Uploading', 'Completed']);
    assert.equal((await client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: d.OutputModelPackageArn! }))).ModelPackageStatus, 'Completed');
  } finally {
    client.destroy();
    server.child.kill('SIGKILL');
    await server.exited();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
