/**
 * StartPipelineExecution and the operations on executions (PIPELINES.md §8, §9).
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { conflict, resourceNotFound, validation } from '../../aws/service-error.js';
import { enqueueWork } from '../../engine/work-store.js';
import type { FeatureDeps } from '../../feature.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import { requestHash } from '../registry/request-hash.js';
import { userContext } from '../registry/user-context.js';

import { PIPELINE_WORK, type Wakers } from './executor.js';
import { executionNotFound, tokenReused } from './messages.js';
import { emitExecuting } from './observer.js';
import { findPipeline } from './pipeline-api.js';
import { prepareStart } from './start.js';
import type { ExecutionRow } from './tables.js';

/**
 * The caller's execution by ARN, or ResourceNotFound.
 *
 * @example const row = await findExecution(deps, input.PipelineExecutionArn, ctx);
 */
export async function findExecution(deps: FeatureDeps, arn: string, ctx: RequestContext): Promise<ExecutionRow> {
  const row = await deps.store.db.selectFrom('pipeline_executions').selectAll().where('arn', '=', arn)
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).executeTakeFirst();
  if (!row) throw executionNotFound(arn);
  return row;
}

const parse = <V>(text: string | null): V | undefined => (text ? (JSON.parse(text) as V) : undefined);

/**
 * The execution operation handlers.
 *
 * @example const handlers = executionHandlers(deps, new Wakers()); await handlers.StopPipelineExecution({ PipelineExecutionArn, ClientRequestToken }, ctx);
 */
