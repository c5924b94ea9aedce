/**
 * StopProcessingJob: only an InProgress job; it turns Stopping at once and Stopped once its
 * process is gone (the executor does that). A job still waiting for a slot is Stopped at once.
 */
import type { RequestContext } from '../../aws/context.js';
import type { StopProcessingJobRequest } from '../../aws/generated/sagemaker/types.js';
import { finishQueued } from '../../engine/work-store.js';
import type { ProcessingDeps } from './deps.js';
import { PROCESSING_WORK } from './executor.js';
import { findJob, updateJob } from './job-store.js';
import { cannotStop, jobNotFound } from './messages.js';

/** @example await stopProcessingJob(deps, { ProcessingJobName: 'prep' }, ctx); // Stopping, then Stopped */
export async function stopProcessingJob(deps: ProcessingDeps, input: StopProcessingJobRequest, ctx: RequestContext): Promise<Record<string, never>> {
  const db = deps.store.db;
  const row = await findJob(db, ctx, input.ProcessingJobName.toLowerCase());
  if (!row) throw jobNotFound(input.ProcessingJobName);
  if (row.status !== 'InProgress') throw cannotStop(row.status);
  let status = row.status;
  const updated = await updateJob(db, row.id, {
    status: 'Stopping',
    when: (r) => {
      status = r.status;
      return r.status === 'InProgress';
    },
  }, deps.clock.now());
  if (!updated) throw cannotStop(status);
  const work = await deps.engine.cancel(PROCESSING_WORK, String(row.id));
  if (work?.state === 'queued' && (await finishQueued(db, work.id, deps.clock.now()))) {
    const now = deps.clock.now();
    await updateJob(db, row.id, { status: 'Stopped', endTime: now }, now);
  }
  return {};
}
