/**
 * The rest of the tuning API end to end: lists and their sorting, delete, tags, duplicate names,
 * multiple training job definitions, warm start (both types and their rules), and a round trip
 * of every request member Describe echoes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { allTrainingJobs, definition, IMAGE, tuningRequest, waitForTuning } from './fixtures/tuning/requests.js';

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '6', SAGEBOX_SANDBOX: 'off' } });
  // Two finished parents, shared by the tests below.
  await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('parent-a', { RandomSeed: 1, ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 } })));
  await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('Parent-B', {
    Strategy: 'Grid', ResourceLimits: { MaxParallelTrainingJobs: 2 },
    ParameterRanges: { CategoricalParameterRanges: [{ Name: 'opt', Values: ['sgd', 'adam'] }] },
  }, { TrainingJobDefinition: definition({ x: '0.3' }) })));
  await waitForTuning(sb.client, 'parent-a');
  await waitForTuning(sb.client, 'Parent-B');
});
after(async () => {
  await sb.close(true);
});

describe('lists, delete, tags', () => {
  test('ListHyperParameterTuningJobs filters, sorts by Name by default and pages', async () => {
    const all = await sb.client.send(new sm.ListHyperParameterTuningJobsCommand({}));
    const names = all.HyperParameterTuningJobSummaries!.map((s) => s.HyperParameterTuningJobName);
    assert.deepEqual(names.filter((n) => n === 'parent-a' || n === 'Parent-B'), ['parent-a', 'Parent-B']);
    const one = await sb.client.send(new sm.ListHyperParameterTuningJobsCommand({ MaxResults: 1, NameContains: 'PARENT' }));
    assert.equal(one.HyperParameterTuningJobSummaries!.length, 1);
    assert.ok(one.NextToken);
    const two = await sb.client.send(new sm.ListHyperParameterTuningJobsCommand({ MaxResults: 1, NameContains: 'PARENT', NextToken: one.NextToken }));
    assert.equal(two.HyperParameterTuningJobSummaries![0]!.HyperParameterTuningJobName, 'Parent-B');
    const s = two.HyperParameterTuningJobSummaries![0]!;
    assert.equal(s.Strategy, 'Grid');
    assert.equal(s.HyperParameterTuningJobArn, 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/parent-b');
    assert.deepEqual(s.TrainingJobStatusCounters, { Completed: 2, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 });
    const completed = await sb.client.send(new sm.ListHyperParameterTuningJobsCommand({ StatusEquals: 'InProgress', NameContains: 'parent' }));
    assert.deepEqual(completed.HyperParameterTuningJobSummaries, []);
  });

  test('ListTrainingJobsForHyperParameterTuningJob sorts by FinalObjectiveMetricValue and pages', async () => {
    const asc = await allTrainingJobs(sb.client, 'parent-a', { SortBy: 'FinalObjectiveMetricValue' });
    const values = asc.map((j) => j.FinalHyperParameterTuningJobObjectiveMetric!.Value!);
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
    const desc = await sb.client.send(new sm.ListTrainingJobsForHyperParameterTuningJobCommand({
      HyperParameterTuningJobName: 'parent-a', SortBy: 'FinalObjectiveMetricValue', SortOrder: 'Descending', MaxResults: 3,
    }));
    assert.equal(desc.TrainingJobSummaries!.length, 3);
    assert.equal(desc.TrainingJobSummaries![0]!.FinalHyperParameterTuningJobObjectiveMetric!.Value, Math.max(...values));
    assert.ok(desc.NextToken);
    const j = desc.TrainingJobSummaries![0]!;
    assert.equal(j.TuningJobName, 'parent-a');
    assert.equal(j.ObjectiveStatus, 'Succeeded');
    assert.equal(j.FinalHyperParameterTuningJobObjectiveMetric!.MetricName, 'validation:loss');
    assert.equal(j.FinalHyperParameterTuningJobObjectiveMetric!.Type, 'Minimize');
    assert.deepEqual(Object.keys(j.TunedHyperParameters!), ['x']);
    const byStatus = await allTrainingJobs(sb.client, 'parent-a', { StatusEquals: 'Failed' });
    assert.deepEqual(byStatus, []);
  });

  test('a duplicate name (any case) is ResourceInUse', async () => {
    const e = await awsError(() => sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('PARENT-A'))));
    assert.equal(e.name, 'ResourceInUse');
    assert.equal(e.message, 'A hyperparameter tuning job with the name, PARENT-A, already exists. Choose a different name.');
  });

  test('tags on tuning jobs', async () => {
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/parent-b';
    await sb.client.send(new sm.AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] }));
    const tags = await sb.client.send(new sm.ListTagsCommand({ ResourceArn: arn }));
    assert.deepEqual(tags.Tags, [{ Key: 'k', Value: 'v' }]);
  });

  test('Stop on an ended job is refused; Delete removes it (its training jobs stay)', async () => {
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('to-delete', { ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 } })));
    const d = await waitForTuning(sb.client, 'to-delete');
    const e = await awsError(() => sb.client.send(new sm.StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'to-delete' })));
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, 'The hyperparameter tuning job to-delete is in status Completed and cannot be stopped. Only a job that is InProgress can be stopped.');
    await sb.client.send(new sm.DeleteHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'to-delete' }));
    const gone = await awsError(() => sb.client.send(new sm.DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'to-delete' })));
    assert.equal(gone.name, 'ResourceNotFound');
    const child = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: d.BestTrainingJob!.TrainingJobName }));
    assert.equal(child.TrainingJobStatus, 'Completed');
  });
});

describe('definitions and warm start', { concurrency: true }, () => {
  test('every request member round-trips, DatasetSource and TrainingJobDefinitions included', async () => {
    const defs: sm.HyperParameterTrainingJobDefinition[] = [
      definition({}, {
        DefinitionName: 'first', TuningObjective: { Type: 'Minimize', MetricName: 'validation:loss' },
        HyperParameterRanges: { ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1', ScalingType: 'Linear' }] },
        Environment: { A: 'b' }, RetryStrategy: { MaximumRetryAttempts: 1 }, EnableNetworkIsolation: false,
        CheckpointConfig: { S3Uri: 's3://bucket/ckpt' },
      }),
      definition({}, {
        DefinitionName: 'second', TuningObjective: { Type: 'Minimize', MetricName: 'validation:loss' },
        HyperParameterRanges: { CategoricalParameterRanges: [{ Name: 'opt', Values: ['sgd', 'adam'] }], IntegerParameterRanges: [{ Name: 'n', MinValue: '1', MaxValue: '5', ScalingType: 'Logarithmic' }] },
        HyperParameterTuningResourceConfig: { AllocationStrategy: 'Prioritized', InstanceConfigs: [{ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 5 }] },
      }),
    ];
    delete defs[1]!.ResourceConfig;
    const request: sm.CreateHyperParameterTuningJobRequest = {
      HyperParameterTuningJobName: 'multi',
      HyperParameterTuningJobConfig: {
        Strategy: 'Random', RandomSeed: 9, ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2, MaxRuntimeInSeconds: 3600 },
        TrainingJobEarlyStoppingType: 'Off',
        TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.001, BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 10 }, ConvergenceDetected: { CompleteOnConvergence: 'Disabled' } },
      },
      TrainingJobDefinitions: defs,
    };
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(request));
    const d = await waitForTuning(sb.client, 'multi');
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    assert.deepEqual(d.HyperParameterTuningJobConfig, request.HyperParameterTuningJobConfig);
    assert.deepEqual(d.TrainingJobDefinitions, defs);
    assert.equal(d.TrainingJobDefinition, undefined);
    const jobs = await allTrainingJobs(sb.client, 'multi');
    const byDef = (n: string): sm.HyperParameterTrainingJobSummary[] => jobs.filter((j) => j.TrainingJobDefinitionName === n);
    assert.equal(byDef('first').length, 2);
    assert.equal(byDef('second').length, 2);
    for (const j of byDef('second')) assert.deepEqual(Object.keys(j.TunedHyperParameters!).sort(), ['n', 'opt']);
    const child = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: byDef('second')[0]!.TrainingJobName }));
    assert.equal(child.ResourceConfig!.InstanceType, 'ml.m5.xlarge');
  });

  test('a job that completes without emitting the objective counts as a failed objective', async () => {
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('silent', { ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 } }, { TrainingJobDefinition: definition({ mode: 'silent' }) })));
    const d = await waitForTuning(sb.client, 'silent');
    assert.deepEqual(d.ObjectiveStatusCounters, { Succeeded: 0, Pending: 0, Failed: 1 });
    assert.equal(d.TrainingJobStatusCounters!.Completed, 1);
    assert.equal(d.HyperParameterTuningJobStatus, 'Failed');
    assert.equal(d.FailureReason, 'No training job succeeded after 1 attempts. Please take a look at the training job failures to get more details.');
  });

  test('DatasetSource channels round-trip in the definition', async () => {
    const def = definition({}, { InputDataConfig: [{ ChannelName: 'train', DataSource: { DatasetSource: { DatasetArn: 'arn:aws:sagemaker:us-east-1:123456789012:hub-content/h/DataSet/d/1.0.0' } } }] });
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('dataset', { ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 } }, { TrainingJobDefinition: def })));
    const d = await waitForTuning(sb.client, 'dataset');
    assert.deepEqual(d.TrainingJobDefinition!.InputDataConfig, def.InputDataConfig);
    // The dataset does not exist: the training job is refused, and the trial says why.
    assert.equal(d.HyperParameterTuningJobStatus, 'Failed');
    const [j] = await allTrainingJobs(sb.client, 'dataset');
    assert.match(j!.FailureReason!, /^ClientError: /);
  });

  test('IdenticalDataAndAlgorithm warm start learns from the parents and reports OverallBestTrainingJob', async () => {
    const parent = await sb.client.send(new sm.DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'parent-a' }));
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('warm-ida', {
      Strategy: 'Bayesian', ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 },
    }, { WarmStartConfig: { WarmStartType: 'IdenticalDataAndAlgorithm', ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'parent-a' }] } })));
    const d = await waitForTuning(sb.client, 'warm-ida');
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    const overall = d.OverallBestTrainingJob!;
    const best = Math.min(parent.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value!, d.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value!);
    assert.equal(overall.FinalHyperParameterTuningJobObjectiveMetric!.Value, best);
    // The parents' configurations are never tried again.
    const parentX = new Set((await allTrainingJobs(sb.client, 'parent-a')).map((j) => j.TunedHyperParameters!.x));
    for (const j of await allTrainingJobs(sb.client, 'warm-ida')) assert.ok(!parentX.has(j.TunedHyperParameters!.x));
  });

  test('TransferLearning may change the image; a static value made tunable is allowed', async () => {
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('warm-tl', {
      ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 },
      ParameterRanges: { CategoricalParameterRanges: [{ Name: 'opt', Values: ['sgd', 'adam'] }], ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1' }] },
    }, {
      TrainingJobDefinition: definition({}, { AlgorithmSpecification: { TrainingImage: IMAGE.replace('2.1', '2.2'), TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'validation:loss', Regex: 'loss=([0-9.]+)' }] } }),
      WarmStartConfig: { WarmStartType: 'TransferLearning', ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'Parent-B' }] },
    })));
    const d = await waitForTuning(sb.client, 'warm-tl');
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    assert.equal(d.OverallBestTrainingJob, undefined);
  });

  test('warm start rules: terminal parent, same objective, same image for IdenticalDataAndAlgorithm, at most 10 changes', async () => {
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('busy-parent', { ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 } }, { TrainingJobDefinition: definition({ epochs: '50', epoch_seconds: '0.1' }) })));
    const warm = (type: sm.HyperParameterTuningJobWarmStartType, parent: string): sm.HyperParameterTuningJobWarmStartConfig => ({ WarmStartType: type, ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: parent }] });
    const cases: [sm.CreateHyperParameterTuningJobRequest, string][] = [
      [tuningRequest('w1', {}, { WarmStartConfig: warm('TransferLearning', 'busy-parent') }),
        'The parent hyperparameter tuning job busy-parent is in status InProgress. A parent job for warm start must be Completed, Stopped or Failed.'],
      [tuningRequest('w2', { HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:loss' } }, { WarmStartConfig: warm('TransferLearning', 'parent-a') }),
        'The tuning objective (Maximize validation:loss) must be the same as that of the parent hyperparameter tuning job parent-a (Minimize validation:loss).'],
      [tuningRequest('w3', {}, { TrainingJobDefinition: definition({}, { AlgorithmSpecification: { TrainingImage: 'other:1', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'validation:loss', Regex: 'loss=([0-9.]+)' }] } }), WarmStartConfig: warm('IdenticalDataAndAlgorithm', 'parent-a') }),
        "Only the following fields in TrainingJobDefinition are allowed to change for an IdenticalDataAndAlgorithm warm start: HyperParameterRanges, StaticHyperParameters, ResourceConfig, StoppingCondition, OutputDataConfig, Environment, CheckpointConfig, RetryStrategy. The training image or algorithm and the input data must be the same as the parent's; use TransferLearning to change them."],
      [tuningRequest('w4', { ParameterRanges: { IntegerParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1' }] } }, { WarmStartConfig: warm('TransferLearning', 'parent-a') }),
        'Hyperparameter x is Continuous in the parent hyperparameter tuning job parent-a and Integer here. Warm start does not allow a hyperparameter to change type.'],
      [tuningRequest('w5', {}, { TrainingJobDefinition: definition({ extra: '1' }), WarmStartConfig: warm('TransferLearning', 'parent-a') }),
        'The total number of static and tunable hyperparameters (3) must be the same as in the parent hyperparameter tuning job parent-a (2).'],
    ];
    for (const [req, message] of cases) {
      const e = await awsError(() => sb.client.send(new sm.CreateHyperParameterTuningJobCommand(req)));
      assert.equal(e.name, 'ValidationException', e.message);
      assert.equal(e.message, message);
    }
    await sb.client.send(new sm.StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: 'busy-parent' }));
    await waitForTuning(sb.client, 'busy-parent');
  });
});
