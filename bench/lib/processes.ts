/**
 * Child processes for benchmarks: sagebox and moto servers started in their own process
 * groups (always killed, even on Ctrl-C), free ports, and /proc readings (RSS, CPU time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Writes a line to stdout (benchmarks print plain text). */
export const out = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type TargetName = 'sagebox' | 'moto';
export const SAGEBOX_MODES = ['auto', 'dist', 'build', 'tsx'] as const;
export type SageboxMode = (typeof SAGEBOX_MODES)[number];

/** A server running as the leader of its own process group. */
export interface ServerProcess {
  target: TargetName;
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last output lines, for error messages. */
  output(): string;
}

export const running = new Set<ServerProcess>();
/** Other children to kill on the way out (the tsc build). */
export const helpers = new Set<ChildProcess>();
/** Data directories to remove on the way out. */
export const tempDirs = new Set<string>();

/** Last-resort cleanup if the bench process dies without reaching its finally blocks. */
export function killAllSync(): void {
  for (const child of helpers) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  for (const server of running) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.once('exit', killAllSync);

/** Ctrl-C never reaches the servers (they lead their own process groups): take them down with us. */
export function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  process.stderr.write(`bench registry: ${signal}, servers killed\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

export function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const add = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => tail;
}

export async function stopServer(server: ServerProcess): Promise<void> {
  running.delete(server);
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // Anything the leader left behind in its group (e.g. tsx's esbuild service).
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    /* group empty */
  }
}

export function startupFailure(what: string, child: ChildProcess, tail: () => string): Promise<never> {
  return new Promise((_resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${what} exited (code ${code}, signal ${signal}) before it was ready; its output:\n${tail()}`)),
    );
    child.once('error', (error) => reject(new Error(`${what} could not be started: ${error.message}`)));
  });
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not ready after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How the sagebox child is started: node arguments before `serve`, and a label for the report. */
export interface SageboxEntry {
  args: string[];
  label: string;
}

/** Newest modification time of any file under `dir` (ms). */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Picks the compiled server where possible: the tsx loader's own memory would count against
 * sagebox's RSS. `auto` uses dist/ when it is up to date, else compiles src/ with the
 * project's tsc into a cache under $TMPDIR (outside the repository; rebuilt only when src/
 * changed), with node_modules linked beside it and a package.json marking it ESM.
 */
export async function resolveSageboxEntry(mode: SageboxMode): Promise<SageboxEntry> {
  if (mode === 'tsx') return { args: ['--import', 'tsx', 'src/cli/main.ts'], label: 'src/cli/main.ts through the tsx loader' };
  const dist = path.join(ROOT, 'dist/cli/main.js');
  const srcNewest = newestMtime(path.join(ROOT, 'src'));
  if (mode === 'dist' || (mode === 'auto' && existsSync(dist) && statSync(dist).mtimeMs >= srcNewest)) {
    if (!existsSync(dist)) throw new Error('BENCH_SAGEBOX=dist but dist/cli/main.js does not exist (npm run build)');
    return { args: [dist], label: 'dist/cli/main.js' };
  }
  const cache = path.join(os.tmpdir(), `sagebox-bench-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
  const main = path.join(cache, 'dist/cli/main.js');
  const stamp = path.join(cache, 'built-at');
  const builtAt = existsSync(stamp) ? Number(readFileSync(stamp, 'utf8')) : 0;
  if (!existsSync(main) || builtAt < srcNewest) {
    out(`compiling sagebox with tsc into ${cache} (dist/ is missing or older than src/; BENCH_SAGEBOX=tsx skips this)...`);
    const started = performance.now();
    rmSync(cache, { recursive: true, force: true });
    mkdirSync(cache, { recursive: true });
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const buildStart = Date.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', path.join(cache, 'dist')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const tail = keepTail(child);
      helpers.add(child);
      child.once('error', reject);
      child.once('exit', (code) => {
        helpers.delete(child);
        if (code === 0) resolve();
        else reject(new Error(`tsc failed (exit ${code}):\n${tail()}`));
      });
    });
    writeFileSync(path.join(cache, 'package.json'), '{ "type": "module" }\n');
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(cache, 'node_modules'), 'dir');
    writeFileSync(stamp, String(buildStart));
    out(`compiled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { args: [main], label: `a tsc build of src/ (${main})` };
}

/** `sagebox serve --port 0` in a child process; resolves once it prints its listening line. */
export async function startSagebox(dataDir: string, entry: SageboxEntry): Promise<ServerProcess> {
  // The same V8 flag the `sagebox` command's shebang and `npm start` pass (young generation
  // capped at 8 MiB: RSS after load ~110 MiB instead of ~150-180 MiB, measured on 2 cores).
  const args = ['--max-semi-space-size=8', ...entry.args, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--auth', 'parse', '--log-level', 'warn'];
  const child = spawn(process.execPath, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = keepTail(child);
  const server: ServerProcess = { target: 'sagebox', url: '', pid: child.pid ?? -1, child, output: tail };
  if (child.pid !== undefined) running.add(server);
  const listening = new Promise<string>((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const match = /sagebox listening on (http:\/\/\S+)/.exec(buffered);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', onData);
  });
  try {
    server.url = await withTimeout(Promise.race([listening, startupFailure('sagebox', child, tail)]), 60_000, 'sagebox');
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

/** `python3 -m moto.server` on a free port; resolves once it answers HTTP. */
export async function startMoto(): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: os.tmpdir(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = keepTail(child);
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = { target: 'moto', url, pid: child.pid ?? -1, child, output: tail };
  if (child.pid !== undefined) running.add(server);
  const answers = (async () => {
    for (;;) {
      if (await httpAnswers(`${url}/moto-api/`)) return;
      await sleep(200);
    }
  })();
  try {
    await withTimeout(Promise.race([answers, startupFailure('moto', child, tail)]), 60_000, 'moto');
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  return server;
}

export function httpAnswers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// /proc readings

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// clients and workloads
