/**
 * The engine's `tuning-job` work: one claimed item drives one tuning job from InProgress to
 * Completed, Failed or Stopped. Each pass syncs the running trials (objective, early stopping),
 * decides whether the job ends (budget spent, a completion criterion, MaxRuntimeInSeconds, the
 * first attempts all failing, a stop), launches trials into free parallel slots, then waits for
 * a training job to end (a nudge) or a short poll.
 *
 * Everything the driver knows is in the store (trial rows are written before their training
 * jobs are created), so after a restart or crash the next owner carries on from the rows: it
 * finishes creating a trial that was being created, never suggests a trial twice, and the
 * training jobs themselves are recovered by the training engine.
 */
import type { WorkHandler } from '../../engine/engine.js';
import { completionReason } from './completion.js';
import { jobContext, launchTrial, tuningTags } from './children.js';
import { resolveDefinitions } from './definitions.js';
import type { TuningDeps } from './deps.js';
import { countedTrials, launchMore, maxTrainingJobs, type LaunchMemory } from './launcher.js';
import { noJobSucceeded } from './messages.js';
import { loadTrials, loadTuningJob, parseTuningRequest, parseTuningState, TERMINAL_TUNING, updateTuningJob } from './store.js';
import { loadEndedCurves, syncTrials, type SyncCache } from './trial-sync.js';
import type { TrialRow, TuningJobRow } from './tables.js';

/** Failed first attempts after which a tuning job with no success fails (§6.2). */
export const FIRST_ATTEMPTS = 5;

