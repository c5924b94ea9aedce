/**
 * Tuning jobs end to end through the real SDK: each strategy runs real training jobs
 * (objective.mjs), and the tuning job reports them as SageMaker does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { allTrainingJobs, definition, tuningRequest, waitForTuning } from './fixtures/tuning/requests.js';

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_CONCURRENT_JOBS: '6', SAGEBOX_SANDBOX: 'off' } });
});
after(async () => {
  await sb.close(true);
});

describe('Random strategy', () => {
  test('runs real training jobs named from the tuning job, and reports the best', async () => {
    const name = 'rand-tune';
    const { HyperParameterTuningJobArn } = await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      Strategy: 'Random', RandomSeed: 7,
      ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
    }, { Tags: [{ Key: 'team', Value: 'ml' }] })));
    assert.equal(HyperParameterTuningJobArn, 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/rand-tune');
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    assert.deepEqual(d.TrainingJobStatusCounters, { Completed: 4, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 });
    assert.deepEqual(d.ObjectiveStatusCounters, { Succeeded: 4, Pending: 0, Failed: 0 });
    const jobs = await allTrainingJobs(sb.client, name);
    assert.equal(jobs.length, 4);
    for (const j of jobs) assert.match(j.TrainingJobName!, /^rand-tune-00[1-4]-[0-9a-f]{8}$/);
    const best = d.BestTrainingJob!;
    const values = jobs.map((j) => j.FinalHyperParameterTuningJobObjectiveMetric!.Value!);
    assert.equal(best.FinalHyperParameterTuningJobObjectiveMetric!.Value, Math.min(...values));
    const x = Number(best.TunedHyperParameters!.x);
    assert.ok(Math.abs(best.FinalHyperParameterTuningJobObjectiveMetric!.Value! - ((x - 0.3) ** 2 + 1)) < 1e-5);
    const child = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: best.TrainingJobName }));
    assert.equal(child.TuningJobArn, HyperParameterTuningJobArn);
    assert.equal(child.HyperParameters!._tuning_objective_metric, 'validation:loss');
    assert.equal(child.HyperParameters!.x, best.TunedHyperParameters!.x);
    const tags = await sb.client.send(new sm.ListTagsCommand({ ResourceArn: child.TrainingJobArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }]);
  });
});

describe('strategies, early stopping, completion criteria, failures', { concurrency: true }, () => {
  test('Grid runs every combination of the categorical values exactly once', async () => {
    const name = 'grid-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      Strategy: 'Grid', ResourceLimits: { MaxParallelTrainingJobs: 2 },
      ParameterRanges: { CategoricalParameterRanges: [{ Name: 'opt', Values: ['sgd', 'adam'] }, { Name: 'act', Values: ['relu', 'tanh'] }] },
    })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    const jobs = await allTrainingJobs(sb.client, name);
    const combos = jobs.map((j) => `${j.TunedHyperParameters!.opt}/${j.TunedHyperParameters!.act}`).sort();
    assert.deepEqual(combos, ['adam/relu', 'adam/tanh', 'sgd/relu', 'sgd/tanh']);
    assert.deepEqual(d.BestTrainingJob!.TunedHyperParameters, { opt: 'adam', act: 'relu' });
    assert.equal(d.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value, 1);
  });

  test('Bayesian handles continuous, integer and categorical ranges and never repeats a configuration', async () => {
    const name = 'bayes-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      Strategy: 'Bayesian', RandomSeed: 3, ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1', ScalingType: 'Auto' }, { Name: 'xlr', MinValue: '0.001', MaxValue: '1', ScalingType: 'Logarithmic' }],
        IntegerParameterRanges: [{ Name: 'n', MinValue: '1', MaxValue: '6', ScalingType: 'Linear' }],
        CategoricalParameterRanges: [{ Name: 'opt', Values: ['sgd', 'adam'] }],
      },
    })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    const jobs = await allTrainingJobs(sb.client, name);
    assert.equal(jobs.length, 6);
    const keys = new Set(jobs.map((j) => JSON.stringify(j.TunedHyperParameters)));
    assert.equal(keys.size, 6);
    for (const j of jobs) {
      assert.match(j.TunedHyperParameters!.n!, /^[1-6]$/);
      const lr = Number(j.TunedHyperParameters!.xlr);
      assert.ok(lr >= 0.001 && lr <= 1, `xlr ${lr}`);
    }
  });

  test('Hyperband stops trials at its rungs (epochs from the static hyperparameter)', async () => {
    const name = 'hb-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      // One at a time: every decision then sees the same earlier trials on every run.
      Strategy: 'Hyperband', RandomSeed: 11, ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 1 },
      StrategyConfig: { HyperbandStrategyConfig: { MinResource: 1 } },
    }, { TrainingJobDefinition: definition({ epochs: '9', epoch_seconds: '0.12' }) })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    const c = d.TrainingJobStatusCounters!;
    assert.equal(c.Completed! + c.Stopped!, 6);
    assert.ok(c.Stopped! >= 1, JSON.stringify(c));
    // The best job is a Completed one, never an early-stopped one.
    assert.equal(d.BestTrainingJob!.TrainingJobStatus, 'Completed');
  });

  test('early stopping Auto applies the median rule', async () => {
    const name = 'es-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      Strategy: 'Random', RandomSeed: 5, TrainingJobEarlyStoppingType: 'Auto',
      ResourceLimits: { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 1 },
    }, { TrainingJobDefinition: definition({ epochs: '3', epoch_seconds: '0.3' }) })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    const jobs = await allTrainingJobs(sb.client, name, { SortBy: 'CreationTime' });
    const stopped = jobs.filter((j) => j.TrainingJobStatus === 'Stopped');
    assert.ok(stopped.length >= 1, JSON.stringify(d.TrainingJobStatusCounters));
    // Fewer than five earlier jobs: nothing can be stopped yet.
    for (const j of jobs.slice(0, 5)) assert.equal(j.TrainingJobStatus, 'Completed');
    assert.equal(d.TrainingJobStatusCounters!.Stopped, stopped.length);
  });

  test('TargetObjectiveMetricValue ends the job early, Completed', async () => {
    const name = 'target-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      Strategy: 'Random', RandomSeed: 2, ResourceLimits: { MaxNumberOfTrainingJobs: 30, MaxParallelTrainingJobs: 2 },
      TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 1.2 },
    })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    assert.ok(d.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value! <= 1.2);
    const c = d.TrainingJobStatusCounters!;
    assert.ok(c.Completed! < 30, JSON.stringify(c));
  });

  test('BestObjectiveNotImproving ends the job once the best stops improving', async () => {
    const name = 'plateau-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      Strategy: 'Random', RandomSeed: 4, ResourceLimits: { MaxNumberOfTrainingJobs: 40, MaxParallelTrainingJobs: 2 },
      TuningJobCompletionCriteria: { BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 3 } },
    })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    // The criterion stops launching; the jobs already running finish (and may still improve).
    assert.ok(d.TrainingJobStatusCounters!.Completed! < 40);
    assert.equal(typeof d.TuningJobCompletionDetails!.NumberOfTrainingJobsObjectiveNotImproving, 'number');
  });

  test('a tuning job whose first training jobs all fail ends Failed', async () => {
    const name = 'fail-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 3 },
    }, { TrainingJobDefinition: definition({ mode: 'fail' }) })));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Failed');
    assert.equal(d.FailureReason, 'No training job succeeded after 5 attempts. Please take a look at the training job failures to get more details.');
    assert.ok(d.TrainingJobStatusCounters!.NonRetryableError! >= 5);
    assert.equal(d.ObjectiveStatusCounters!.Succeeded, 0);
    assert.equal(d.BestTrainingJob, undefined);
  });

  test('StopHyperParameterTuningJob stops every running training job', async () => {
    const name = 'stop-tune';
    await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
    }, { TrainingJobDefinition: definition({ epochs: '100', epoch_seconds: '0.2' }) })));
    await waitForTuning(sb.client, name, (d) => d.TrainingJobStatusCounters?.InProgress === 2);
    await sb.client.send(new sm.StopHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
    const stopping = await sb.client.send(new sm.DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
    assert.ok(['Stopping', 'Stopped'].includes(stopping.HyperParameterTuningJobStatus!));
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Stopped');
    assert.equal(d.TrainingJobStatusCounters!.Stopped, 2);
    assert.ok(d.HyperParameterTuningEndTime instanceof Date);
    for (const j of await allTrainingJobs(sb.client, name)) assert.equal(j.TrainingJobStatus, 'Stopped');
  });
});
