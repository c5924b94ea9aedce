/**
 * CreatePipeline, DescribePipeline, UpdatePipeline, DeletePipeline, ListPipelines
 * (PIPELINES.md §7.3, §9.5): pipelines with versioned definitions.
 */
import type { RequestContext } from '../../aws/context.js';
import type {
  CreatePipelineRequest, CreatePipelineResponse, DeletePipelineRequest, DeletePipelineResponse, DescribePipelineRequest,
  DescribePipelineResponse, ListPipelinesRequest, ListPipelinesResponse, PipelineDefinitionS3Location, UpdatePipelineRequest,
  UpdatePipelineResponse,
} from '../../aws/generated/sagemaker/types.js';
import { conflict, validation } from '../../aws/service-error.js';
import type { FeatureDeps } from '../../feature.js';
import { keysetAfter, sqlDirection } from '../../store/keyset.js';
import { isUniqueViolation } from '../../store/errors.js';
import { startPaging, takePage, DEFAULT_MAX_RESULTS } from '../registry/paging.js';
import { userContext } from '../registry/user-context.js';
import { deleteAllTags, putTags } from '../tags/tag-store.js';
import { parseDefinition } from './definition.js';
import { pipelineExists, pipelineNotFound, versionNotFound } from './messages.js';
import { pipelineArn, pipelineNameKey } from './names.js';
import type { PipelineRow } from './tables.js';
import { validateDefinition } from './validate-definition.js';

/** The definition text of a create or update: inline, or read through the ObjectStore. Validated. */
async function definitionText(
  deps: FeatureDeps, inline: string | undefined, location: PipelineDefinitionS3Location | undefined, required: boolean,
): Promise<string | undefined> {
  if (inline !== undefined && location !== undefined) throw validation('Specify either PipelineDefinition or PipelineDefinitionS3Location, not both.');
  let text = inline;
  if (location !== undefined) {
    const uri = `s3://${location.Bucket}/${location.ObjectKey}`;
    try {
      text = (await deps.objectStore.getBuffer(uri)).toString('utf8');
    } catch (error) {
      throw validation(`Unable to read the pipeline definition from ${uri}: ${(error as Error).message}`);
    }
  }
  if (text === undefined) {
    if (required) throw validation('Either PipelineDefinition or PipelineDefinitionS3Location must be specified.');
    return undefined;
  }
  validateDefinition(parseDefinition(text));
  return text;
}

/**
 * The caller's pipeline by name or ARN, or ResourceNotFound.
 *
 * @example const pipeline = await findPipeline(deps, 'MyPipeline', ctx);
 */
