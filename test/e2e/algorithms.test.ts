/**
 * Algorithms end to end through the real SDK (SAGEMAKER-SEMANTICS §2.8, §5): validation that
 * really runs each profile's training job (passing, failing, stopped, across a restart), training
 * jobs that name an algorithm (image, metric definitions and hyperparameter defaults from the
 * algorithm; its channel, instance and hyperparameter specifications enforced), and bad input
 * for the four operations with the service's exact messages.
 *
 * The algorithm's image is a SageMaker-style framework image (`…/sagemaker-acme-algo:1.0`),
 * which sagebox's built-in image table runs as `python3 <sagemaker_program>` in /opt/ml/code;
 * the algorithm declares `sagemaker_program` and `sagemaker_submit_directory` as FreeText
 * hyperparameters with DefaultValues pointing at its code, so its jobs need no entry point.
 *
 * Skips itself while the algorithm operations are not wired into the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore, writeTarGz } from '../../src/artifacts/index.js';
import { awsError, startTestSagebox, tempDataDir, type TestSagebox } from '../helpers/sagebox.js';
import { many, one, v } from '../helpers/bad-input.js';
import { ROLE, TRAIN_PY, waitForJob } from '../helpers/training.js';

const ENV = { SAGEBOX_STOP_GRACE_SECONDS: '2', SAGEBOX_MAX_CONCURRENT_JOBS: '4' };
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-acme-algo:1.0';
const CODE = 's3://algo-bucket/acme/sourcedir.tar.gz';
const TRAIN = 's3://algo-bucket/data/train/';
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:algorithm';

/** Is CreateAlgorithm served? (Until it is wired into app.ts, this file skips.) */
async function wired(): Promise<boolean> {
  const probe = await startTestSagebox({ env: ENV });
  try {
    await probe.client.send(new sm.ListAlgorithmsCommand({}));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'UnknownOperationException') return false;
    throw error;
  } finally {
    await probe.close(true);
  }
}
const SKIP = (await wired()) ? false : 'the algorithm operations are not wired into the server yet (see ALGORITHMS-WIRING.md)';

const spec = (extra: Partial<sm.TrainingSpecification> = {}): sm.TrainingSpecification => ({
  TrainingImage: IMAGE,
  SupportedTrainingInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge'],
  SupportsDistributedTraining: false,
  MetricDefinitions: [{ Name: 'train:loss', Regex: 'train_loss=([0-9.]+)' }],
  TrainingChannels: [
    { Name: 'train', IsRequired: true, SupportedContentTypes: ['text/csv'], SupportedInputModes: ['File'] },
    { Name: 'validation', SupportedContentTypes: ['text/csv'], SupportedInputModes: ['File'] },
  ],
  SupportedHyperParameters: [
    { Name: 'sagemaker_program', Type: 'FreeText', DefaultValue: 'train.py' },
    { Name: 'sagemaker_submit_directory', Type: 'FreeText', DefaultValue: CODE },
    { Name: 'mode', Type: 'Categorical', Range: { CategoricalParameterRangeSpecification: { Values: ['ok', 'fail', 'sleep'] } }, DefaultValue: 'ok' },
    { Name: 'epochs', Type: 'Integer', Range: { IntegerParameterRangeSpecification: { MinValue: '1', MaxValue: '5' } }, IsTunable: true, DefaultValue: '2' },
    { Name: 'seconds', Type: 'Continuous', Range: { ContinuousParameterRangeSpecification: { MinValue: '0', MaxValue: '60' } } },
  ],
  ...extra,
});

const trainChannel: sm.Channel = { ChannelName: 'train', ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: TRAIN } } };

