/**
 * The MLflow tracking REST API's JSON shapes (mlflow/protos/service.proto and
 * model_registry.proto) as sagebox speaks them, server and client alike. Wire rules
 * (../shared/design/MLFLOW.md): snake_case names, int64 as JSON numbers, enums by name,
 * unset fields and empty arrays omitted, errors as `{"error_code","message"}`.
 */

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

export interface KeyValue { key: string; value: string }

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: 'active' | 'deleted';
  last_update_time?: number;
  creation_time?: number;
  tags?: KeyValue[];
}

export interface Metric {
  key: string;
  /** A double; NaN / ±Infinity travel as the strings "NaN", "Infinity", "-Infinity" (protobuf JSON). */
  value: number | string;
  timestamp: number;
  step?: number;
}

export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: RunStatus;
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage: 'active' | 'deleted';
}

export interface RunData {
  metrics?: Metric[];
  params?: KeyValue[];
  tags?: KeyValue[];
}

export interface Run {
  info: RunInfo;
  data: RunData;
  inputs?: Record<string, never>;
}

export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  run_link?: string;
  tags?: KeyValue[];
}

export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
}

/** Requests and responses of the endpoints sagebox serves, by endpoint. */
export interface CreateExperimentResponse { experiment_id: string }
export interface SearchExperimentsRequest { max_results?: number; page_token?: string; filter?: string; order_by?: string[]; view_type?: ViewType }
export interface SearchExperimentsResponse { experiments?: Experiment[]; next_page_token?: string }
export interface SearchRunsRequest {
  experiment_ids?: string[]; filter?: string; run_view_type?: ViewType; max_results?: number; order_by?: string[]; page_token?: string;
}
export interface SearchRunsResponse { runs?: Run[]; next_page_token?: string }
export interface MetricHistoryResponse { metrics?: Metric[]; next_page_token?: string }

/** MLflow's error codes sagebox uses, with the HTTP status `ERROR_CODE_TO_HTTP_STATUS` gives each. */
export const ERROR_HTTP_STATUS = {
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  INVALID_STATE: 500,
  INTERNAL_ERROR: 500,
  ENDPOINT_NOT_FOUND: 404,
  TEMPORARILY_UNAVAILABLE: 503,
} as const;
export type MlflowErrorCode = keyof typeof ERROR_HTTP_STATUS;

/**
 * An MLflow API error: answered as `{"error_code", "message"}` with the code's HTTP status;
 * the client throws it for such answers too.
 *
 * @example throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Run '${id}' not found`);
 */
export class MlflowError extends Error {
  override name = 'MlflowError';
  readonly httpStatus: number;
  constructor(readonly errorCode: string, message: string, httpStatus?: number) {
    super(message);
    this.httpStatus = httpStatus ?? ERROR_HTTP_STATUS[errorCode as MlflowErrorCode] ?? 500;
  }
  toJSON(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** `INVALID_PARAMETER_VALUE` with the given message. */
export const invalidParameter = (message: string): MlflowError => new MlflowError('INVALID_PARAMETER_VALUE', message);
/** `RESOURCE_DOES_NOT_EXIST` with the given message. */
export const doesNotExist = (message: string): MlflowError => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
/** The message MLflow's request parser gives for a missing required field. */
export const missingParameter = (name: string): MlflowError =>
  invalidParameter(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);

/** A metric value as JSON carries it (numbers, or protobuf's names for the non-finite ones). */
export function metricValueToWire(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** The inverse of metricValueToWire; undefined for anything that is not a double. */
export function metricValueFromWire(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
