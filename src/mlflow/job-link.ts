/**
 * Training jobs with MlflowConfig: the TrainingObserver that checks the resource ARN at
 * CreateTrainingJob, records where the job logs (`mlflow_job_links`) with its `mlflow-job` work
 * item in the create transaction, nudges that work when the job starts training or ends, and
 * adds MlflowDetails to DescribeTrainingJob once the run exists.
 *
 * Defaults ([I], SAGEMAKER-SEMANTICS O8): the experiment is MlflowExperimentName or else the
 * training job's name; the run is MlflowRunName or else the job's name.
 */
import { sql } from 'kysely';
import { validation } from '../aws/service-error.js';
import { enqueueWork } from '../engine/work-store.js';
import type { TrainingObserver } from '../sagemaker/training/observer.js';
import type { MlflowDeps } from './deps.js';
import { findByArn } from './resources.js';
import { createRunAtTrainingStart, MLFLOW_JOB_WORK } from './job-sync.js';
import './tables.js';


/** Makes a queued `mlflow-job` item due now and wakes the engine (a job started or ended). */
export async function nudge(deps: MlflowDeps, jobId: number): Promise<void> {
  await deps.store.db.updateTable('work_items').set({ run_after: deps.clock.now() })
    .where('kind', '=', MLFLOW_JOB_WORK).where('resource_key', '=', String(jobId)).where('state', '=', 'queued').execute();
  deps.engine.notify();
}

/**
 * @example addTrainingObserver(store, mlflowTrainingObserver(deps));
 */
export function mlflowTrainingObserver(deps: MlflowDeps): TrainingObserver {
  const poke = (jobId: number): void => void nudge(deps, jobId).catch((error: unknown) => deps.logger.warn({ err: error, jobId }, 'mlflow: could not nudge the job sync'));
  return {
    async checkCreate(input, ctx) {
      const arn = input.MlflowConfig?.MlflowResourceArn;
      if (arn === undefined) return;
      const row = await findByArn(deps.store.db, ctx, arn, deps.clock.now());
      if (!row || row.status === 'Deleting') {
        throw validation(`MlflowResourceArn ${arn} does not exist: create it with CreateMlflowTrackingServer or CreateMlflowApp first.`);
      }
    },
    async created(trx, job, input, ctx, now) {
      const config = input.MlflowConfig;
      if (!config) return;
      await trx.insertInto('mlflow_job_links').values({
        job_id: job.id, account_id: ctx.accountId, region: ctx.region, job_name: job.name, resource_arn: config.MlflowResourceArn,
        experiment_name: config.MlflowExperimentName ?? job.name, run_name: config.MlflowRunName ?? job.name,
        experiment_id: null, run_id: null, state: job.runs ? 'waiting' : 'done', failing_since: null, last_error: null, points_logged: 0,
      }).execute();
      if (job.runs) await enqueueWork(trx, { kind: MLFLOW_JOB_WORK, resourceKey: String(job.id), payload: { jobId: job.id } }, now);
    },
    async trainingStarted(jobId) {
      await createRunAtTrainingStart(deps, jobId);
      poke(jobId);
    },
    ended: poke,
    async describe(row) {
      const link = await deps.store.db.selectFrom('mlflow_job_links').select(['experiment_id', 'run_id']).where('job_id', '=', row.id)
        .where(sql<boolean>`run_id is not null`).executeTakeFirst();
      return link?.run_id ? { MlflowDetails: { MlflowExperimentId: link.experiment_id!, MlflowRunId: link.run_id } } : {};
    },
  };
}
