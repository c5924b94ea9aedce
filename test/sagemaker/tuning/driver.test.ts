/**
 * The tuning driver against a fake training API (jobs end at once with a known objective):
 * retryable failures are launched again with the same values and do not use up the budget,
 * and a finished job reports what happened.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { RequestContext } from '../../../src/aws/context.js';
import { ServiceError } from '../../../src/aws/service-error.js';
import { systemClock } from '../../../src/engine/clock.js';
import { Engine, type WorkContext, type WorkItem } from '../../../src/engine/engine.js';
import { createTuningJob } from '../../../src/sagemaker/tuning/create.js';
import type { TuningDeps } from '../../../src/sagemaker/tuning/deps.js';
import { describeTuningJob } from '../../../src/sagemaker/tuning/describe.js';
import { Nudger, tuningWorkHandler } from '../../../src/sagemaker/tuning/driver.js';
import { loadTrials } from '../../../src/sagemaker/tuning/store.js';
import { trainingJobArn } from '../../../src/sagemaker/training/arns.js';
import { openStore } from '../../../src/store/database.js';
import { tuningRequest } from '../../e2e/fixtures/tuning/requests.js';

const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'r' };

test('a retryable failure is launched again with the same values, outside the budget', async () => {
  const store = await openStore({ sqlitePath: ':memory:' });
  const calls: string[] = [];
  const invoke = async (op: string, input: any, c: RequestContext): Promise<any> => {
    calls.push(op);
    if (op !== 'CreateTrainingJob') throw new ServiceError('ValidationException', 'not here', 400);
    if (calls.filter((o) => o === 'CreateTrainingJob').length === 1) throw new Error('the disk is full');
    const now = Date.now();
    const row = await store.db.insertInto('training_jobs').values({
      account_id: c.accountId, region: c.region, name: input.TrainingJobName, name_key: input.TrainingJobName.toLowerCase(),
      arn: trainingJobArn(c, input.TrainingJobName), status: 'Completed', secondary_status: 'Completed', creation_time: now,
      last_modified_time: now, training_start_time: now, training_end_time: now, failure_reason: null,
      request: JSON.stringify(input), state: JSON.stringify({ transitions: [], finalMetrics: [], attempt: 1, maxAttempts: 1, logStreams: [] }),
    }).returning('id').executeTakeFirstOrThrow();
    const x = Number(input.HyperParameters.x);
    await store.db.insertInto('training_metrics').values({ job_id: Number(row.id), name: 'validation:loss', step: 0, value: (x - 0.3) ** 2 + 1, timestamp: now, attempt: 1 }).execute();
    return { TrainingJobArn: trainingJobArn(c, input.TrainingJobName) };
  };
  const deps: TuningDeps = { store, engine: new Engine(store, { pollMs: 0 }), clock: systemClock, logger: pino({ level: 'silent' }), invoke: invoke as TuningDeps['invoke'], nudge: () => {} };
  try {
    await createTuningJob(deps, tuningRequest('retry', { RandomSeed: 3, ResourceLimits: { MaxNumberOfTrainingJobs: 3, MaxParallelTrainingJobs: 1 } }) as any, ctx);
    const job = await store.db.selectFrom('tuning_jobs').select('id').executeTakeFirstOrThrow();
    const handler = tuningWorkHandler(deps, new Nudger(), 5);
    const controller = new AbortController();
    const item: WorkItem<{ tuningJobId: number }> = { id: 1, kind: 'tuning-job', resourceKey: String(job.id), attempts: 1, payload: { tuningJobId: Number(job.id) }, handle: undefined, cancelRequested: false, recovered: false };
    const wctx: WorkContext = { signal: controller.signal, abortReason: () => undefined, setHandle: async () => {} };
    assert.deepEqual(await handler.run(item, wctx), { kind: 'done' });
    const trials = await loadTrials(store.db, Number(job.id));
    assert.deepEqual(trials.map((t) => [t.seq, t.state, t.retryable]), [[1, 'failed', 1], [2, 'completed', 0], [3, 'completed', 0], [4, 'completed', 0]]);
    assert.equal(trials[1]!.tuned, trials[0]!.tuned);
    assert.match(trials[0]!.failure_reason!, /^InternalServerError: the disk is full/);
    const d = await describeTuningJob(deps, { HyperParameterTuningJobName: 'retry' }, ctx);
    assert.equal(d.HyperParameterTuningJobStatus, 'Completed');
    assert.deepEqual(d.TrainingJobStatusCounters, { Completed: 3, InProgress: 0, RetryableError: 1, NonRetryableError: 0, Stopped: 0 });
    const x = Number(d.BestTrainingJob!.TunedHyperParameters.x);
    assert.equal(d.BestTrainingJob!.FinalHyperParameterTuningJobObjectiveMetric!.Value, (x - 0.3) ** 2 + 1);
  } finally {
    await store.close();
  }
});
