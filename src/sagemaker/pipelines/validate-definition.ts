/**
 * What CreatePipeline / UpdatePipeline check in a definition (PIPELINES.md §7.2), each failure a
 * ValidationException. The service's own wording is not published for most checks; the messages
 * name the step, the field and the rule (docs/pipelines.md lists them).
 */
import { validation } from '../../aws/service-error.js';
import { CONDITION_TYPES, type ConditionDef } from './conditions.js';
import { buildGraph, findCycle } from './dag.js';
import { placeSteps, stepDataFields, type ParameterDef, type PipelineDefinitionDoc, type StepDef } from './definition.js';
import { parseDuration } from './durations.js';
import { collectGets, splitStepPath } from './expressions.js';
import { EXCEPTION_TYPES, policyTypes } from './retry-policy.js';

/** Every step type the definition format knows (SDK StepTypeEnum + v3 EMRServerless). */
export const STEP_TYPES = new Set([
  'Training', 'Processing', 'Transform', 'Tuning', 'AutoML', 'Model', 'RegisterModel', 'Condition', 'Fail', 'Lambda', 'Callback',
  'QualityCheck', 'ClarifyCheck', 'EMR', 'EMRServerless', 'EndpointConfig', 'Endpoint', 'InferenceComponent',
  'BedrockCustomModel', 'BedrockCustomModelDeployment', 'BedrockModelImport', 'BedrockProvisionedModelThroughput', 'Lineage',
]);

export const PARAMETER_TYPES = new Set(['String', 'Integer', 'Float', 'Boolean']);

/** `Execution.*` variables (the SDK's ExecutionVariables). */
export const EXECUTION_VARIABLES = new Set([
  'PipelineName', 'PipelineArn', 'PipelineExecutionId', 'PipelineExecutionArn', 'StartDateTime', 'CurrentDateTime', 'TrainingJobName', 'ProcessingJobName',
]);

const NAME = /^[A-Za-z0-9\-_]{1,64}$/;
const PARAMETER_NAME = /^[A-Za-z0-9\-_]{1,256}$/;

/**
 * Throws a ValidationException for the first problem found.
 *
 * @example validateDefinition(parseDefinition(text))
 */
export function validateDefinition(doc: PipelineDefinitionDoc): void {
  const params = validateParameters(doc.Parameters ?? []);
  const placed = placeSteps(doc);
  const byName = new Map<string, StepDef>();
  for (const { def } of placed) {
    if (!def || typeof def !== 'object' || Array.isArray(def)) throw validation('Each step must be a JSON object.');
    if (typeof def.Name !== 'string' || !NAME.test(def.Name)) {
      throw validation(`Step name '${String(def.Name)}' is invalid: step names must match ^[A-Za-z0-9\\-_]{1,64}$.`);
    }
    if (typeof def.Type !== 'string' || !STEP_TYPES.has(def.Type)) throw validation(`Step ${def.Name} has an unknown Type '${String(def.Type)}'.`);
    if (byName.has(def.Name)) throw validation(`Step names must be unique across the pipeline (branch steps included): ${def.Name} appears more than once.`);
    if (def.Arguments !== undefined && (def.Arguments === null || typeof def.Arguments !== 'object' || Array.isArray(def.Arguments))) {
      throw validation(`Step ${def.Name}: Arguments must be a JSON object.`);
    }
    byName.set(def.Name, def);
  }
  for (const { def } of placed) {
    validateDependsOn(def, byName);
    validateReferences(def.Name, stepDataFields(def), byName, params);
    if (def.Type === 'Condition') validateConditions(def);
    validateRetryPolicies(def);
    validateCacheConfig(def);
  }
  validateReferences('PipelineExperimentConfig', doc.PipelineExperimentConfig ?? {}, byName, params);
  validateReferences('MlflowConfig', doc.MlflowConfig ?? {}, byName, params);
  const cycle = findCycle(buildGraph(doc));
  if (cycle) throw validation(`Pipeline definition has a cyclic dependency: ${cycle.join(' -> ')}.`);
}

