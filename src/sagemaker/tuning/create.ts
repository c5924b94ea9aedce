/**
 * CreateHyperParameterTuningJob: checks (validate.ts, warm-start.ts), then the job row, its
 * tags and its `tuning-job` work item in one transaction, so an acknowledged job always runs.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { enqueueWork } from '../../engine/work-store.js';
import { isUniqueViolation } from '../../store/errors.js';
import { putTags } from '../tags/tag-store.js';
import { tuningJobArn } from './arns.js';
import type { TuningDeps } from './deps.js';
import { tuningJobExists } from './messages.js';
import { findTuningJob, type TuningState } from './store.js';
import { checkCreateTuningRequest } from './validate.js';
import { checkWarmStart } from './warm-start.js';
import { checkTrialMlflow } from './mlflow-tags.js';

export const TUNING_WORK = 'tuning-job';

/** The request as Describe echoes it: documented defaults filled in, Tags kept apart. */
function withDefaults(input: T.CreateHyperParameterTuningJobRequest): T.CreateHyperParameterTuningJobRequest {
  const { Tags: _tags, ...req } = structuredClone(input);
  const c = req.HyperParameterTuningJobConfig;
  c.TrainingJobEarlyStoppingType ??= 'Off';
  return req;
}

/**
 * CreateHyperParameterTuningJob.
 *
 * @example
 *   const { HyperParameterTuningJobArn } = await createTuningJob(deps, request, ctx);
 */
export async function createTuningJob(deps: TuningDeps, input: T.CreateHyperParameterTuningJobRequest, ctx: RequestContext): Promise<T.CreateHyperParameterTuningJobResponse> {
  const defs = checkCreateTuningRequest(input);
  const name = input.HyperParameterTuningJobName;
  const db = deps.store.db;
  if (await findTuningJob(db, ctx, name.toLowerCase())) throw tuningJobExists(name);
  const state: TuningState = {};
  if (input.WarmStartConfig) state.warmStart = await checkWarmStart(db, ctx, input, defs[0]!);
  await checkTrialMlflow(deps, input, ctx);
  const arn = tuningJobArn(ctx, name);
  const now = deps.clock.now();
  const req = withDefaults(input);
  let id = 0;
  try {
    await db.transaction().execute(async (trx) => {
      if (await findTuningJob(trx, ctx, name.toLowerCase())) throw tuningJobExists(name);
      const row = await trx.insertInto('tuning_jobs').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn,
        status: 'InProgress', strategy: req.HyperParameterTuningJobConfig.Strategy,
        creation_time: now, last_modified_time: now, end_time: null, failure_reason: null,
        request: JSON.stringify(req), state: JSON.stringify(state),
      }).returning('id').executeTakeFirstOrThrow();
      id = Number(row.id);
      await putTags(trx, ctx, arn, input.Tags ?? []);
      await enqueueWork(trx, { kind: TUNING_WORK, resourceKey: String(id), payload: { tuningJobId: id } }, now);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw tuningJobExists(name);
    throw error;
  }
  deps.engine.notify();
  return { HyperParameterTuningJobArn: arn };
}
