/**
 * The `mlflow-job` work: follows one training job into its MLflow run, in passes. Each pass
 * creates the run once the job trains (params = HyperParameters, tags naming the job), brings
 * the run up to date with the metric points stored since the last pass (training_metrics is the
 * durable buffer; a cursor per series says how far it got), and, once the job has ended and
 * everything is through, sets the run's final status (Completed → FINISHED, Failed → FAILED,
 * Stopped → KILLED). On an embedded server the run reads the job's series in place, so a pass
 * only moves latest values and cursors; an external server gets the points as log-batch calls.
 * Between passes the item waits in the queue (1 s), so it holds no engine slot while a job runs.
 * A pipeline step's run is created as a child of its execution's parent run (pipeline-runs.ts).
 *
 * An MLflow server that is down, slow or stopped never touches the job: the pass notes it in the
 * job's log, and the item retries with back-off (up to a minute apart) for as long as 24 hours
 * after the job ended, then gives up and says so in the log.
 */
import type { WorkHandler, WorkOutcome } from '../engine/engine.js';
import { JobOutputWriter, openLogStream } from '../sagemaker/training/log-writer.js';
import { loadJob, parseRequest, parseState, TERMINAL, type JobRow } from '../sagemaker/training/job-store.js';
import type { MlflowDeps } from './deps.js';
import { parentRunFor } from './pipeline-runs.js';
import { GIVE_UP_MS, resolveTarget, retryDelayMs, serialized } from './sync-support.js';
import { isTransient, type TrackingTarget } from './targets.js';
import type { MlflowJobLinkTable } from './tables.js';
import { MlflowError, type KeyValue, type Metric, type RunStatus } from './wire.js';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.js';

type Link = Selectable<MlflowJobLinkTable>;
const POLL_MS = 1000;
/** Before Training the pass only checks the status; the Training-start hook nudges it awake. */
const WAITING_POLL_MS = 5000;
const BATCH = 1000;
/** Points copied per pass before the item yields (and requeues at once). */
const PASS_POINTS = 50_000;

/** The engine work kind of job syncs (resource key: the training job's row id). */
export const MLFLOW_JOB_WORK = 'mlflow-job';

const FINAL: Record<string, RunStatus> = { Completed: 'FINISHED', Failed: 'FAILED', Stopped: 'KILLED' };

/** Appends a `sagebox:` line to the job's latest log stream. */
async function note(deps: MlflowDeps, job: JobRow, text: string): Promise<void> {
  const state = parseState(job);
  const stream = state.logStreams.at(-1);
  if (!stream) return;
  const now = deps.clock.now();
  const streamId = await openLogStream(deps.store.db, { accountId: job.account_id, region: job.region, jobId: job.id }, stream, now);
  const writer = new JobOutputWriter(deps.store.db, streamId, job.id, state.attempt, { maxEvents: Number.MAX_SAFE_INTEGER, now: () => deps.clock.now() });
  await writer.init();
  void writer.line(`sagebox: ${text}`, now);
  await writer.close();
}

async function updateLink(deps: MlflowDeps, jobId: number, changes: Partial<Omit<Link, 'job_id'>>): Promise<void> {
  await deps.store.db.updateTable('mlflow_job_links').set(changes).where('job_id', '=', jobId).execute();
}

function trained(job: JobRow): boolean {
  return job.secondary_status === 'Training' || parseState(job).transitions.some((t) => t.Status === 'Training');
}

/**
 * Creates the run and logs the job's hyperparameters and identity tags. A pipeline step's job
 * is nested under its execution's parent run (created first if it is not yet): same
 * experiment, `mlflow.parentRunId`, as MLflow's own nested runs.
 */
async function createRun(deps: MlflowDeps, target: TrackingTarget, link: Link, job: JobRow): Promise<Link> {
  const parent = await parentRunFor(deps, target, link.parent_execution_id);
  const experimentId = link.experiment_id ?? parent?.experimentId ?? await target.experimentId(link.experiment_name);
  const tags: KeyValue[] = [
    { key: 'sagemaker.training_job_name', value: job.name }, { key: 'sagemaker.training_job_arn', value: job.arn },
    { key: 'mlflow.source.name', value: job.arn }, { key: 'mlflow.source.type', value: 'JOB' }, { key: 'mlflow.user', value: job.account_id },
    ...(parent ? [{ key: 'mlflow.parentRunId', value: parent.runId }] : []),
  ];
  const runId = await target.createRun(experimentId, link.run_name, tags, job.training_start_time ?? deps.clock.now(), job.id);
  // The run exists from here on: MlflowDetails may show it even if a later step is retried.
  await updateLink(deps, job.id, { experiment_id: experimentId, run_id: runId, state: 'logging' });
  const params = Object.entries(parseRequest(job).HyperParameters ?? {}).map(([key, value]) => ({ key, value: String(value) }));
  for (let i = 0; i < params.length; i += 100) await target.logBatch(runId, { params: params.slice(i, i + 100) });
  return { ...link, experiment_id: experimentId, run_id: runId, state: 'logging' };
}

