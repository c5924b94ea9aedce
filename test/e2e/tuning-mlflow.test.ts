/**
 * Tuning trials log to MLflow: the tuning job's `sagebox:mlflow-resource-arn` and
 * `sagebox:mlflow-experiment-name` tags give every trial's training job an MlflowConfig, so each
 * trial is one run in the experiment, named after its training job (src/sagemaker/tuning/mlflow-tags.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as sm from '@aws-sdk/client-sagemaker';
import type { TestSagebox } from '../helpers/sagebox.js';
import { awsError } from '../helpers/sagebox.js';
import { rest, sageboxWithServer, until } from '../mlflow/helpers.js';
import { allTrainingJobs, tuningRequest, waitForTuning } from './fixtures/tuning/requests.js';

let sb: TestSagebox;
let url: string;
let arn: string;
before(async () => {
  ({ sb, url, arn } = await sageboxWithServer('tuning-runs'));
});
after(async () => {
  await sb.close(true);
});

test('every trial of a tuning job tagged with an MLflow resource is one run in its experiment', async () => {
  await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('tracked-tune', {
    Strategy: 'Random', RandomSeed: 3, ResourceLimits: { MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 2 },
  }, { Tags: [{ Key: 'sagebox:mlflow-resource-arn', Value: arn }, { Key: 'sagebox:mlflow-experiment-name', Value: 'tuning-exp' }] })));
  const d = await waitForTuning(sb.client, 'tracked-tune');
  assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
  const trials = await allTrainingJobs(sb.client, 'tracked-tune');
  assert.equal(trials.length, 3);

  const experiment = (await rest(url, 'GET', 'experiments/get-by-name', undefined, { experiment_name: 'tuning-exp' })).body.experiment;
  assert.ok(experiment, 'the experiment named by the tag exists');
  const runs = await until('three finished runs', async () => {
    const found = (await rest(url, 'POST', 'runs/search', { experiment_ids: [experiment.experiment_id], max_results: 10 })).body.runs ?? [];
    return found.length === 3 && found.every((r: any) => r.info.status === 'FINISHED') ? found : undefined;
  });
  assert.deepEqual(runs.map((r: any) => r.info.run_name).sort(), trials.map((t) => t.TrainingJobName).sort());
  for (const trial of trials) {
    const job = await sb.client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: trial.TrainingJobName }));
    const run = runs.find((r: any) => r.info.run_name === trial.TrainingJobName);
    assert.equal(job.MlflowDetails?.MlflowRunId, run.info.run_id);
    // The run's params are the trial's hyperparameters, tuned value included.
    const x = run.data.params.find((p: any) => p.key === 'x')?.value;
    assert.equal(x, trial.TunedHyperParameters?.x);
  }
});

test('a tuning job tagged with an MLflow resource that does not exist is refused at create', async () => {
  const missing = arn.replace('tuning-runs', 'no-such-server');
  const error = await awsError(() => sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest('untracked-tune', {}, {
    Tags: [{ Key: 'sagebox:mlflow-resource-arn', Value: missing }],
  }))));
  assert.equal(error.name, 'ValidationException');
  assert.equal(error.message, `MlflowResourceArn ${missing} does not exist: create it with CreateMlflowTrackingServer or CreateMlflowApp first.`);
});
