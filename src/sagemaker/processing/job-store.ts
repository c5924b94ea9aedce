/**
 * Processing job rows and their status machine: InProgress → Completed | Failed, or
 * InProgress → Stopping → Stopped. Changes run in a transaction that re-reads the row, so the
 * engine and StopProcessingJob never overwrite each other, and nothing leaves a terminal state.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { CreateProcessingJobRequest, ProcessingJobStatus } from '../../aws/generated/sagemaker/types.js';
import type { Database } from '../../store/schema.js';
import type { ProcessingJobRow } from './tables.js';

/**
 * What a job did, kept as JSON in `processing_jobs.state`.
 *
 * @example { attempt: 1, logStreams: ['prep/algo-1-1700000000'] }
 */
export interface ProcessingJobState {
  /** Attempts started so far (a restart of sagebox mid-job starts a new one). */
  attempt: number;
  /** Log streams of the attempts, oldest first (group /aws/sagemaker/ProcessingJobs). */
  logStreams: string[];
}

export const TERMINAL: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

/** @example parseState(row).attempt */
export function parseState(row: Pick<ProcessingJobRow, 'state'>): ProcessingJobState {
  return JSON.parse(row.state) as ProcessingJobState;
}

/** @example parseRequest(row).AppSpecification.ImageUri */
export function parseRequest(row: Pick<ProcessingJobRow, 'request'>): CreateProcessingJobRequest {
  return JSON.parse(row.request) as CreateProcessingJobRequest;
}

/**
 * The job with this name key in the caller's account and region.
 *
 * @example await findJob(db, ctx, 'prep')
 */
export function findJob(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameKey: string): Promise<ProcessingJobRow | undefined> {
  return db.selectFrom('processing_jobs').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('name_key', '=', nameKey)
    .executeTakeFirst();
}

/** @example await loadJob(db, item.payload.jobId) */
export function loadJob(db: Kysely<Database>, id: number): Promise<ProcessingJobRow | undefined> {
  return db.selectFrom('processing_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A status change and the fields that change with it.
 *
 * @example { status: 'Failed', failureReason: 'AlgorithmError: See job logs for more detail.', endTime: Date.now() }
 */
export interface JobUpdate {
  status?: ProcessingJobStatus;
  failureReason?: string;
  exitMessage?: string;
  /** Set once (the first attempt's start). */
  startTime?: number;
  endTime?: number;
  patch?: (state: ProcessingJobState) => void;
  /** Apply only if this returns true for the row as re-read. */
  when?: (row: ProcessingJobRow) => boolean;
}

/**
 * Applies an update in its own transaction. Returns the row after the change, or undefined when
 * the job is terminal or `when` refused.
 *
 * @example
 *   await updateJob(db, id, { status: 'Completed', endTime: Date.now() }, Date.now());
 */
export async function updateJob(db: Kysely<Database>, id: number, update: JobUpdate, now: number): Promise<ProcessingJobRow | undefined> {
  const apply = async (trx: Kysely<Database>): Promise<ProcessingJobRow | undefined> => {
    const row = await loadJob(trx, id);
    if (!row || TERMINAL.has(row.status)) return undefined;
    if (update.when && !update.when(row)) return undefined;
    const state = parseState(row);
    update.patch?.(state);
    const changes = {
      status: update.status ?? row.status,
      last_modified_time: now,
      state: JSON.stringify(state),
      ...(update.failureReason !== undefined ? { failure_reason: update.failureReason.slice(0, 1024) } : {}),
      ...(update.exitMessage !== undefined ? { exit_message: update.exitMessage.slice(0, 1024) } : {}),
      ...(update.startTime !== undefined && row.processing_start_time === null ? { processing_start_time: update.startTime } : {}),
      ...(update.endTime !== undefined ? { processing_end_time: update.endTime } : {}),
    };
    await trx.updateTable('processing_jobs').set(changes).where('id', '=', id).execute();
    return { ...row, ...changes };
  };
  return db.isTransaction ? apply(db) : db.transaction().execute(apply);
}
