/**
 * A tuning job survives a sagebox restart (graceful, or a crash) mid-run: the driver carries on
 * from its rows, the interrupted training jobs are resumed or retried, and no trial is launched
 * twice.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as sm from '@aws-sdk/client-sagemaker';
import { rmSync } from 'node:fs';
import { spawnServe } from '../helpers/cli-process.js';
import { sdkClient, startTestSagebox, tempDataDir } from '../helpers/sagebox.js';
import { allTrainingJobs, definition, tuningRequest, waitForTuning } from './fixtures/tuning/requests.js';

test('restarting sagebox mid-tuning resumes without duplicate trials', async () => {
  const dataDir = tempDataDir();
  const env = { SAGEBOX_MAX_CONCURRENT_JOBS: '4', SAGEBOX_SANDBOX: 'off' };
  let sb = await startTestSagebox({ dataDir, env });
  const name = 'restart-tune';
  await sb.client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
    Strategy: 'Bayesian', RandomSeed: 21, ResourceLimits: { MaxNumberOfTrainingJobs: 5, MaxParallelTrainingJobs: 2 },
  }, { TrainingJobDefinition: definition({ epochs: '3', epoch_seconds: '0.2' }) })));
  await waitForTuning(sb.client, name, (d) => (d.TrainingJobStatusCounters?.Completed ?? 0) >= 2 && (d.TrainingJobStatusCounters?.InProgress ?? 0) >= 1);
  await sb.close();
  sb = await startTestSagebox({ dataDir, env });
  try {
    const d = await waitForTuning(sb.client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    assert.deepEqual(d.TrainingJobStatusCounters, { Completed: 5, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 });
    const jobs = await allTrainingJobs(sb.client, name);
    assert.deepEqual(jobs.map((j) => j.TrainingJobName!.slice(0, 'restart-tune-00N'.length)).sort(),
      ['restart-tune-001', 'restart-tune-002', 'restart-tune-003', 'restart-tune-004', 'restart-tune-005']);
    assert.equal(new Set(jobs.map((j) => j.TunedHyperParameters!.x)).size, 5);
    const all = await sb.client.send(new sm.ListTrainingJobsCommand({ NameContains: name, MaxResults: 100 }));
    assert.equal(all.TrainingJobSummaries!.length, 5);
  } finally {
    await sb.close(true);
  }
});

test('a crash (SIGKILL) mid-tuning: the next sagebox carries on, and no trial is launched twice', async () => {
  const dataDir = tempDataDir();
  const env = { SAGEBOX_MAX_CONCURRENT_JOBS: '4', SAGEBOX_SANDBOX: 'off' };
  let p = await spawnServe(['--data-dir', dataDir], env);
  let client = sdkClient(p.url);
  const name = 'crash-tune';
  try {
    await client.send(new sm.CreateHyperParameterTuningJobCommand(tuningRequest(name, {
      RandomSeed: 8, ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
    }, { TrainingJobDefinition: definition({ epochs: '4', epoch_seconds: '0.25' }) })));
    await waitForTuning(client, name, (d) => (d.TrainingJobStatusCounters?.Completed ?? 0) >= 1 && (d.TrainingJobStatusCounters?.InProgress ?? 0) >= 1);
    p.child.kill('SIGKILL');
    await p.exited();
    client.destroy();
    p = await spawnServe(['--data-dir', dataDir], env);
    client = sdkClient(p.url);
    const d = await waitForTuning(client, name);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed', d.FailureReason);
    const jobs = await allTrainingJobs(client, name);
    const c = d.TrainingJobStatusCounters!;
    // Four trials count; a training job the crash left failed with an internal error is a
    // RetryableError, run again as a new job with the same values.
    assert.equal(c.Completed! + c.NonRetryableError! + c.Stopped!, 4, JSON.stringify(c));
    assert.equal(jobs.length, 4 + c.RetryableError!);
    assert.equal(new Set(jobs.map((j) => j.TrainingJobName)).size, jobs.length);
    const seqs = jobs.map((j) => Number(/-(\d{3})-[0-9a-f]{8}$/.exec(j.TrainingJobName!)![1]));
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs.map((_, i) => i + 1));
    const counted = jobs.filter((j) => !(j.TrainingJobStatus === 'Failed' && /^InternalServerError/.test(j.FailureReason ?? '')));
    assert.equal(new Set(counted.map((j) => j.TunedHyperParameters!.x)).size, 4);
  } finally {
    client.destroy();
    p.child.kill('SIGTERM');
    await p.exited();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
