/**
 * Where the training process runs. With Debian's `bubblewrap` usable, in a sandbox: the host
 * root read-only, the job's `ml/` directory bound read-write at /opt/ml, the job's `tmp/` at
 * /tmp, a fresh /dev and /proc, its own session, and for EnableNetworkIsolation its own network
 * namespace with only `lo`. Without bubblewrap, a plain process whose SM_* paths point into the
 * job directory; network isolation is then NOT enforced, and the runtime says so in the job log.
 *
 * The sandbox isolates the file-system view and the network; it is not a security boundary
 * against a hostile job (same user, same pid namespace).
 *
 * Why `--tmpfs /opt` then re-binding /opt's entries: bwrap cannot create the /opt/ml mount
 * point on the read-only root (checked as root on this kind of machine), and hiding the
 * host's /opt entirely would hide e.g. /opt/conda's python.
 * GPUs: `--dev /dev` is a minimal /dev, so the host's /dev/nvidia* devices are bound in.
 * Why `--new-session` + `--info-fd`: bwrap itself dies on SIGTERM (and `--die-with-parent` then
 * SIGKILLs the job at once), so a stop must signal the job's own process group, whose id is the
 * child pid bwrap reports on the info fd (measured: with the group signalled, a SIGTERM handler
 * runs to completion and bwrap exits with the job's code).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OPT_ML, type JobPaths } from './job-dir.js';

/** What bubblewrap can do on this machine. */
export interface SandboxSupport {
  /** bwrap is on PATH and ran the probe. */
  available: boolean;
  /** `--unshare-net` works too (needed for EnableNetworkIsolation). */
  networkIsolation: boolean;
  /** Why not, when not available. */
  reason?: string;
}

/** How to start the process. */
export interface LaunchPlan {
  file: string;
  args: string[];
  /** Host working directory for spawn. */
  cwd: string;
  env: Record<string, string>;
  /** True when bwrap writes `{"child-pid": N}` on fd 3; stop must signal that group. */
  infoFd: boolean;
  sandboxed: boolean;
  networkIsolated: boolean;
}

let cached: Promise<SandboxSupport> | undefined;

/**
 * Probes bubblewrap once per process (about 10 ms) and caches the answer.
 *
 * @example
 *   const { available, networkIsolation } = await detectSandbox();
 */
export function detectSandbox(options: { refresh?: boolean } = {}): Promise<SandboxSupport> {
  if (!cached || options.refresh) cached = probe();
  return cached;
}

async function probe(): Promise<SandboxSupport> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-bwrap-probe-'));
  try {
    await fs.mkdir(path.join(dir, 'ml'));
    await fs.mkdir(path.join(dir, 'tmp'));
    const base = bwrapArgs({ ml: path.join(dir, 'ml'), tmp: path.join(dir, 'tmp') }, false);
    const withNet = await run('bwrap', [...base, '--unshare-net', '--', 'true']);
    if (withNet === undefined) return { available: true, networkIsolation: true };
    const plain = await run('bwrap', [...base, '--', 'true']);
    if (plain === undefined) return { available: true, networkIsolation: false, reason: `--unshare-net failed: ${withNet}` };
    return { available: false, networkIsolation: false, reason: plain };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** undefined on success, else the error text. */
function run(file: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (error, _stdout, stderr) => {
      if (!error) resolve(undefined);
      else resolve(((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'bwrap is not on PATH' : stderr.trim() || error.message));
    });
  });
}

/**
 * The job gets a private, writable /tmp (its own `tmp/`), as a container does. That hides the
 * host's /tmp, so a command naming a file there (`python3 /tmp/work/train.py`, a checkout under
 * /tmp) would not find it: the folders of the absolute /tmp paths the command names are bound
 * back in read-only, at the same place.
 *
 * @example hostTmpBinds(['python3', '/tmp/ci/repo/train.py', '--x', '1']) // ['/tmp/ci/repo']
 */
export function hostTmpBinds(command: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const arg of command) {
    if (!arg.startsWith('/tmp/') || arg.includes('\0')) continue;
    const resolved = path.resolve(arg);
    if (!resolved.startsWith('/tmp/')) continue;
    let isDir = false;
    try {
      isDir = statSync(resolved).isDirectory();
    } catch {
      continue; // not a host path (or not one that exists): nothing to bind
    }
    const dir = isDir ? resolved : path.dirname(resolved);
    if (dir !== '/tmp') dirs.add(dir);
  }
  return [...dirs].sort();
}

/** bwrap's mount and namespace arguments (no `--info-fd`, no command). */
function bwrapArgs(paths: Pick<JobPaths, 'ml' | 'tmp'>, networkIsolation: boolean, tmpBinds: readonly string[] = []): string[] {
  const args = ['--ro-bind', '/', '/'];
  if (!existsSync(OPT_ML)) {
    args.push('--tmpfs', '/opt');
    // Keep the host's /opt/<x> (conda, vendor toolchains) visible, read-only.
    for (const name of safeReaddir('/opt')) args.push('--ro-bind', `/opt/${name}`, `/opt/${name}`);
  }
  args.push('--bind', paths.ml, OPT_ML, '--bind', paths.tmp, '/tmp');
  for (const dir of tmpBinds) args.push('--ro-bind', dir, dir);
  args.push('--dev', '/dev');
  // A minimal /dev has no GPUs: hand the NVIDIA devices through so CUDA jobs work sandboxed.
  for (const name of gpuDevices()) args.push('--dev-bind', `/dev/${name}`, `/dev/${name}`);
  args.push('--proc', '/proc');
  if (networkIsolation) args.push('--unshare-net');
  args.push('--die-with-parent', '--new-session');
  return args;
}

let gpuDeviceNames: string[] | undefined;
function gpuDevices(): string[] {
  gpuDeviceNames ??= safeReaddir('/dev').filter((n) => /^nvidia/.test(n));
  return gpuDeviceNames;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The launch plan for a command: sandboxed when asked and possible, else plain.
 *
 * @example
 *   const plan = planLaunch({ command: ['python3', 'train.py'], paths, env, sandbox: true, networkIsolation: true });
 *   // { file: 'bwrap', args: ['--ro-bind', '/', '/', ..., '--unshare-net', ..., '--chdir', '/opt/ml/code', '--', 'python3', 'train.py'] }
 */
export function planLaunch(options: {
  command: readonly string[];
  paths: Pick<JobPaths, 'root' | 'ml' | 'tmp' | 'code'>;
  env: Record<string, string>;
  sandbox: boolean;
  networkIsolation: boolean;
  /** The working directory inside the sandbox; default `/opt/ml/code` (plain processes start in `paths.code`). */
  workdir?: string;
}): LaunchPlan {
  const [file, ...args] = options.command;
  if (!file) throw new Error('empty command');
  if (!options.sandbox) {
    return { file, args, cwd: options.paths.code, env: options.env, infoFd: false, sandboxed: false, networkIsolated: false };
  }
  return {
    file: 'bwrap',
    args: [...bwrapArgs(options.paths, options.networkIsolation, hostTmpBinds(options.command)), '--info-fd', '3', '--chdir', options.workdir ?? `${OPT_ML}/code`, '--', file, ...args],
    cwd: options.paths.root,
    env: options.env,
    infoFd: true,
    sandboxed: true,
    networkIsolated: options.networkIsolation,
  };
}
