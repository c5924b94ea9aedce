import type { Generated } from 'kysely';

/**
 * Table types of the durable engine and of training jobs (migrations 003 and 004), kept beside
 * `schema.ts` so each family's tables read in one place. Timestamps are epoch milliseconds.
 */

/** One unit of durable work (see src/engine). */
export interface WorkItemTable {
  id: Generated<number>;
  /** Which handler runs it, e.g. `training-job`. */
  kind: string;
  /** The resource it works on (unique per kind), e.g. the training job's row id. */
  resource_key: string;
  /** `queued` | `running` | `done`. */
  state: string;
  /** How many times it was claimed (the first run is attempt 1). */
  attempts: number;
  /** `<host>/<pid>/<start>` of the engine holding the lease. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  heartbeat_at: number | null;
  /** Not claimed before this time (retry back-off). */
  run_after: number;
  /** 1 once a stop was asked for; survives a restart. */
  cancel_requested: number;
  /** JSON given at enqueue. */
  payload: string;
  /** JSON the handler recorded to find its work again after a crash (the process identity). */
  handle: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/** One training job. The request is kept as sent; `state` holds what the job did. */
export interface TrainingJobTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  name: string;
  /** lower(name): names are unique case-insensitively. */
  name_key: string;
  arn: string;
  /** TrainingJobStatus. */
  status: string;
  /** SecondaryStatus. */
  secondary_status: string;
  creation_time: number;
  last_modified_time: number;
  training_start_time: number | null;
  training_end_time: number | null;
  failure_reason: string | null;
  /** JSON: the CreateTrainingJob request with defaults applied (what Describe echoes). */
  request: string;
  /** JSON: TrainingJobState (transitions, final metrics, artifacts, attempts). */
  state: string;
}

/** One metric data point parsed from a job's log. */
export interface TrainingMetricTable {
  job_id: number;
  name: string;
  /** 0-based index of the point within (job, attempt, name). */
  step: number;
  value: number;
  timestamp: number;
  attempt: number;
}

/** A CloudWatch-Logs-shaped log stream (one per training job attempt). */
export interface LogStreamTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  group_name: string;
  stream_name: string;
  job_id: number | null;
  creation_time: number;
  first_event_time: number | null;
  last_event_time: number | null;
  last_ingestion_time: number | null;
  stored_bytes: number;
  event_count: number;
  /** 1 once the per-stream cap was reached (a marker event says so). */
  truncated: number;
}

/** One log event (one line of the job's output). */
export interface LogEventTable {
  id: Generated<number>;
  stream_id: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
}
