/**
 * The algorithm handlers over an in-memory store and a real engine, with a fake training
 * provider: create / describe / list / delete, tags, validation passing and failing, transform
 * definitions, restarts mid-validation, and the resolver the training provider uses.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RequestContext } from '../../../src/aws/context.js';
import { validation as validationError } from '../../../src/aws/service-error.js';
import { systemClock } from '../../../src/engine/clock.js';
import { Engine } from '../../../src/engine/engine.js';
import {
  ALGORITHM_VALIDATION_WORK, createAlgorithmHandlers, createAlgorithmResolver, trainingApiFromHandlers,
  validationJobName, withAlgorithm, type ValidationTrainingApi,
} from '../../../src/sagemaker/algorithms/index.js';
import type { CreateTrainingJobRequest } from '../../../src/sagemaker/algorithms/shapes.js';
import { createTagHandlers } from '../../../src/sagemaker/tags/index.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { rejectsWith } from '../registry/fixtures.js';
import { IMAGE, ROLE, algorithmInput, jobRequest, profile, withValidation } from './fixtures.js';

const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'r' };
const other: RequestContext = { ...ctx, accountId: '210987654321' };
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:algorithm';

/** A training provider that records jobs; tests end them. */
class FakeTraining implements ValidationTrainingApi {
  jobs = new Map<string, { request: CreateTrainingJobRequest; status: string; failureReason?: string; ctx: RequestContext }>();
  refuse: Error | undefined;
  broken: Error | undefined;
  async createTrainingJob(request: CreateTrainingJobRequest, c: RequestContext): Promise<void> {
    if (this.refuse) throw this.refuse;
    this.jobs.set(request.TrainingJobName.toLowerCase(), { request, status: 'InProgress', ctx: c });
  }
  async describeTrainingJob(name: string) {
    if (this.broken) throw this.broken;
    const j = this.jobs.get(name.toLowerCase());
    return j ? { status: j.status, ...(j.failureReason ? { failureReason: j.failureReason } : {}) } : undefined;
  }
  end(name: string, status: string, failureReason?: string): void {
    const j = this.jobs.get(name.toLowerCase());
    assert.ok(j, `no job ${name}: ${[...this.jobs.keys()].join(', ')}`);
    j.status = status;
    if (failureReason) j.failureReason = failureReason;
  }
}

let store: Store;
let engine: Engine;
let fake: FakeTraining;
let n = 0;
const engines: Engine[] = [];

function start(options: { maxHandlerErrors?: number } = {}) {
  engine = new Engine(store, { pollMs: 10, leaseMs: 3000, ...options });
  engines.push(engine);
  const algorithms = createAlgorithmHandlers({ store, engine, clock: systemClock, training: fake, pollMs: 10, suffix: () => String(++n).padStart(8, '0') });
  return algorithms;
}

let alg: ReturnType<typeof createAlgorithmHandlers>;
beforeEach(async () => {
  store = await openStore({ sqlitePath: ':memory:' });
  fake = new FakeTraining();
  n = 0;
  alg = start();
  await engine.start();
});
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  await store.close();
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const describeAlg = (name: string) => alg.DescribeAlgorithm({ AlgorithmName: name }, ctx);
const statusIs = (name: string, status: string) => waitFor(`${name} ${status}`, async () => {
  const d = await describeAlg(name);
  return d.AlgorithmStatus === status && d;
});

