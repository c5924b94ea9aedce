/**
 * The pipeline definition document (PIPELINES.md §1–§4): its types, parsing, and the walk over
 * every step of the tree (condition branches included). Parsing is lenient about what the SDK
 * sends (null configs, extra keys); validate-definition.ts checks what the service checks.
 */
import { validation } from '../../aws/service-error.js';
import type { ConditionDef } from './conditions.js';

export const DEFINITION_VERSION = '2020-12-01';

/**
 * A declared parameter.
 *
 * @example { Name: 'MseThreshold', Type: 'Float', DefaultValue: 6.0 }
 */
export interface ParameterDef {
  Name: string;
  Type?: string;
  DefaultValue?: unknown;
  EnumValues?: unknown[];
  Description?: string;
}

/**
 * A step retry policy (StepRetryPolicy / SageMakerJobStepRetryPolicy).
 *
 * @example { ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 10 }
 */
export interface RetryPolicyDef {
  ExceptionType?: string[] | string;
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  ExpireAfterMin?: number;
}

/**
 * A Processing step's declared JSON output file.
 *
 * @example { PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }
 */
export interface PropertyFileDef {
  PropertyFileName: string;
  OutputName: string;
  FilePath: string;
}

/**
 * One step, as the definition holds it (type-specific top-level fields included).
 *
 * @example { Name: 'Check', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] } }
 */
export interface StepDef {
  Name: string;
  Type: string;
  Arguments?: Record<string, unknown>;
  DependsOn?: string[];
  DisplayName?: string;
  Description?: string;
  CacheConfig?: { Enabled?: boolean; ExpireAfter?: string } | null;
  RetryPolicies?: RetryPolicyDef[] | null;
  PropertyFiles?: PropertyFileDef[] | null;
  [extra: string]: unknown;
}

/**
 * A Condition step's Arguments.
 *
 * @example { Conditions: [{ Type: 'Equals', LeftValue: 1, RightValue: 1 }], IfSteps: [], ElseSteps: [] }
 */
export interface ConditionArguments {
  Conditions?: ConditionDef[];
  IfSteps?: StepDef[];
  ElseSteps?: StepDef[];
}

/**
 * The whole document.
 *
 * @example { Version: '2020-12-01', Parameters: [], Steps: [] }
 */
export interface PipelineDefinitionDoc {
  Version: string;
  Metadata?: Record<string, string> | null;
  Parameters?: ParameterDef[] | null;
  PipelineExperimentConfig?: { ExperimentName?: unknown; TrialName?: unknown } | null;
  MlflowConfig?: { MlflowResourceArn?: unknown; MlflowExperimentName?: unknown } | null;
  Steps: StepDef[];
}

/**
 * A step with where it sits: top level, or in a condition's IfSteps / ElseSteps.
 *
 * @example placeSteps(doc)[4] // { def: {...}, order: 4, branch: { condition: 'AbaloneMSECond', outcome: true } }
 */
export interface PlacedStep {
  def: StepDef;
  /** Definition order (depth first), used to start ready steps fairly. */
  order: number;
  branch?: { condition: string; outcome: boolean };
}

/**
 * Parses the JSON text; ValidationException when it is not a definition at all.
 *
 * @example parseDefinition('{"Version":"2020-12-01","Steps":[]}').Steps // []
 */
export function parseDefinition(text: string): PipelineDefinitionDoc {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw validation(`Pipeline definition is not valid JSON: ${(error as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw validation('Pipeline definition must be a JSON object.');
  const d = doc as Partial<PipelineDefinitionDoc>;
  if (d.Version !== DEFINITION_VERSION) {
    throw validation(`Pipeline definition Version '${String(d.Version)}' is not supported; the supported version is ${DEFINITION_VERSION}.`);
  }
  if (!Array.isArray(d.Steps)) throw validation('Pipeline definition must contain a Steps list.');
  if (d.Parameters !== undefined && d.Parameters !== null && !Array.isArray(d.Parameters)) throw validation('Pipeline definition Parameters must be a list.');
  return d as PipelineDefinitionDoc;
}

/**
 * Every step of the tree in definition order, each with its branch.
 *
 * @example placeSteps(doc).map((s) => s.def.Name)
 */
export function placeSteps(doc: PipelineDefinitionDoc): PlacedStep[] {
  const out: PlacedStep[] = [];
  const walk = (steps: unknown, branch: PlacedStep['branch']): void => {
    if (!Array.isArray(steps)) return;
    for (const s of steps as StepDef[]) {
      out.push({ def: s, order: out.length, ...(branch ? { branch } : {}) });
      if (s && s.Type === 'Condition') {
        const args = (s.Arguments ?? {}) as ConditionArguments;
        walk(args.IfSteps, { condition: s.Name, outcome: true });
        walk(args.ElseSteps, { condition: s.Name, outcome: false });
      }
    }
  };
  walk(doc.Steps, undefined);
  return out;
}

/** Top-level fields of a step that are not data (never scanned for references). */
const ENVELOPE = new Set(['Name', 'Type', 'DependsOn', 'DisplayName', 'Description', 'CacheConfig', 'RetryPolicies', 'PropertyFiles']);

/**
 * What of a step may hold expressions: its Arguments (for a Condition, only its Conditions)
 * and its type-specific top-level fields.
 *
 * @example stepDataFields(step) // { Arguments: {...}, SqsQueueUrl: '...' }
 */
export function stepDataFields(def: StepDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(def)) {
    if (ENVELOPE.has(k)) continue;
    if (k === 'Arguments' && def.Type === 'Condition') out.Conditions = (v as ConditionArguments | undefined)?.Conditions;
    else out[k] = v;
  }
  return out;
}
