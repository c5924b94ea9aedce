/**
 * CreateTrainingJob's serverless resolution (SAGEMAKER-SEMANTICS §3.2-§3.5, §3.8): the base
 * model (latest version when the ARN has none; EULA for gated models; a recipe for the
 * technique), the evaluator, the judge model, the output group and the source package. The
 * result is the job's plan, kept with the job so a restarted server runs the same thing,
 * and the request as Describe echoes it (BaseModelArn with its version, §3.2).
 */
import type { RequestContext } from '../../aws/context.js';
import { validation } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import { resolveEvaluator, resolveHubContent } from '../hub/resolve.js';
import { requireGroup } from '../registry/groups.js';
import { findPackageDoc } from '../registry/logged-package.js';
import type { CreateTrainingJobRequest } from '../training/shapes.js';
import { artifactUriOf } from './models.js';
import { pickRecipe, type Technique } from './recipes.js';
import { checkServerlessCombination } from './validate.js';

/**
 * What a serverless job runs, resolved at create time (kept in the job's state).
 *
 * @example plan.baseModel.recipeName // 'sagebox-tiny-sft-lora'
 */
export interface ServerlessPlan {
  jobType: 'FineTuning' | 'Evaluation';
  technique?: Technique;
  peft: 'LORA' | null;
  evaluationType?: 'BenchmarkEvaluation' | 'CustomScorerEvaluation' | 'LLMAJEvaluation';
  baseModel: { arn: string; name: string; version: string; artifactUri: string; recipeName?: string; recipeDefaults?: Record<string, string> };
  evaluator?: { arn: string; type: 'RewardFunction' | 'RewardPrompt'; reference: string };
  judgeModel?: { arn: string; artifactUri: string };
  /** The package a job continues from or evaluates: its ModelDataSource prefix and whether it holds an adapter. */
  source?: { arn: string; s3Uri: string; isCheckpoint: boolean };
}

/** File types a RewardFunction evaluator's S3 reference may name. */
const REWARD_FILE = /\.(mjs|js|py)$/;

/**
 * Checks and resolves a serverless request; returns the plan and the request to store.
 *
 * @example
 *   const { plan, request } = await planServerlessJob(store, input, ctx);
 *   request.ServerlessJobConfig.BaseModelArn // '...:hub-content/SageMakerPublicHub/Model/sagebox-tiny/1.0.0'
 */
export async function planServerlessJob(
  store: Store, input: CreateTrainingJobRequest, ctx: RequestContext,
): Promise<{ plan: ServerlessPlan; request: CreateTrainingJobRequest }> {
  checkServerlessCombination(input);
  const sj = input.ServerlessJobConfig!;
  const model = await resolveHubContent(store, ctx, sj.BaseModelArn, 'Model');
  if (model.document['GatedBucket'] === true && sj.AcceptEula !== true) {
    throw validation(`The base model ${model.name} (${model.arn}) is gated: accept its end-user license agreement with ServerlessJobConfig.AcceptEula=true.`);
  }
  let artifactUri: string;
  try {
    artifactUri = artifactUriOf(model.document, model.name);
  } catch (error) {
    throw validation(`BaseModelArn: ${(error as Error).message}.`);
  }
  const peft = sj.Peft === 'LORA' ? 'LORA' : null;
  const plan: ServerlessPlan = {
    jobType: sj.JobType,
    peft,
    baseModel: { arn: model.arn, name: model.name, version: model.version, artifactUri },
  };
  if (sj.JobType === 'FineTuning') {
    const recipe = pickRecipe(model.document, model.name, sj.CustomizationTechnique as Technique, peft ?? undefined);
    plan.technique = sj.CustomizationTechnique as Technique;
    plan.baseModel.recipeName = recipe.Name;
    if (recipe.Hyperparameters) plan.baseModel.recipeDefaults = recipe.Hyperparameters;
    await requireGroup(store.db, ctx, input.ModelPackageConfig!.ModelPackageGroupArn);
  } else {
    plan.evaluationType = sj.EvaluationType!;
  }
  if (sj.EvaluatorArn) plan.evaluator = await evaluatorOf(store, ctx, sj.EvaluatorArn, plan);
  const judge = input.HyperParameters?.judge_model_id;
  if (judge !== undefined) plan.judgeModel = await judgeOf(store, ctx, judge);
  const sourceArn = input.ModelPackageConfig?.SourceModelPackageArn;
  if (sourceArn) plan.source = await sourceOf(store, ctx, sourceArn, model.name);
  const request = structuredClone(input);
  request.ServerlessJobConfig!.BaseModelArn = model.arn;
  return { plan, request };
}