describe('CreateAlgorithm / DescribeAlgorithm', () => {
  it('without a ValidationSpecification: Completed at once, every member echoed', async () => {
    const input = algorithmInput('My-Algo', {
      AlgorithmDescription: 'an algorithm',
      InferenceSpecification: { Containers: [{ Image: 'inf:1' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
      CertifyForMarketplace: false,
    });
    const { AlgorithmArn } = await alg.CreateAlgorithm(input, ctx);
    assert.equal(AlgorithmArn, `${ARN}/My-Algo`);
    const d = await describeAlg('my-algo');
    assert.equal(d.AlgorithmName, 'My-Algo');
    assert.equal(d.AlgorithmArn, AlgorithmArn);
    assert.equal(d.AlgorithmDescription, 'an algorithm');
    assert.ok(d.CreationTime instanceof Date && Math.abs(d.CreationTime.getTime() - Date.now()) < 5000);
    assert.deepEqual(d.TrainingSpecification, input.TrainingSpecification);
    assert.deepEqual(d.InferenceSpecification, input.InferenceSpecification);
    assert.equal(d.ValidationSpecification, undefined);
    assert.equal(d.CertifyForMarketplace, false);
    assert.equal(d.AlgorithmStatus, 'Completed');
    assert.deepEqual(d.AlgorithmStatusDetails, { ValidationStatuses: [], ImageScanStatuses: [] });
    assert.equal((await alg.DescribeAlgorithm({ AlgorithmName: `${ARN}/MY-ALGO` }, ctx)).AlgorithmName, 'My-Algo', 'by ARN, any casing');
    const work = await store.db.selectFrom('work_items').selectAll().execute();
    assert.equal(work.length, 0, 'no validation work without a ValidationSpecification');
  });

  it('refuses a duplicate name in any casing; other accounts have their own names', async () => {
    await alg.CreateAlgorithm(algorithmInput('dup'), ctx);
    await rejectsWith(alg.CreateAlgorithm(algorithmInput('DUP'), ctx), 'ValidationException', `Algorithm already exists: ${ARN}/dup`);
    await alg.CreateAlgorithm(algorithmInput('dup'), other);
  });

  it('answers an unknown algorithm, or one of another account or type, with Could not find algorithm', async () => {
    await alg.CreateAlgorithm(algorithmInput('mine'), ctx);
    await rejectsWith(describeAlg('nope'), 'ValidationException', "Could not find algorithm 'nope'.");
    await rejectsWith(alg.DescribeAlgorithm({ AlgorithmName: 'mine' }, other), 'ValidationException', "Could not find algorithm 'mine'.");
    const wrongType = 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/mine';
    await rejectsWith(alg.DescribeAlgorithm({ AlgorithmName: wrongType }, ctx), 'ValidationException', `Could not find algorithm '${wrongType}'.`);
  });

  it('refuses an inconsistent TrainingSpecification', async () => {
    const input = algorithmInput('bad');
    input.TrainingSpecification.SupportedHyperParameters![0]!.IsRequired = true;
    await rejectsWith(alg.CreateAlgorithm(input, ctx), 'ValidationException',
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'epochs': a hyperparameter with a DefaultValue cannot be required (IsRequired).");
    await rejectsWith(describeAlg('bad'), 'ValidationException');
  });

  it('refuses a validation profile whose definition breaks the specification', async () => {
    const p = profile('p1');
    p.TrainingJobDefinition.ResourceConfig = { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 10 };
    await rejectsWith(alg.CreateAlgorithm(withValidation('bad-profile', p), ctx), 'ValidationException',
      "ValidationSpecification profile 'p1': the TrainingJobDefinition does not fit the TrainingSpecification: Instance type ml.p3.2xlarge is not supported by algorithm bad-profile. Supported training instance types: [ml.m5.large, ml.m5.xlarge].");
    const q = profile('p1');
    delete q.TrainingJobDefinition.HyperParameters;
    await rejectsWith(alg.CreateAlgorithm(withValidation('bad-profile', q), ctx), 'ValidationException',
      /^ValidationSpecification profile 'p1': .*Hyperparameter 'lr' is required by algorithm bad-profile but missing from HyperParameters\.$/);
    assert.equal((await store.db.selectFrom('algorithms').selectAll().execute()).length, 0);
  });
});

describe('validation, by really running the profiles\' training jobs', () => {
  it('Pending → InProgress (its job created as specified) → Completed', async () => {
    await alg.CreateAlgorithm(withValidation('Good', profile('p1')), ctx);
    const jobName = validationJobName('Good', 'p1', '00000001');
    assert.equal(jobName, 'Good-validation-p1-00000001');
    const inProgress = await statusIs('good', 'InProgress');
    assert.deepEqual(inProgress.AlgorithmStatusDetails.ValidationStatuses, [{ Name: 'p1', Status: 'InProgress' }]);
    const job = await waitFor('job', async () => fake.jobs.get(jobName.toLowerCase()));
    const def = profile('p1').TrainingJobDefinition;
    assert.deepEqual(job.request, {
      TrainingJobName: jobName,
      RoleArn: ROLE,
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }] },
      HyperParameters: { lr: '0.5', epochs: '3', optimizer: 'adam' },
      InputDataConfig: def.InputDataConfig, OutputDataConfig: def.OutputDataConfig, ResourceConfig: def.ResourceConfig, StoppingCondition: def.StoppingCondition,
      Tags: [{ Key: 'sagebox:algorithm-validation', Value: `${ARN}/Good/p1` }],
    });
    assert.equal(job.ctx.accountId, ctx.accountId);
    assert.equal(job.ctx.region, ctx.region);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await describeAlg('good')).AlgorithmStatus, 'InProgress', 'stays InProgress while the job runs');
    fake.end(jobName, 'Completed');
    const d = await statusIs('good', 'Completed');
    assert.deepEqual(d.AlgorithmStatusDetails, { ValidationStatuses: [{ Name: 'p1', Status: 'Completed' }], ImageScanStatuses: [] });
    assert.deepEqual(d.ValidationSpecification, { ValidationRole: ROLE, ValidationProfiles: [profile('p1')] });
    const work = await store.db.selectFrom('work_items').selectAll().where('kind', '=', ALGORITHM_VALIDATION_WORK).execute();
    assert.deepEqual(work.map((w) => w.state), ['done']);
  });

  it('is Pending, with the profile NotStarted, until the engine takes it', async () => {
    await engine.stop();
    await alg.CreateAlgorithm(withValidation('queued'), ctx);
    const d = await describeAlg('queued');
    assert.equal(d.AlgorithmStatus, 'Pending');
    assert.deepEqual(d.AlgorithmStatusDetails.ValidationStatuses, [{ Name: 'p1', Status: 'NotStarted' }]);
    await rejectsWith(alg.DeleteAlgorithm({ AlgorithmName: 'queued' }, ctx), 'ConflictException',
      'Algorithm queued cannot be deleted while its validation is in progress (AlgorithmStatus Pending). Wait for its validation to end, then delete the algorithm.');
  });

  it('a failed validation job fails the algorithm, with the job and its FailureReason', async () => {
    await alg.CreateAlgorithm(withValidation('bad'), ctx);
    await statusIs('bad', 'InProgress');
    fake.end('bad-validation-p1-00000001', 'Failed', 'AlgorithmError: ValueError: the learning rate is too high');
    const d = await statusIs('bad', 'Failed');
    assert.deepEqual(d.AlgorithmStatusDetails.ValidationStatuses, [{
      Name: 'p1', Status: 'Failed',
      FailureReason: 'Validation training job bad-validation-p1-00000001 Failed: AlgorithmError: ValueError: the learning rate is too high',
    }]);
    await rejectsWith(withAlgorithm(createAlgorithmResolver(store), jobRequest({ AlgorithmSpecification: { AlgorithmName: 'bad', TrainingInputMode: 'File' } }), ctx),
      'ValidationException', /^Algorithm bad cannot be used for training: its AlgorithmStatus is Failed\./);
  });

  it('a stopped validation job fails the algorithm', async () => {
    await alg.CreateAlgorithm(withValidation('stopped'), ctx);
    await statusIs('stopped', 'InProgress');
    fake.end('stopped-validation-p1-00000001', 'Stopped');
    const d = await statusIs('stopped', 'Failed');
    assert.equal(d.AlgorithmStatusDetails.ValidationStatuses![0]!.FailureReason, 'Validation training job stopped-validation-p1-00000001 Stopped.');
  });

  it('a validation job the training provider refuses fails the algorithm with the refusal', async () => {
    fake.refuse = validationError('RoleArn is not allowed');
    await alg.CreateAlgorithm(withValidation('refused'), ctx);
    const d = await statusIs('refused', 'Failed');
    assert.equal(d.AlgorithmStatusDetails.ValidationStatuses![0]!.FailureReason,
      'The validation training job refused-validation-p1-00000001 could not be created: ValidationException: RoleArn is not allowed');
  });

  it('a profile with a TransformJobDefinition: the training job validates it, and the status item says the transform did not run', async () => {
    const p = profile('with-transform', {
      TransformJobDefinition: {
        TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/in/' } } },
        TransformOutput: { S3OutputPath: 's3://b/out/' },
        TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      },
    });
    await alg.CreateAlgorithm(withValidation('tx', p), ctx);
    await statusIs('tx', 'InProgress');
    fake.end('tx-validation-with-transform-00000001', 'Completed');
    const d = await statusIs('tx', 'Completed');
    assert.deepEqual(d.AlgorithmStatusDetails.ValidationStatuses, [{
      Name: 'with-transform', Status: 'Completed',
      FailureReason: 'Validation training job tx-validation-with-transform-00000001 Completed. The profile\'s TransformJobDefinition was not run: sagebox does not run transform jobs, so only the training part of this profile is validated.',
    }]);
  });

  it('long names are cut so the job name fits 63 characters', () => {
    const name = validationJobName('a'.repeat(63), 'p'.repeat(63), 'abcdef12');
    assert.equal(name.length, 63);
    assert.match(name, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    assert.equal(validationJobName(`${'a'.repeat(53)}`, 'p', '00000000'), `${'a'.repeat(53)}-00000000`, 'no trailing hyphen before the suffix');
  });

  it('survives a restart mid-validation: a new engine (a dead owner\'s item) picks it up and completes it', async () => {
    await alg.CreateAlgorithm(withValidation('durable'), ctx);
    await statusIs('durable', 'InProgress');
    await engine.stop();
    // As a kill -9 would leave it: the item running under an owner that is gone, its lease expired.
    await store.db.updateTable('work_items').set({ state: 'running', lease_owner: 'dead-owner', lease_expires_at: 1 })
      .where('kind', '=', ALGORITHM_VALIDATION_WORK).execute();
    fake.end('durable-validation-p1-00000001', 'Completed');
    alg = start();
    await engine.start();
    const d = await statusIs('durable', 'Completed');
    assert.equal(d.AlgorithmStatusDetails.ValidationStatuses![0]!.Status, 'Completed');
    assert.equal(fake.jobs.size, 1, 'the validation job was not created twice');
  });

  it('a crash between naming the job and creating it: the next run creates it under the saved name', async () => {
    await engine.stop();
    await alg.CreateAlgorithm(withValidation('half'), ctx);
    await store.db.updateTable('algorithms').set({
      status: 'InProgress', validation: JSON.stringify({ profiles: [{ name: 'p1', status: 'InProgress', jobName: 'half-validation-p1-deadbeef' }] }),
    }).where('name_key', '=', 'half').execute();
    alg = start();
    await engine.start();
    await waitFor('job', async () => fake.jobs.get('half-validation-p1-deadbeef'));
    fake.end('half-validation-p1-deadbeef', 'Completed');
    await statusIs('half', 'Completed');
    assert.deepEqual([...fake.jobs.keys()], ['half-validation-p1-deadbeef']);
  });

  it('a validation that keeps failing inside sagebox fails the algorithm instead of staying InProgress', async () => {
    await engine.stop();
    alg = start({ maxHandlerErrors: 1 });
    fake.broken = new Error('database on fire');
    await engine.start();
    await alg.CreateAlgorithm(withValidation('broken'), ctx);
    const d = await statusIs('broken', 'Failed');
    assert.deepEqual(d.AlgorithmStatusDetails.ValidationStatuses, [{
      Name: 'p1', Status: 'Failed', FailureReason: 'sagebox could not run the validation: InternalServerError: database on fire',
    }]);
  });
});

