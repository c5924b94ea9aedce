/**
 * Models (CreateModel / DescribeModel / ListModels / DeleteModel): records of what would be
 * deployed. sagebox does not host endpoints; pipelines' Model steps create them and read
 * DescribeModel as the step's properties. Names are unique case-insensitively; ARNs carry the
 * name lower-cased, as the service's model ARNs do.
 */
import type { RequestContext } from '../../aws/context.js';
import { PARTITION } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { Clock } from '../../engine/clock.js';
import type { Database } from '../../store/schema.js';
import type { Store } from '../../store/database.js';
import { isUniqueViolation } from '../../store/errors.js';
import { isOwnArn, parseArn } from '../registry/arns.js';
import { listByNameAndTime } from '../registry/paging.js';
import { registerTaggableResource } from '../tags/resolvers.js';
import { deleteAllTags, putTags } from '../tags/tag-store.js';
import { checkCreateModel, modelAlreadyExists, modelNotFound } from './validate.js';
import type { ModelRow } from './tables.js';
import type { Kysely } from 'kysely';

/**
 * What the model handlers need.
 *
 * @example createModelHandlers({ store, clock: systemClock })
 */
export interface ModelDeps {
  store: Store;
  clock: Clock;
}

/**
 * @example modelArn({ accountId: '123456789012', region: 'us-east-1' }, 'Scoring') // '...:model/scoring'
 */
export function modelArn(ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:model/${name.toLowerCase()}`;
}

function findModel(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameKey: string): Promise<ModelRow | undefined> {
  return db.selectFrom('models').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('name_key', '=', nameKey).executeTakeFirst();
}

/** A container as DescribeModel echoes it: Mode SingleModel and an empty Environment by default. */
function withContainerDefaults(c: T.ContainerDefinition): T.ContainerDefinition {
  return { ...c, Mode: c.Mode ?? 'SingleModel', Environment: c.Environment ?? {} };
}

type ModelDoc = Omit<T.CreateModelInput, 'ModelName' | 'Tags'>;

async function createModel(deps: ModelDeps, input: T.CreateModelInput, ctx: RequestContext): Promise<T.CreateModelOutput> {
  checkCreateModel(input);
  const { ModelName: name, Tags: tags, ...rest } = structuredClone(input);
  const doc: ModelDoc = {
    ...rest,
    ...(rest.PrimaryContainer ? { PrimaryContainer: withContainerDefaults(rest.PrimaryContainer) } : {}),
    ...(rest.Containers ? { Containers: rest.Containers.map(withContainerDefaults) } : {}),
    EnableNetworkIsolation: rest.EnableNetworkIsolation ?? false,
  };
  const arn = modelArn(ctx, name);
  const now = deps.clock.now();
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      if (await findModel(trx, ctx, name.toLowerCase())) throw modelAlreadyExists(arn);
      await trx.insertInto('models').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn, creation_time: now, doc: JSON.stringify(doc),
      }).execute();
      await putTags(trx, ctx, arn, tags ?? []);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw modelAlreadyExists(arn);
    throw error;
  }
  return { ModelArn: arn };
}

async function describeModel(deps: ModelDeps, input: T.DescribeModelInput, ctx: RequestContext): Promise<T.DescribeModelOutput> {
  const row = await findModel(deps.store.db, ctx, input.ModelName.toLowerCase());
  if (!row) throw modelNotFound(modelArn(ctx, input.ModelName));
  const doc = JSON.parse(row.doc) as ModelDoc;
  return {
    ModelName: row.name,
    PrimaryContainer: doc.PrimaryContainer,
    Containers: doc.Containers,
    InferenceExecutionConfig: doc.InferenceExecutionConfig,
    ExecutionRoleArn: doc.ExecutionRoleArn,
    VpcConfig: doc.VpcConfig,
    CreationTime: new Date(row.creation_time),
    ModelArn: row.arn,
    EnableNetworkIsolation: doc.EnableNetworkIsolation,
  };
}

async function listModels(deps: ModelDeps, input: T.ListModelsInput, ctx: RequestContext): Promise<T.ListModelsOutput> {
  const q = deps.store.db.selectFrom('models').select(['id', 'name', 'name_key', 'arn', 'creation_time'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region);
  // ListModels documents Descending as its default order (most lists here default to Ascending).
  const { page, nextToken } = await listByNameAndTime(q, { ...input, SortOrder: input.SortOrder ?? 'Descending' });
  return {
    Models: page.map((r) => ({ ModelName: r.name, ModelArn: r.arn, CreationTime: new Date(r.creation_time) })),
    NextToken: nextToken,
  };
}

async function deleteModel(deps: ModelDeps, input: T.DeleteModelInput, ctx: RequestContext): Promise<Record<string, never>> {
  const arn = modelArn(ctx, input.ModelName);
  await deps.store.db.transaction().execute(async (trx) => {
    const row = await findModel(trx, ctx, input.ModelName.toLowerCase());
    if (!row) throw modelNotFound(arn);
    await trx.deleteFrom('models').where('id', '=', row.id).execute();
    await deleteAllTags(trx, ctx, row.arn);
  });
  return {};
}

/**
 * The model operations, keyed by operation name; registers `model` ARNs for tagging.
 *
 * @example
 *   const models = createModelHandlers({ store, clock: systemClock });
 *   const { ModelArn } = await models.CreateModel({ ModelName: 'm', PrimaryContainer: { Image: 'img' }, ExecutionRoleArn: role }, ctx);
 */
export function createModelHandlers(deps: ModelDeps) {
  registerTaggableResource('model', async (arn, ctx, store) => {
    const parsed = parseArn(arn);
    if (!parsed || parsed.resourceType !== 'model' || !isOwnArn(parsed, ctx)) return false;
    return (await findModel(store.db, ctx, parsed.resourceId.toLowerCase())) !== undefined;
  });
  return {
    CreateModel: (input: T.CreateModelInput, ctx: RequestContext) => createModel(deps, input, ctx),
    DescribeModel: (input: T.DescribeModelInput, ctx: RequestContext) => describeModel(deps, input, ctx),
    ListModels: (input: T.ListModelsInput, ctx: RequestContext) => listModels(deps, input, ctx),
    DeleteModel: (input: T.DeleteModelInput, ctx: RequestContext) => deleteModel(deps, input, ctx),
  } satisfies Record<string, (input: any, ctx: RequestContext) => Promise<unknown>>;
}
