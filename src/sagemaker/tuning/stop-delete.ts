/**
 * StopHyperParameterTuningJob (§6.2: InProgress → Stopping at once; the driver stops every
 * running training job and then ends the tuning job Stopped) and DeleteHyperParameterTuningJob
 * (a job that has ended; its training jobs stay, as on AWS).
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { deleteAllTags } from '../tags/tag-store.js';
import type { TuningDeps } from './deps.js';
import { invalid, tuningJobNotFound } from './messages.js';
import { findTuningJob, TERMINAL_TUNING, updateTuningJob } from './store.js';

/**
 * StopHyperParameterTuningJob.
 *
 * @example
 *   await stopTuningJob(deps, { HyperParameterTuningJobName: 'mytune' }, ctx); // Stopping, then Stopped
 */
export async function stopTuningJob(deps: TuningDeps, input: T.StopHyperParameterTuningJobRequest, ctx: RequestContext): Promise<Record<string, never>> {
  const name = input.HyperParameterTuningJobName;
  const row = await findTuningJob(deps.store.db, ctx, name.toLowerCase());
  if (!row) throw tuningJobNotFound(name);
  let status = row.status;
  const updated = await updateTuningJob(deps.store.db, row.id, {
    status: 'Stopping',
    when: (r) => {
      status = r.status;
      return r.status === 'InProgress';
    },
  }, deps.clock.now());
  if (!updated) throw invalid(`The hyperparameter tuning job ${row.name} is in status ${status} and cannot be stopped. Only a job that is InProgress can be stopped.`);
  deps.nudge(row.id);
  deps.engine.notify();
  return {};
}

/**
 * DeleteHyperParameterTuningJob.
 *
 * @example
 *   await deleteTuningJob(deps, { HyperParameterTuningJobName: 'mytune' }, ctx);
 */
export async function deleteTuningJob(deps: TuningDeps, input: T.DeleteHyperParameterTuningJobRequest, ctx: RequestContext): Promise<Record<string, never>> {
  const name = input.HyperParameterTuningJobName;
  const db = deps.store.db;
  const row = await findTuningJob(db, ctx, name.toLowerCase());
  if (!row) throw tuningJobNotFound(name);
  if (!TERMINAL_TUNING.has(row.status)) {
    throw invalid(`The hyperparameter tuning job ${row.name} is in status ${row.status}. Only a job that is Completed, Failed or Stopped can be deleted; stop it first.`);
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('tuning_trials').where('tuning_job_id', '=', row.id).execute();
    await trx.deleteFrom('tuning_jobs').where('id', '=', row.id).execute();
    await deleteAllTags(trx, ctx, row.arn);
  });
  return {};
}