describe('DeleteAlgorithm', () => {
  it('deletes (with its tags), then the name is free again; unknown names are not found', async () => {
    const tags = createTagHandlers(store);
    const { AlgorithmArn } = await alg.CreateAlgorithm(algorithmInput('gone', { Tags: [{ Key: 'team', Value: 'ml' }] }), ctx);
    assert.deepEqual((await tags.ListTags({ ResourceArn: AlgorithmArn }, ctx)).Tags, [{ Key: 'team', Value: 'ml' }]);
    assert.deepEqual(await alg.DeleteAlgorithm({ AlgorithmName: 'GONE' }, ctx), {});
    await rejectsWith(describeAlg('gone'), 'ValidationException', "Could not find algorithm 'gone'.");
    await rejectsWith(alg.DeleteAlgorithm({ AlgorithmName: 'gone' }, ctx), 'ValidationException', "Could not find algorithm 'gone'.");
    await rejectsWith(tags.ListTags({ ResourceArn: AlgorithmArn }, ctx), 'ValidationException');
    await alg.CreateAlgorithm(algorithmInput('gone'), ctx);
    assert.deepEqual((await tags.ListTags({ ResourceArn: AlgorithmArn }, ctx)).Tags, [], 'old tags did not come back');
  });

  it('is refused while validation runs, naming the validation job; allowed once it ended', async () => {
    await alg.CreateAlgorithm(withValidation('busy'), ctx);
    await statusIs('busy', 'InProgress');
    await rejectsWith(alg.DeleteAlgorithm({ AlgorithmName: 'busy' }, ctx), 'ConflictException',
      'Algorithm busy cannot be deleted while its validation is in progress (AlgorithmStatus InProgress). Wait for its validation training job (busy-validation-p1-00000001) to end, or stop it with StopTrainingJob, then delete the algorithm.');
    fake.end('busy-validation-p1-00000001', 'Stopped');
    await statusIs('busy', 'Failed');
    await alg.DeleteAlgorithm({ AlgorithmName: 'busy' }, ctx);
  });
});

