/**
 * Bad input for every training-job operation through the real SDK (casts send what the model
 * forbids): the generated validator's Coral messages, and the semantic errors of
 * SAGEMAKER-SEMANTICS §2.1, §2.7 and §8, with exact texts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { enumSet, many, maxVal, minVal, notNull, one, pattern, runBadInputCases, type BadInputCase } from '../helpers/bad-input.js';
import { ROLE, trainingRequest, waitForJob } from '../helpers/training.js';

const NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
const ROLE_P = 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const S3 = '(https|s3)://([^/]+)/?(.*)';

const base = trainingRequest('bad', {}, { AlgorithmSpecification: { TrainingImage: 'img:1', TrainingInputMode: 'File', ContainerEntrypoint: ['true'] } }) as unknown as Record<string, unknown>;
const s3 = (uri: string) => ({ S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri } });


const cases: Record<string, BadInputCase[]> = {
  CreateTrainingJob: [
    { what: 'missing required members', input: {}, message: many(notNull('trainingJobName'), notNull('roleArn'), notNull('outputDataConfig')) },
    { what: 'bad name', input: { ...base, TrainingJobName: 'bad_name' }, message: one(pattern('bad_name', 'trainingJobName', NAME)) },
    { what: 'bad role', input: { ...base, RoleArn: 'arn:aws:iam::1:user/x' }, message: one(pattern('arn:aws:iam::1:user/x', 'roleArn', ROLE_P)) },
    { what: 'bad output path', input: { ...base, OutputDataConfig: { S3OutputPath: 'ftp://b/o' } }, message: one(pattern('ftp://b/o', 'outputDataConfig.s3OutputPath', S3)) },
    { what: 'bad input mode', input: { ...base, AlgorithmSpecification: { TrainingImage: 'i', TrainingInputMode: 'Stream' } }, message: one(enumSet('Stream', 'algorithmSpecification.trainingInputMode', ['Pipe', 'File', 'FastFile'])) },
    { what: 'MaxRuntimeInSeconds 0', input: { ...base, StoppingCondition: { MaxRuntimeInSeconds: 0 } }, message: one(minVal('0', 'stoppingCondition.maxRuntimeInSeconds', 1)) },
    { what: 'too many retries', input: { ...base, RetryStrategy: { MaximumRetryAttempts: 31 } }, message: one(maxVal('31', 'retryStrategy.maximumRetryAttempts', 30)) },
    { what: 'wrong type', input: { ...base, EnableNetworkIsolation: 'yes' }, code: 'SerializationException', message: 'STRING_VALUE can not be converted to a Boolean' },
    // §2.1: semantic rules
    { what: 'classic job without AlgorithmSpecification', input: { ...base, AlgorithmSpecification: undefined }, message: one(notNull('algorithmSpecification')) },
    { what: 'classic job without ResourceConfig', input: { ...base, ResourceConfig: undefined }, message: one(notNull('resourceConfig')) },
    { what: 'ResourceConfig without InstanceType', input: { ...base, ResourceConfig: { InstanceCount: 1 } }, message: one(notNull('resourceConfig.instanceType')) },
    { what: 'TrainingImage and AlgorithmName', input: { ...base, AlgorithmSpecification: { TrainingImage: 'i', AlgorithmName: 'a', TrainingInputMode: 'File' } }, message: 'Both TrainingImage and AlgorithmName are provided in AlgorithmSpecification. Provide exactly one of them.' },
    { what: 'neither TrainingImage nor AlgorithmName', input: { ...base, AlgorithmSpecification: { TrainingInputMode: 'File' } }, message: 'Either TrainingImage or AlgorithmName must be provided in AlgorithmSpecification.' },
    { what: 'unknown algorithm', input: { ...base, AlgorithmSpecification: { AlgorithmName: 'my-algo', TrainingInputMode: 'File' } }, message: "Could not find algorithm 'my-algo'." },
    { what: 'MaxWaitTimeInSeconds without spot', input: { ...base, StoppingCondition: { MaxRuntimeInSeconds: 60, MaxWaitTimeInSeconds: 120 } }, message: 'Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is set to true' },
    { what: 'MaxWaitTimeInSeconds below MaxRuntimeInSeconds', input: { ...base, EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 600, MaxWaitTimeInSeconds: 60 } }, message: 'Invalid MaxWaitTimeInSeconds. It must be greater than or equal to MaxRuntimeInSeconds (600).' },
    {
      what: 'duplicate channel names',
      input: { ...base, InputDataConfig: [{ ChannelName: 'train', DataSource: s3('s3://b/a') }, { ChannelName: 'train', DataSource: s3('s3://b/b') }] },
      message: "Channel names must be unique within InputDataConfig: 'train' is given more than once.",
    },
    {
      what: 'a channel with two data sources',
      input: { ...base, InputDataConfig: [{ ChannelName: 'train', DataSource: { ...s3('s3://b/a'), DatasetSource: { DatasetArn: 'arn:aws:sagemaker:us-east-1:123456789012:hub-content/h/DataSet/d/1.0.0' } } }] },
      message: "Channel 'train': DataSource must have exactly one of S3DataSource, FileSystemDataSource or DatasetSource.",
    },
    {
      what: 'unknown DatasetArn',
      input: { ...base, InputDataConfig: [{ ChannelName: 'train', DataSource: { DatasetSource: { DatasetArn: 'arn:aws:sagemaker:us-east-1:123456789012:hub-content/my-hub/DataSet/nope/1.0.0' } } }] },
      code: 'ResourceNotFound',
      message: /nope/,
    },
    {
      what: 'serverless job with a ResourceConfig',
      input: { ...base, AlgorithmSpecification: undefined, ServerlessJobConfig: { BaseModelArn: 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/m/1.0.0', JobType: 'FineTuning' } },
      message: 'ResourceConfig cannot be set for a serverless training job (ServerlessJobConfig): serverless jobs choose their own algorithm and compute.',
    },
    { what: 'duplicate name', input: { ...base, TrainingJobName: 'Taken' }, code: 'ResourceInUse', message: 'Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:us-east-1:123456789012:training-job/taken)' },
  ],
  DescribeTrainingJob: [
    { what: 'missing name', input: {}, message: one(notNull('trainingJobName')) },
    { what: 'bad name', input: { TrainingJobName: 'a_b' }, message: one(pattern('a_b', 'trainingJobName', NAME)) },
    { what: 'unknown job', input: { TrainingJobName: 'nope' }, message: 'Requested resource not found.' },
  ],
  ListTrainingJobs: [
    { what: 'MaxResults 0', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'bad enums', input: { SortBy: 'Size', StatusEquals: 'Done' }, message: many(enumSet('Done', 'statusEquals', ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped', 'Deleting']), enumSet('Size', 'sortBy', ['Name', 'CreationTime', 'Status'])) },
    { what: 'bad NameContains', input: { NameContains: 'a_b' }, message: one(pattern('a_b', 'nameContains', '[a-zA-Z0-9\\-]+')) },
    { what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: /pagination token/i },
  ],
  StopTrainingJob: [
    { what: 'missing name', input: {}, message: one(notNull('trainingJobName')) },
    { what: 'unknown job', input: { TrainingJobName: 'nope' }, message: 'Requested resource not found.' },
    { what: 'a finished job', input: { TrainingJobName: 'taken' }, message: 'The request was rejected because the training job is in status Completed.' },
  ],
};

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
  await sb.client.send(new sm.CreateTrainingJobCommand({ ...(base as unknown as sm.CreateTrainingJobRequest), TrainingJobName: 'taken' }));
  await waitForJob(sb.client, 'taken');
});
after(async () => {
  await sb.close(true);
});

runBadInputCases(() => sb.client, cases);

test('the table covers every training-job operation', () => {
  assert.deepEqual(Object.keys(cases).sort(), ['CreateTrainingJob', 'DescribeTrainingJob', 'ListTrainingJobs', 'StopTrainingJob']);
  assert.ok(ROLE);
});