const definition = (hps: Record<string, string> = {}): sm.TrainingJobDefinition => ({
  TrainingInputMode: 'File',
  HyperParameters: hps,
  InputDataConfig: [trainChannel],
  OutputDataConfig: { S3OutputPath: 's3://algo-bucket/validation' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
  StoppingCondition: { MaxRuntimeInSeconds: 300 },
});

const withProfile = (name: string, hps: Record<string, string> = {}, extra: Partial<sm.AlgorithmValidationProfile> = {}): sm.CreateAlgorithmInput => ({
  AlgorithmName: name,
  TrainingSpecification: spec(),
  ValidationSpecification: { ValidationRole: ROLE, ValidationProfiles: [{ ProfileName: 'p1', TrainingJobDefinition: definition(hps), ...extra }] },
});

/** A training job that names the algorithm. */
const algoJob = (name: string, algorithm: string, extra: Partial<sm.CreateTrainingJobRequest> = {}): sm.CreateTrainingJobRequest => ({
  TrainingJobName: name,
  RoleArn: ROLE,
  AlgorithmSpecification: { AlgorithmName: algorithm, TrainingInputMode: 'File' },
  HyperParameters: { epochs: '3' },
  InputDataConfig: [trainChannel],
  OutputDataConfig: { S3OutputPath: 's3://algo-bucket/output' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
  StoppingCondition: { MaxRuntimeInSeconds: 300 },
  ...extra,
});

/** Puts the algorithm's code (train.py in sourcedir.tar.gz) and a training file into the data dir's object store. */
async function seed(dataDir: string): Promise<void> {
  const store = createObjectStore({ driver: 'file', root: path.join(dataDir, 'objects') });
  const src = await fs.mkdtemp(path.join(dataDir, 'src-'));
  await fs.copyFile(TRAIN_PY, path.join(src, 'train.py'));
  const tar = path.join(dataDir, 'sourcedir.tar.gz');
  await writeTarGz(src, tar);
  await store.putFile(CODE, tar);
  await store.putBuffer(`${TRAIN}part-0.csv`, 'a,b\n1,2\n');
}

async function waitForAlgorithm(client: sm.SageMakerClient, name: string, until: (d: sm.DescribeAlgorithmOutput) => boolean, timeoutMs = 60_000): Promise<sm.DescribeAlgorithmOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new sm.DescribeAlgorithmCommand({ AlgorithmName: name }));
    if (until(d)) return d;
    if (Date.now() > deadline) throw new Error(`algorithm ${name} still ${d.AlgorithmStatus} after ${timeoutMs} ms: ${JSON.stringify(d.AlgorithmStatusDetails)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const ended = (d: sm.DescribeAlgorithmOutput) => d.AlgorithmStatus === 'Completed' || d.AlgorithmStatus === 'Failed';

let sb: TestSagebox;
before(async () => {
  if (SKIP) return;
  sb = await startTestSagebox({ env: ENV });
  await seed(sb.dataDir);
});
after(async () => {
  if (!SKIP) await sb.close(true);
});

describe('validation really runs the profile\'s training job', { skip: SKIP }, () => {
  test('passing: Pending → InProgress → Completed; the validation job is an ordinary, tagged training job; the transform part is said not to have run', async () => {
    const transform: sm.TransformJobDefinition = {
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: TRAIN } } },
      TransformOutput: { S3OutputPath: 's3://algo-bucket/transform' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    };
    const { AlgorithmArn } = await sb.client.send(new sm.CreateAlgorithmCommand({
      ...withProfile('acme-ok', {}, { TransformJobDefinition: transform }), AlgorithmDescription: 'the acme algorithm', Tags: [{ Key: 'team', Value: 'ml' }],
    }));
    assert.equal(AlgorithmArn, `${ARN}/acme-ok`);
    const first = await sb.client.send(new sm.DescribeAlgorithmCommand({ AlgorithmName: 'acme-ok' }));
    assert.ok(['Pending', 'InProgress'].includes(first.AlgorithmStatus!), first.AlgorithmStatus);
    const d = await waitForAlgorithm(sb.client, 'acme-ok', ended);
    assert.equal(d.AlgorithmStatus, 'Completed', JSON.stringify(d.AlgorithmStatusDetails));
    const item = d.AlgorithmStatusDetails!.ValidationStatuses![0]!;
    assert.equal(item.Name, 'p1');
    assert.equal(item.Status, 'Completed');
    const jobName = /^Validation training job (acme-ok-validation-p1-[0-9a-f]{8}) Completed\. /.exec(item.FailureReason ?? '')?.[1];
    assert.ok(jobName, item.FailureReason);
    assert.match(item.FailureReason!, /sagebox does not run transform jobs, so only the training part of this profile is validated\.$/);
    assert.deepEqual(d.ValidationSpecification!.ValidationProfiles![0]!.TransformJobDefinition, transform);

    const jobs = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'acme-ok-validation' }));
    assert.deepEqual(jobs.TrainingJobSummaries!.map((j) => [j.TrainingJobName, j.TrainingJobStatus]), [[jobName, 'Completed']]);
    const job = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    assert.equal(job.AlgorithmSpecification!.TrainingImage, IMAGE);
    assert.equal(job.RoleArn, ROLE);
    assert.equal(job.HyperParameters!.epochs, '2', 'the DefaultValue');
    assert.deepEqual(job.FinalMetricDataList!.map((m) => [m.MetricName, m.Value]), [['train:loss', 0.5]], 'the algorithm\'s metric definitions');
    const tags = await sb.client.send(new sm.ListTagsCommand({ ResourceArn: job.TrainingJobArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'sagebox:algorithm-validation', Value: `${AlgorithmArn}/p1` }]);
    const algoTags = await sb.client.send(new sm.ListTagsCommand({ ResourceArn: AlgorithmArn }));
    assert.deepEqual(algoTags.Tags, [{ Key: 'team', Value: 'ml' }]);
  });

  test('failing: the validation job\'s failure fails the algorithm, with its FailureReason', async () => {
    await sb.client.send(new sm.CreateAlgorithmCommand(withProfile('acme-bad', { mode: 'fail' })));
    const d = await waitForAlgorithm(sb.client, 'acme-bad', ended);
    assert.equal(d.AlgorithmStatus, 'Failed');
    const item = d.AlgorithmStatusDetails!.ValidationStatuses![0]!;
    assert.equal(item.Status, 'Failed');
    assert.match(item.FailureReason!, /^Validation training job acme-bad-validation-p1-[0-9a-f]{8} Failed: .*ValueError: the learning rate is too high/);
  });

  test('stopping the validation job fails the validation; DeleteAlgorithm waits for it (ConflictException)', async () => {
    await sb.client.send(new sm.CreateAlgorithmCommand(withProfile('acme-slow', { mode: 'sleep', seconds: '30' })));
    const running = await waitForAlgorithm(sb.client, 'acme-slow', (d) => d.AlgorithmStatus === 'InProgress');
    const jobs = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'acme-slow-validation' }));
    const jobName = jobs.TrainingJobSummaries![0]!.TrainingJobName!;
    assert.equal(running.AlgorithmStatusDetails!.ValidationStatuses![0]!.Status, 'InProgress');
    const conflict = await awsError(() => sb.client.send(new sm.DeleteAlgorithmCommand({ AlgorithmName: 'acme-slow' })));
    assert.equal(conflict.name, 'ConflictException');
    assert.equal(conflict.message,
      `Algorithm acme-slow cannot be deleted while its validation is in progress (AlgorithmStatus InProgress). Wait for its validation training job (${jobName}) to end, or stop it with StopTrainingJob, then delete the algorithm.`);
    await waitForJob(sb.client, jobName, (j) => j.SecondaryStatus === 'Training');
    await sb.client.send(new sm.StopTrainingJobCommand({ TrainingJobName: jobName }));
    const d = await waitForAlgorithm(sb.client, 'acme-slow', ended);
    assert.equal(d.AlgorithmStatus, 'Failed');
    assert.match(d.AlgorithmStatusDetails!.ValidationStatuses![0]!.FailureReason!, new RegExp(`^Validation training job ${jobName} Stopped`));
    await sb.client.send(new sm.DeleteAlgorithmCommand({ AlgorithmName: 'acme-slow' }));
  });

  test('a restart mid-validation does not leave the algorithm InProgress: the validation goes on and completes', async () => {
    const dataDir = tempDataDir();
    await seed(dataDir);
    let box = await startTestSagebox({ dataDir, env: ENV });
    try {
      await box.client.send(new sm.CreateAlgorithmCommand(withProfile('acme-restart', { mode: 'sleep', seconds: '2' })));
      await waitForAlgorithm(box.client, 'acme-restart', (d) => d.AlgorithmStatus === 'InProgress');
      await box.close();
      box = await startTestSagebox({ dataDir, env: ENV });
      const d = await waitForAlgorithm(box.client, 'acme-restart', ended);
      assert.equal(d.AlgorithmStatus, 'Completed', JSON.stringify(d.AlgorithmStatusDetails));
      const jobs = await box.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'acme-restart-validation' }));
      assert.equal(jobs.TrainingJobSummaries!.length, 1, 'one validation job, not two');
    } finally {
      await box.close(true);
    }
  });
});

describe('training jobs that name an algorithm', { skip: SKIP }, () => {
  before(async () => {
    if (SKIP) return;
    await waitForAlgorithm(sb.client, 'acme-ok', ended); // created by the first suite
  });

  test('run the algorithm\'s image with its metric definitions and hyperparameter defaults (by name or ARN)', async () => {
    await sb.client.send(new sm.CreateTrainingJobCommand(algoJob('uses-acme', `${ARN}/ACME-OK`)));
    const d = await waitForJob(sb.client, 'uses-acme');
    assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
    assert.equal(d.AlgorithmSpecification!.AlgorithmName, `${ARN}/ACME-OK`, 'echoed as given');
    assert.equal(d.AlgorithmSpecification!.TrainingImage, undefined, 'the image is the algorithm\'s, not the job\'s');
    assert.deepEqual(d.AlgorithmSpecification!.MetricDefinitions, [{ Name: 'train:loss', Regex: 'train_loss=([0-9.]+)' }]);
    assert.deepEqual(d.HyperParameters, { epochs: '3', sagemaker_program: 'train.py', sagemaker_submit_directory: CODE, mode: 'ok' });
    assert.deepEqual(d.FinalMetricDataList!.map((m) => [m.MetricName, m.Value]), [['train:loss', 0.3333]]);
  });

  const refusals: [string, Partial<sm.CreateTrainingJobRequest>, string][] = [
    ['an unknown hyperparameter', { HyperParameters: { batch_size: '32' } },
      "Hyperparameter 'batch_size' is not supported by algorithm acme-ok. Supported hyperparameters: [sagemaker_program, sagemaker_submit_directory, mode, epochs, seconds]."],
    ['a value out of range', { HyperParameters: { epochs: '9' } }, "Hyperparameter 'epochs' of algorithm acme-ok must be between 1 and 5, got '9'."],
    ['a value of the wrong type', { HyperParameters: { seconds: 'soon' } }, "Hyperparameter 'seconds' of algorithm acme-ok must be a number (Type Continuous), got 'soon'."],
    ['a value outside the categories', { HyperParameters: { mode: 'crash' } }, "Hyperparameter 'mode' of algorithm acme-ok must be one of [ok, fail, sleep], got 'crash'."],
    ['an unsupported instance type', { ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } },
      'Instance type ml.p3.2xlarge is not supported by algorithm acme-ok. Supported training instance types: [ml.m5.large, ml.m5.xlarge].'],
    ['two instances without distributed training', { ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } },
      'Algorithm acme-ok does not support distributed training (SupportsDistributedTraining is false): the instance count must be 1, got 2.'],
    ['an unknown channel', { InputDataConfig: [trainChannel, { ...trainChannel, ChannelName: 'test' }] },
      "Channel 'test' is not supported by algorithm acme-ok. Supported channels: [train, validation]."],
    ['a missing required channel', { InputDataConfig: [{ ...trainChannel, ChannelName: 'validation' }] },
      "Channel 'train' is required by algorithm acme-ok but missing from InputDataConfig."],
    ['an unsupported input mode', { InputDataConfig: [{ ...trainChannel, InputMode: 'Pipe' }] },
      "Input mode Pipe of channel 'train' is not supported by algorithm acme-ok. Supported input modes: [File]."],
    ['an unsupported content type', { InputDataConfig: [{ ...trainChannel, ContentType: 'application/json' }] },
      "Content type application/json of channel 'train' is not supported by algorithm acme-ok. Supported content types: [text/csv]."],
    ['an unsupported compression', { InputDataConfig: [{ ...trainChannel, CompressionType: 'Gzip' }] },
      "Compression type Gzip of channel 'train' is not supported by algorithm acme-ok. Supported compression types: []."],
    ['a ContainerEntrypoint', { AlgorithmSpecification: { AlgorithmName: 'acme-ok', TrainingInputMode: 'File', ContainerEntrypoint: ['python3'] } },
      'AlgorithmSpecification.ContainerEntrypoint cannot be used with AlgorithmName: algorithm acme-ok runs its own training image.'],
    ['an unknown algorithm', { AlgorithmSpecification: { AlgorithmName: 'nope', TrainingInputMode: 'File' } }, "Could not find algorithm 'nope'."],
    ['an algorithm whose validation failed', { AlgorithmSpecification: { AlgorithmName: 'acme-bad', TrainingInputMode: 'File' } },
      'Algorithm acme-bad cannot be used for training: its AlgorithmStatus is Failed. Only an algorithm whose validation has Completed can be used (see DescribeAlgorithm AlgorithmStatusDetails).'],
  ];
  for (const [what, extra, message] of refusals) {
    test(`refuse ${what}`, async () => {
      const e = await awsError(() => sb.client.send(new sm.CreateTrainingJobCommand(algoJob(`refused-${what.replace(/[^a-z]+/g, '-')}`.slice(0, 63).replace(/-+$/, ''), 'acme-ok', extra))));
      assert.equal(e.name, 'ValidationException');
      assert.equal(e.message, message);
    });
  }

  test('nothing was created for a refused request', async () => {
    const jobs = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: 'refused' }));
    assert.deepEqual(jobs.TrainingJobSummaries, []);
  });
});

describe('CreateAlgorithm / DescribeAlgorithm / ListAlgorithms / DeleteAlgorithm', { skip: SKIP }, () => {
  test('round trip without validation: Completed at once; list, paginate, delete', async () => {
    const input: sm.CreateAlgorithmInput = {
      AlgorithmName: 'Plain-Algo', AlgorithmDescription: 'no validation', TrainingSpecification: spec(), CertifyForMarketplace: false,
      InferenceSpecification: { Containers: [{ Image: 'inf:1' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
    };
    await sb.client.send(new sm.CreateAlgorithmCommand(input));
    const d = await sb.client.send(new sm.DescribeAlgorithmCommand({ AlgorithmName: 'plain-algo' }));
    assert.equal(d.AlgorithmName, 'Plain-Algo');
    assert.equal(d.AlgorithmArn, `${ARN}/Plain-Algo`);
    assert.equal(d.AlgorithmStatus, 'Completed');
    assert.deepEqual(d.AlgorithmStatusDetails, { ValidationStatuses: [], ImageScanStatuses: [] });
    assert.deepEqual(d.TrainingSpecification, input.TrainingSpecification);
    assert.deepEqual(d.InferenceSpecification, input.InferenceSpecification);
    assert.equal(d.CertifyForMarketplace, false);

    const names: string[] = [];
    for await (const page of sm.paginateListAlgorithms({ client: sb.client, pageSize: 1 }, { SortBy: 'Name', NameContains: 'algo' })) {
      assert.ok(page.AlgorithmSummaryList!.length <= 1);
      names.push(...page.AlgorithmSummaryList!.map((a) => a.AlgorithmName!));
    }
    assert.ok(names.includes('Plain-Algo'), names.join());
    assert.deepEqual(names, [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));

    await sb.client.send(new sm.DeleteAlgorithmCommand({ AlgorithmName: 'plain-algo' }));
    const gone = await awsError(() => sb.client.send(new sm.DescribeAlgorithmCommand({ AlgorithmName: 'Plain-Algo' })));
    assert.deepEqual([gone.name, gone.message], ['ValidationException', "Could not find algorithm 'Plain-Algo'."]);
  });
});

describe('bad input, with the service\'s exact messages', { skip: SKIP }, () => {
  const ENTITY = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
  const ARN_OR_NAME = '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)';
  const ts = spec();
  const cases: [string, string, Record<string, unknown>, string, string][] = [
    ['CreateAlgorithm', 'nothing', {}, 'ValidationException',
      many(v(null, 'algorithmName', 'Member must not be null'), v(null, 'trainingSpecification', 'Member must not be null'))],
    ['CreateAlgorithm', 'a bad name', { AlgorithmName: 'bad_name', TrainingSpecification: ts }, 'ValidationException',
      one(v('bad_name', 'algorithmName', `Member must satisfy regular expression pattern: ${ENTITY}`))],
    ['CreateAlgorithm', 'no channels', { AlgorithmName: 'a', TrainingSpecification: { ...ts, TrainingChannels: [] } }, 'ValidationException',
      one(v('[]', 'trainingSpecification.trainingChannels', 'Member must have length greater than or equal to 1'))],
    ['CreateAlgorithm', 'a channel without input modes', { AlgorithmName: 'a', TrainingSpecification: { ...ts, TrainingChannels: [{ Name: 'train', SupportedContentTypes: [], SupportedInputModes: [] }] } },
      'ValidationException', one(v('[]', 'trainingSpecification.trainingChannels.1.member.supportedInputModes', 'Member must have length greater than or equal to 1'))],
    ['CreateAlgorithm', 'a bad hyperparameter type', { AlgorithmName: 'a', TrainingSpecification: { ...ts, SupportedHyperParameters: [{ Name: 'x', Type: 'Float' }] } },
      'ValidationException', one(v('Float', 'trainingSpecification.supportedHyperParameters.1.member.type', 'Member must satisfy enum value set: [Integer, Continuous, Categorical, FreeText]'))],
    ['CreateAlgorithm', 'no validation profile', { AlgorithmName: 'a', TrainingSpecification: ts, ValidationSpecification: { ValidationRole: ROLE, ValidationProfiles: [] } },
      'ValidationException', one(v('[]', 'validationSpecification.validationProfiles', 'Member must have length greater than or equal to 1'))],
    ['CreateAlgorithm', 'a name of the wrong type', { AlgorithmName: 42, TrainingSpecification: ts }, 'SerializationException', 'NUMBER_VALUE can not be converted to a String'],
    ['CreateAlgorithm', 'a required hyperparameter with a default', { AlgorithmName: 'a', TrainingSpecification: { ...ts, SupportedHyperParameters: [{ Name: 'x', Type: 'FreeText', IsRequired: true, DefaultValue: 'y' }] } },
      'ValidationException', "TrainingSpecification.SupportedHyperParameters: hyperparameter 'x': a hyperparameter with a DefaultValue cannot be required (IsRequired)."],
    ['CreateAlgorithm', 'a profile that breaks the specification', { ...withProfile('a', { epochs: '99' }) }, 'ValidationException',
      "ValidationSpecification profile 'p1': the TrainingJobDefinition does not fit the TrainingSpecification: Hyperparameter 'epochs' of algorithm a must be between 1 and 5, got '99'."],
    ['CreateAlgorithm', 'a duplicate name (any casing)', { AlgorithmName: 'ACME-OK', TrainingSpecification: ts }, 'ValidationException', `Algorithm already exists: ${ARN}/acme-ok`],
    ['DescribeAlgorithm', 'no name', {}, 'ValidationException', one(v(null, 'algorithmName', 'Member must not be null'))],
    ['DescribeAlgorithm', 'a bad name', { AlgorithmName: 'x-' }, 'ValidationException', one(v('x-', 'algorithmName', `Member must satisfy regular expression pattern: ${ARN_OR_NAME}`))],
    ['DescribeAlgorithm', 'an unknown algorithm', { AlgorithmName: 'nope' }, 'ValidationException', "Could not find algorithm 'nope'."],
    ['ListAlgorithms', 'MaxResults 0', { MaxResults: 0 }, 'ValidationException', one(v('0', 'maxResults', 'Member must have value greater than or equal to 1'))],
    ['ListAlgorithms', 'bad enums', { SortBy: 'Size', SortOrder: 'Up' }, 'ValidationException',
      many(v('Size', 'sortBy', 'Member must satisfy enum value set: [Name, CreationTime]'), v('Up', 'sortOrder', 'Member must satisfy enum value set: [Ascending, Descending]'))],
    ['ListAlgorithms', 'a bad NameContains', { NameContains: 'a_b' }, 'ValidationException', one(v('a_b', 'nameContains', 'Member must satisfy regular expression pattern: [a-zA-Z0-9\\-]+'))],
    ['ListAlgorithms', 'MaxResults of the wrong type', { MaxResults: 'ten' }, 'SerializationException', 'STRING_VALUE can not be converted to an Integer'],
    ['ListAlgorithms', 'a garbage NextToken', { NextToken: 'zzz' }, 'ValidationException', 'Invalid pagination token: the NextToken is malformed or was issued for a different request.'],
    ['DeleteAlgorithm', 'no name', {}, 'ValidationException', one(v(null, 'algorithmName', 'Member must not be null'))],
    ['DeleteAlgorithm', 'an ARN (it takes a name)', { AlgorithmName: `${ARN}/a` }, 'ValidationException',
      one(v(`${ARN}/a`, 'algorithmName', `Member must satisfy regular expression pattern: ${ENTITY}`))],
    ['DeleteAlgorithm', 'an unknown algorithm', { AlgorithmName: 'nope' }, 'ValidationException', "Could not find algorithm 'nope'."],
  ];
  const commands: Record<string, new (input: any) => any> = {
    CreateAlgorithm: sm.CreateAlgorithmCommand, DescribeAlgorithm: sm.DescribeAlgorithmCommand,
    ListAlgorithms: sm.ListAlgorithmsCommand, DeleteAlgorithm: sm.DeleteAlgorithmCommand,
  };
  for (const [op, what, input, code, message] of cases) {
    test(`${op}: ${what}`, async () => {
      const e = await awsError(() => sb.client.send(new commands[op]!(input)));
      assert.equal(e.name, code);
      assert.equal(e.message, message);
      assert.equal(e.$metadata?.httpStatusCode, 400);
    });
  }
});