describe('tags on algorithms', () => {
  it('AddTags / ListTags / DeleteTags take algorithm ARNs, case-insensitively', async () => {
    const tags = createTagHandlers(store);
    const { AlgorithmArn } = await alg.CreateAlgorithm(algorithmInput('Tagged'), ctx);
    await tags.AddTags({ ResourceArn: `${ARN}/tagged`, Tags: [{ Key: 'a', Value: '1' }] }, ctx);
    assert.deepEqual((await tags.ListTags({ ResourceArn: AlgorithmArn }, ctx)).Tags, [{ Key: 'a', Value: '1' }]);
    await tags.DeleteTags({ ResourceArn: AlgorithmArn, TagKeys: ['a'] }, ctx);
    assert.deepEqual((await tags.ListTags({ ResourceArn: AlgorithmArn }, ctx)).Tags, []);
    await rejectsWith(tags.AddTags({ ResourceArn: `${ARN}/nope`, Tags: [{ Key: 'a', Value: '1' }] }, ctx), 'ValidationException');
  });
});

describe('ListAlgorithms', () => {
  it('filters, sorts and pages', async () => {
    const names = ['b-algo', 'A-algo', 'c-other', 'd-algo'];
    const times: number[] = [];
    for (const name of names) {
      await alg.CreateAlgorithm(algorithmInput(name, { AlgorithmDescription: `about ${name}` }), ctx);
      times.push(Date.now());
      await new Promise((r) => setTimeout(r, 3));
    }
    await alg.CreateAlgorithm(algorithmInput('elsewhere'), other);
    const all = await alg.ListAlgorithms({}, ctx);
    assert.deepEqual(all.AlgorithmSummaryList.map((a) => a.AlgorithmName), names, 'CreationTime ascending by default');
    assert.equal(all.NextToken, undefined);
    const first = all.AlgorithmSummaryList[0]!;
    assert.deepEqual(Object.keys(first).sort(), ['AlgorithmArn', 'AlgorithmDescription', 'AlgorithmName', 'AlgorithmStatus', 'CreationTime']);
    assert.equal(first.AlgorithmStatus, 'Completed');
    assert.equal(first.AlgorithmArn, `${ARN}/b-algo`);

    const byName = await alg.ListAlgorithms({ SortBy: 'Name', SortOrder: 'Descending' }, ctx);
    assert.deepEqual(byName.AlgorithmSummaryList.map((a) => a.AlgorithmName), ['d-algo', 'c-other', 'b-algo', 'A-algo']);
    const contains = await alg.ListAlgorithms({ NameContains: 'ALGO' }, ctx);
    assert.deepEqual(contains.AlgorithmSummaryList.map((a) => a.AlgorithmName), ['b-algo', 'A-algo', 'd-algo']);

    const created = (await alg.ListAlgorithms({}, ctx)).AlgorithmSummaryList.map((a) => a.CreationTime.getTime());
    const window = await alg.ListAlgorithms({ CreationTimeAfter: new Date(created[0]!), CreationTimeBefore: new Date(created[3]!) }, ctx);
    assert.deepEqual(window.AlgorithmSummaryList.map((a) => a.AlgorithmName), ['A-algo', 'c-other'], 'exclusive bounds');

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await alg.ListAlgorithms({ SortBy: 'Name', MaxResults: 3, ...(token ? { NextToken: token } : {}) }, ctx);
      seen.push(...page.AlgorithmSummaryList.map((a) => a.AlgorithmName));
      token = page.NextToken;
      pages++;
    } while (token);
    assert.equal(pages, 2);
    assert.deepEqual(seen, ['A-algo', 'b-algo', 'c-other', 'd-algo']);

    const page1 = await alg.ListAlgorithms({ MaxResults: 1 }, ctx);
    await rejectsWith(alg.ListAlgorithms({ NextToken: page1.NextToken!, SortBy: 'Name' }, ctx), 'ValidationException', /Invalid pagination token/);
    await rejectsWith(alg.ListAlgorithms({ NextToken: 'garbage' }, ctx), 'ValidationException', /Invalid pagination token/);
  });

  it('defaults MaxResults to 10', async () => {
    for (let i = 0; i < 12; i++) await alg.CreateAlgorithm(algorithmInput(`a${i}`), ctx);
    const page = await alg.ListAlgorithms({}, ctx);
    assert.equal(page.AlgorithmSummaryList.length, 10);
    assert.ok(page.NextToken);
  });
});

