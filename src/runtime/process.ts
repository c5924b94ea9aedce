/**
 * Starting, watching and stopping the training process. It runs detached in its own process
 * group (bwrap: its own session, whose id bwrap reports on fd 3), its stdout and stderr are cut
 * into lines for a sink, and `stop` is `docker stop -t`: SIGTERM to the group, SIGKILL after
 * the grace period. When the main process exits, whatever it left behind in its group is killed
 * (SageMaker tears down the container the same way).
 *
 * Memory stays bounded whatever the job prints: lines are split at 256 KiB, and a sink that
 * returns a promise pauses that stream until it settles (the job then blocks on its own write,
 * as it would on a full pipe), so a slow log store cannot make the server buffer output.
 *
 * A restarted server can recognise a job it started: {@link ProcessIdentity} holds the pid and
 * its start time from /proc/<pid>/stat, which changes if the pid is reused.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { LineSplitter, DEFAULT_MAX_LINE_LENGTH } from './line-splitter.js';
import type { LaunchPlan } from './sandbox.js';

/** One line of the job's output (or a note from sagebox, stream `system`). */
export interface OutputLine {
  stream: 'stdout' | 'stderr' | 'system';
  text: string;
  /** Epoch milliseconds when sagebox read it. */
  timestamp: number;
  /** A piece of a line longer than the limit; the line continues in the next piece. */
  partial?: boolean;
}

/** Receives lines; returning a promise applies backpressure to that stream. */
export type LineSink = (line: OutputLine) => void | Promise<void>;

/** Enough to find the process again after a server restart. */
export interface ProcessIdentity {
  /** The spawned process (bwrap when sandboxed). */
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot), as text. */
  startTime: string;
  /** The process group to signal (the job's own group; with bwrap, the sandboxed child's). */
  pgid: number;
}

/** How the process ended. */
export interface ProcessExit {
  /** Exit status, or null when killed by a signal. */
  exitCode: number | null;
  /** The killing signal. Sandboxed jobs report 128+n codes, mapped back to the signal here. */
  signal: NodeJS.Signals | null;
  /** SIGKILL was sent because the grace period ran out. */
  killedAfterGrace: boolean;
  /** The process could not be started at all (e.g. the command does not exist). */
  spawnError?: Error;
}

/** A running training process. */
export interface JobProcess {
  /** Resolves once the pid, start time and group are known (undefined if it never started). */
  readonly identity: Promise<ProcessIdentity | undefined>;
  /** Resolves when the process has exited and its output has been drained. */
  readonly exited: Promise<ProcessExit>;
  /** True once stop() was called. */
  readonly stopping: boolean;
  /**
   * SIGTERM to the process group, SIGKILL after `graceMs` if it is still there.
   * Idempotent; a later call with a shorter grace shortens it.
   */
  stop(graceMs: number): Promise<ProcessExit>;
}

/**
 * After the process exited, how long output may stay idle (no data, no sink progress) before
 * the pipes are closed anyway: a daemon that escaped the process group can hold them forever,
 * while a slow sink still draining the last 64 KiB must not lose lines.
 */
const DRAIN_IDLE_MS = 2000;

/**
 * Spawns a launch plan and streams its output.
 *
 * @example
 *   const job = startProcess(planLaunch({ command: ['python3', 'train.py'], paths, env, sandbox: false, networkIsolation: false }),
 *                            (line) => log.push(line));
 *   setTimeout(() => job.stop(120_000), 60_000);
 *   const { exitCode, signal } = await job.exited;
 */
