/**
 * The feature for hyperparameter tuning jobs (issue 6): the operations, the durable `tuning-job`
 * driver on the engine, tags for `hyper-parameter-tuning-job` ARNs, and the training-job hooks
 * that tie children to their tuning job (TuningJobArn in DescribeTrainingJob; a child's end
 * wakes its driver).
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { FeatureDeps, SageboxFeature } from '../../feature.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { addTrainingObserver } from '../training/observer.js';
import { tuningKeyFromArn } from './arns.js';
import { createTuningJob, TUNING_WORK } from './create.js';
import type { TuningDeps } from './deps.js';
import { describeTuningJob } from './describe.js';
import { Nudger, tuningWorkHandler } from './driver.js';
import { listTuningJobs, listTuningTrainingJobs } from './list.js';
import { findTuningJob } from './store.js';
import { deleteTuningJob, stopTuningJob } from './stop-delete.js';
import './tables.js';

/** Tuning jobs driven at once (each is a light polling loop; its trials use the training slots). */
const DRIVER_SLOTS = 8;

/**
 * @example
 *   const feature = tuningFeature(deps); // in app.ts, before engine.start()
 */
export function tuningFeature(featureDeps: FeatureDeps): SageboxFeature {
  const nudger = new Nudger();
  const deps: TuningDeps = {
    store: featureDeps.store, engine: featureDeps.engine, clock: featureDeps.clock, logger: featureDeps.logger, invoke: featureDeps.invoke,
    nudge: () => nudger.nudge(),
  };
  featureDeps.engine.register(TUNING_WORK, tuningWorkHandler(deps, nudger), DRIVER_SLOTS);
  registerTaggableResource('hyper-parameter-tuning-job', async (arn, ctx, store) => {
    const key = tuningKeyFromArn(arn, ctx);
    return key !== undefined && (await findTuningJob(store.db, ctx, key)) !== undefined;
  });
  const db = featureDeps.store.db;
  addTrainingObserver(featureDeps.store, {
    // The trial row is written before its CreateTrainingJob, so the link commits with the job.
    async created(trx, job, input) {
      if (!input.HyperParameters || !('_tuning_objective_metric' in input.HyperParameters)) return;
      await trx.updateTable('tuning_trials').set({ training_job_id: job.id })
        .where('training_job_name', '=', job.name).where('training_job_id', 'is', null).execute();
    },
    ended: () => nudger.nudge(),
    async describe(row) {
      const parent = await db.selectFrom('tuning_trials').innerJoin('tuning_jobs', 'tuning_jobs.id', 'tuning_trials.tuning_job_id')
        .select('tuning_jobs.arn').where('tuning_trials.training_job_id', '=', row.id).executeTakeFirst();
      return parent ? { TuningJobArn: parent.arn } : {};
    },
  });
  return {
    handlers: {
      CreateHyperParameterTuningJob: (input: T.CreateHyperParameterTuningJobRequest, ctx: RequestContext) => createTuningJob(deps, input, ctx),
      DescribeHyperParameterTuningJob: (input: T.DescribeHyperParameterTuningJobRequest, ctx: RequestContext) => describeTuningJob(deps, input, ctx),
      ListHyperParameterTuningJobs: (input: T.ListHyperParameterTuningJobsRequest, ctx: RequestContext) => listTuningJobs(deps, input, ctx),
      ListTrainingJobsForHyperParameterTuningJob: (input: T.ListTrainingJobsForHyperParameterTuningJobRequest, ctx: RequestContext) => listTuningTrainingJobs(deps, input, ctx),
      StopHyperParameterTuningJob: (input: T.StopHyperParameterTuningJobRequest, ctx: RequestContext) => stopTuningJob(deps, input, ctx),
      DeleteHyperParameterTuningJob: (input: T.DeleteHyperParameterTuningJobRequest, ctx: RequestContext) => deleteTuningJob(deps, input, ctx),
    },
  };
}
