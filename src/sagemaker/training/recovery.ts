/**
 * A training job whose previous owner died mid-attempt (sagebox was killed, or the machine
 * restarted). What is true depends on what is left:
 *
 *  - The training process still runs (same pid and start time): re-attach. Wait for it, still
 *    honouring StopTrainingJob and MaxRuntimeInSeconds (SIGTERM to its group, SIGKILL after the
 *    grace period). Its output after the crash went to a closed pipe and is not in the log; a
 *    note says so. When it ends: a failure file → Failed with its text; a stop → Stopped with
 *    the outputs uploaded; otherwise the exit status cannot be known (the process was not our
 *    child), which is an internal error (below).
 *  - The process is gone (with bubblewrap it dies with the server, `--die-with-parent`), or it
 *    never started: the attempt's outcome is unknown, an internal error.
 *  - A stop was requested: the job ends Stopped, outputs uploaded from the attempt directory.
 *
 * An internal error retries per RetryStrategy (SecondaryStatus back to Starting), else fails the
 * job with a FailureReason that says what happened.
 */
import type { WorkContext, WorkItem, WorkOutcome } from '../../engine/engine.js';
import { appendNote, finishFailed, finishStopped, finishWithOutputs, type AttemptHandle, type ExecutorDeps } from './executor.js';
import { loadJob, parseRequest, parseState, updateJob, type JobRow } from './job-store.js';

const POLL_MS = 500;

export async function recoverAttempt(deps: ExecutorDeps, item: WorkItem<{ jobId: number }>, wctx: WorkContext, row: JobRow): Promise<WorkOutcome> {
  const handle = item.handle as AttemptHandle | undefined;
  const paths = handle ? deps.runner.pathsOf(handle.root) : undefined;
  const stopRequested = (): boolean => item.cancelRequested || wctx.abortReason() === 'cancel';
  const alive = handle?.identity ? await deps.runner.isAlive(handle.identity) : false;

  if (!alive) {
    if (row.status === 'Stopping' || stopRequested()) {
      await appendNote(deps, row, 'sagebox: restarted while the job was stopping; the training process is gone');
      const byMaxRuntime = !stopRequested() && /MaxRuntimeInSeconds/.test(parseState(row).transitions.at(-1)?.StatusMessage ?? '');
      await finishStopped(deps, row.id, byMaxRuntime ? 'max-runtime' : 'user', paths);
      return { kind: 'done' };
    }
    return internalError(deps, row, handle?.identity
      ? `sagebox stopped while the training job was running (attempt ${parseState(row).attempt}); its training process (pid ${handle.identity.pid}) is gone and its exit status is unknown`
      : `sagebox stopped while the training job was starting (attempt ${parseState(row).attempt}), before its training process ran`);
  }

  const identity = handle!.identity!;
  await appendNote(deps, row, `sagebox: restarted; re-attached to the training process (pid ${identity.pid}), which is still running. Output it printed after the restart is not in this log.`);
  const req = parseRequest(row);
  const deadline = (row.training_start_time ?? row.creation_time) + (req.StoppingCondition?.MaxRuntimeInSeconds ?? 86_400) * 1000;
  let stoppedBy: 'user' | 'max-runtime' | undefined;
  let killAt = Infinity;
  while (await deps.runner.isAlive(identity)) {
    if (wctx.abortReason() === 'shutdown' || wctx.abortReason() === 'lease-lost') {
      // Leave it running: the next owner re-attaches again.
      return { kind: 'requeue', countAttempt: false, reason: 'shutdown while re-attached' };
    }
    const now = deps.clock.now();
    if (!stoppedBy) {
      const current = await loadJob(deps.store.db, row.id);
      if (stopRequested() || current?.status === 'Stopping') stoppedBy = 'user';
      else if (now >= deadline) stoppedBy = 'max-runtime';
      if (stoppedBy) {
        await deps.runner.kill(identity, 'SIGTERM');
        killAt = now + deps.runner.stopGraceMs;
        if (stoppedBy === 'max-runtime') {
          await updateJob(deps.store.db, row.id, { secondary: 'Stopping', status: 'Stopping', message: 'Stopping the training job: MaxRuntimeInSeconds exceeded' }, now);
        }
      }
    } else if (now >= killAt) {
      await deps.runner.kill(identity, 'SIGKILL');
      killAt = Infinity;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (stoppedBy) {
    await finishWithOutputs(deps, row.id, stoppedBy, paths!);
    return { kind: 'done' };
  }
  const failure = await deps.runner.readFailure(paths!);
  if (failure !== undefined) {
    await finishFailed(deps, row.id, failure);
    return { kind: 'done' };
  }
  return internalError(deps, row,
    `sagebox restarted while the training job was running; it re-attached to the training process (pid ${identity.pid}), which has ended, but its exit status cannot be observed by a restarted server`);
}

/** Retry per RetryStrategy, else Failed. */
async function internalError(deps: ExecutorDeps, row: JobRow, what: string): Promise<WorkOutcome> {
  const state = parseState(row);
  await appendNote(deps, row, `sagebox: ${what}`);
  if (state.attempt < state.maxAttempts) {
    await updateJob(deps.store.db, row.id, {
      secondary: 'Starting',
      message: `Restarting the training job after an internal error (attempt ${state.attempt + 1} of ${state.maxAttempts})`,
    }, deps.clock.now());
    return { kind: 'requeue', countAttempt: true, reason: what };
  }
  const retries = state.maxAttempts > 1 ? ` (all ${state.maxAttempts} attempts of the RetryStrategy used)` : ' (no RetryStrategy)';
  await finishFailed(deps, row.id, `InternalServerError: ${what}${retries}.`);
  return { kind: 'done' };
}
