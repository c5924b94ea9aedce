/**
 * What StartPipelineExecution decides before the execution exists (PIPELINES.md §8.1):
 * parameters, the definition version, PipelineExperimentConfig and MlflowConfig resolved,
 * parallelism, and for a selective execution the steps reused from the source.
 */
import type { RequestContext } from '../../aws/context.js';
import type { StartPipelineExecutionRequest } from '../../aws/generated/sagemaker/types.js';
import { validation } from '../../aws/service-error.js';
import type { FeatureDeps } from '../../feature.js';
import { buildGraph, selectivePlan } from './dag.js';
import { parseDefinition } from './definition.js';
import { executionScope } from './execution-runtime.js';
import { resolveValue } from './expressions.js';
import { versionNotFound } from './messages.js';
import { executionArn, newExecutionId } from './names.js';
import { effectiveParameters, typedParameters } from './parameters.js';
import type { PipelineExecutionTable, PipelineRow, PipelineStepTable } from './tables.js';
import { renderValue, type Value } from './values.js';

type ExecutionValues = Omit<PipelineExecutionTable, 'id' | 'client_token' | 'request_hash' | 'creation_time' | 'last_modified_time' | 'created_by'>;
type ReusedStep = Omit<PipelineStepTable, 'id' | 'execution_id'>;

const MLFLOW_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:mlflow-[a-zA-Z-]*\/.*$/;

/**
 * @example const { values, reusedSteps } = await prepareStart(deps, pipelineRow, input, ctx);
 */
export async function prepareStart(
  deps: FeatureDeps, pipeline: PipelineRow, input: StartPipelineExecutionRequest, ctx: RequestContext,
): Promise<{ values: ExecutionValues; reusedSteps: ReusedStep[] }> {
  const db = deps.store.db;
  const versionId = input.PipelineVersionId ?? pipeline.latest_version;
  const version = await db.selectFrom('pipeline_versions').select('definition').where('pipeline_id', '=', pipeline.id).where('version', '=', versionId).executeTakeFirst();
  if (!version) throw versionNotFound(pipeline.name, versionId);
  const doc = parseDefinition(version.definition);
  const parameters = effectiveParameters(doc.Parameters ?? [], input.PipelineParameters ?? []);
  const execId = newExecutionId();
  const arn = executionArn(pipeline.arn, execId);
  const now = deps.clock.now();
  const identity = { pipeline_name: pipeline.name, pipeline_arn: pipeline.arn, exec_id: execId, arn, creation_time: now };
  const scope = executionScope(identity, typedParameters(doc.Parameters ?? [], parameters), new Map(), doc, deps.objectStore, undefined);
  const text = async (v: unknown): Promise<string | undefined> => (v === undefined || v === null ? undefined : renderValue((await resolveValue(v, scope)) as Value));

  let experiment: { ExperimentName?: string; TrialName?: string } | undefined;
  if (doc.PipelineExperimentConfig) {
    experiment = { ExperimentName: await text(doc.PipelineExperimentConfig.ExperimentName), TrialName: await text(doc.PipelineExperimentConfig.TrialName) };
  }
  let mlflow: { MlflowResourceArn?: string; MlflowExperimentName?: string } | undefined;
  const resourceArn = await text(doc.MlflowConfig?.MlflowResourceArn);
  const experimentName = input.MlflowExperimentName ?? (await text(doc.MlflowConfig?.MlflowExperimentName));
  if (resourceArn !== undefined && !MLFLOW_ARN.test(resourceArn)) throw validation(`MlflowConfig.MlflowResourceArn '${resourceArn}' is not an MLflow tracking server or app ARN.`);
  if (resourceArn !== undefined || experimentName !== undefined) {
    mlflow = { ...(resourceArn !== undefined ? { MlflowResourceArn: resourceArn } : {}), ...(experimentName !== undefined ? { MlflowExperimentName: experimentName } : {}) };
  }

  const parallelism = input.ParallelismConfiguration ?? (pipeline.parallelism ? JSON.parse(pipeline.parallelism) : undefined);
  let selective: string | null = null;
  const reusedSteps: ReusedStep[] = [];
  if (input.SelectiveExecutionConfig) {
    const config = input.SelectiveExecutionConfig;
    const graph = buildGraph(doc);
    const selected = new Set(config.SelectedSteps.map((s) => s.StepName));
    for (const name of selected) if (!graph.nodes.has(name)) throw validation(`Selected step ${name} is not a step of pipeline ${pipeline.name}.`);
    let plan;
    try {
      plan = selectivePlan(graph, selected);
    } catch (message) {
      throw validation(String(message));
    }
    if (plan.reused.size > 0) {
      if (!config.SourcePipelineExecutionArn) throw validation('SourcePipelineExecutionArn is required when the selected steps depend on steps that are not selected.');
      const source = await db.selectFrom('pipeline_executions').select(['id', 'status', 'pipeline_id']).where('arn', '=', config.SourcePipelineExecutionArn)
        .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).executeTakeFirst();
      if (!source || source.pipeline_id !== pipeline.id) throw validation(`Source pipeline execution ${config.SourcePipelineExecutionArn} is not an execution of pipeline ${pipeline.name}.`);
      if (!['Succeeded', 'Failed', 'Stopped'].includes(source.status)) throw validation(`Source pipeline execution ${config.SourcePipelineExecutionArn} is ${source.status}; it must be Succeeded, Failed or Stopped.`);
      const rows = await db.selectFrom('pipeline_execution_steps').selectAll().where('execution_id', '=', source.id).execute();
      const byName = new Map(rows.map((r) => [r.step_name, r]));
      for (const name of plan.reused) {
        const r = byName.get(name);
        if (!r || r.status !== 'Succeeded') {
          // A condition's untaken branch never ran: it stays out of this execution too.
          if (!r && graph.nodes.get(name)?.branch) continue;
          throw validation(`Step ${name} did not succeed in source pipeline execution ${config.SourcePipelineExecutionArn}; select it or choose another source.`);
        }
        const { id: _id, execution_id: _e, ...rest } = r;
        reusedSteps.push({ ...rest, selective_source: config.SourcePipelineExecutionArn, cache_hit_source: null, callback_token: null, start_time: now, last_modified_time: now });
      }
    }
    selective = JSON.stringify({ config, excluded: [...plan.excluded] });
  }

  return {
    values: {
      account_id: ctx.accountId, region: ctx.region, pipeline_id: pipeline.id, pipeline_name: pipeline.name, pipeline_arn: pipeline.arn,
      exec_id: execId, arn, display_name: input.PipelineExecutionDisplayName ?? `execution-${now}`, description: input.PipelineExecutionDescription ?? null,
      status: 'Executing', failure_reason: null, version_id: versionId, definition: version.definition, role_arn: pipeline.role_arn,
      parameters: JSON.stringify(parameters), parallelism: parallelism ? JSON.stringify(parallelism) : null, selective,
      mlflow: mlflow ? JSON.stringify(mlflow) : null, experiment: experiment ? JSON.stringify(experiment) : null, run: 1, failed_by_fail_step: 0,
    },
    reusedSteps,
  };
}
