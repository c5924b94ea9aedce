/**
 * Bad input to the processing-job operations, through the real SDK: the generated shape
 * validation (Coral's messages) and the provider's own rules, unknown jobs and duplicates.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { enumSet, many, maxVal, minVal, notNull, one, pattern, runBadInputCases } from '../helpers/bad-input.js';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { IMAGE, ROLE } from './fixtures/processing/helpers.js';

let sb: TestSagebox;
before(async () => {
  // No slot: the jobs created here stay queued (InProgress), nothing runs.
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '1' } });
});
after(async () => sb.close(true));

const base = {
  ProcessingJobName: 'bad-1', RoleArn: ROLE,
  AppSpecification: { ImageUri: IMAGE, ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/x.py'] },
  ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
};
const s3In = (name: string, localPath?: string) => ({
  InputName: name, S3Input: { S3Uri: `s3://b/${name}`, S3DataType: 'S3Prefix', ...(localPath !== undefined ? { LocalPath: localPath } : {}) },
});
const s3Out = (name: string, localPath?: string) => ({
  OutputName: name, S3Output: { S3Uri: `s3://b/out/${name}`, S3UploadMode: 'EndOfJob', ...(localPath !== undefined ? { LocalPath: localPath } : {}) },
});
const STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'];

runBadInputCases(() => sb.client, {
  CreateProcessingJob: [
    {
      what: 'missing required members', input: {},
      message: many(notNull('processingJobName'), notNull('processingResources'), notNull('appSpecification'), notNull('roleArn')),
    },
    { what: 'name with an underscore', input: { ...base, ProcessingJobName: 'bad_name' }, message: one(pattern('bad_name', 'processingJobName', '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}')) },
    { what: 'MaxRuntimeInSeconds 0', input: { ...base, StoppingCondition: { MaxRuntimeInSeconds: 0 } }, message: one(minVal('0', 'stoppingCondition.maxRuntimeInSeconds', 1)) },
    { what: 'MaxRuntimeInSeconds over 5 days', input: { ...base, StoppingCondition: { MaxRuntimeInSeconds: 777601 } }, message: one(maxVal('777601', 'stoppingCondition.maxRuntimeInSeconds', 777600)) },
    { what: 'input without InputName', input: { ...base, ProcessingInputs: [{ S3Input: s3In('x', '/opt/ml/processing/x').S3Input }] }, message: one(notNull('processingInputs.1.member.inputName')) },
    {
      what: 'bad S3DataType', input: { ...base, ProcessingInputs: [{ InputName: 'x', S3Input: { S3Uri: 's3://b/x', LocalPath: '/opt/ml/processing/x', S3DataType: 'Prefix' } }] },
      message: one(enumSet('Prefix', 'processingInputs.1.member.s3Input.s3DataType', ['ManifestFile', 'S3Prefix'])),
    },
    { what: 'bad S3 URI', input: { ...base, ProcessingInputs: [{ InputName: 'x', S3Input: { S3Uri: 'gs://b/x', LocalPath: '/opt/ml/processing/x', S3DataType: 'S3Prefix' } }] }, message: one(pattern('gs://b/x', 'processingInputs.1.member.s3Input.s3Uri', '(https|s3)://([^/]+)/?(.*)')) },
    { what: 'two inputs with one name', input: { ...base, ProcessingInputs: [s3In('data', '/opt/ml/processing/a'), s3In('data', '/opt/ml/processing/b')] }, message: "InputName 'data' is used more than once: input names must be unique within the job." },
    { what: 'input LocalPath outside /opt/ml/processing', input: { ...base, ProcessingInputs: [s3In('data', '/data/in')] }, message: "ProcessingInput 'data': LocalPath '/data/in' is invalid: it must be an absolute path that begins with /opt/ml/processing/." },
    { what: 'input LocalPath climbing out with ..', input: { ...base, ProcessingInputs: [s3In('data', '/opt/ml/processing/../code')] }, message: "ProcessingInput 'data': LocalPath '/opt/ml/processing/../code' is invalid: it must be an absolute path that begins with /opt/ml/processing/." },
    { what: 'input LocalPath /opt/ml/processing itself', input: { ...base, ProcessingInputs: [s3In('data', '/opt/ml/processing')] }, message: "ProcessingInput 'data': LocalPath '/opt/ml/processing' is invalid: it must be an absolute path that begins with /opt/ml/processing/." },
    { what: 'input without LocalPath', input: { ...base, ProcessingInputs: [s3In('data')] }, message: "ProcessingInput 'data': LocalPath is required when AppManaged is false." },
    { what: 'input with no source', input: { ...base, ProcessingInputs: [{ InputName: 'data' }] }, message: "ProcessingInput 'data': exactly one of S3Input or DatasetDefinition must be provided." },
    {
      what: 'two inputs on one LocalPath', input: { ...base, ProcessingInputs: [s3In('a', '/opt/ml/processing/in'), s3In('b', '/opt/ml/processing/in/')] },
      message: "LocalPath '/opt/ml/processing/in/' is used by more than one input or output: each must have its own directory.",
    },
    {
      what: 'an output on an input LocalPath', input: { ...base, ProcessingInputs: [s3In('a', '/opt/ml/processing/in')], ProcessingOutputConfig: { Outputs: [s3Out('o', '/opt/ml/processing/in')] } },
      message: "LocalPath '/opt/ml/processing/in' is used by more than one input or output: each must have its own directory.",
    },
    { what: 'two outputs with one name', input: { ...base, ProcessingOutputConfig: { Outputs: [s3Out('o', '/opt/ml/processing/a'), s3Out('o', '/opt/ml/processing/b')] } }, message: "OutputName 'o' is used more than once: output names must be unique within the job." },
    { what: 'output without destination', input: { ...base, ProcessingOutputConfig: { Outputs: [{ OutputName: 'o' }] } }, message: "ProcessingOutput 'o': exactly one of S3Output or FeatureStoreOutput must be provided." },
    { what: 'output without LocalPath', input: { ...base, ProcessingOutputConfig: { Outputs: [s3Out('o')] } }, message: "ProcessingOutput 'o': LocalPath is required when AppManaged is false." },
    {
      what: 'bad S3UploadMode', input: { ...base, ProcessingOutputConfig: { Outputs: [{ OutputName: 'o', S3Output: { S3Uri: 's3://b/o', LocalPath: '/opt/ml/processing/o', S3UploadMode: 'Later' } }] } },
      message: one(enumSet('Later', 'processingOutputConfig.outputs.1.member.s3Output.s3UploadMode', ['Continuous', 'EndOfJob'])),
    },
    { what: 'bad role ARN', input: { ...base, RoleArn: 'not-a-role-arn-at-all' }, message: one(pattern('not-a-role-arn-at-all', 'roleArn', 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+')) },
  ],
  DescribeProcessingJob: [
    { what: 'missing name', input: {}, message: one(notNull('processingJobName')) },
    { what: 'unknown job', input: { ProcessingJobName: 'nope' }, message: 'Could not find requested job with name nope' },
  ],
  StopProcessingJob: [
    { what: 'missing name', input: {}, message: one(notNull('processingJobName')) },
    { what: 'unknown job', input: { ProcessingJobName: 'nope' }, message: 'Could not find requested job with name nope' },
  ],
  ListProcessingJobs: [
    { what: 'bad StatusEquals', input: { StatusEquals: 'Done' }, message: one(enumSet('Done', 'statusEquals', STATUSES)) },
    { what: 'MaxResults 0', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'MaxResults 101', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
    { what: 'bad SortBy', input: { SortBy: 'Size' }, message: one(enumSet('Size', 'sortBy', ['Name', 'CreationTime', 'Status'])) },
    { what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: /pagination token/i },
  ],
});

test('a duplicate name is ResourceInUse (case-insensitively); a queued job is Stopped at once and cannot be stopped again', async () => {
  // dup-1 takes the single slot (it sleeps), so queued-1 waits in the queue.
  const first = await sb.client.send(new sm.CreateProcessingJobCommand({ ...base, ProcessingJobName: 'dup-1', AppSpecification: { ImageUri: 'sagebox/shell', ContainerArguments: ['sleep 30'] } } as sm.CreateProcessingJobRequest));
  const error = await awsError(() => sb.client.send(new sm.CreateProcessingJobCommand({ ...base, ProcessingJobName: 'DUP-1' } as sm.CreateProcessingJobRequest)));
  assert.equal(error.name, 'ResourceInUse');
  assert.equal(error.message, `Job name must be unique within an AWS account and region, and a job with this name already exists (${first.ProcessingJobArn})`);

  await sb.client.send(new sm.CreateProcessingJobCommand({ ...base, ProcessingJobName: 'queued-1' } as sm.CreateProcessingJobRequest));
  await sb.client.send(new sm.StopProcessingJobCommand({ ProcessingJobName: 'queued-1' }));
  const d = await sb.client.send(new sm.DescribeProcessingJobCommand({ ProcessingJobName: 'queued-1' }));
  assert.equal(d.ProcessingJobStatus, 'Stopped');
  assert.equal(d.ProcessingStartTime, undefined);
  const again = await awsError(() => sb.client.send(new sm.StopProcessingJobCommand({ ProcessingJobName: 'queued-1' })));
  assert.equal(again.message, 'The request was rejected because the processing job is in status Stopped.');
  await sb.client.send(new sm.StopProcessingJobCommand({ ProcessingJobName: 'dup-1' }));
});