async function evaluatorOf(store: Store, ctx: RequestContext, arn: string, plan: ServerlessPlan): Promise<ServerlessPlan['evaluator']> {
  const spec = await resolveEvaluator(store, ctx, arn);
  const wants = plan.technique === 'RLAIF' || plan.evaluationType === 'LLMAJEvaluation' ? 'RewardPrompt' : 'RewardFunction';
  const user = plan.technique ?? plan.evaluationType;
  if (spec.evaluatorType !== wants) {
    throw validation(`EvaluatorArn ${spec.hubContent.arn} is a ${spec.evaluatorType} evaluator; ${user} needs a ${wants}.`);
  }
  if (!spec.reference.startsWith('s3://')) {
    throw validation(
      `EvaluatorArn ${spec.hubContent.arn}: sagebox runs evaluators locally and cannot invoke ${spec.reference}; ` +
      `make its Reference an s3:// URI of ${wants === 'RewardFunction' ? 'a .mjs, .js or .py file defining lambda_handler' : 'a text file holding the prompt template'}.`,
    );
  }
  if (wants === 'RewardFunction' && !REWARD_FILE.test(spec.reference)) {
    throw validation(`EvaluatorArn ${spec.hubContent.arn}: the reward function ${spec.reference} must be a .mjs, .js or .py file defining lambda_handler.`);
  }
  return { arn: spec.hubContent.arn, type: spec.evaluatorType, reference: spec.reference };
}

async function judgeOf(store: Store, ctx: RequestContext, judge: string): Promise<ServerlessPlan['judgeModel']> {
  if (!judge.startsWith('arn:')) {
    throw validation(
      `judge_model_id '${judge}': sagebox cannot call Bedrock models; give a hub Model ARN as the judge, or omit judge_model_id to judge with the job's own model.`,
    );
  }
  const model = await resolveHubContent(store, ctx, judge, 'Model');
  try {
    return { arn: model.arn, artifactUri: artifactUriOf(model.document, model.name) };
  } catch (error) {
    throw validation(`judge_model_id: ${(error as Error).message}.`);
  }
}

async function sourceOf(store: Store, ctx: RequestContext, arn: string, baseName: string): Promise<ServerlessPlan['source']> {
  const pkg = await findPackageDoc(store, ctx, arn);
  if (!pkg) throw validation(`ModelPackage ${arn} does not exist.`);
  const container = pkg.doc.InferenceSpecification?.Containers?.[0];
  const base = container?.BaseModel;
  if (!base?.HubContentName) {
    throw validation(`SourceModelPackageArn ${arn}: continued fine tuning is only allowed on model packages fine tuned with SageMaker 1p models (the package has no BaseModel).`);
  }
  if (base.HubContentName !== baseName) {
    throw validation(`SourceModelPackageArn ${arn} was fine-tuned from ${base.HubContentName}, not from the job's base model ${baseName}.`);
  }
  if (pkg.status !== 'Completed') throw validation(`SourceModelPackageArn ${arn} is ${pkg.status}; only a Completed model package can be used.`);
  const s3Uri = container!.ModelDataSource?.S3DataSource?.S3Uri;
  if (!s3Uri) throw validation(`SourceModelPackageArn ${arn} has no ModelDataSource.S3DataSource to read the model from.`);
  return { arn: pkg.arn, s3Uri, isCheckpoint: container!.IsCheckpoint === true };
}
