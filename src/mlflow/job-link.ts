/**
 * Training jobs with MlflowConfig: the TrainingObserver that checks the resource ARN at
 * CreateTrainingJob, records where the job logs (`mlflow_job_links`) with its `mlflow-job` work
 * item in the create transaction, nudges that work when the job starts training or ends, and
 * adds MlflowDetails to DescribeTrainingJob once the run exists.
 *
 * Defaults ([I], SAGEMAKER-SEMANTICS O8): the experiment is MlflowExperimentName or else the
 * training job's name; the run is MlflowRunName or else the job's name.
 *
 * A pipeline step's job (its create call carries the step, see pipelines/call-origin.ts) that
 * logs where its execution logs is linked to the execution, so its run is nested under the
 * execution's parent run (pipeline-runs.ts).
 */
import { sql } from 'kysely';
import { validation } from '../aws/service-error.js';
import { enqueueWork } from '../engine/work-store.js';
import { pipelineStepOrigin } from '../sagemaker/pipelines/call-origin.js';
import type { TrainingObserver } from '../sagemaker/training/observer.js';
import type { MlflowDeps } from './deps.js';
import { findByArn } from './resources.js';
import { nudgeWork } from './sync-support.js';
import { createRunAtTrainingStart, MLFLOW_JOB_WORK } from './job-sync.js';
import './tables.js';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../aws/context.js';
import type { Database } from '../store/schema.js';

/**
 * The execution whose parent run a job's run nests under: the call came from one of its steps,
 * and the job logs to the execution's resource and experiment (a step that sets its own
 * MlflowConfig elsewhere logs a plain run).
 */
async function parentExecution(trx: Kysely<Database>, ctx: RequestContext, resourceArn: string, experimentName: string): Promise<number | null> {
  const origin = pipelineStepOrigin(ctx);
  if (!origin) return null;
  const parent = await trx.selectFrom('mlflow_pipeline_runs').select(['resource_arn', 'experiment_name'])
    .where('execution_id', '=', origin.executionId).executeTakeFirst();
  return parent && parent.resource_arn === resourceArn && parent.experiment_name === experimentName ? origin.executionId : null;
}

/**
 * @example addTrainingObserver(store, mlflowTrainingObserver(deps));
 */
export function mlflowTrainingObserver(deps: MlflowDeps): TrainingObserver {
  // Makes the job's queued `mlflow-job` item due now and wakes the engine (the job started or ended).
  const poke = (jobId: number): void => void nudgeWork(deps, MLFLOW_JOB_WORK, String(jobId)).catch((error: unknown) => deps.logger.warn({ err: error, jobId }, 'mlflow: could not nudge the job sync'));
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
      const experimentName = config.MlflowExperimentName ?? job.name;
      await trx.insertInto('mlflow_job_links').values({
        job_id: job.id, account_id: ctx.accountId, region: ctx.region, job_name: job.name, resource_arn: config.MlflowResourceArn,
        experiment_name: experimentName, run_name: config.MlflowRunName ?? job.name,
        experiment_id: null, run_id: null, state: job.runs ? 'waiting' : 'done', failing_since: null, last_error: null, points_logged: 0,
        parent_execution_id: await parentExecution(trx, ctx, config.MlflowResourceArn, experimentName),
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