/** Series of the job (attempt, metric name), found by index seeks rather than a scan of every point. */
async function seriesOf(deps: MlflowDeps, jobId: number): Promise<{ attempt: number; name: string }[]> {
  const db = deps.store.db;
  const out: { attempt: number; name: string }[] = [];
  const maxAttempt = await db.selectFrom('training_metrics').select((eb) => eb.fn.max('attempt').as('a')).where('job_id', '=', jobId).executeTakeFirst();
  for (let attempt = 1; attempt <= Number(maxAttempt?.a ?? 0); attempt++) {
    let after = '';
    for (;;) {
      const next = await db.selectFrom('training_metrics').select((eb) => eb.fn.min('name').as('n'))
        .where('job_id', '=', jobId).where('attempt', '=', attempt).where('name', '>', after).executeTakeFirst();
      if (next?.n === null || next?.n === undefined) break;
      out.push({ attempt, name: String(next.n) });
      after = String(next.n);
    }
  }
  return out;
}

async function saveCursor(db: Kysely<Database>, jobId: number, s: { attempt: number; name: string }, next: number, added: number): Promise<void> {
  await db.insertInto('mlflow_job_cursors').values({ job_id: jobId, attempt: s.attempt, name: s.name, next_step: next })
    .onConflict((oc) => oc.columns(['job_id', 'attempt', 'name']).doUpdateSet({ next_step: next })).execute();
  await db.updateTable('mlflow_job_links').set((eb) => ({ points_logged: eb('points_logged', '+', added) })).where('job_id', '=', jobId).execute();
}

/** Copies new points to the run; returns how many, and whether more remain past the pass budget. */
async function copyPoints(deps: MlflowDeps, target: TrackingTarget, link: Link): Promise<{ copied: number; more: boolean }> {
  const db = deps.store.db;
  const cursors = new Map((await db.selectFrom('mlflow_job_cursors').selectAll().where('job_id', '=', link.job_id).execute())
    .map((c) => [`${c.attempt}\u0000${c.name}`, Number(c.next_step)]));
  let copied = 0;
  for (const s of await seriesOf(deps, link.job_id)) {
    const key = `${s.attempt}\u0000${s.name}`;
    let next = cursors.get(key) ?? 0;
    for (;;) {
      if (copied >= PASS_POINTS) return { copied, more: true };
      if (target.followTrainingSeries) {
        const res = await target.followTrainingSeries(link.run_id!, { jobId: link.job_id, attempt: s.attempt, name: s.name }, next,
          (trx, to, added) => saveCursor(trx, link.job_id, s, to, added));
        copied += res.covered;
        break;
      }
      const rows = await db.selectFrom('training_metrics').select(['step', 'value', 'timestamp'])
        .where('job_id', '=', link.job_id).where('attempt', '=', s.attempt).where('name', '=', s.name).where('step', '>=', next)
        .orderBy('step').limit(BATCH).execute();
      if (rows.length === 0) break;
      const metrics: Metric[] = rows.map((r) => ({ key: s.name, value: r.value, timestamp: Number(r.timestamp), step: Number(r.step) }));
      await target.logBatch(link.run_id!, { metrics });
      next = Number(rows.at(-1)!.step) + 1;
      copied += rows.length;
      await saveCursor(db, link.job_id, s, next, rows.length);
      if (rows.length < BATCH) break;
    }
  }
  return { copied, more: false };
}

async function retryLater(deps: MlflowDeps, link: Link, job: JobRow, reason: string, attempts: number): Promise<WorkOutcome> {
  const now = deps.clock.now();
  if (link.failing_since === null) {
    await note(deps, job, `MLflow logging is delayed: ${reason}. Metrics are kept and sent when the server answers; the job is not affected.`);
  }
  const ended = TERMINAL.has(job.status) ? job.training_end_time ?? job.last_modified_time : undefined;
  if (ended !== undefined && now - ended > GIVE_UP_MS) {
    await note(deps, job, `MLflow logging gave up 24 hours after the job ended (${reason}); ${link.points_logged} metric points had been logged.`);
    await updateLink(deps, link.job_id, { state: 'done', last_error: reason });
    return { kind: 'done' };
  }
  await updateLink(deps, link.job_id, { failing_since: link.failing_since ?? now, last_error: reason });
  return { kind: 'requeue', afterMs: retryDelayMs(attempts), countAttempt: false, reason };
}

