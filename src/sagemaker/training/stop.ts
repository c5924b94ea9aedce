/**
 * StopTrainingJob (§2.7): only an InProgress job; it turns Stopping at once and Stopped once
 * its process is gone and its outputs are uploaded (the executor does that). A job still
 * waiting for a slot is Stopped right away: there is no process to stop.
 */
import type { RequestContext } from '../../aws/context.js';
import { finishQueued } from '../../engine/work-store.js';
import type { TrainingDeps } from './deps.js';
import { TRAINING_WORK } from './executor.js';
import { findJob, updateJob } from './job-store.js';
import { cannotStop, jobNotFound } from './messages.js';
import type { StopTrainingJobRequest } from './shapes.js';

export async function stopTrainingJob(deps: TrainingDeps, input: StopTrainingJobRequest, ctx: RequestContext): Promise<Record<string, never>> {
  const db = deps.store.db;
  const row = await findJob(db, ctx, input.TrainingJobName.toLowerCase());
  if (!row) throw jobNotFound();
  if (row.status !== 'InProgress') throw cannotStop(row.status);
  let status = row.status;
  const updated = await updateJob(db, row.id, {
    secondary: 'Stopping', status: 'Stopping', message: 'Stopping the training job',
    when: (r) => {
      status = r.status;
      return r.status === 'InProgress';
    },
  }, deps.clock.now());
  if (!updated) throw cannotStop(status);
  const work = await deps.engine.cancel(TRAINING_WORK, String(row.id));
  if (work?.state === 'queued' && (await finishQueued(db, work.id, deps.clock.now()))) {
    const now = deps.clock.now();
    await updateJob(db, row.id, { secondary: 'Stopped', message: 'Training job stopped before it started', trainingEndTime: now }, now);
  }
  return {};
}
