/**
 * Training job rows and their status machine (SAGEMAKER-SEMANTICS §2.3). Every change of
 * SecondaryStatus closes the open SecondaryStatusTransition (EndTime = now) and opens the next;
 * a terminal status is entered with StartTime == EndTime. Changes run in a transaction that
 * re-reads the row, so the engine and StopTrainingJob never overwrite each other, and nothing
 * moves a job out of a terminal state.
 */
import type { Kysely, Selectable } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { Database } from '../../store/schema.js';
import type { TrainingJobTable } from '../../store/schema-training.js';
import type { ServerlessPlan } from '../serverless/plan.js';
import type { TrainingProgressInfo } from '../../aws/generated/sagemaker/types.js';
import type { CreateTrainingJobRequest, SecondaryStatus, TrainingJobStatus } from './shapes.js';

export type JobRow = Selectable<TrainingJobTable>;

/** One SecondaryStatusTransition, times in epoch ms. */
export interface StoredTransition {
  Status: SecondaryStatus;
  StartTime: number;
  EndTime?: number;
  StatusMessage: string;
}

/** What a job did, kept as JSON in `training_jobs.state`. */
export interface TrainingJobState {
  transitions: StoredTransition[];
  /** Last value per metric (FinalMetricDataList), times in epoch ms. */
  finalMetrics: { MetricName: string; Value: number; Timestamp: number }[];
  modelArtifacts?: string;
  /** Attempts started so far (1 on the first run). */
  attempt: number;
  /** 1 + RetryStrategy.MaximumRetryAttempts. */
  maxAttempts: number;
  /** Log streams of the attempts, oldest first. */
  logStreams: string[];
  /** Serverless jobs (ServerlessJobConfig) only: see src/sagemaker/serverless. */
  serverless?: ServerlessJobState;
}

/** What a serverless job keeps besides the classic state. */
export interface ServerlessJobState {
  /** Resolved at create time. */
  plan: ServerlessPlan;
  /** ProgressInfo as DescribeTrainingJob shows it ({} until the first step). */
  progress?: TrainingProgressInfo;
  /** Tokens the runtime processed (set when the job Completes or Stops, §3.6). */
  billableTokens?: number;
  /** The Logged output package, allocated when the job starts (FineTuning only). */
  outputPackageArn?: string;
  /** What the runtime wrote, once outputs are uploaded. */
  result?: { adapter: boolean; merged: boolean; stopped: boolean };
}

export const TERMINAL: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

/** Primary status of each secondary status (§2.3 table). */
export function primaryOf(secondary: SecondaryStatus, current: TrainingJobStatus): TrainingJobStatus {
  switch (secondary) {
    case 'Completed':
      return 'Completed';
    case 'Failed':
      return 'Failed';
    case 'Stopped':
    case 'MaxRuntimeExceeded':
    case 'MaxWaitTimeExceeded':
      return 'Stopped';
    case 'Stopping':
      return 'Stopping';
    default:
      // Uploading after a stop stays Stopping; otherwise InProgress.
      return current === 'Stopping' ? 'Stopping' : 'InProgress';
  }
}

export function parseState(row: Pick<JobRow, 'state'>): TrainingJobState {
  return JSON.parse(row.state) as TrainingJobState;
}

export function parseRequest(row: Pick<JobRow, 'request'>): CreateTrainingJobRequest {
  return JSON.parse(row.request) as CreateTrainingJobRequest;
}

/** The job with this name key in the caller's account and region. */
export function findJob(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameKey: string): Promise<JobRow | undefined> {
  return db.selectFrom('training_jobs').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('name_key', '=', nameKey)
    .executeTakeFirst();
}

export function loadJob(db: Kysely<Database>, id: number): Promise<JobRow | undefined> {
  return db.selectFrom('training_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A status change, plus the fields that change with it. */
export interface JobUpdate {
  secondary?: SecondaryStatus;
  message?: string;
  /** Forces the primary status (e.g. Stopping). */
  status?: TrainingJobStatus;
  failureReason?: string;
  trainingStartTime?: number;
  trainingEndTime?: number;
  /** Other changes to the state document. */
  patch?: (state: TrainingJobState) => void;
  /** Apply only if this returns true for the row as re-read (e.g. "still InProgress"). */
  when?: (row: JobRow) => boolean;
}

/**
 * Applies an update in its own transaction (or the caller's). Returns the row after the
 * change, or undefined when the job is terminal or `when` refused.
 *
 * @example
 *   await updateJob(db, jobId, { secondary: 'Training', message: 'Training image download completed. Training in progress.' }, Date.now());
 */
export async function updateJob(db: Kysely<Database>, id: number, update: JobUpdate, now: number): Promise<JobRow | undefined> {
  const apply = async (trx: Kysely<Database>): Promise<JobRow | undefined> => {
    const row = await loadJob(trx, id);
    if (!row || TERMINAL.has(row.status)) return undefined;
    if (update.when && !update.when(row)) return undefined;
    const state = parseState(row);
    let status = (update.status ?? row.status) as TrainingJobStatus;
    let secondary = row.secondary_status as SecondaryStatus;
    if (update.secondary && (update.secondary !== secondary || update.message !== state.transitions.at(-1)?.StatusMessage)) {
      status = update.status ?? primaryOf(update.secondary, status);
      const open = state.transitions.at(-1);
      if (open && open.EndTime === undefined) open.EndTime = now;
      const terminal = TERMINAL.has(status);
      state.transitions.push({
        Status: update.secondary, StartTime: now, ...(terminal ? { EndTime: now } : {}),
        StatusMessage: update.message ?? update.secondary,
      });
      secondary = update.secondary;
    }
    update.patch?.(state);
    const changes = {
      status, secondary_status: secondary, last_modified_time: now, state: JSON.stringify(state),
      ...(update.failureReason !== undefined ? { failure_reason: update.failureReason.slice(0, 1024) } : {}),
      ...(update.trainingStartTime !== undefined && row.training_start_time === null ? { training_start_time: update.trainingStartTime } : {}),
      ...(update.trainingEndTime !== undefined ? { training_end_time: update.trainingEndTime } : {}),
    };
    await trx.updateTable('training_jobs').set(changes).where('id', '=', id).execute();
    return { ...row, ...changes };
  };
  return db.isTransaction ? apply(db) : db.transaction().execute(apply);
}