describe('the resolver the training provider uses', () => {
  it('resolves by name or ARN, undefined for unknown; withAlgorithm applies a Completed algorithm', async () => {
    await alg.CreateAlgorithm(algorithmInput('Res'), ctx);
    const resolve = createAlgorithmResolver(store);
    const r = await resolve(`${ARN}/res`, ctx);
    assert.ok(r);
    assert.equal(r.trainingImage, IMAGE);
    assert.equal(r.status, 'Completed');
    assert.deepEqual(r.supportedInstanceTypes, ['ml.m5.large', 'ml.m5.xlarge']);
    assert.equal(r.supportsDistributedTraining, false);
    assert.deepEqual(r.channels.map((c) => c.Name), ['train', 'validation']);
    assert.deepEqual(r.hyperParameters.map((h) => h.Name), ['epochs', 'lr', 'optimizer', 'note']);
    assert.deepEqual(r.metricDefinitions, [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }]);
    assert.equal(await resolve('nope', ctx), undefined);
    assert.equal(await resolve('res', other), undefined);

    const req = jobRequest({ AlgorithmSpecification: { AlgorithmName: 'RES', TrainingInputMode: 'File' } });
    const out = await withAlgorithm(resolve, req, ctx);
    assert.equal(out.AlgorithmSpecification!.TrainingImage, IMAGE);
    assert.equal(out.AlgorithmSpecification!.AlgorithmName, 'RES');
    assert.deepEqual(out.HyperParameters, { lr: '0.1', epochs: '3', optimizer: 'adam' });
    const plain = jobRequest({ AlgorithmSpecification: { TrainingImage: 'x', TrainingInputMode: 'File' } });
    assert.equal(await withAlgorithm(resolve, plain, ctx), plain, 'no AlgorithmName: unchanged');
    await rejectsWith(withAlgorithm(resolve, jobRequest({ AlgorithmSpecification: { AlgorithmName: 'nope', TrainingInputMode: 'File' } }), ctx),
      'ValidationException', "Could not find algorithm 'nope'.");
  });

  it('trainingApiFromHandlers maps "Requested resource not found." to undefined and keeps other errors', async () => {
    const api = trainingApiFromHandlers({
      CreateTrainingJob: async () => ({}),
      DescribeTrainingJob: async (input) => {
        if (input.TrainingJobName === 'missing') throw validationError('Requested resource not found.');
        if (input.TrainingJobName === 'other') throw validationError('something else');
        return { TrainingJobStatus: 'Failed', FailureReason: 'why' };
      },
    });
    assert.equal(await api.describeTrainingJob('missing', ctx), undefined);
    assert.deepEqual(await api.describeTrainingJob('x', ctx), { status: 'Failed', failureReason: 'why' });
    await rejectsWith(api.describeTrainingJob('other', ctx), 'ValidationException', 'something else');
  });
});