function validateParameters(list: ParameterDef[]): Map<string, ParameterDef> {
  const out = new Map<string, ParameterDef>();
  for (const p of list) {
    if (!p || typeof p.Name !== 'string' || !PARAMETER_NAME.test(p.Name)) throw validation(`Parameter name '${String(p?.Name)}' is invalid: it must match ^[A-Za-z0-9\\-_]{1,256}$.`);
    if (out.has(p.Name)) throw validation(`Parameter names must be unique: ${p.Name} is declared more than once.`);
    const type = p.Type ?? 'String';
    if (!PARAMETER_TYPES.has(type)) throw validation(`Parameter ${p.Name} has an unknown Type '${String(type)}': use String, Integer, Float or Boolean.`);
    if (p.DefaultValue !== undefined && p.DefaultValue !== null && !matchesType(p.DefaultValue, type)) {
      throw validation(`Parameter ${p.Name} of type ${type} has a DefaultValue of another type: ${JSON.stringify(p.DefaultValue)}.`);
    }
    if (p.EnumValues !== undefined && p.EnumValues !== null) {
      if (type !== 'String' || !Array.isArray(p.EnumValues) || !p.EnumValues.every((v) => typeof v === 'string')) {
        throw validation(`Parameter ${p.Name}: EnumValues must be a list of strings on a String parameter.`);
      }
      if (typeof p.DefaultValue === 'string' && !p.EnumValues.includes(p.DefaultValue)) {
        throw validation(`Parameter ${p.Name}: DefaultValue '${p.DefaultValue}' is not one of its EnumValues [${p.EnumValues.join(', ')}].`);
      }
    }
    out.set(p.Name, p);
  }
  return out;
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'String': return typeof value === 'string';
    case 'Integer': return typeof value === 'number' && Number.isInteger(value);
    case 'Float': return typeof value === 'number';
    default: return typeof value === 'boolean';
  }
}

function validateDependsOn(def: StepDef, byName: Map<string, StepDef>): void {
  if (def.DependsOn === undefined || def.DependsOn === null) return;
  if (!Array.isArray(def.DependsOn)) throw validation(`Step ${def.Name}: DependsOn must be a list of step names.`);
  for (const name of def.DependsOn) {
    const target = typeof name === 'string' ? byName.get(name) : undefined;
    if (!target) throw validation(`Step ${def.Name} depends on step ${String(name)}, which is undefined.`);
    if (name === def.Name) throw validation(`Step ${def.Name} can not depend on itself.`);
    if (target.Type === 'Fail') throw validation(`${def.Name} can not depends on FailStep`);
  }
}

function validateReferences(owner: string, data: unknown, byName: Map<string, StepDef>, params: Map<string, ParameterDef>): void {
  for (const path of collectGets(data)) {
    if (path.startsWith('Parameters.')) {
      if (!params.has(path.slice(11))) {
        throw validation(`All parameters used in step definitions must be defined in the pipeline: ${owner} uses ${path}, which is not declared.`);
      }
      continue;
    }
    if (path.startsWith('Execution.')) {
      if (!EXECUTION_VARIABLES.has(path.slice(10))) throw validation(`${owner} uses ${path}, which is not an execution variable.`);
      continue;
    }
    if (path === 'PipelineExperimentConfig.ExperimentName' || path === 'PipelineExperimentConfig.TrialName') continue;
    const ref = splitStepPath(path);
    if (!ref) throw validation(`${owner} uses ${path}, which is not a valid property reference.`);
    const target = byName.get(ref.step);
    if (!target) throw validation(`${owner} refers to step ${ref.step}, which is undefined.`);
    if (target.Type === 'Fail') throw validation(`${owner} refers to the properties of Fail step ${ref.step}: Fail steps have no properties.`);
    if (ref.rest.startsWith('PropertyFiles.')) validatePropertyFile(owner, target, ref.rest.slice(14));
  }
}

function validatePropertyFile(owner: string, target: StepDef, file: string): void {
  if (target.Type !== 'Processing') throw validation(`${owner} reads property file ${file} of step ${target.Name}, which is not a Processing step.`);
  const pf = (target.PropertyFiles ?? []).find((f) => f?.PropertyFileName === file);
  if (!pf) throw validation(`${owner} reads property file ${file}, which step ${target.Name} does not declare in its PropertyFiles.`);
  const outputs = ((target.Arguments?.ProcessingOutputConfig as { Outputs?: { OutputName?: string }[] } | undefined)?.Outputs ?? []);
  if (!outputs.some((o) => o?.OutputName === pf.OutputName)) {
    throw validation(`Property file ${file} of step ${target.Name} names output ${pf.OutputName}, which is not in its ProcessingOutputConfig.Outputs.`);
  }
}

