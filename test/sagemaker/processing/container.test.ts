/** The processing container contract's pieces: paths, config files, environment, create rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CreateProcessingJobRequest } from '../../../src/aws/generated/sagemaker/types.js';
import { hostPathOf, layoutProcessingDir, processingEnvironment, processingJobConfig, processingPaths } from '../../../src/sagemaker/processing/container.js';
import { withDefaults } from '../../../src/sagemaker/processing/create.js';
import { checkCreateRequest } from '../../../src/sagemaker/processing/validate-create.js';

const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/p';
const req: CreateProcessingJobRequest = {
  ProcessingJobName: 'p', RoleArn: 'arn:aws:iam::123456789012:role/R',
  AppSpecification: { ImageUri: 'sagebox/python', ContainerArguments: ['x.py'] },
  ProcessingResources: { ClusterConfig: { InstanceCount: 2, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
  ProcessingInputs: [
    { InputName: 'data', S3Input: { S3Uri: 's3://b/d', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix' } },
    { InputName: 'code', S3Input: { S3Uri: 's3://b/c', LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix' } },
  ],
  ProcessingOutputConfig: { Outputs: [{ OutputName: 'o', S3Output: { S3Uri: 's3://b/o', LocalPath: '/opt/ml/processing/out', S3UploadMode: 'EndOfJob' } }] },
  Environment: { A: '1', TMPDIR: '/mine' },
  Tags: [{ Key: 'k', Value: 'v' }],
  ExperimentConfig: { ExperimentName: 'e' },
};

test('container paths map to the attempt directory', () => {
  const p = processingPaths('/d/attempt-1');
  assert.equal(p.host('/opt/ml/processing/input/code'), '/d/attempt-1/ml/processing/input/code');
  assert.equal(p.host('/opt/ml/processing/a/../b'), '/d/attempt-1/ml/processing/b');
  assert.equal(hostPathOf('/opt/ml/processing/x.py', '/h/ml'), '/h/ml/processing/x.py');
  assert.equal(hostPathOf('/opt/ml', '/h/ml'), '/h/ml');
  assert.equal(hostPathOf('/opt/mlx/y', '/h/ml'), '/opt/mlx/y');
  assert.equal(hostPathOf('--flag', '/h/ml'), '--flag');
});

test('layout: config files and every input and output directory', async () => {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'sagebox-proc-')), 'attempt-1');
  try {
    const p = await layoutProcessingDir(root, withDefaults(req), ARN);
    const config = JSON.parse(readFileSync(path.join(p.config, 'processingjobconfig.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.ProcessingJobArn, ARN);
    assert.equal(config.ProcessingJobName, 'p');
    assert.equal(config.Tags, undefined);
    assert.equal(config.ExperimentConfig, undefined);
    assert.deepEqual(config.ProcessingResources, req.ProcessingResources);
    const resource = JSON.parse(readFileSync(path.join(p.config, 'resourceconfig.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(resource.current_host, 'algo-1');
    assert.deepEqual(resource.hosts, ['algo-1']);
    assert.equal(resource.current_instance_type, 'ml.m5.xlarge');
    for (const dir of ['processing/input/code', 'processing/out', 'output']) assert.ok(statSync(path.join(p.ml, dir)).isDirectory(), dir);
  } finally {
    rmSync(path.dirname(root), { recursive: true, force: true });
  }
});

test('the job config leaves out what the container does not get', () => {
  assert.deepEqual(Object.keys(processingJobConfig(req, ARN)).sort(), [
    'AppSpecification', 'Environment', 'ProcessingInputs', 'ProcessingJobArn', 'ProcessingJobName', 'ProcessingOutputConfig', 'ProcessingResources', 'RoleArn',
  ]);
});

test('environment: the request over the server, the platform over the request; no SAGEBOX_*', () => {
  const env = processingEnvironment(req, 'eu-west-1', '/tmp', { PATH: '/bin', A: 'server', SAGEBOX_SECRET: 'x' });
  assert.equal(env.PATH, '/bin');
  assert.equal(env.A, '1');
  assert.equal(env.TMPDIR, '/tmp');
  assert.equal(env.AWS_REGION, 'eu-west-1');
  assert.equal(env.PYTHONUNBUFFERED, '1');
  assert.equal(env.SAGEBOX_SECRET, undefined);
  assert.equal(processingEnvironment({ Environment: { AWS_REGION: 'us-west-2' } }, 'eu-west-1', '/tmp', {}).AWS_REGION, 'us-west-2');
});

test('defaults: S3Input modes and AppManaged filled in, Tags dropped', () => {
  const d = withDefaults(req);
  assert.deepEqual(d.ProcessingInputs![0], {
    InputName: 'data', AppManaged: false,
    S3Input: { S3Uri: 's3://b/d', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' },
  });
  assert.equal(d.ProcessingOutputConfig!.Outputs[0]!.AppManaged, false);
  assert.equal((d as { Tags?: unknown }).Tags, undefined);
});

test('create rules: nested LocalPaths are fine; AppManaged needs none; DatasetDefinition needs one kind', () => {
  checkCreateRequest(req);
  checkCreateRequest({ ...req, ProcessingInputs: [{ InputName: 'app', AppManaged: true, S3Input: { S3Uri: 's3://b/x', S3DataType: 'S3Prefix' } }] });
  assert.throws(() => checkCreateRequest({
    ...req, ProcessingInputs: [{ InputName: 'q', DatasetDefinition: { LocalPath: '/opt/ml/processing/q' } }],
  }), { message: "ProcessingInput 'q': DatasetDefinition must have exactly one of AthenaDatasetDefinition or RedshiftDatasetDefinition." });
});
