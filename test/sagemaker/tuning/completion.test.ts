import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { childJobName } from '../../../src/sagemaker/tuning/arns.js';
import { childRequest } from '../../../src/sagemaker/tuning/children.js';
import { completionReason, converged, notImprovingCount } from '../../../src/sagemaker/tuning/completion.js';
import { resolveDefinitions } from '../../../src/sagemaker/tuning/definitions.js';
import { bestTrial, statusCounters } from '../../../src/sagemaker/tuning/summaries.js';
import type { TrialRow } from '../../../src/sagemaker/tuning/tables.js';

let seq = 0;
function trial(state: string, objective: number | null, extra: Partial<TrialRow> = {}): TrialRow {
  seq++;
  return {
    id: seq, tuning_job_id: 1, seq, training_job_name: `t-${seq}`, training_job_id: seq, definition_name: null, tuned: '{}',
    state, objective_status: objective === null ? (state === 'running' ? 'Pending' : 'Failed') : 'Succeeded', objective,
    retryable: 0, early_stopped: 0, bracket: null, creation_time: seq, failure_reason: null, end_time: state === 'running' ? null : 1000 + seq, ...extra,
  };
}

describe('completion criteria', () => {
  test('BestObjectiveNotImproving counts the jobs that ended since the last improvement', () => {
    const trials = [trial('completed', 5), trial('completed', 3), trial('completed', 4), trial('stopped', 3.5), trial('completed', 6), trial('running', null)];
    assert.equal(notImprovingCount(trials, 'Minimize'), 3);
    assert.equal(notImprovingCount(trials, 'Maximize'), 0);
    const config = { Strategy: 'Random' as const, ResourceLimits: { MaxParallelTrainingJobs: 1 }, TuningJobCompletionCriteria: { BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 3 } } };
    assert.match(completionReason(trials, config, { Type: 'Minimize', MetricName: 'm' }, 1)!.reason, /did not improve over the last 3/);
    assert.equal(completionReason(trials.slice(0, 4), config, { Type: 'Minimize', MetricName: 'm' }, 1), undefined);
  });

  test('TargetObjectiveMetricValue holds once a Completed job reaches it, in the objective direction', () => {
    const trials = [trial('completed', 0.8), trial('stopped', 0.95)];
    const config = (t: number) => ({ Strategy: 'Random' as const, ResourceLimits: { MaxParallelTrainingJobs: 1 }, TuningJobCompletionCriteria: { TargetObjectiveMetricValue: t } });
    assert.ok(completionReason(trials, config(0.9), { Type: 'Minimize', MetricName: 'm' }, 1));
    assert.equal(completionReason(trials, config(0.7), { Type: 'Minimize', MetricName: 'm' }, 1), undefined);
    // Maximize: 0.8 ≥ 0.75 holds; the stopped job's 0.95 does not count.
    assert.ok(completionReason(trials, config(0.75), { Type: 'Maximize', MetricName: 'm' }, 1));
    assert.equal(completionReason(trials, config(0.9), { Type: 'Maximize', MetricName: 'm' }, 1), undefined);
  });

  test('ConvergenceDetected: the best barely moved over the last 10 + 2·d jobs', () => {
    const flat = [trial('completed', 10), trial('completed', 1), ...Array.from({ length: 12 }, (_, i) => trial('completed', 2 + i * 0.1))];
    assert.equal(converged(flat, 'Minimize', 1), true);
    const improving = [...flat.slice(0, 13), trial('completed', 0.5)];
    assert.equal(converged(improving, 'Minimize', 1), false);
    assert.equal(converged(flat.slice(0, 11), 'Minimize', 1), false); // too few jobs
  });
});

describe('reporting', () => {
  test('status counters and the best job', () => {
    const trials = [
      trial('completed', 2), trial('completed', 1), trial('stopped', 0.5, { early_stopped: 1 }), trial('failed', null, { retryable: 1 }),
      trial('failed', null), trial('running', null), trial('creating', null, { objective_status: 'Pending' }),
    ];
    const c = statusCounters(trials);
    assert.deepEqual(c.training, { Completed: 2, InProgress: 2, RetryableError: 1, NonRetryableError: 1, Stopped: 1 });
    assert.deepEqual(c.objective, { Succeeded: 3, Pending: 2, Failed: 2 });
    // Early-stopped jobs are never the best: only Completed ones are.
    assert.equal(bestTrial(trials, 'Minimize')!.objective, 1);
    assert.equal(bestTrial(trials, 'Maximize')!.objective, 2);
  });
});

describe('children', () => {
  test('names are <tuning>-<NNN>-<8 hex>, stable for a trial', () => {
    const a = childJobName('mytune', 'arn:x', 1, 3);
    assert.match(a, /^mytune-003-[0-9a-f]{8}$/);
    assert.equal(childJobName('mytune', 'arn:x', 1, 3), a);
    assert.notEqual(childJobName('mytune', 'arn:x', 1, 4).slice(-8), a.slice(-8));
  });

  test('a child gets static + tuned hyperparameters, _tuning_objective_metric and the tags', () => {
    const [def] = resolveDefinitions({
      HyperParameterTuningJobConfig: {
        Strategy: 'Random', ResourceLimits: { MaxParallelTrainingJobs: 1 },
        HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'acc' },
      },
      TrainingJobDefinition: {
        StaticHyperParameters: { epochs: '3' }, RoleArn: 'arn:aws:iam::123456789012:role/r',
        AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'acc', Regex: 'acc=(.*)' }] },
        OutputDataConfig: { S3OutputPath: 's3://b/o' }, StoppingCondition: { MaxRuntimeInSeconds: 60 },
        HyperParameterTuningResourceConfig: { InstanceConfigs: [{ InstanceType: 'ml.c5.xlarge', InstanceCount: 1, VolumeSizeInGB: 3 }, { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 3 }] },
      },
    });
    const req = childRequest(def!, 't-001-aaaaaaaa', { lr: '0.1' }, [{ Key: 'k', Value: 'v' }]);
    assert.deepEqual(req.HyperParameters, { epochs: '3', lr: '0.1', _tuning_objective_metric: 'acc' });
    assert.deepEqual(req.ResourceConfig, { InstanceType: 'ml.c5.xlarge', InstanceCount: 1, VolumeSizeInGB: 3 });
    assert.deepEqual(req.Tags, [{ Key: 'k', Value: 'v' }]);
    assert.equal(req.TrainingJobName, 't-001-aaaaaaaa');
  });
});
