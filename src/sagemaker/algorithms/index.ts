import type { RequestContext } from '../../aws/context.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { algorithmNameKey } from './arns.js';
import { createAlgorithm } from './create.js';
import type { AlgorithmDeps } from './deps.js';
import { deleteAlgorithm, describeAlgorithm, listAlgorithms } from './operations.js';
import { findAlgorithm } from './rows.js';
import type * as S from './shapes.js';
import { registerAlgorithmValidation } from './validation.js';

export type { AlgorithmDeps } from './deps.js';
export {
  applyAlgorithm, createAlgorithmResolver, describedAlgorithmSpecification, withAlgorithm, type AlgorithmLookup, type ResolvedAlgorithm,
} from './resolve.js';
export { enforceTrainingSpecification, checkTrainingSpecification } from './enforce.js';
export {
  ALGORITHM_VALIDATION_WORK, VALIDATION_TAG, trainingApiFromHandlers, validationJobName,
  type TrainingHandlersForValidation, type ValidationTrainingApi,
} from './validation.js';

/**
 * The algorithm operations, keyed by operation name. Creating them registers `algorithm` ARNs
 * with the tag operations and the `algorithm-validation` work kind with the engine (so call
 * it before `engine.start()`).
 *
 * @example
 *   const training = setUpTraining({ store, dataDir, jobs, logger, resolveAlgorithm: createAlgorithmResolver(store) });
 *   const algorithms = createAlgorithmHandlers({ store, engine: training.engine, clock: systemClock,
 *     training: trainingApiFromHandlers(training.handlers) });
 *   await algorithms.CreateAlgorithm({ AlgorithmName: 'a', TrainingSpecification: { ... } }, ctx);
 */
export function createAlgorithmHandlers(deps: AlgorithmDeps) {
  registerTaggableResource('algorithm', async (arn, ctx, store) => {
    const key = algorithmNameKey(arn, ctx);
    return key !== undefined && (await findAlgorithm(store.db, ctx, key)) !== undefined;
  });
  registerAlgorithmValidation(deps.engine, {
    store: deps.store, training: deps.training, clock: deps.clock,
    ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.suffix ? { suffix: deps.suffix } : {}),
  }, deps.validationSlots ?? 4);
  return {
    CreateAlgorithm: (input: S.CreateAlgorithmInput, ctx: RequestContext) => createAlgorithm(deps, input, ctx),
    DescribeAlgorithm: (input: S.DescribeAlgorithmInput, ctx: RequestContext) => describeAlgorithm(deps.store, input, ctx),
    ListAlgorithms: (input: S.ListAlgorithmsInput, ctx: RequestContext) => listAlgorithms(deps.store, input, ctx),
    DeleteAlgorithm: (input: S.DeleteAlgorithmInput, ctx: RequestContext) => deleteAlgorithm(deps.store, input, ctx),
  } satisfies Record<string, (input: any, ctx: RequestContext) => Promise<unknown>>;
}

export type AlgorithmHandlers = ReturnType<typeof createAlgorithmHandlers>;