export function executionHandlers(deps: FeatureDeps, wakers: Wakers) {
  const db = deps.store.db;
  const enqueue = async (row: Pick<ExecutionRow, 'id' | 'run'>, trx = db, now = deps.clock.now()) => {
    await enqueueWork(trx, { kind: PIPELINE_WORK, resourceKey: `${row.id}:${row.run}`, payload: { executionId: row.id } }, now);
  };
  return {
    async StartPipelineExecution(input: T.StartPipelineExecutionRequest, ctx: RequestContext): Promise<T.StartPipelineExecutionResponse> {
      const pipeline = await findPipeline(deps, input.PipelineName, ctx);
      const hash = requestHash({ ...input, PipelineName: pipeline.arn });
      if (input.ClientRequestToken) {
        const same = await db.selectFrom('pipeline_executions').select(['arn', 'request_hash']).where('pipeline_id', '=', pipeline.id)
          .where('client_token', '=', input.ClientRequestToken).executeTakeFirst();
        if (same) {
          if (same.request_hash !== hash) throw tokenReused();
          return { PipelineExecutionArn: same.arn };
        }
      }
      const start = await prepareStart(deps, pipeline, input, ctx);
      const now = deps.clock.now();
      await db.transaction().execute(async (trx) => {
        const values = {
          ...start.values, client_token: input.ClientRequestToken ?? null, request_hash: hash, creation_time: now, last_modified_time: now,
          created_by: JSON.stringify(userContext(ctx)),
        };
        const row = await trx.insertInto('pipeline_executions').values(values).returning('id').executeTakeFirstOrThrow();
        const id = Number(row.id);
        for (const reused of start.reusedSteps) await trx.insertInto('pipeline_execution_steps').values({ ...reused, execution_id: id }).execute();
        await trx.updateTable('pipelines').set({ last_run_time: now }).where('id', '=', pipeline.id).execute();
        await enqueue({ id, run: 1 }, trx, now);
        await emitExecuting(deps.store, trx, { ...values, id }, now);
      });
      deps.engine.notify();
      return { PipelineExecutionArn: start.values.arn };
    },

    async DescribePipelineExecution(input: T.DescribePipelineExecutionRequest, ctx: RequestContext): Promise<T.DescribePipelineExecutionResponse> {
      const e = await findExecution(deps, input.PipelineExecutionArn, ctx);
      const selective = parse<{ config: T.SelectiveExecutionConfig }>(e.selective);
      return {
        PipelineArn: e.pipeline_arn, PipelineExecutionArn: e.arn, PipelineExecutionDisplayName: e.display_name,
        PipelineExecutionStatus: e.status as T.PipelineExecutionStatus, PipelineExecutionDescription: e.description ?? undefined,
        PipelineExperimentConfig: parse(e.experiment), FailureReason: e.failure_reason ?? undefined,
        CreationTime: new Date(e.creation_time), LastModifiedTime: new Date(e.last_modified_time),
        CreatedBy: JSON.parse(e.created_by), LastModifiedBy: JSON.parse(e.created_by),
        ParallelismConfiguration: parse(e.parallelism), SelectiveExecutionConfig: selective?.config, PipelineVersionId: e.version_id,
        MLflowConfig: parse(e.mlflow),
      };
    },

    async ListPipelineExecutions(input: T.ListPipelineExecutionsRequest, ctx: RequestContext): Promise<T.ListPipelineExecutionsResponse> {
      const pipeline = await findPipeline(deps, input.PipelineName, ctx);
      const sortBy = input.SortBy ?? 'CreationTime';
      const order = input.SortOrder ?? 'Descending';
      const column = sortBy === 'PipelineExecutionArn' ? 'arn' : 'creation_time';
      const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
      const after = input.CreatedAfter?.getTime();
      const before = input.CreatedBefore?.getTime();
      const paging = startPaging(sortBy, order, { p: pipeline.id, after, before }, input.NextToken);
      let q = db.selectFrom('pipeline_executions').selectAll().where('pipeline_id', '=', pipeline.id);
      if (after !== undefined) q = q.where('creation_time', '>', after);
      if (before !== undefined) q = q.where('creation_time', '<', before);
      const cursor = paging.after;
      if (cursor) q = q.where((eb) => keysetAfter(eb, column, order, cursor.value, cursor.id));
      const dir = sqlDirection(order);
      const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();
      const { page, more } = takePage(rows, limit);
      const last = page[page.length - 1];
      return {
        PipelineExecutionSummaries: page.map((e) => ({
          PipelineExecutionArn: e.arn, StartTime: new Date(e.creation_time), PipelineExecutionStatus: e.status as T.PipelineExecutionStatus,
          PipelineExecutionDescription: e.description ?? undefined, PipelineExecutionDisplayName: e.display_name,
          PipelineExecutionFailureReason: e.failure_reason ?? undefined,
        })),
        NextToken: more && last ? paging.nextToken(column === 'arn' ? last.arn : last.creation_time, last.id) : undefined,
      };
    },

    async ListPipelineExecutionSteps(input: T.ListPipelineExecutionStepsRequest, ctx: RequestContext): Promise<T.ListPipelineExecutionStepsResponse> {
      if (!input.PipelineExecutionArn) throw validation('PipelineExecutionArn is required.');
      const e = await findExecution(deps, input.PipelineExecutionArn, ctx);
      const order = input.SortOrder ?? 'Descending';
      const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
      const paging = startPaging('StartTime', order, { e: e.id }, input.NextToken);
      let q = db.selectFrom('pipeline_execution_steps').selectAll().where('execution_id', '=', e.id);
      const cursor = paging.after;
      if (cursor) q = q.where((eb) => keysetAfter(eb, 'start_time', order, cursor.value, cursor.id));
      const dir = sqlDirection(order);
      const rows = await q.orderBy('start_time', dir).orderBy('id', dir).limit(limit + 1).execute();
      const { page, more } = takePage(rows, limit);
      const last = page[page.length - 1];
      return {
        PipelineExecutionSteps: page.map((s) => ({
          StepName: s.step_name, StepDisplayName: s.display_name ?? undefined, StepDescription: s.description ?? undefined,
          StartTime: new Date(s.start_time), EndTime: s.end_time === null ? undefined : new Date(s.end_time), StepStatus: s.status as T.StepStatus,
          CacheHitResult: s.cache_hit_source ? { SourcePipelineExecutionArn: s.cache_hit_source } : undefined,
          FailureReason: s.failure_reason ?? undefined, Metadata: JSON.parse(s.metadata), AttemptCount: s.attempt_count,
          SelectiveExecutionResult: s.selective_source ? { SourcePipelineExecutionArn: s.selective_source } : undefined,
        })),
        NextToken: more && last ? paging.nextToken(last.start_time, last.id) : undefined,
      };
    },

    async StopPipelineExecution(input: T.StopPipelineExecutionRequest, ctx: RequestContext): Promise<T.StopPipelineExecutionResponse> {
      const e = await findExecution(deps, input.PipelineExecutionArn, ctx);
      if (e.status === 'Stopping') return { PipelineExecutionArn: e.arn };
      if (e.status !== 'Executing') throw conflict(`Pipeline execution ${e.arn} is ${e.status}; only an Executing execution can be stopped.`);
      await db.updateTable('pipeline_executions').set({ status: 'Stopping', last_modified_time: deps.clock.now() })
        .where('id', '=', e.id).where('status', '=', 'Executing').execute();
      wakers.wake(e.id);
      return { PipelineExecutionArn: e.arn };
    },

    async RetryPipelineExecution(input: T.RetryPipelineExecutionRequest, ctx: RequestContext): Promise<T.RetryPipelineExecutionResponse> {
      const e = await findExecution(deps, input.PipelineExecutionArn, ctx);
      if (e.status !== 'Failed' && e.status !== 'Stopped') throw conflict(`Pipeline execution ${e.arn} is ${e.status}; only a Failed or Stopped execution can be retried.`);
      if (e.failed_by_fail_step) throw conflict(`Pipeline execution ${e.arn} failed because of a Fail step; it cannot be retried.`);
      const now = deps.clock.now();
      const run = e.run + 1;
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('pipeline_execution_steps').set({
          status: 'Starting', start_time: now, end_time: null, failure_reason: null, metadata: '{}', resource_name: null, attempt_started: null,
          callback_token: null, callback_result: null, last_modified_time: now,
        }).where('execution_id', '=', e.id).where('status', 'in', ['Failed', 'Stopped']).execute();
        const changes = {
          status: 'Executing', failure_reason: null, run, last_modified_time: now,
          ...(input.ParallelismConfiguration ? { parallelism: JSON.stringify(input.ParallelismConfiguration) } : {}),
        };
        await trx.updateTable('pipeline_executions').set(changes).where('id', '=', e.id).execute();
        await enqueue({ id: e.id, run }, trx);
        await emitExecuting(deps.store, trx, { ...e, ...changes }, now);
      });
      deps.engine.notify();
      return { PipelineExecutionArn: e.arn };
    },

    async DescribePipelineDefinitionForExecution(input: T.DescribePipelineDefinitionForExecutionRequest, ctx: RequestContext): Promise<T.DescribePipelineDefinitionForExecutionResponse> {
      const e = await findExecution(deps, input.PipelineExecutionArn, ctx);
      return { PipelineDefinition: e.definition, CreationTime: new Date(e.creation_time) };
    },

    async ListPipelineParametersForExecution(input: T.ListPipelineParametersForExecutionRequest, ctx: RequestContext): Promise<T.ListPipelineParametersForExecutionResponse> {
      const e = await findExecution(deps, input.PipelineExecutionArn, ctx);
      const all = JSON.parse(e.parameters) as T.Parameter[];
      const limit = input.MaxResults ?? 50;
      const paging = startPaging('Index', 'Ascending', { e: e.id }, input.NextToken);
      const from = paging.after ? Number(paging.after.value) : 0;
      const page = all.slice(from, from + limit);
      return { PipelineParameters: page, NextToken: from + limit < all.length ? paging.nextToken(from + limit, 0) : undefined };
    },

    SendPipelineExecutionStepSuccess: (input: T.SendPipelineExecutionStepSuccessRequest, ctx: RequestContext) =>
      answerCallback(input.CallbackToken, { status: 'Succeeded', outputs: input.OutputParameters ?? [] }, ctx),

    SendPipelineExecutionStepFailure: (input: T.SendPipelineExecutionStepFailureRequest, ctx: RequestContext) =>
      answerCallback(input.CallbackToken, { status: 'Failed', reason: input.FailureReason ?? '' }, ctx),
  };

  async function answerCallback(token: string, result: object, ctx: RequestContext): Promise<{ PipelineExecutionArn: string }> {
    const step = await db.selectFrom('pipeline_execution_steps').innerJoin('pipeline_executions', 'pipeline_executions.id', 'pipeline_execution_steps.execution_id')
      .select(['pipeline_execution_steps.id as id', 'pipeline_execution_steps.status as status', 'pipeline_execution_steps.callback_result as result',
        'pipeline_executions.arn as arn', 'pipeline_executions.id as execution_id'])
      .where('pipeline_execution_steps.callback_token', '=', token).where('pipeline_executions.account_id', '=', ctx.accountId)
      .where('pipeline_executions.region', '=', ctx.region).executeTakeFirst();
    if (!step) throw resourceNotFound(`Callback token ${token} does not exist.`);
    if (step.result !== null || !['Starting', 'Executing', 'Stopping'].includes(step.status)) {
      throw conflict(`The step of callback token ${token} is no longer waiting for a callback.`);
    }
    await db.updateTable('pipeline_execution_steps').set({ callback_result: JSON.stringify(result), last_modified_time: deps.clock.now() }).where('id', '=', step.id).execute();
    wakers.wake(step.execution_id);
    return { PipelineExecutionArn: step.arn };
  }
}


