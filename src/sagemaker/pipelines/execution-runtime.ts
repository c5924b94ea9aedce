/**
 * What the executor knows of one execution while it runs it: the frozen definition and its graph,
 * typed parameters, execution variables, the properties of finished steps, and the expression
 * scope a step's expressions are resolved in.
 */
import type { RequestContext } from '../../aws/context.js';
import type { ObjectStore } from '../../artifacts/object-store.js';
import { buildGraph, type PipelineGraph } from './dag.js';
import { parseDefinition, placeSteps, type PipelineDefinitionDoc, type StepDef } from './definition.js';
import { ExpressionError, type ExpressionScope } from './expressions.js';
import { typedParameters } from './parameters.js';
import { lookupPath, parsePath } from './property-path.js';
import type { ExecutionRow } from './tables.js';
import type { Value } from './values.js';

/**
 * The execution's resolved PipelineExperimentConfig and MLflow settings, as stored.
 *
 * @example { experiment: { ExperimentName: 'p', TrialName: 'abc' }, mlflow: { MlflowResourceArn: 'arn:...', MlflowExperimentName: 'e' } }
 */
export interface ExecutionExtras {
  experiment?: { ExperimentName?: string; TrialName?: string };
  mlflow?: { MlflowResourceArn?: string; MlflowExperimentName?: string };
}

/**
 * @example
 *   const rt = new ExecutionRuntime(row, objectStore);
 *   const value = await resolveValue(step.Arguments, rt.scope({ TrainingJobName: name }));
 */
export class ExecutionRuntime {
  readonly doc: PipelineDefinitionDoc;
  readonly graph: PipelineGraph;
  readonly parameters: Map<string, Value>;
  readonly ctx: RequestContext;
  /** The execution's resolved PipelineExperimentConfig, as stored. */
  private readonly experiment: ExecutionExtras['experiment'];
  /** Properties of Succeeded steps (filled from the rows, then as steps finish). */
  readonly properties = new Map<string, unknown>();

  constructor(readonly row: ExecutionRow, private readonly objects: ObjectStore) {
    this.doc = parseDefinition(row.definition);
    this.graph = buildGraph(this.doc);
    this.parameters = typedParameters(this.doc.Parameters ?? [], JSON.parse(row.parameters));
    this.ctx = { accountId: row.account_id, region: row.region, requestId: `pipeline-${row.exec_id}` };
    this.experiment = row.experiment ? JSON.parse(row.experiment) : undefined;
  }

  step(name: string): StepDef {
    return this.graph.nodes.get(name)!.def;
  }

  /** The scope of a step's expressions (`jobVars`: Execution.TrainingJobName / ProcessingJobName of that step). */
  scope(jobVars: Record<string, string> = {}): ExpressionScope {
    return executionScope(this.row, this.parameters, this.properties, this.doc, this.objects, this.experiment, jobVars);
  }
}

/**
 * The scope for an execution row (also used at start, before any step ran).
 *
 * @example await resolveValue(doc.PipelineExperimentConfig, executionScope(row, parameters, new Map(), doc, objects, undefined));
 */
export function executionScope(
  row: Pick<ExecutionRow, 'pipeline_name' | 'pipeline_arn' | 'exec_id' | 'arn' | 'creation_time'>,
  parameters: ReadonlyMap<string, Value>,
  properties: ReadonlyMap<string, unknown>,
  doc: PipelineDefinitionDoc,
  objects: ObjectStore,
  experiment: ExecutionExtras['experiment'],
  jobVars: Record<string, string> = {},
): ExpressionScope {
  return {
    parameters,
    execution: {
      PipelineName: row.pipeline_name, PipelineArn: row.pipeline_arn, PipelineExecutionId: row.exec_id, PipelineExecutionArn: row.arn,
      StartDateTime: new Date(row.creation_time).toISOString(), ...jobVars,
    },
    ...(experiment ? { experiment } : {}),
    stepProperties: (step) => properties.get(step),
    propertyFileUri: (step, file) => {
      const def = placeSteps(doc).find((p) => p.def.Name === step)?.def;
      const pf = (def?.PropertyFiles ?? []).find((f) => f.PropertyFileName === file);
      if (!def || !pf) throw new ExpressionError(`Steps.${step}.PropertyFiles.${file} is undefined.`);
      const uri = lookupPath(properties.get(step), parsePath(`ProcessingOutputConfig.Outputs['${pf.OutputName}'].S3Output.S3Uri`));
      if (typeof uri !== 'string') throw new ExpressionError(`Steps.${step}.PropertyFiles.${file} is undefined: step ${step} has no output ${pf.OutputName}.`);
      return `${uri.replace(/\/+$/, '')}/${pf.FilePath.replace(/^\/+/, '')}`;
    },
    readObject: (uri) => objects.getBuffer(uri),
  };
}
