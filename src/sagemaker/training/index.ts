import type { RequestContext } from '../../aws/context.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { jobKeyFromArn } from './arns.js';
import { createTrainingJob } from './create.js';
import type { TrainingDeps } from './deps.js';
import { describeTrainingJob } from './describe.js';
import { findJob } from './job-store.js';
import { listTrainingJobs } from './list.js';
import type * as S from './shapes.js';
import { stopTrainingJob } from './stop.js';

export { TRAINING_WORK, trainingWorkHandler, type ExecutorDeps } from './executor.js';
export { LocalTrainingRunner, type TrainingRunner } from './runner.js';
export { noAlgorithms, type AlgorithmHook } from './validate-create.js';
export type { DatasetResolver } from './inputs.js';
export type { TrainingDeps } from './deps.js';
export { TRAINING_LOG_GROUP } from './log-writer.js';

/**
 * The training-job operations, keyed by operation name. Creating them registers `training-job`
 * ARNs with the tag operations (AddTags / ListTags / DeleteTags).
 *
 * @example
 *   const training = createTrainingHandlers({ store, engine, clock: systemClock, maxConcurrentJobs: 2,
 *     applyAlgorithm: noAlgorithms, resolveDataset });
 *   const { TrainingJobArn } = await training.CreateTrainingJob({ TrainingJobName: 'j', ... }, ctx);
 */
export function createTrainingHandlers(deps: TrainingDeps) {
  registerTaggableResource('training-job', async (arn, ctx, store) => {
    const key = jobKeyFromArn(arn, ctx);
    return key !== undefined && (await findJob(store.db, ctx, key)) !== undefined;
  });
  return {
    CreateTrainingJob: (input: S.CreateTrainingJobRequest, ctx: RequestContext) => createTrainingJob(deps, input, ctx),
    DescribeTrainingJob: (input: S.DescribeTrainingJobRequest, ctx: RequestContext) => describeTrainingJob(deps, input, ctx),
    ListTrainingJobs: (input: S.ListTrainingJobsRequest, ctx: RequestContext) => listTrainingJobs(deps, input, ctx),
    StopTrainingJob: (input: S.StopTrainingJobRequest, ctx: RequestContext) => stopTrainingJob(deps, input, ctx),
  } satisfies Record<string, (input: any, ctx: RequestContext) => Promise<unknown>>;
}
