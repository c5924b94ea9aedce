import type { Generated, Selectable } from 'kysely';

/**
 * The pipeline tables (migration `008_pipelines`), added to the store's `Database` type by module
 * augmentation so that `store.db` knows them without the shared schema changing.
 */
declare module '../../store/schema.js' {
  interface Database {
    pipelines: PipelineTable;
    pipeline_versions: PipelineVersionTable;
    pipeline_executions: PipelineExecutionTable;
    pipeline_execution_steps: PipelineStepTable;
  }
}

/** One pipeline (CreatePipeline). */
export interface PipelineTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The caller's spelling, kept in the ARN. */
  name: string;
  /** lower(name): names are unique case-insensitively. */
  name_key: string;
  arn: string;
  display_name: string;
  description: string | null;
  role_arn: string;
  /** Active (Deleting is never observable: DeletePipeline removes the row at once). */
  status: string;
  /** JSON ParallelismConfiguration or null. */
  parallelism: string | null;
  latest_version: number;
  client_token: string | null;
  creation_time: number;
  last_modified_time: number;
  last_run_time: number | null;
  created_by: string;
  last_modified_by: string;
}

/** One version of a pipeline's definition (CreatePipeline = 1, each UpdatePipeline with a definition +1). */
export interface PipelineVersionTable {
  id: Generated<number>;
  pipeline_id: number;
  version: number;
  definition: string;
  creation_time: number;
}

/** One execution (StartPipelineExecution). */
export interface PipelineExecutionTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  pipeline_id: number;
  pipeline_name: string;
  pipeline_arn: string;
  /** 12 chars [a-z0-9]: the last part of the ARN. */
  exec_id: string;
  arn: string;
  display_name: string;
  description: string | null;
  /** Executing | Stopping | Stopped | Failed | Succeeded. */
  status: string;
  failure_reason: string | null;
  version_id: number;
  /** The definition this execution runs, frozen at start. */
  definition: string;
  role_arn: string;
  /** JSON [{Name, Value}]: every parameter's effective value as a string. */
  parameters: string;
  parallelism: string | null;
  selective: string | null;
  mlflow: string | null;
  experiment: string | null;
  client_token: string | null;
  request_hash: string | null;
  /** Runs so far (start = 1, each RetryPipelineExecution +1): keys the engine item. */
  run: number;
  /** 1 when a Fail step failed the execution (RetryPipelineExecution refuses it). */
  failed_by_fail_step: number;
  creation_time: number;
  last_modified_time: number;
  created_by: string;
}

/** One started (or selectively reused) step of an execution. */
export interface PipelineStepTable {
  id: Generated<number>;
  execution_id: number;
  pipeline_id: number;
  step_name: string;
  step_type: string;
  display_name: string | null;
  description: string | null;
  /** StepStatus. */
  status: string;
  start_time: number;
  end_time: number | null;
  attempt_count: number;
  failure_reason: string | null;
  /** JSON PipelineExecutionStepMetadata. */
  metadata: string;
  /** JSON property tree once Succeeded (what `Get Steps.X...` reads). */
  properties: string | null;
  /** A Condition's outcome: 1 / 0. */
  outcome: number | null;
  cache_key: string | null;
  cache_hit_source: string | null;
  selective_source: string | null;
  /** The job / model name of the current attempt, recorded before the create call (restart re-attaches to it). */
  resource_name: string | null;
  /** Epoch ms of the current attempt's start (retry policies' ExpireAfterMin counts from the first). */
  attempt_started: number | null;
  callback_token: string | null;
  /** JSON {status: 'Succeeded'|'Failed', outputs?, reason?} once a Send... call answered the callback. */
  callback_result: string | null;
  last_modified_time: number;
}

export type PipelineRow = Selectable<PipelineTable>;
export type PipelineVersionRow = Selectable<PipelineVersionTable>;
export type ExecutionRow = Selectable<PipelineExecutionTable>;
export type StepRow = Selectable<PipelineStepTable>;
