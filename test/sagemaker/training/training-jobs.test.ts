/**
 * The training provider through the SDK: every request member round-trips in Describe
 * (2025-12-03 members included), defaults, a serverless job's members, DatasetArn
 * channels from the hub, ListTrainingJobs filters, sort and paging, tags, accounts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../../src/artifacts/index.js';
import { awsError, startTestSagebox, type TestSagebox } from '../../helpers/sagebox.js';
import { ROLE, TRAIN_PY, trainingRequest, waitForJob } from '../../helpers/training.js';

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '4' } });
});
after(async () => {
  await sb.close(true);
});

/** A job that runs `true`: done at once. */
const quick = (name: string, extra: Partial<sm.CreateTrainingJobRequest> = {}): sm.CreateTrainingJobRequest =>
  trainingRequest(name, {}, { AlgorithmSpecification: { TrainingImage: 'img:1', TrainingInputMode: 'File', ContainerEntrypoint: ['true'] }, ...extra });

describe('CreateTrainingJob / DescribeTrainingJob', () => {
  test('every member of the request round-trips, with the documented defaults filled in', async () => {
    // MlflowConfig must name an MLflow resource that exists.
    const app = await sb.client.send(new sm.CreateMlflowAppCommand({ Name: 'app-1', ArtifactStoreUri: 's3://bucket/mlflow', RoleArn: ROLE }));
    const request: sm.CreateTrainingJobRequest = {
      TrainingJobName: 'Round-Trip',
      RoleArn: ROLE,
      HyperParameters: { epochs: '1', sagemaker_region: '"us-east-1"' },
      AlgorithmSpecification: {
        TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/t:1', TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'loss', Regex: 'loss=(\\S+)' }], EnableSageMakerMetricsTimeSeries: true,
        ContainerEntrypoint: ['true'], ContainerArguments: ['--x', '1'], TrainingImageConfig: { TrainingRepositoryAccessMode: 'Platform' },
      },
      InputDataConfig: [
        { ChannelName: 'train', ContentType: 'text/csv', InputMode: 'FastFile', ShuffleConfig: { Seed: 7 },
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/none/', S3DataDistributionType: 'FullyReplicated', AttributeNames: ['a'] } } },
      ],
      OutputDataConfig: { S3OutputPath: 's3://bucket/rt', CompressionType: 'GZIP' },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30, KeepAlivePeriodInSeconds: 0 },
      VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1'] },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
      CheckpointConfig: { S3Uri: 's3://bucket/ckpt/round-trip' },
      DebugHookConfig: { S3OutputPath: 's3://bucket/debug', HookParameters: { a: 'b' } },
      TensorBoardOutputConfig: { S3OutputPath: 's3://bucket/tb' },
      ExperimentConfig: { ExperimentName: 'e', TrialName: 't', TrialComponentDisplayName: 'c', RunName: 'r' },
      ProfilerConfig: { S3OutputPath: 's3://bucket/prof', ProfilingIntervalInMilliseconds: 500 },
      Environment: { MY_VAR: 'value' },
      RetryStrategy: { MaximumRetryAttempts: 2 },
      RemoteDebugConfig: { EnableRemoteDebug: false },
      InfraCheckConfig: { EnableInfraCheck: false },
      MlflowConfig: { MlflowResourceArn: app.Arn!, MlflowExperimentName: 'exp', MlflowRunName: 'run' },
      ModelPackageConfig: { ModelPackageGroupArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g' },
      Tags: [{ Key: 'k', Value: 'v' }],
    };
    const { TrainingJobArn } = await sb.client.send(new sm.CreateTrainingJobCommand(request));
    assert.equal(TrainingJobArn, 'arn:aws:sagemaker:us-east-1:123456789012:training-job/round-trip');
    const d = await waitForJob(sb.client, 'round-trip');
    const { Tags: _t, ...members } = request;
    for (const [key, value] of Object.entries(members)) {
      const got = (d as unknown as Record<string, unknown>)[key];
      if (key === 'InputDataConfig') assert.deepEqual(got, [{ ...request.InputDataConfig![0], CompressionType: 'None', RecordWrapperType: 'None' }]);
      else if (key === 'OutputDataConfig') assert.deepEqual(got, { ...request.OutputDataConfig, KmsKeyId: '' });
      else if (key === 'CheckpointConfig') assert.deepEqual(got, { S3Uri: 's3://bucket/ckpt/round-trip', LocalPath: '/opt/ml/checkpoints' });
      else assert.deepEqual(got, value, key);
    }
    assert.equal(d.TrainingJobName, 'Round-Trip');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    assert.equal(d.EnableManagedSpotTraining, false);
  });

  test('StoppingCondition defaults to one day', async () => {
    await sb.client.send(new sm.CreateTrainingJobCommand(quick('default-stop', { StoppingCondition: undefined })));
    const d = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'DEFAULT-STOP' }));
    assert.deepEqual(d.StoppingCondition, { MaxRuntimeInSeconds: 86400 });
    assert.equal(d.TrainingJobName, 'default-stop', 'found case-insensitively, echoed as created');
  });

  test('a serverless job is stored and echoed (BaseModelArn with its version), runs, and fails on missing data with a ClientError', async () => {
    await sb.client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: 'g' }));
    const request: sm.CreateTrainingJobRequest = {
      TrainingJobName: 'serverless-sft', RoleArn: ROLE,
      InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'Converse', S3Uri: 's3://bucket/sft/' } } }],
      OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
      ServerlessJobConfig: {
        BaseModelArn: 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/sagebox-tiny',
        AcceptEula: true, JobType: 'FineTuning', CustomizationTechnique: 'SFT', Peft: 'LORA',
      },
      ModelPackageConfig: { ModelPackageGroupArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g' },
      HyperParameters: { learning_rate: '0.0001' },
    };
    await sb.client.send(new sm.CreateTrainingJobCommand(request));
    const d = await waitForJob(sb.client, 'serverless-sft');
    assert.deepEqual(d.ServerlessJobConfig, { ...request.ServerlessJobConfig, BaseModelArn: `${request.ServerlessJobConfig!.BaseModelArn}/1.0.0` });
    assert.deepEqual(d.ModelPackageConfig, request.ModelPackageConfig);
    assert.deepEqual(d.OutputDataConfig, { S3OutputPath: 's3://bucket/out', KmsKeyId: '', CompressionType: 'NONE' });
    assert.deepEqual(d.StoppingCondition, { MaxRuntimeInSeconds: 86400 });
    assert.deepEqual(d.ProgressInfo, {});
    assert.equal(d.AlgorithmSpecification, undefined);
    assert.equal(d.TrainingJobStatus, 'Failed');
    assert.equal(d.FailureReason, "ClientError: channel 'train': there is no data at s3://bucket/sft/");
    assert.match(d.OutputModelPackageArn!, /:model-package\/g\/1$/);
    const fineTuningWithoutPackage = await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand({ ...request, TrainingJobName: 'sl-2', ModelPackageConfig: undefined })));
    assert.match(fineTuningWithoutPackage.message, /ModelPackageConfig is required for a serverless fine-tuning job/);
    const unknownModel = await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand({
      ...request, TrainingJobName: 'sl-3',
      ServerlessJobConfig: { ...request.ServerlessJobConfig!, BaseModelArn: 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-1-8b-instruct/2.40.0' },
    })));
    assert.equal(unknownModel.name, 'ResourceNotFound');
  });

  test('a DatasetArn channel reads the hub data set\'s location', async () => {
    const store = createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') });
    await store.putBuffer('s3://bucket/datasets/sft/train.jsonl', '{"prompt":"a","completion":"b"}\n');
    await sb.client.send(new sm.CreateHubCommand({ HubName: 'my-hub', HubDescription: 'assets' }));
    const { HubContentArn } = await sb.client.send(new sm.ImportHubContentCommand({
      HubName: 'my-hub', HubContentName: 'sft-data', HubContentType: 'DataSet', DocumentSchemaVersion: '2.0.0',
      HubContentDocument: JSON.stringify({ DatasetS3Bucket: 'bucket', DatasetS3Prefix: 'datasets/sft/', DatasetType: 'Training', Dependencies: [] }),
    }));
    await sb.client.send(new sm.CreateTrainingJobCommand(trainingRequest('dataset-job', { epochs: '1' }, {
      InputDataConfig: [{ ChannelName: 'train', DataSource: { DatasetSource: { DatasetArn: HubContentArn! } } }],
      AlgorithmSpecification: { TrainingImage: 'img:1', TrainingInputMode: 'File', ContainerEntrypoint: ['python3', TRAIN_PY] },
    })));
    const d = await waitForJob(sb.client, 'dataset-job');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    assert.deepEqual(d.InputDataConfig![0]!.DataSource, { DatasetSource: { DatasetArn: HubContentArn } });
  });
});