export function startProcess(plan: LaunchPlan, sink: LineSink, options: { maxLineLength?: number } = {}): JobProcess {
  const child = spawn(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    detached: true,
    stdio: plan.infoFd ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
  });
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;

  let resolveGroup!: (pgid: number | undefined) => void;
  const group = new Promise<number | undefined>((r) => (resolveGroup = r));
  if (!plan.infoFd) resolveGroup(child.pid);
  else readChildPid(child.stdio[3] as Readable).then(resolveGroup, () => resolveGroup(undefined));

  const identity = (async (): Promise<ProcessIdentity | undefined> => {
    const pgid = await group;
    if (child.pid === undefined || pgid === undefined) return undefined;
    const startTime = await readStartTime(child.pid);
    return startTime === undefined ? undefined : { pid: child.pid, startTime, pgid };
  })();

  const activity = { last: Date.now() };
  const streamsDone = [
    pump(child.stdout!, 'stdout', sink, maxLineLength, activity),
    pump(child.stderr!, 'stderr', sink, maxLineLength, activity),
  ];

  let stopping = false;
  let killedAfterGrace = false;
  let killTimer: NodeJS.Timeout | undefined;
  let graceDeadline = Infinity;
  let exitedFlag = false;

  /**
   * SIGTERM goes to the job's group only: bwrap's own group must not get it (bwrap would die
   * and take the job with it, handler or not). SIGKILL goes to both.
   */
  const signalGroup = async (signal: NodeJS.Signals): Promise<void> => {
    const pgid = await group;
    const targets = new Set<number>();
    if (pgid !== undefined) targets.add(-pgid);
    if (child.pid !== undefined && (signal === 'SIGKILL' || pgid === undefined)) targets.add(-child.pid);
    for (const target of targets) {
      try {
        process.kill(target, signal);
      } catch {
        /* ESRCH: already gone */
      }
    }
  };

  const exited = new Promise<ProcessExit>((resolve) => {
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) finish(null, null); // never started: no 'exit' will follow
    });
    child.once('exit', (code, signal) => finish(code, signal));
    let finished = false;
    function finish(code: number | null, signal: NodeJS.Signals | null): void {
      if (finished) return;
      finished = true;
      exitedFlag = true;
      if (killTimer) clearTimeout(killTimer);
      void signalGroup('SIGKILL'); // whatever the job left running in its group
      const raw = code;
      if (plan.sandboxed && raw !== null && raw > 128 && raw < 128 + 65) {
        // bwrap reports a signalled child as 128+n, the shell convention.
        const name = Object.entries(os.constants.signals).find(([, n]) => n === raw - 128)?.[0] as NodeJS.Signals | undefined;
        if (name) {
          signal = name;
          code = null;
        }
      }
      const drained = Promise.all(streamsDone);
      const idle = new Promise<void>((r) => {
        const timer = setInterval(() => {
          if (Date.now() - activity.last > DRAIN_IDLE_MS) {
            clearInterval(timer);
            r();
          }
        }, 250);
        void drained.then(() => clearInterval(timer));
      });
      activity.last = Date.now();
      void Promise.race([drained, idle]).then(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({ exitCode: code, signal, killedAfterGrace, ...(spawnError ? { spawnError } : {}) });
      });
    }
  });

  return {
    identity,
    exited,
    get stopping() {
      return stopping;
    },
    stop(graceMs: number): Promise<ProcessExit> {
      if (exitedFlag) return exited;
      const deadline = Date.now() + Math.max(0, graceMs);
      if (!stopping) {
        stopping = true;
        void signalGroup('SIGTERM');
      }
      if (deadline < graceDeadline) {
        graceDeadline = deadline;
        if (killTimer) clearTimeout(killTimer);
        killTimer = setTimeout(() => {
          if (exitedFlag) return;
          killedAfterGrace = true;
          void signalGroup('SIGKILL');
        }, Math.max(0, graceMs));
      }
      return exited;
    },
  };
}

/**
 * Reads `{"child-pid": N, ...}` from bwrap's info fd. The fd is drained to its end: bwrap writes
 * the JSON in several writes, and closing our end early kills bwrap with SIGPIPE (seen here).
 */
function readChildPid(stream: Readable): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      if (text.length > 4096) return;
      text += chunk.toString();
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    stream.once('close', () => resolve(undefined));
    stream.once('error', () => resolve(undefined));
  });
}

/** Feeds one stream through a LineSplitter into the sink, pausing on async sinks. */
function pump(
  stream: Readable,
  name: 'stdout' | 'stderr',
  sink: LineSink,
  maxLineLength: number,
  activity: { last: number },
): Promise<void> {
  return new Promise((resolve) => {
    let timestamp = Date.now();
    let waits: Promise<void>[] = [];
    const splitter = new LineSplitter((text, partial) => {
      const result = sink(partial ? { stream: name, text, timestamp, partial } : { stream: name, text, timestamp });
      if (result) waits.push(result.catch(() => {}));
    }, maxLineLength);
    stream.on('data', (chunk: Buffer) => {
      timestamp = Date.now();
      activity.last = timestamp;
      splitter.push(chunk);
      if (waits.length > 0) {
        const pending = waits;
        waits = [];
        stream.pause();
        void Promise.all(pending).then(() => {
          activity.last = Date.now();
          stream.resume();
        });
      }
    });
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      splitter.end();
      void Promise.all(waits).then(() => resolve());
    };
    stream.once('end', end);
    stream.once('close', end);
    stream.once('error', end);
  });
}

/**
 * The start time of a pid (field 22 of /proc/<pid>/stat), or undefined when it is not running
 * (or is a zombie).
 */
export async function readStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and ')': parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a previous server started still runs (same pid, same start time).
 *
 * @example
 *   if (await isProcessAlive(row.identity)) await killProcessGroup(row.identity, 'SIGKILL');
 */
export async function isProcessAlive(identity: ProcessIdentity): Promise<boolean> {
  return (await readStartTime(identity.pid)) === identity.startTime;
}

/**
 * Signals an orphaned job's process group, only if the identity still matches (never a
 * recycled pid). Returns whether it was signalled.
 */
export async function killProcessGroup(identity: ProcessIdentity, signal: NodeJS.Signals = 'SIGKILL'): Promise<boolean> {
  if (!(await isProcessAlive(identity))) return false;
  for (const target of [-identity.pgid, -identity.pid]) {
    try {
      process.kill(target, signal);
    } catch {
      /* gone */
    }
  }
  return true;
}