export async function findPipeline(deps: FeatureDeps, nameOrArn: string, ctx: RequestContext): Promise<PipelineRow> {
  const key = pipelineNameKey(nameOrArn, ctx);
  const row = key === undefined ? undefined : await deps.store.db.selectFrom('pipelines').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('name_key', '=', key).executeTakeFirst();
  if (!row) throw pipelineNotFound(nameOrArn.startsWith('arn:') ? nameOrArn : pipelineArn(ctx, nameOrArn));
  return row;
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const date = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

/**
 * The pipeline operation handlers.
 *
 * @example const { CreatePipeline } = pipelineHandlers(deps);
 */
export function pipelineHandlers(deps: FeatureDeps) {
  const db = deps.store.db;
  return {
    async CreatePipeline(input: CreatePipelineRequest, ctx: RequestContext): Promise<CreatePipelineResponse> {
      const arn = pipelineArn(ctx, input.PipelineName);
      const existing = await db.selectFrom('pipelines').select(['arn', 'client_token']).where('account_id', '=', ctx.accountId)
        .where('region', '=', ctx.region).where('name_key', '=', input.PipelineName.toLowerCase()).executeTakeFirst();
      if (existing) {
        // A retried create (same token) answers what the first one created.
        if (existing.client_token !== null && existing.client_token === input.ClientRequestToken) return { PipelineArn: existing.arn };
        throw pipelineExists(input.PipelineName);
      }
      const text = (await definitionText(deps, input.PipelineDefinition, input.PipelineDefinitionS3Location, true))!;
      const now = deps.clock.now();
      const user = JSON.stringify(userContext(ctx));
      try {
        await db.transaction().execute(async (trx) => {
          const row = await trx.insertInto('pipelines').values({
            account_id: ctx.accountId, region: ctx.region, name: input.PipelineName, name_key: input.PipelineName.toLowerCase(), arn,
            display_name: input.PipelineDisplayName ?? input.PipelineName, description: input.PipelineDescription ?? null,
            role_arn: input.RoleArn, status: 'Active', parallelism: json(input.ParallelismConfiguration), latest_version: 1,
            client_token: input.ClientRequestToken ?? null, creation_time: now, last_modified_time: now, last_run_time: null,
            created_by: user, last_modified_by: user,
          }).returning('id').executeTakeFirstOrThrow();
          await trx.insertInto('pipeline_versions').values({ pipeline_id: Number(row.id), version: 1, definition: text, creation_time: now }).execute();
          if (input.Tags?.length) await putTags(trx, ctx, arn, input.Tags);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw pipelineExists(input.PipelineName);
        throw error;
      }
      return { PipelineArn: arn };
    },

    async DescribePipeline(input: DescribePipelineRequest, ctx: RequestContext): Promise<DescribePipelineResponse> {
      const p = await findPipeline(deps, input.PipelineName, ctx);
      const version = input.PipelineVersionId ?? p.latest_version;
      const v = await db.selectFrom('pipeline_versions').selectAll().where('pipeline_id', '=', p.id).where('version', '=', version).executeTakeFirst();
      if (!v) throw versionNotFound(p.name, version);
      return {
        PipelineArn: p.arn, PipelineName: p.name, PipelineDisplayName: p.display_name, PipelineDefinition: v.definition,
        PipelineDescription: p.description ?? undefined, RoleArn: p.role_arn, PipelineStatus: p.status as 'Active',
        CreationTime: new Date(p.creation_time), LastModifiedTime: new Date(p.last_modified_time), LastRunTime: date(p.last_run_time),
        CreatedBy: JSON.parse(p.created_by), LastModifiedBy: JSON.parse(p.last_modified_by),
        ParallelismConfiguration: p.parallelism ? JSON.parse(p.parallelism) : undefined,
      };
    },

    async UpdatePipeline(input: UpdatePipelineRequest, ctx: RequestContext): Promise<UpdatePipelineResponse> {
      const p = await findPipeline(deps, input.PipelineName, ctx);
      const text = await definitionText(deps, input.PipelineDefinition, input.PipelineDefinitionS3Location, false);
      const now = deps.clock.now();
      let version = p.latest_version;
      await db.transaction().execute(async (trx) => {
        if (text !== undefined) {
          version = p.latest_version + 1;
          await trx.insertInto('pipeline_versions').values({ pipeline_id: p.id, version, definition: text, creation_time: now }).execute();
        }
        await trx.updateTable('pipelines').set({
          latest_version: version, last_modified_time: now, last_modified_by: JSON.stringify(userContext(ctx)),
          ...(input.PipelineDisplayName !== undefined ? { display_name: input.PipelineDisplayName } : {}),
          ...(input.PipelineDescription !== undefined ? { description: input.PipelineDescription } : {}),
          ...(input.RoleArn !== undefined ? { role_arn: input.RoleArn } : {}),
          ...(input.ParallelismConfiguration !== undefined ? { parallelism: JSON.stringify(input.ParallelismConfiguration) } : {}),
        }).where('id', '=', p.id).execute();
      });
      return { PipelineArn: p.arn, PipelineVersionId: version };
    },

    async DeletePipeline(input: DeletePipelineRequest, ctx: RequestContext): Promise<DeletePipelineResponse> {
      const p = await findPipeline(deps, input.PipelineName, ctx);
      const running = await db.selectFrom('pipeline_executions').select('arn').where('pipeline_id', '=', p.id)
        .where('status', 'in', ['Executing', 'Stopping']).executeTakeFirst();
      // The sources leave this open; refusing keeps running jobs from losing the execution that tracks them.
      if (running) throw conflict(`Pipeline ${p.arn} has an execution in progress (${running.arn}); stop it before deleting the pipeline.`);
      await db.transaction().execute(async (trx) => {
        const execs = await trx.selectFrom('pipeline_executions').select(['id', 'arn']).where('pipeline_id', '=', p.id).execute();
        for (const e of execs) await deleteAllTags(trx, ctx, e.arn);
        await trx.deleteFrom('pipeline_execution_steps').where('pipeline_id', '=', p.id).execute();
        await trx.deleteFrom('pipeline_executions').where('pipeline_id', '=', p.id).execute();
        await trx.deleteFrom('pipeline_versions').where('pipeline_id', '=', p.id).execute();
        await trx.deleteFrom('pipelines').where('id', '=', p.id).execute();
        await deleteAllTags(trx, ctx, p.arn);
      });
      return { PipelineArn: p.arn };
    },

    async ListPipelines(input: ListPipelinesRequest, ctx: RequestContext): Promise<ListPipelinesResponse> {
      const sortBy = input.SortBy ?? 'CreationTime';
      const order = input.SortOrder ?? 'Descending';
      const column = sortBy === 'Name' ? 'name_key' : 'creation_time';
      const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
      const prefix = input.PipelineNamePrefix?.toLowerCase();
      const after = input.CreatedAfter?.getTime();
      const before = input.CreatedBefore?.getTime();
      const paging = startPaging(sortBy, order, { prefix, after, before }, input.NextToken);
      let q = db.selectFrom('pipelines').selectAll().where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
      if (prefix) q = q.where('name_key', '>=', prefix).where('name_key', '<', `${prefix}\uffff`);
      if (after !== undefined) q = q.where('creation_time', '>', after);
      if (before !== undefined) q = q.where('creation_time', '<', before);
      const cursor = paging.after;
      if (cursor) q = q.where((eb) => keysetAfter(eb, column, order, cursor.value, cursor.id));
      const dir = sqlDirection(order);
      const rows = await q.orderBy(column, dir).orderBy('id', dir).limit(limit + 1).execute();
      const { page, more } = takePage(rows, limit);
      const last = page[page.length - 1];
      return {
        PipelineSummaries: page.map((p) => ({
          PipelineArn: p.arn, PipelineName: p.name, PipelineDisplayName: p.display_name, PipelineDescription: p.description ?? undefined,
          RoleArn: p.role_arn, CreationTime: new Date(p.creation_time), LastModifiedTime: new Date(p.last_modified_time), LastExecutionTime: date(p.last_run_time),
        })),
        NextToken: more && last ? paging.nextToken(column === 'name_key' ? last.name_key : last.creation_time, last.id) : undefined,
      };
    },
  };
}