function validateConditions(def: StepDef): void {
  const args = (def.Arguments ?? {}) as { Conditions?: unknown; IfSteps?: unknown; ElseSteps?: unknown };
  if (!Array.isArray(args.Conditions)) throw validation(`Condition step ${def.Name} needs a Conditions list.`);
  for (const k of ['IfSteps', 'ElseSteps'] as const) {
    if (args[k] !== undefined && args[k] !== null && !Array.isArray(args[k])) throw validation(`Condition step ${def.Name}: ${k} must be a list of steps.`);
  }
  const walk = (c: ConditionDef): void => {
    if (!c || typeof c !== 'object' || !CONDITION_TYPES.has(c.Type)) throw validation(`Condition step ${def.Name} has a condition of unknown Type '${String(c?.Type)}'.`);
    if (c.Type === 'Not') walk(c.Condition as ConditionDef);
    if (c.Type === 'Or' || c.Type === 'And') {
      if (!Array.isArray(c.Conditions)) throw validation(`Condition step ${def.Name}: an ${c.Type} condition needs a Conditions list.`);
      c.Conditions.forEach(walk);
    }
    if ((c.Type === 'In' || c.Type === 'NotIn') && !Array.isArray(c.Values ?? c.In)) throw validation(`Condition step ${def.Name}: an ${c.Type} condition needs a Values list.`);
  };
  (args.Conditions as ConditionDef[]).forEach(walk);
}

function validateRetryPolicies(def: StepDef): void {
  if (def.RetryPolicies === undefined || def.RetryPolicies === null) return;
  if (!Array.isArray(def.RetryPolicies)) throw validation(`Step ${def.Name}: RetryPolicies must be a list.`);
  for (const p of def.RetryPolicies) {
    for (const t of policyTypes(p)) {
      if (!(EXCEPTION_TYPES as readonly string[]).includes(t)) throw validation(`Step ${def.Name}: retry policy exception type '${t}' is not one of ${EXCEPTION_TYPES.join(', ')}.`);
      if (t.startsWith('SageMaker.') && (def.Type === 'Model' || def.Type === 'RegisterModel')) {
        throw validation(`Step ${def.Name}: a ${def.Type} step does not accept SageMaker job retry policies (${t}).`);
      }
    }
    if (p.MaxAttempts !== undefined && p.ExpireAfterMin !== undefined) throw validation(`Step ${def.Name}: a retry policy may set MaxAttempts or ExpireAfterMin, not both.`);
    if (p.MaxAttempts !== undefined && !(Number.isInteger(p.MaxAttempts) && p.MaxAttempts >= 0 && p.MaxAttempts <= 20)) throw validation(`Step ${def.Name}: retry policy MaxAttempts must be an integer from 0 to 20.`);
    if (p.ExpireAfterMin !== undefined && !(Number.isInteger(p.ExpireAfterMin) && p.ExpireAfterMin >= 0 && p.ExpireAfterMin <= 14400)) throw validation(`Step ${def.Name}: retry policy ExpireAfterMin must be an integer from 0 to 14400.`);
    if (p.IntervalSeconds !== undefined && !(typeof p.IntervalSeconds === 'number' && p.IntervalSeconds >= 0 && p.IntervalSeconds <= 43200)) throw validation(`Step ${def.Name}: retry policy IntervalSeconds must be from 0 to 43200.`);
    if (p.BackoffRate !== undefined && !(typeof p.BackoffRate === 'number' && p.BackoffRate >= 0)) throw validation(`Step ${def.Name}: retry policy BackoffRate must be a non-negative number.`);
  }
}

function validateCacheConfig(def: StepDef): void {
  const c = def.CacheConfig;
  if (c === undefined || c === null) return;
  if (typeof c !== 'object') throw validation(`Step ${def.Name}: CacheConfig must be an object.`);
  if (c.Enabled && c.ExpireAfter !== undefined && (typeof c.ExpireAfter !== 'string' || parseDuration(c.ExpireAfter) === undefined)) {
    throw validation(`Step ${def.Name}: CacheConfig ExpireAfter '${String(c.ExpireAfter)}' is not an ISO 8601 duration.`);
  }
}