/** Wakes drivers early (a training job ended, a stop was asked for). */
export class Nudger {
  private waiters = new Set<() => void>();

  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  nudge(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * The `tuning-job` WorkHandler.
 *
 * @example
 *   engine.register(TUNING_WORK, tuningWorkHandler(deps, new Nudger()), 8);
 */
export function tuningWorkHandler(deps: TuningDeps, nudger: Nudger, pollMs = 250): WorkHandler<{ tuningJobId: number }> {
  return {
    async run(item, wctx) {
      const id = item.payload.tuningJobId;
      const cache: SyncCache = { endedCurves: new Map(), checked: new Map() };
      const memory: LaunchMemory = { theta: new Map() };
      let first = true;
      for (;;) {
        const why = wctx.abortReason();
        if (why === 'shutdown') return { kind: 'requeue', countAttempt: false, reason: 'shutdown' };
        if (why === 'lease-lost') return { kind: 'done' };
        const job = await loadTuningJob(deps.store.db, id);
        if (!job || TERMINAL_TUNING.has(job.status)) return { kind: 'done' };
        if (first) {
          const req = parseTuningRequest(job);
          const objective = resolveDefinitions(req)[0]!.objective!;
          await loadEndedCurves(deps, await loadTrials(deps.store.db, id), objective.MetricName, objective.Type, cache);
          first = false;
        }
        if (await pass(deps, job, cache, memory)) return { kind: 'done' };
        await nudger.wait(pollMs, wctx.signal);
      }
    },
    async fail(item, reason) {
      const now = deps.clock.now();
      await updateTuningJob(deps.store.db, item.payload.tuningJobId, { status: 'Failed', failureReason: reason, endTime: now }, now);
    },
  };
}

/** One pass; true when the job reached a terminal state. */
async function pass(deps: TuningDeps, job: TuningJobRow, cache: SyncCache, memory: LaunchMemory): Promise<boolean> {
  const db = deps.store.db;
  const req = parseTuningRequest(job);
  const config = req.HyperParameterTuningJobConfig;
  const defs = resolveDefinitions(req);
  const objective = defs[0]!.objective!;
  let trials = await loadTrials(db, job.id);
  const tags = await tuningTags(deps, job);
  // A trial recorded but not yet created (a restart mid-create): create it now.
  const creating = trials.filter((x) => x.state === 'creating');
  for (const t of creating) {
    await launchTrial(deps, job, t, defs.find((d) => (d.name ?? null) === t.definition_name) ?? defs[0]!, tags);
  }
  if (creating.length > 0) trials = await loadTrials(db, job.id);
  // syncTrials reports every write it makes: re-read only when it made one.
  if (await syncTrials(deps, job, trials, defs, config, cache)) trials = await loadTrials(db, job.id);
  const active = trials.filter((t) => t.state === 'creating' || t.state === 'running');
  const now = deps.clock.now();

  if (job.status === 'Stopping') {
    await stopRunning(deps, job, active);
    if (active.length === 0) await finish(deps, job, 'Stopped');
    return active.length === 0;
  }

  const state = parseTuningState(job);
  let stopReason = state.stopLaunching?.reason;
  let stopChildren = false;
  let failure: string | undefined;
  const succeeded = trials.filter((t) => t.objective_status === 'Succeeded').length;
  const hardFailures = trials.filter((t) => t.state === 'failed' && t.retryable === 0).length;
  if (succeeded === 0 && hardFailures >= FIRST_ATTEMPTS) {
    failure = noJobSucceeded(FIRST_ATTEMPTS);
    stopReason = 'the first training jobs all failed';
    stopChildren = true;
  }
  const maxRuntime = config.ResourceLimits.MaxRuntimeInSeconds;
  if (!failure && maxRuntime !== undefined && now - job.creation_time >= maxRuntime * 1000) {
    stopReason = `MaxRuntimeInSeconds (${maxRuntime} s) was reached`;
    stopChildren = true;
  }
  if (!stopReason) {
    const tunable = defs.reduce((n, d) => Math.max(n, d.params.length), 0);
    const done = completionReason(trials, config, objective, tunable);
    if (done) {
      stopReason = done.reason;
      const reason = done.reason;
      await updateTuningJob(db, job.id, {
        patch: (s) => {
          s.stopLaunching = { reason, at: now };
          if (done.convergence) s.convergenceDetectedTime = now;
        },
      }, now);
    }
  }
  if (stopChildren) await stopRunning(deps, job, active);
  if (!stopReason) {
    const exhausted = await launchMore(deps, job, trials, defs, config, state, tags, memory);
    if (exhausted) {
      stopReason = 'every configuration of the search space was tried';
      await updateTuningJob(db, job.id, { patch: (s) => void (s.stopLaunching = { reason: 'exhausted', at: now }) }, now);
    }
    trials = await loadTrials(db, job.id);
  }
  const stillActive = trials.filter((t) => t.state === 'creating' || t.state === 'running').length;
  const budgetSpent = countedTrials(trials) >= maxTrainingJobs(config, defs) && !trials.some((t) => t.state === 'failed' && t.retryable === 1 && !(state.retried ?? []).includes(t.id));
  if (stillActive > 0 || (!stopReason && !budgetSpent)) return false;
  const anySucceeded = trials.some((t) => t.objective_status === 'Succeeded');
  if (failure || !anySucceeded) {
    await finish(deps, job, 'Failed', failure ?? noJobSucceeded(trials.length));
  } else {
    await finish(deps, job, 'Completed');
  }
  return true;
}

async function stopRunning(deps: TuningDeps, job: TuningJobRow, active: TrialRow[]): Promise<void> {
  for (const t of active) {
    if (t.state !== 'running') continue;
    try {
      await deps.invoke('StopTrainingJob', { TrainingJobName: t.training_job_name }, jobContext(job));
    } catch {
      // already Stopping or ended: the next sync records how it ended
    }
  }
}

async function finish(deps: TuningDeps, job: TuningJobRow, status: 'Completed' | 'Failed' | 'Stopped', failureReason?: string): Promise<void> {
  const now = deps.clock.now();
  await updateTuningJob(deps.store.db, job.id, { status, endTime: now, ...(failureReason ? { failureReason } : {}) }, now);
  deps.logger.info({ tuningJob: job.name, status }, 'tuning job ended');
}
