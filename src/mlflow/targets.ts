/**
 * Where a training job's run lives: an embedded namespace (written in process, no HTTP) or an
 * external MLflow server (sagebox's REST client). Both speak the same four steps the job sync
 * needs, with MLflow's semantics.
 */
import type { Store } from '../store/database.js';
import { MlflowClient, clientOptionsFromEnv, MlflowUnavailableError } from './client.js';
import { createExperiment, getExperimentByName } from './experiments.js';
import { createRun, insertLatest, logBatch, updateRun } from './runs.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { MlflowError, type KeyValue, type Metric, type RunStatus } from './wire.js';

/**
 * A run's home, as the job sync uses it.
 *
 * @example
 *   const target = localTarget(store, trackingId, url, () => Date.now());
 *   const runId = await target.createRun(await target.experimentId('churn'), 'job-1', [], Date.now(), jobId);
 *   await target.endRun(runId, 'FINISHED', Date.now());
 */
export interface TrackingTarget {
  /** For messages: the REST root. */
  url: string;
  /** The experiment's id, creating it when no experiment has that name. */
  experimentId(name: string): Promise<string>;
  /** `jobId`: the training job the run stands for (an embedded server reads its series in place); none for a pipeline's parent run. */
  createRun(experimentId: string, runName: string, tags: KeyValue[], startTime: number, jobId?: number): Promise<string>;
  logBatch(runId: string, batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void>;
  endRun(runId: string, status: RunStatus, endTime: number): Promise<void>;
  /** Back to RUNNING (a retried pipeline execution's parent run). */
  reopenRun(runId: string): Promise<void>;
  /**
   * Embedded servers only: the run already reads the job's series in place (createRun's
   * `jobId`), so following a series costs one step per pass, not one write per point: move the
   * run's latest value of the series to its last point at or after `fromStep`, and record the
   * progress (`record`, same transaction). Returns how many points that covered and the last step.
   */
  followTrainingSeries?(
    runId: string, series: { jobId: number; attempt: number; name: string }, fromStep: number,
    record: (trx: Kysely<Database>, next: number, covered: number) => Promise<void>,
  ): Promise<{ covered: number; lastStep: number }>;
}

/** Errors worth retrying later (the server is down, slow, or not serving), as opposed to refusals. */
export function isTransient(error: unknown): boolean {
  if (error instanceof MlflowUnavailableError) return true;
  if (error instanceof MlflowError) return error.httpStatus >= 500 || error.httpStatus === 429;
  return false;
}

/** The embedded namespace `trackingId`. */
export function localTarget(store: Store, trackingId: number, url: string, now: () => number): TrackingTarget {
  const db = store.db;
  return {
    url,
    async experimentId(name) {
      try {
        const e = await getExperimentByName(db, trackingId, name);
        if (e.lifecycle_stage === 'active') return e.experiment_id;
        throw new MlflowError('INVALID_STATE', `Experiment '${name}' is deleted; restore it or choose another MlflowExperimentName.`, 400);
      } catch (error) {
        if (error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') {
          try {
            return await createExperiment(db, trackingId, { name }, now());
          } catch (e) {
            if (e instanceof MlflowError && e.errorCode === 'RESOURCE_ALREADY_EXISTS') return (await getExperimentByName(db, trackingId, name)).experiment_id;
            throw e;
          }
        }
        throw error;
      }
    },
    async createRun(experimentId, runName, tags, startTime, jobId) {
      return (await createRun(db, trackingId, { experiment_id: experimentId, run_name: runName, tags, start_time: startTime }, now(), jobId ?? null)).info.run_id;
    },
    async logBatch(runId, batch) {
      await logBatch(db, trackingId, { run_id: runId, ...batch }, now());
    },
    async endRun(runId, status, endTime) {
      await updateRun(db, trackingId, { run_id: runId, status, end_time: endTime });
    },
    async reopenRun(runId) {
      await updateRun(db, trackingId, { run_id: runId, status: 'RUNNING' });
    },
    async followTrainingSeries(runId, series, fromStep, record) {
      return db.transaction().execute(async (trx) => {
        const run = await trx.selectFrom('mlflow_runs').select('lifecycle_stage').where('run_uuid', '=', runId).executeTakeFirst();
        if (!run) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
        if (run.lifecycle_stage !== 'active') throw new MlflowError('INVALID_PARAMETER_VALUE', `The run ${runId} must be in the 'active' state. Current state is ${run.lifecycle_stage}.`);
        const points = trx.selectFrom('training_metrics')
          .where('job_id', '=', series.jobId).where('attempt', '=', series.attempt).where('name', '=', series.name).where('step', '>=', fromStep);
        const last = await points.select(['step', 'value', 'timestamp']).orderBy('step', 'desc').limit(1).executeTakeFirst();
        if (!last) return { covered: 0, lastStep: fromStep - 1 };
        const lastStep = Number(last.step);
        const counted = await points.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const covered = Number(counted.n);
        await insertLatest(trx, runId, { key: series.name, value: last.value, is_nan: 0, timestamp: Number(last.timestamp), step: lastStep });
        await record(trx, lastStep + 1, covered);
        return { covered, lastStep };
      });
    },
  };
}

/** An external server: no client-side retries (the job sync retries with its own back-off). */
export function remoteTarget(uri: string): TrackingTarget {
  const client = new MlflowClient(uri, { ...clientOptionsFromEnv(), retries: 0, timeoutMs: 5000 });
  return {
    url: uri,
    async experimentId(name) {
      const e = await client.getExperimentByName(name);
      if (e) return e.experiment_id;
      try {
        return (await client.createExperiment({ name })).experiment_id;
      } catch (error) {
        if (error instanceof MlflowError && error.errorCode === 'RESOURCE_ALREADY_EXISTS') return (await client.getExperimentByName(name))!.experiment_id;
        throw error;
      }
    },
    async createRun(experimentId, runName, tags, startTime) {
      return (await client.createRun({ experiment_id: experimentId, run_name: runName, tags, start_time: startTime })).info.run_id;
    },
    async logBatch(runId, batch) {
      await client.logBatch({ run_id: runId, ...batch });
    },
    async endRun(runId, status, endTime) {
      await client.updateRun({ run_id: runId, status, end_time: endTime });
    },
    async reopenRun(runId) {
      await client.updateRun({ run_id: runId, status: 'RUNNING' });
    },
  };
}
