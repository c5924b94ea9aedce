/**
 * Which pipeline step a create call is made for. Steps call operations through `invoke` like any
 * client, so the request itself cannot say it comes from a pipeline without a field the API does
 * not have. Instead the step passes a request context of its own, and other features (the MLflow
 * training observer, which nests a step's run under its execution's run) ask this module about
 * it. The context object travels unchanged through `invoke` to the handler and its observers.
 * A WeakMap keeps it in process and lets the context be collected with the call.
 */
import type { RequestContext } from '../../aws/context.js';

/**
 * The pipeline step behind a call.
 *
 * @example { executionId: 42, executionArn: 'arn:aws:sagemaker:us-east-1:111122223333:pipeline/p/execution/abc', stepName: 'Train' }
 */
export interface PipelineStepOrigin {
  /** The execution's row id (pipeline_executions.id). */
  executionId: number;
  executionArn: string;
  stepName: string;
}

const origins = new WeakMap<RequestContext, PipelineStepOrigin>();

/**
 * A copy of `ctx` that carries the step it is used for.
 *
 * @example await deps.invoke('CreateTrainingJob', request, stepCallContext(rt.ctx, { executionId, executionArn, stepName: 'Train' }));
 */
export function stepCallContext(ctx: RequestContext, origin: PipelineStepOrigin): RequestContext {
  const copy = { ...ctx };
  origins.set(copy, origin);
  return copy;
}

/**
 * The step a call was made for, or undefined for a call from anywhere else.
 *
 * @example const origin = pipelineStepOrigin(ctx); if (origin) nestUnder(origin.executionId);
 */
export function pipelineStepOrigin(ctx: RequestContext): PipelineStepOrigin | undefined {
  return origins.get(ctx);
}
