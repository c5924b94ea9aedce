/**
 * Every definition of ../shared/design/pipeline-examples (copied to fixtures/pipelines/examples),
 * as the SageMaker Python SDK serialized it, created and executed through the real SDK with small
 * local scripts standing in for the processing and training code, ending in the outcome the
 * examples' README states (or, for step types sagebox does not run, failing at that step with a
 * message that says so).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../src/artifacts/index.js';
import { awsError, startTestSagebox } from '../helpers/sagebox.js';
import { createPipeline, example, SCRIPTS_DIR, start, stepMap, steps, waitForExecution, withLocalTrainer } from './fixtures/pipelines/helpers.js';

const BUCKET = 's3://sagemaker-us-east-1-111122223333';
const script = (name: string) => readFileSync(join(SCRIPTS_DIR, name));

test('the SDK-generated example pipelines run end to end', { timeout: 300_000, concurrency: true }, async (t) => {
  const sb = await startTestSagebox({ env: { SAGEBOX_STOP_GRACE_SECONDS: '1', SAGEBOX_MAX_CONCURRENT_JOBS: '4' } });
  t.after(() => sb.close(true));
  const client = sb.clientFor('111122223333');
  const objects = createObjectStore({ driver: 'file', root: join(sb.dataDir, 'objects') });
  t.after(() => objects.close());
  const put = (uri: string, body: string | Buffer) => objects.putBuffer(uri, body);
  for (const p of ['AbalonePipeline', 'DependsOnPipeline', 'RetryPolicyPipeline', 'CachingPipeline']) {
    await put(`${BUCKET}/${p}/code/93b8cffe230d796db8694622ccb7af31b861b7a58edf912a0ba5d40ee9447f74/preprocess.py`, script('preprocess.py'));
  }
  const subtests: Promise<void>[] = [];
  await put(`${BUCKET}/AbalonePipeline/code/ed4e7277dd4d0249736f7d1399fe0498733a89fe92d42757c12c006f7ad51802/evaluate.py`, script('evaluate.py'));

  subtests.push(t.test('01 abalone: process → train → evaluate → condition → register + model, or the Fail step', async () => {
    await put(`${BUCKET}/abalone/abalone-dataset.csv`, '4.2,0.455,0.365\n5.1,0.35,0.265\n');
    await createPipeline(client, 'AbalonePipeline', withLocalTrainer(example('01-abalone-train-eval-condition-register-fail.json')));
    const ok = await start(client, 'AbalonePipeline');
    const d = await waitForExecution(client, ok);
    const listed = await steps(client, ok);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify(listed, null, 1));
    assert.deepEqual(d.PipelineExperimentConfig, { ExperimentName: 'AbalonePipeline', TrialName: ok.split('/').pop() });
    assert.deepEqual(listed.map((s) => s.StepName).sort(), ['AbaloneCreateModel-CreateModel', 'AbaloneEval', 'AbaloneMSECond', 'AbaloneProcess', 'AbaloneRegisterModel-RegisterModel', 'AbaloneTrain']);
    const m = new Map(listed.map((s) => [s.StepName!, s]));
    assert.deepEqual(m.get('AbaloneMSECond')!.Metadata, { Condition: { Outcome: 'True' } });
    assert.match(m.get('AbaloneRegisterModel-RegisterModel')!.Metadata!.RegisterModel!.Arn!, /:model-package\/abalonemodelpackagegroupname\/1$/);
    assert.match(m.get('AbaloneCreateModel-CreateModel')!.Metadata!.Model!.Arn!, /:model\/pipelines-[a-z0-9]{12}-abalonecreatemodel-c/i);
    assert.match(m.get('AbaloneProcess')!.Metadata!.ProcessingJob!.Arn!, /:processing-job\/pipelines-/);
    const pkg = await client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: m.get('AbaloneRegisterModel-RegisterModel')!.Metadata!.RegisterModel!.Arn! }));
    const train = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: m.get('AbaloneTrain')!.Metadata!.TrainingJob!.Arn!.split('/')[1] }));
    assert.equal(pkg.InferenceSpecification!.Containers![0]!.ModelDataUrl, train.ModelArtifacts!.S3ModelArtifacts);
    assert.equal(pkg.ModelApprovalStatus, 'PendingManualApproval');
    assert.match(pkg.ModelMetrics!.ModelQuality!.Statistics!.S3Uri!, new RegExp(`^${BUCKET}/AbalonePipeline/${ok.split('/').pop()}/AbaloneEval/output/evaluation/evaluation.json$`));
    assert.equal(train.ResourceConfig!.InstanceType, 'ml.m5.xlarge');
    const evaluation = JSON.parse((await objects.getBuffer(pkg.ModelMetrics!.ModelQuality!.Statistics!.S3Uri!)).toString());
    assert.equal(evaluation.regression_metrics.mse.value, 4.2);

    const bad = await start(client, 'AbalonePipeline', { MseThreshold: '3.0' });
    const failed = await waitForExecution(client, bad);
    assert.equal(failed.PipelineExecutionStatus, 'Failed');
    assert.equal(failed.FailureReason, 'Step failure: One or multiple steps failed.');
    const fm = await stepMap(client, bad);
    assert.equal(fm.size, 5);
    assert.equal(fm.get('AbaloneMSEFail')!.FailureReason, 'Execution failed due to MSE > 3.0');
    assert.deepEqual(fm.get('AbaloneMSECond')!.Metadata, { Condition: { Outcome: 'False' } });
    assert.equal((await steps(client, bad))[0]!.StepName, 'AbaloneMSEFail');
  }));

  subtests.push(t.test('03 parameters: a parameter without default must be given; typed Gets; In/Or/Not; the Fail branch message', async () => {
    await put(`${BUCKET}/params-demo/train/part-0.csv`, '1,2\n3,4\n');
    await createPipeline(client, 'ParamsPipeline', withLocalTrainer(example('03-all-parameter-types-and-conditions.json')));
    const missing = await awsError(() => start(client, 'ParamsPipeline'));
    assert.equal(missing.name, 'ValidationException');
    assert.equal(missing.message, "Parameter 'RunLabel' is undefined.");
    const unknown = await awsError(() => start(client, 'ParamsPipeline', { RunLabel: 'x', Nope: '1' }));
    assert.equal(unknown.message, "Unknown parameter 'Nope'");
    const notEnum = await awsError(() => start(client, 'ParamsPipeline', { RunLabel: 'x', TrainingInstanceType: 'ml.p3.2xlarge' }));
    assert.match(notEnum.message, /not one of its allowed values/);

    // With the defaults the SDK's definition asks for MaxWaitTimeInSeconds without managed spot
    // training, which CreateTrainingJob refuses (as the service does): the step fails with that error.
    const defaults = await start(client, 'ParamsPipeline', { RunLabel: 'run1' });
    assert.equal((await waitForExecution(client, defaults)).PipelineExecutionStatus, 'Failed');
    const dm = await stepMap(client, defaults);
    assert.deepEqual(dm.get('ValidateParameters')!.Metadata, { Condition: { Outcome: 'True' } });
    assert.equal(dm.get('TrainWithParams')!.FailureReason,
      'ClientError: Failed to invoke sagemaker:CreateTrainingJob. Error Details: Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is set to true');
    assert.deepEqual(dm.get('TrainWithParams')!.Metadata, {});

    // Spot on (Boolean given as Python's str(True)) and two instances: the Or holds through its Not, the job runs.
    const ok = await start(client, 'ParamsPipeline', { RunLabel: 'run1', UseSpotInstances: 'True', TrainingInstanceCount: '2' });
    const d = await waitForExecution(client, ok);
    const m = await stepMap(client, ok);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify([...m.values()], null, 1));
    assert.deepEqual([...m.keys()].sort(), ['TrainWithParams', 'ValidateParameters']);
    assert.deepEqual(m.get('ValidateParameters')!.Metadata, { Condition: { Outcome: 'True' } });
    const job = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: m.get('TrainWithParams')!.Metadata!.TrainingJob!.Arn!.split('/')[1] }));
    assert.equal(job.OutputDataConfig!.S3OutputPath, `${BUCKET}/params-demo/run1`);
    assert.equal(job.HyperParameters!.eta, '0.1');
    assert.equal(job.HyperParameters!.max_depth, '5');
    assert.equal(job.ResourceConfig!.InstanceCount, 2);
    assert.equal(job.EnableManagedSpotTraining, true);

    const rejected = await start(client, 'ParamsPipeline', { RunLabel: 'run2', LearningRate: '1.5' });
    assert.equal((await waitForExecution(client, rejected)).PipelineExecutionStatus, 'Failed');
    const rm = await stepMap(client, rejected);
    assert.equal(rm.get('RejectParameters')!.FailureReason, 'Invalid parameters: LearningRate=1.5, UseSpotInstances=false, TrainingInstanceType=ml.m5.xlarge');
    assert.equal(rm.has('TrainWithParams'), false);
  }));

  subtests.push(t.test('04 DependsOn without data: splits together, then train, model, and the Transform sagebox does not run', async () => {
    await put(`${BUCKET}/dep-demo/raw/data.csv`, '1,2\n3,4\n');
    await createPipeline(client, 'DependsOnPipeline', withLocalTrainer(example('04-dependson-without-data-dependency.json')));
    const arn = await start(client, 'DependsOnPipeline');
    const d = await waitForExecution(client, arn);
    const m = await stepMap(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Failed', JSON.stringify([...m.values()], null, 1));
    for (const name of ['PrepareTrainSplit', 'PrepareValidationSplit', 'TrainModel', 'CreateScoringModel-CreateModel']) assert.equal(m.get(name)?.StepStatus, 'Succeeded', name);
    assert.equal(m.get('BatchScore')!.StepStatus, 'Failed');
    assert.match(m.get('BatchScore')!.FailureReason!, /^sagebox does not run Transform steps/);
    const t0 = m.get('TrainModel')!.StartTime!.getTime();
    assert.ok(t0 >= m.get('PrepareTrainSplit')!.EndTime!.getTime() && t0 >= m.get('PrepareValidationSplit')!.EndTime!.getTime(), 'TrainModel waits for both splits');
    assert.ok(m.get('BatchScore')!.StartTime!.getTime() >= m.get('CreateScoringModel-CreateModel')!.EndTime!.getTime());

    // One step at a time: the second split starts only after the first ended.
    const serial = await start(client, 'DependsOnPipeline', {}, { ParallelismConfiguration: { MaxParallelExecutionSteps: 1 } });
    const first = await waitForExecution(client, serial, () => true);
    assert.deepEqual(first.ParallelismConfiguration, { MaxParallelExecutionSteps: 1 });
    await waitForExecution(client, serial);
    const sm2 = await stepMap(client, serial);
    const a = sm2.get('PrepareTrainSplit')!;
    const b = sm2.get('PrepareValidationSplit')!;
    assert.ok(b.StartTime!.getTime() >= a.EndTime!.getTime(), 'MaxParallelExecutionSteps=1 runs the splits one after the other');
  }));

  subtests.push(t.test('05 retry policies: healthy jobs succeed with AttemptCount 1', async () => {
    await put(`${BUCKET}/retry-demo/raw/data.csv`, '1,2\n');
    await createPipeline(client, 'RetryPolicyPipeline', withLocalTrainer(example('05-retry-policies.json')));
    const arn = await start(client, 'RetryPolicyPipeline');
    const d = await waitForExecution(client, arn);
    const listed = await steps(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', JSON.stringify(listed, null, 1));
    assert.equal(listed.length, 3);
    for (const s of listed) assert.equal(s.AttemptCount, 1, s.StepName);
  }));

  subtests.push(t.test('06 caching: the second execution reuses the cached processing and training steps', async () => {
    await put(`${BUCKET}/cache-demo/raw/data.csv`, '1,2\n');
    await createPipeline(client, 'CachingPipeline', withLocalTrainer(example('06-step-caching.json')));
    const first = await start(client, 'CachingPipeline');
    await waitForExecution(client, first);
    const m1 = await stepMap(client, first);
    assert.equal(m1.get('FeatureEngineering')!.StepStatus, 'Succeeded');
    assert.equal(m1.get('TrainCached')!.StepStatus, 'Succeeded');
    assert.equal(m1.get('TrainCached')!.CacheHitResult, undefined);
    assert.match(m1.get('ScoreNotCached')!.FailureReason!, /sagebox does not run Transform steps/);

    const second = await start(client, 'CachingPipeline');
    await waitForExecution(client, second);
    const m2 = await stepMap(client, second);
    for (const name of ['FeatureEngineering', 'TrainCached']) {
      assert.equal(m2.get(name)!.StepStatus, 'Succeeded', name);
      assert.deepEqual(m2.get(name)!.CacheHitResult, { SourcePipelineExecutionArn: first }, name);
      assert.deepEqual(m2.get(name)!.Metadata, m1.get(name)!.Metadata, `${name} reports the first run's job`);
    }
    assert.equal(m2.get('ScoringModel-CreateModel')!.CacheHitResult, undefined);
    assert.notDeepEqual(m2.get('ScoringModel-CreateModel')!.Metadata, m1.get('ScoringModel-CreateModel')!.Metadata, 'a Model step runs again');

    const changed = await start(client, 'CachingPipeline', { NumRound: '60' });
    await waitForExecution(client, changed);
    const m3 = await stepMap(client, changed);
    assert.deepEqual(m3.get('FeatureEngineering')!.CacheHitResult, { SourcePipelineExecutionArn: first });
    assert.equal(m3.get('TrainCached')!.CacheHitResult, undefined, 'HyperParameters are in the cache key');
  }));

  subtests.push(t.test('09 endpoint / inference component / Bedrock: accepted, and those steps fail saying sagebox does not run them', async () => {
    await createPipeline(client, 'ServingPipeline', example('09-endpoint-inference-component-bedrock-lineage.json'));
    const arn = await start(client, 'ServingPipeline');
    const d = await waitForExecution(client, arn);
    const m = await stepMap(client, arn);
    assert.equal(d.PipelineExecutionStatus, 'Failed');
    assert.equal(m.get('ServingModel-CreateModel')!.StepStatus, 'Succeeded', m.get('ServingModel-CreateModel')!.FailureReason);
    for (const [name, type] of [['ServingEndpointConfig', 'EndpointConfig'], ['ImportToBedrock', 'BedrockModelImport']]) {
      assert.equal(m.get(name)!.StepStatus, 'Failed');
      assert.match(m.get(name)!.FailureReason!, new RegExp(`^sagebox does not run ${type} steps`));
      assert.deepEqual(m.get(name)!.Metadata, {});
    }
    assert.equal(m.has('ServingEndpoint'), false, 'nothing starts after a failure');
    assert.equal(m.has('RecordLineage'), false);
  }));

  subtests.push(t.test('10 EMR / QualityCheck: accepted; the EMR step fails saying sagebox does not run it', async () => {
    await createPipeline(client, 'EmrPipeline', example('10-emr-qualitycheck-register-with-baselines.json'));
    const arn = await start(client, 'EmrPipeline');
    assert.equal((await waitForExecution(client, arn)).PipelineExecutionStatus, 'Failed');
    const listed = await steps(client, arn);
    assert.equal(listed.length, 1);
    assert.match(listed[0]!.FailureReason!, /^sagebox does not run EMR steps/);
    assert.equal(listed[0]!.StepDisplayName, 'Spark feature engineering');
    assert.equal(listed[0]!.StepDescription, 'Runs a Spark job on an existing EMR cluster');
  }));

  subtests.push(t.test('11 MLflow: the definition\'s MlflowConfig, overridden per execution, reaches the training job', async () => {
    await put(`${BUCKET}/mlflow-demo/train/part-0.csv`, '1,2\n');
    await createPipeline(client, 'MlflowPipeline', withLocalTrainer(example('11-v3-mlflow-config.json')));
    await client.send(new sm.CreateMlflowTrackingServerCommand({
      TrackingServerName: 'team-tracking', ArtifactStoreUri: `${BUCKET}/mlflow-artifacts`, RoleArn: 'arn:aws:iam::111122223333:role/SageMakerPipelineExecutionRole',
    }));
    const arn = await start(client, 'MlflowPipeline');
    const d = await waitForExecution(client, arn);
    const m = await stepMap(client, arn);
    assert.deepEqual(d.MLflowConfig, { MlflowResourceArn: 'arn:aws:sagemaker:us-east-1:111122223333:mlflow-tracking-server/team-tracking', MlflowExperimentName: 'mlflow-tracked-pipeline' });
    const job = m.get('TrainTracked')!.Metadata?.TrainingJob?.Arn;
    assert.ok(job, JSON.stringify([...m.values()]));
    const described = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: job.split('/')[1] }));
    assert.equal(described.MlflowConfig?.MlflowExperimentName, 'mlflow-tracked-pipeline');
    assert.equal(d.PipelineExecutionStatus, 'Succeeded', m.get('TrainTracked')!.FailureReason);

    const b = await start(client, 'MlflowPipeline', {}, { MlflowExperimentName: 'exp-b' });
    const db = await waitForExecution(client, b);
    assert.equal(db.MLflowConfig!.MlflowExperimentName, 'exp-b');
    const jb = (await stepMap(client, b)).get('TrainTracked')!.Metadata!.TrainingJob!.Arn!;
    assert.equal((await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jb.split('/')[1] }))).MlflowConfig?.MlflowExperimentName, 'exp-b');
  }));
  await Promise.all(subtests);
});