describe('ListTrainingJobs', () => {
  before(async () => {
    for (const n of ['list-b', 'list-a', 'list-c']) await sb.client.send(new sm.CreateTrainingJobCommand(quick(n)));
    for (const n of ['list-b', 'list-a', 'list-c']) await waitForJob(sb.client, n);
  });

  test('NameContains, sort by name both ways, paging', async () => {
    const page1 = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'LIST-', SortBy: 'Name', MaxResults: 2 }));
    assert.deepEqual(page1.TrainingJobSummaries!.map((s) => s.TrainingJobName), ['list-a', 'list-b']);
    const page2 = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'LIST-', SortBy: 'Name', MaxResults: 2, NextToken: page1.NextToken }));
    assert.deepEqual(page2.TrainingJobSummaries!.map((s) => s.TrainingJobName), ['list-c']);
    assert.equal(page2.NextToken, undefined);
    const desc = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'list', SortBy: 'Name', SortOrder: 'Descending' }));
    assert.deepEqual(desc.TrainingJobSummaries!.map((s) => s.TrainingJobName), ['list-c', 'list-b', 'list-a']);
    const summary = desc.TrainingJobSummaries![0]!;
    assert.equal(summary.TrainingJobStatus, 'Completed');
    assert.equal(summary.SecondaryStatus, 'Completed');
    assert.ok(summary.TrainingEndTime && summary.LastModifiedTime && summary.CreationTime);
    const reused = await awsError(() => sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'other', SortBy: 'Name', MaxResults: 2, NextToken: page1.NextToken })));
    assert.match(reused.message, /Invalid pagination token/);
  });

  test('default order is CreationTime ascending; status and time filters; the paginator', async () => {
    const all = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'list', MaxResults: 100 }));
    assert.deepEqual(all.TrainingJobSummaries!.map((s) => s.TrainingJobName), ['list-b', 'list-a', 'list-c']);
    const second = all.TrainingJobSummaries![1]!.CreationTime!;
    const after = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'list', CreationTimeAfter: second }));
    assert.deepEqual(after.TrainingJobSummaries!.map((s) => s.TrainingJobName), ['list-c']);
    const failed = await sb.client.send(new sm.ListTrainingJobsCommand({ StatusEquals: 'Failed' }));
    assert.deepEqual(failed.TrainingJobSummaries!.map((s) => s.TrainingJobName), ['serverless-sft']);
    const names: string[] = [];
    for await (const page of sm.paginateListTrainingJobs({ client: sb.client, pageSize: 1 }, { NameContains: 'list', SortBy: 'Status' })) {
      names.push(...page.TrainingJobSummaries!.map((s) => s.TrainingJobName!));
    }
    assert.deepEqual(names.sort(), ['list-a', 'list-b', 'list-c']);
    assert.deepEqual((await sb.client.send(new sm.ListTrainingJobsCommand({ WarmPoolStatusEquals: 'Available' }))).TrainingJobSummaries, []);
  });

  test('another account or region sees none of them', async () => {
    const other = await sb.clientFor('210987654321').send(new sm.ListTrainingJobsCommand({}));
    assert.deepEqual(other.TrainingJobSummaries, []);
    const elsewhere = await awsError(() => sb.clientFor('123456789012', 'eu-west-1').send(new sm.DescribeTrainingJobCommand({ TrainingJobName: 'list-a' })));
    assert.equal(elsewhere.message, 'Requested resource not found.');
  });
});

test('tags on training jobs: AddTags, ListTags, DeleteTags; unknown job', async () => {
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/list-a';
  await sb.client.send(new sm.AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
  await sb.client.send(new sm.DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['a'] }));
  assert.deepEqual((await sb.client.send(new sm.ListTagsCommand({ ResourceArn: arn.replace('list-a', 'LIST-A') }))).Tags, [{ Key: 'b', Value: '2' }]);
  const unknown = await awsError(() => sb.client.send(new sm.AddTagsCommand({ ResourceArn: arn.replace('list-a', 'nope'), Tags: [{ Key: 'a', Value: '1' }] })));
  assert.match(unknown.message, /does not exist/);
});
