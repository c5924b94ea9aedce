/** Job directory, environment and image table: the contract without running anything. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { layoutJobDir } from '../../src/runtime/job-dir.js';
import { buildEnvironment, userArgs } from '../../src/runtime/environment.js';
import { ImageNotMappedError, ImageTable } from '../../src/runtime/image-table.js';

test('layoutJobDir writes the /opt/ml tree and the three config files', async (t) => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-jobdir-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  await fs.mkdir(path.join(root, 'ml', 'output'), { recursive: true });
  await fs.writeFile(path.join(root, 'ml', 'output', 'failure'), 'stale from a previous attempt');
  const paths = await layoutJobDir(root, {
    hyperParameters: { epochs: '3', sagemaker_program: '"train.py"' },
    channels: [{ name: 'train', contentType: 'text/csv' }, { name: 'validation', inputMode: 'FastFile' }],
    resource: { instanceType: 'ml.m5.large', instanceCount: 1 },
  });
  const read = async (name: string): Promise<unknown> => JSON.parse(await fs.readFile(path.join(paths.inputConfig, name), 'utf8'));
  assert.deepEqual(await read('hyperparameters.json'), { epochs: '3', sagemaker_program: '"train.py"' });
  assert.deepEqual(await read('inputdataconfig.json'), {
    train: { ContentType: 'text/csv', TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
    validation: { TrainingInputMode: 'FastFile', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
  });
  assert.deepEqual(await read('resourceconfig.json'), {
    current_host: 'algo-1',
    current_instance_type: 'ml.m5.large',
    current_group_name: 'homogeneousCluster',
    hosts: ['algo-1'],
    instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: 'ml.m5.large', hosts: ['algo-1'] }],
    network_interface_name: 'eth0',
  });
  for (const dir of ['input/data/train', 'input/data/validation', 'model', 'output/data', 'checkpoints', 'code']) {
    assert.ok((await fs.stat(path.join(root, 'ml', dir))).isDirectory(), dir);
  }
  await assert.rejects(fs.stat(paths.failureFile), 'failure is absent until written');
  assert.ok((await fs.stat(paths.tmp)).isDirectory());
});

test('buildEnvironment: platform variables, the caller\'s Environment and the SM_* set', () => {
  const env = buildEnvironment({
    jobName: 'j1',
    jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/j1',
    region: 'us-east-1',
    hyperParameters: { epochs: '3', lr: '0.1', name: '"abc"', raw: 'plain', x: 'true', sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://b/src.tar.gz"', sagemaker_distributed_dataparallel_enabled: 'false' },
    channels: [{ name: 'validation' }, { name: 'train' }],
    resource: { instanceType: 'ml.c5.xlarge' },
    environment: { MY_VAR: 'mine', SM_MODEL_DIR: '/evil', TRAINING_JOB_NAME: 'fake' },
    mlRoot: '/opt/ml',
    tmpDir: '/tmp',
    numCpus: 4,
    baseEnv: { PATH: '/usr/bin', SAGEBOX_CREDENTIALS: 'secret', HOME: '/root' },
  });
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.SAGEBOX_CREDENTIALS, undefined);
  assert.equal(env.MY_VAR, 'mine');
  assert.equal(env.TRAINING_JOB_NAME, 'j1');
  assert.equal(env.TRAINING_JOB_ARN, 'arn:aws:sagemaker:us-east-1:000000000000:training-job/j1');
  assert.equal(env.SAGEMAKER_JOB_NAME, 'j1');
  assert.equal(env.SAGEMAKER_REGION, 'us-east-1');
  assert.equal(env.CURRENT_HOST, 'algo-1');
  assert.equal(env.PYTHONUNBUFFERED, '1');
  assert.equal(env.SM_MODEL_DIR, '/opt/ml/model');
  assert.equal(env.SM_OUTPUT_DATA_DIR, '/opt/ml/output/data');
  assert.equal(env.SM_OUTPUT_DIR, '/opt/ml/output');
  assert.equal(env.SM_INPUT_DIR, '/opt/ml/input');
  assert.equal(env.SM_INPUT_CONFIG_DIR, '/opt/ml/input/config');
  assert.equal(env.SM_CHANNELS, '["train","validation"]');
  assert.equal(env.SM_CHANNEL_TRAIN, '/opt/ml/input/data/train');
  assert.equal(env.SM_CHANNEL_VALIDATION, '/opt/ml/input/data/validation');
  assert.equal(env.SM_HOSTS, '["algo-1"]');
  assert.equal(env.SM_CURRENT_HOST, 'algo-1');
  assert.equal(env.SM_CURRENT_INSTANCE_TYPE, 'ml.c5.xlarge');
  assert.equal(env.SM_NUM_CPUS, '4');
  assert.equal(env.SM_NUM_GPUS, '0');
  assert.equal(env.SM_HPS, '{"epochs":3,"lr":0.1,"name":"abc","raw":"plain","x":true}');
  assert.equal(env.SM_HP_EPOCHS, '3');
  assert.equal(env.SM_HP_NAME, 'abc');
  assert.equal(env.SM_HP_X, 'true');
  assert.equal(env.SM_HP_SAGEMAKER_PROGRAM, undefined);
  assert.deepEqual(JSON.parse(env.SM_USER_ARGS!), ['--epochs', '3', '--lr', '0.1', '--name', 'abc', '--raw', 'plain', '-x', 'True']);
  assert.equal(env.SM_USER_ENTRY_POINT, 'train.py');
  assert.equal(env.SM_MODULE_NAME, 'train');
  assert.equal(env.SM_MODULE_DIR, 's3://b/src.tar.gz');
  assert.equal(env.SM_FRAMEWORK_PARAMS, '{"sagemaker_distributed_dataparallel_enabled":false}');
  assert.deepEqual(JSON.parse(env.SM_RESOURCE_CONFIG!).hosts, ['algo-1']);
  assert.deepEqual(Object.keys(JSON.parse(env.SM_INPUT_DATA_CONFIG!)), ['train', 'validation']);
  const training = JSON.parse(env.SM_TRAINING_ENV!) as Record<string, unknown>;
  assert.equal(training.job_name, 'j1');
  assert.deepEqual(training.channel_input_dirs, { train: '/opt/ml/input/data/train', validation: '/opt/ml/input/data/validation' });
  assert.equal(training.model_dir, '/opt/ml/model');

  const plain = buildEnvironment({ jobName: 'j', jobArn: 'a', region: 'r', resource: { instanceType: 'ml.m5.large' }, channels: [{ name: 'train' }], mlRoot: '/data/jobs/j/ml', tmpDir: '/data/jobs/j/tmp', baseEnv: {} });
  assert.equal(plain.SM_CHANNEL_TRAIN, '/data/jobs/j/ml/input/data/train');
  assert.equal(plain.TMPDIR, '/data/jobs/j/tmp');
});

test('userArgs follows the toolkit: sorted, -k for one letter, maps as k=v', () => {
  assert.deepEqual(userArgs({ b: true, epochs: 3, opts: { z: 1, a: 'x' }, lr: '0.1' }), ['-b', 'True', '--epochs', '3', '--lr', '0.1', '--opts', 'a=x,z=1']);
});

test('image table: entrypoints, framework images, sagebox images, overrides, clear errors', () => {
  const table = new ImageTable([{ match: '^acme/trainer:', command: ['python3', '/srv/train.py', '{userArgs}'] }]);
  const hps = { sagemaker_program: '"train.py"' };
  assert.deepEqual(table.resolve({ containerEntrypoint: ['node', 'x.mjs'], containerArguments: ['--a'], trainingImage: 'whatever' }), ['node', 'x.mjs', '--a']);
  for (const image of [
    '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-cpu-py311-ubuntu20.04-sagemaker',
    '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
    '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
    '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    'tensorflow-training:2.14',
  ]) {
    assert.deepEqual(table.resolve({ trainingImage: image, hyperParameters: hps, userArgs: ['--epochs', '2'] }), ['python3', 'train.py', '--epochs', '2'], image);
  }
  assert.deepEqual(table.resolve({ trainingImage: 'x-training:1', hyperParameters: { sagemaker_program: 'run.sh' } }), ['/bin/sh', 'run.sh']);
  assert.deepEqual(table.resolve({ trainingImage: 'sagebox/shell', containerArguments: ['echo hi'] }), ['sh', '-c', 'echo hi']);
  assert.deepEqual(table.resolve({ trainingImage: 'sagebox/python:3', containerArguments: ['t.py', '-v'] }), ['python3', 't.py', '-v']);
  assert.deepEqual(table.resolve({ trainingImage: 'sagebox/node', containerArguments: ['t.mjs'] }), ['node', 't.mjs']);
  assert.deepEqual(table.resolve({ trainingImage: 'acme/trainer:1', userArgs: ['--a', '1'] }), ['python3', '/srv/train.py', '--a', '1']);
  assert.throws(() => table.resolve({ trainingImage: 'docker.io/someone/custom:latest' }), {
    name: 'ImageNotMappedError',
    message: 'sagebox cannot run image docker.io/someone/custom:latest: add it to the image table (see README), or give ContainerEntrypoint',
  });
  assert.throws(() => table.resolve({ trainingImage: 'pytorch-training:2' }), /sagemaker_program hyperparameter/);
  assert.throws(() => new ImageTable([{ match: '(', command: ['x'] }]), ImageNotMappedError);
});
