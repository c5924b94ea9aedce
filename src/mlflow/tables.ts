import type { Generated, Selectable } from 'kysely';

/**
 * MLflow's tables (migration `009_mlflow`), added to the store's `Database` type by module
 * augmentation so that `store.db` knows them without the shared schema file changing.
 *
 * Three groups:
 * - `mlflow_resources`: the SageMaker side, one row per tracking server or MLflow App.
 * - the tracking store (`mlflow_experiments` … `mlflow_model_versions`): one MLflow namespace per
 *   resource row (`tracking_id`), laid out like MLflow's own SQL store (latest metric values
 *   kept apart so runs/get and runs/search do not scan the history).
 * - the training-job link (`mlflow_job_links`, `mlflow_job_cursors`): which run a job logs to and
 *   how far its metric series has been copied there (the durable buffer for slow servers).
 * - the pipeline parent runs (`mlflow_pipeline_runs`, migration `011_pipeline_mlflow`): the run
 *   of each execution with MLflow settings, which its training steps' runs are nested under.
 */
declare module '../store/schema.js' {
  interface Database {
    mlflow_resources: MlflowResourceTable;
    mlflow_experiments: MlflowExperimentTable;
    mlflow_experiment_tags: MlflowExperimentTagTable;
    mlflow_runs: MlflowRunTable;
    mlflow_params: MlflowKeyValueTable;
    mlflow_tags: MlflowKeyValueTable;
    mlflow_metrics: MlflowMetricTable;
    mlflow_latest_metrics: MlflowLatestMetricTable;
    mlflow_registered_models: MlflowRegisteredModelTable;
    mlflow_model_versions: MlflowModelVersionTable;
    mlflow_job_links: MlflowJobLinkTable;
    mlflow_job_cursors: MlflowJobCursorTable;
    mlflow_pipeline_runs: MlflowPipelineRunTable;
  }
}

/** One tracking server (`kind = 'server'`) or MLflow App (`kind = 'app'`). */
export interface MlflowResourceTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  kind: string;
  /** TrackingServerName / MlflowApp Name, as the caller spelled it. */
  name: string;
  /** lower(name) for servers (unique per account and region); apps are keyed by their id. */
  name_key: string;
  /** The id in the URL path and ARN: `t-…` for servers (not in the ARN), `app-…` for apps. */
  public_id: string;
  arn: string;
  /** TrackingServerStatus / MlflowAppStatus. */
  status: string;
  creation_time: number;
  last_modified_time: number;
  /** JSON: the settings Describe echoes (ArtifactStoreUri, RoleArn, sizes, modes, CreatedBy, …). */
  doc: string;
  /** An external MLflow server this resource stands for (attached by configuration), or null. */
  external_uri: string | null;
}
export type MlflowResourceRow = Selectable<MlflowResourceTable>;

export interface MlflowExperimentTable {
  id: Generated<number>;
  tracking_id: number;
  /** The MLflow experiment id within its resource ("0" is Default). */
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface MlflowExperimentTagTable {
  tracking_id: number;
  experiment_id: number;
  key: string;
  value: string;
}

export interface MlflowRunTable {
  id: Generated<number>;
  tracking_id: number;
  /** 32 lowercase hex characters. */
  run_uuid: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: number | null;
  /**
   * Set on the run of a training job on an embedded server: the job's stored metric series
   * (`training_metrics`) is part of this run's history, read in place rather than copied.
   */
  source_job_id: number | null;
}

/** Params and run tags (one table each, same shape). */
export interface MlflowKeyValueTable {
  run_uuid: string;
  key: string;
  value: string;
}

/** One point of a metric's history (key: run, key, timestamp, step, value, is_nan, as in MLflow). */
export interface MlflowMetricTable {
  run_uuid: string;
  key: string;
  /** NaN is stored as 0 with `is_nan = 1` (SQL has no NaN); ±Infinity as ±1.7976931348623157e308. */
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

/** The latest value per (run, key): latest timestamp, then step, ties to the max value. */
export interface MlflowLatestMetricTable {
  run_uuid: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

export interface MlflowRegisteredModelTable {
  id: Generated<number>;
  tracking_id: number;
  name: string;
  description: string | null;
  creation_time: number;
  last_updated_time: number;
  /** JSON object of tags. */
  tags: string;
}

export interface MlflowModelVersionTable {
  id: Generated<number>;
  tracking_id: number;
  name: string;
  version: number;
  source: string;
  run_id: string | null;
  status: string;
  current_stage: string;
  description: string | null;
  user_id: string | null;
  creation_time: number;
  last_updated_time: number;
  /** JSON object of tags. */
  tags: string;
  /** The SageMaker model package this version was registered as (AutomaticModelRegistration), if any. */
  model_package_arn: string | null;
}

/** A training job with MlflowConfig: where it logs, and the state of its sync. */
export interface MlflowJobLinkTable {
  job_id: number;
  account_id: string;
  region: string;
  job_name: string;
  resource_arn: string;
  experiment_name: string;
  run_name: string;
  /** Filled once the run exists (MlflowDetails). */
  experiment_id: string | null;
  run_id: string | null;
  /** `waiting` (for Training) → `logging` → `done`. */
  state: string;
  /** Set while the MLflow server cannot be reached (epoch ms of the first failure). */
  failing_since: number | null;
  last_error: string | null;
  /** Points copied so far (all metrics, all attempts). */
  points_logged: number;
  /** A pipeline step's job: the execution whose parent run this run is nested under (`mlflow.parentRunId`). */
  parent_execution_id: number | null;
}

/** How far one metric series of one attempt has been copied to the run. */
export interface MlflowJobCursorTable {
  job_id: number;
  attempt: number;
  name: string;
  /** The next training_metrics.step to copy. */
  next_step: number;
}

/** The parent run of a pipeline execution that logs to MLflow. */
export interface MlflowPipelineRunTable {
  /** pipeline_executions.id. */
  execution_id: number;
  account_id: string;
  region: string;
  resource_arn: string;
  experiment_name: string;
  run_name: string;
  /** Filled once the run exists. */
  experiment_id: string | null;
  run_id: string | null;
  /** The status last written to the run (RUNNING once created; the final one once ended). */
  synced_status: string | null;
  /** `active` while the run follows the execution, `done` once its final status is written (a retry reopens it). */
  state: string;
  /** Set while the MLflow server cannot be reached (epoch ms of the first failure). */
  failing_since: number | null;
  last_error: string | null;
}