/** Runs `fn` alone for this job in this process (the engine's pass and the Training-start hook). */
function withJobLock<T>(deps: MlflowDeps, jobId: number, fn: () => Promise<T>): Promise<T> {
  return serialized(deps, `job:${jobId}`, fn);
}

/**
 * Called as the job enters Training: on an embedded server the run is created right away (a
 * database write), so DescribeTrainingJob shows MlflowDetails from the start of training. An
 * external server is left to the background pass (the job never waits on the network).
 */
export async function createRunAtTrainingStart(deps: MlflowDeps, jobId: number): Promise<void> {
  await withJobLock(deps, jobId, async () => {
    const link = await deps.store.db.selectFrom('mlflow_job_links').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    const job = await loadJob(deps.store.db, jobId);
    if (!link || !job || link.run_id || link.state !== 'waiting') return;
    const resolved = await resolveTarget(deps, link);
    if (!('target' in resolved) || !resolved.local) return;
    await createRun(deps, resolved.target, link, job);
  }).catch((error: unknown) => deps.logger.warn({ err: error, jobId }, 'mlflow: run creation at Training start failed; the background pass retries'));
}

/** One pass over one job. */
async function pass(deps: MlflowDeps, jobId: number, attempts: number): Promise<WorkOutcome> {
  let link = await deps.store.db.selectFrom('mlflow_job_links').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  const job = await loadJob(deps.store.db, jobId);
  if (!link || !job || link.state === 'done') return { kind: 'done' };
  const terminal = TERMINAL.has(job.status);
  if (link.state === 'waiting' && !trained(job)) {
    if (!terminal) return { kind: 'requeue', afterMs: WAITING_POLL_MS, countAttempt: false };
    await updateLink(deps, jobId, { state: 'done' }); // ended before training: no run ([I], docs/mlflow.md)
    return { kind: 'done' };
  }
  const resolved = await resolveTarget(deps, link);
  if ('gone' in resolved) {
    await note(deps, job, `MLflow logging stopped: ${resolved.gone}.`);
    await updateLink(deps, jobId, { state: 'done', last_error: resolved.gone });
    return { kind: 'done' };
  }
  if ('transient' in resolved) return retryLater(deps, link, job, resolved.transient, attempts);
  const { target } = resolved;
  try {
    if (!link.run_id) link = await createRun(deps, target, link, job);
    const { copied, more } = await copyPoints(deps, target, link);
    if (link.failing_since !== null) {
      await note(deps, job, `MLflow server ${target.url} answers again; logging resumed (${copied} buffered metric points sent).`);
      await updateLink(deps, jobId, { failing_since: null, last_error: null });
    }
    if (more) return { kind: 'requeue', afterMs: 0, countAttempt: false };
    // Re-read: the job may have ended (and written its last points) during this pass.
    const now = await loadJob(deps.store.db, jobId);
    if (!now || !TERMINAL.has(now.status) || !terminal) return { kind: 'requeue', afterMs: POLL_MS, countAttempt: false };
    await target.endRun(link.run_id!, FINAL[now.status] ?? 'FINISHED', now.training_end_time ?? deps.clock.now());
    await updateLink(deps, jobId, { state: 'done' });
    return { kind: 'done' };
  } catch (error) {
    if (isTransient(error)) return retryLater(deps, link, job, (error as Error).message, attempts);
    if (error instanceof MlflowError) {
      await note(deps, job, `MLflow logging stopped: the server refused it (${error.errorCode}: ${error.message}).`);
      await updateLink(deps, jobId, { state: 'done', last_error: `${error.errorCode}: ${error.message}` });
      return { kind: 'done' };
    }
    throw error;
  }
}

/**
 * @example deps.engine.register(MLFLOW_JOB_WORK, jobSyncHandler(deps), 4);
 */
export function jobSyncHandler(deps: MlflowDeps): WorkHandler<{ jobId: number }> {
  let failures = new Map<number, number>();
  return {
    async run(item) {
      const outcome = await withJobLock(deps, item.payload.jobId, () => pass(deps, item.payload.jobId, failures.get(item.payload.jobId) ?? 0));
      if (outcome.kind === 'requeue' && outcome.reason) failures.set(item.payload.jobId, (failures.get(item.payload.jobId) ?? 0) + 1);
      else failures.delete(item.payload.jobId);
      if (failures.size > 10_000) failures = new Map();
      return outcome;
    },
    async fail(item, reason) {
      await updateLink(deps, item.payload.jobId, { state: 'done', last_error: reason });
    },
  };
}
