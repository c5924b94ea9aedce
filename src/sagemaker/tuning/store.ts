/**
 * Tuning job and trial rows: lookups, the state document, status changes. A status change
 * re-reads the row in a transaction, so the driver and StopHyperParameterTuningJob never
 * overwrite each other, and nothing moves a job out of a terminal state.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { Database } from '../../store/schema.js';
import type { TrialRow, TuningJobRow } from './tables.js';
import './tables.js';

export const TERMINAL_TUNING: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

/** A parent's completed trial, kept at create for warm start (parents are terminal: they never change). */
export interface ParentObservation {
  /** The parent's tuned and static values (strings), enough to map onto this job's ranges. */
  values: Record<string, string>;
  objective: number;
}

/** What a tuning job did beyond its row, kept as JSON in `tuning_jobs.state`. */
export interface TuningState {
  /** Why launching stopped before the budget (criterion met, runtime, space exhausted). */
  stopLaunching?: { reason: string; at: number };
  /** ConvergenceDetectedTime (epoch ms), when our convergence rule fired. */
  convergenceDetectedTime?: number;
  warmStart?: {
    observations: ParentObservation[];
    /** IdenticalDataAndAlgorithm: the parents' best training job (for OverallBestTrainingJob). */
    parentBest?: StoredSummary;
  };
  /** Ids of retryable-failed trials already launched again. */
  retried?: number[];
}

/** A HyperParameterTrainingJobSummary with epoch-ms times (JSON-safe). */
export type StoredSummary = Omit<T.HyperParameterTrainingJobSummary, 'CreationTime' | 'TrainingStartTime' | 'TrainingEndTime'> & {
  CreationTime: number;
  TrainingStartTime?: number;
  TrainingEndTime?: number;
};

/**
 * The stored request of a tuning job.
 *
 * @example
 *   const req = parseTuningRequest(row); req.HyperParameterTuningJobConfig.Strategy;
 */
export function parseTuningRequest(row: Pick<TuningJobRow, 'request'>): T.CreateHyperParameterTuningJobRequest {
  return JSON.parse(row.request) as T.CreateHyperParameterTuningJobRequest;
}

/**
 * The state document of a tuning job.
 *
 * @example
 *   parseTuningState(row).stopLaunching?.reason;
 */
export function parseTuningState(row: Pick<TuningJobRow, 'state'>): TuningState {
  return JSON.parse(row.state) as TuningState;
}

/** The tuning job with this name key in the caller's account and region. */
export function findTuningJob(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameKey: string): Promise<TuningJobRow | undefined> {
  return db.selectFrom('tuning_jobs').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('name_key', '=', nameKey)
    .executeTakeFirst();
}

/**
 * A tuning job by row id.
 *
 * @example
 *   const job = await loadTuningJob(db, item.payload.tuningJobId);
 */
export function loadTuningJob(db: Kysely<Database>, id: number): Promise<TuningJobRow | undefined> {
  return db.selectFrom('tuning_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A tuning job's trials in launch order.
 *
 * @example
 *   const trials = await loadTrials(db, job.id);
 */
export function loadTrials(db: Kysely<Database>, tuningJobId: number): Promise<TrialRow[]> {
  return db.selectFrom('tuning_trials').selectAll().where('tuning_job_id', '=', tuningJobId).orderBy('seq').execute();
}

/**
 * Changes a tuning job in a transaction (re-reading it first); returns the new row, or
 * undefined when the job is terminal or `when` refused.
 *
 * @example
 *   await updateTuningJob(db, id, { status: 'Stopping', when: (r) => r.status === 'InProgress' }, Date.now());
 */
export async function updateTuningJob(
  db: Kysely<Database>, id: number,
  change: { status?: string; failureReason?: string; endTime?: number; patch?: (s: TuningState) => void; when?: (r: TuningJobRow) => boolean },
  now: number,
): Promise<TuningJobRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await loadTuningJob(trx, id);
    if (!row || TERMINAL_TUNING.has(row.status)) return undefined;
    if (change.when && !change.when(row)) return undefined;
    const state = parseTuningState(row);
    change.patch?.(state);
    const set = {
      status: change.status ?? row.status, last_modified_time: now, state: JSON.stringify(state),
      ...(change.failureReason !== undefined ? { failure_reason: change.failureReason.slice(0, 1024) } : {}),
      ...(change.endTime !== undefined ? { end_time: change.endTime } : {}),
    };
    await trx.updateTable('tuning_jobs').set(set).where('id', '=', id).execute();
    return { ...row, ...set };
  });
}
