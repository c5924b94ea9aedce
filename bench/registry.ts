/**
 * The model registry benchmark: sagebox against moto's server, in the same run, driven by
 * the real `@aws-sdk/client-sagemaker` from this process.
 *
 * 1. Throughput and latency of DescribeModelPackage, ListModelPackages (MaxResults 100, on a
 *    group of >= 100 versions) and CreateModelPackage (versioned), at 1 and 32 requests in
 *    flight, for BENCH_SECONDS each after a warm-up; the ratio sagebox/moto.
 * 2. The large-store check (sagebox only): ListModelPackages page latency, first page and a
 *    deep page reached by NextToken, with BENCH_LARGE_N (100,000) packages stored.
 * 3. The sagebox server's resident memory: after start, after the load, after idling.
 *
 * Both servers run as child processes in their own process groups and are always killed.
 *
 * Environment:
 *   BENCH_SECONDS          measured seconds per workload (default 3)
 *   BENCH_WARMUP_SECONDS   warm-up seconds per workload (default 0.5)
 *   BENCH_TARGETS          comma list of sagebox,moto (default both)
 *   BENCH_CONCURRENCY      comma list of in-flight counts (default 1,32)
 *   BENCH_LARGE_N          packages for the large-store check (default 100000; 0 skips it)
 *   BENCH_SEED_CONCURRENCY in-flight creates while seeding (default 32)
 *   BENCH_LIST_SAMPLES     sequential requests per large-store query (default 200)
 *   BENCH_IDLE_SECONDS     idle time before the idle RSS reading (default 5)
 *   BENCH_SAGEBOX          how to start sagebox: `auto` (default: dist/cli/main.js when it is newer
 *                          than every file in src/, else a tsc build kept in $TMPDIR), `dist`, `build`,
 *                          or `tsx` (from src through the tsx loader, which adds ~30 MiB of RSS)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  type CreateModelPackageCommandInput,
  type ListModelPackagesCommandInput,
} from '@aws-sdk/client-sagemaker';
import { Sha256 } from '@aws-crypto/sha256-js';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export const name = 'registry';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// settings

function envNumber(key: string, fallback: number): number {
  const raw = process.env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${key} must be a non-negative number, got '${raw}'`);
  return value;
}

interface Settings {
  seconds: number;
  warmupSeconds: number;
  targets: TargetName[];
  concurrency: number[];
  largeN: number;
  seedConcurrency: number;
  listSamples: number;
  idleSeconds: number;
  sageboxMode: SageboxMode;
}

type TargetName = 'sagebox' | 'moto';
const SAGEBOX_MODES = ['auto', 'dist', 'build', 'tsx'] as const;
type SageboxMode = (typeof SAGEBOX_MODES)[number];

function readSettings(): Settings {
  const targets = (process.env.BENCH_TARGETS ?? 'sagebox,moto').split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of targets) if (t !== 'sagebox' && t !== 'moto') throw new Error(`BENCH_TARGETS: unknown target '${t}' (sagebox, moto)`);
  const concurrency = (process.env.BENCH_CONCURRENCY ?? '1,32').split(',').map((c) => Number(c.trim()));
  for (const c of concurrency) if (!Number.isInteger(c) || c < 1) throw new Error(`BENCH_CONCURRENCY: bad value in '${process.env.BENCH_CONCURRENCY}'`);
  const sageboxMode = (process.env.BENCH_SAGEBOX || 'auto') as SageboxMode;
  if (!SAGEBOX_MODES.includes(sageboxMode)) throw new Error(`BENCH_SAGEBOX must be one of ${SAGEBOX_MODES.join(', ')}, got '${sageboxMode}'`);
  return {
    seconds: envNumber('BENCH_SECONDS', 3),
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 0.5),
    targets: targets as TargetName[],
    concurrency,
    largeN: Math.floor(envNumber('BENCH_LARGE_N', 100_000)),
    seedConcurrency: Math.max(1, Math.floor(envNumber('BENCH_SEED_CONCURRENCY', 32))),
    listSamples: Math.max(1, Math.floor(envNumber('BENCH_LIST_SAMPLES', 200))),
    idleSeconds: envNumber('BENCH_IDLE_SECONDS', 5),
    sageboxMode,
  };
}

// ---------------------------------------------------------------------------------------------
// child processes

/** A server running as the leader of its own process group. */
interface ServerProcess {
  target: TargetName;
  url: string;
  pid: number;
  child: ChildProcess;
  /** The last output lines, for error messages. */
  output(): string;
}

const running = new Set<ServerProcess>();
/** Other children to kill on the way out (the tsc build). */
const helpers = new Set<ChildProcess>();
/** Data directories to remove on the way out. */
const tempDirs = new Set<string>();

/** Last-resort cleanup if the bench process dies without reaching its finally blocks. */
function killAllSync(): void {
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
function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  process.stderr.write(`bench registry: ${signal}, servers killed\n`);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const add = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => tail;
}

async function stopServer(server: ServerProcess): Promise<void> {
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

function startupFailure(what: string, child: ChildProcess, tail: () => string): Promise<never> {
  return new Promise((_resolve, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`${what} exited (code ${code}, signal ${signal}) before it was ready; its output:\n${tail()}`)),
    );
    child.once('error', (error) => reject(new Error(`${what} could not be started: ${error.message}`)));
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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
interface SageboxEntry {
  args: string[];
  label: string;
}

/** Newest modification time of any file under `dir` (ms). */
function newestMtime(dir: string): number {
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
async function resolveSageboxEntry(mode: SageboxMode): Promise<SageboxEntry> {
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
async function startSagebox(dataDir: string, entry: SageboxEntry): Promise<ServerProcess> {
  const args = [...entry.args, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--auth', 'parse', '--log-level', 'warn'];
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
async function startMoto(): Promise<ServerProcess> {
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

function httpAnswers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// /proc readings

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). */
function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

function selfCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// clients and workloads

const ACCOUNT = '123456789012';

function makeClient(endpoint: string): SageMakerClient {
  return new SageMakerClient({
    endpoint,
    region: 'us-east-1',
    // A 12-digit access key is the account for both sagebox (parse mode) and moto.
    credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'bench-secret-key' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
    }),
  });
}

/**
 * A lean SigV4-signed AWS JSON client (node:http + @smithy/signature-v4), used only to seed
 * the large store: the SDK spends far more CPU per call, CPU the server under test shares.
 * The timed workloads all go through the real SDK.
 */
class RawSageMaker {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly signer = new SignatureV4({
    credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'bench-secret-key' },
    region: 'us-east-1',
    service: 'sagemaker',
    sha256: Sha256,
  });
  private readonly endpoint: URL;

  constructor(url: string) {
    this.endpoint = new URL(url);
  }

  async call(operation: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: this.endpoint.hostname,
      port: Number(this.endpoint.port),
      path: '/',
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `SageMaker.${operation}`,
      },
      body,
    });
    const signed = await this.signer.sign(request);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent: this.agent, host: this.endpoint.hostname, port: this.endpoint.port, method: 'POST', path: '/', headers: signed.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              reject(new Error(`${operation}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
              return;
            }
            try {
              resolve(JSON.parse(text) as Record<string, unknown>);
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}

function packageInput(group: string, i: number): CreateModelPackageCommandInput {
  return {
    ModelPackageGroupName: group,
    ModelPackageDescription: `bench package ${i}`,
    ModelApprovalStatus: 'PendingManualApproval',
    InferenceSpecification: {
      Containers: [
        {
          Image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/bench-inference:1.0`,
          ModelDataUrl: `s3://bench-models-${ACCOUNT}/bench/model-${i}.tar.gz`,
          Environment: { MODEL_INDEX: String(i) },
        },
      ],
      SupportedContentTypes: ['application/json'],
      SupportedResponseMIMETypes: ['application/json'],
      SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large', 'ml.g5.xlarge'],
      SupportedTransformInstanceTypes: ['ml.m5.large'],
    },
    CustomerMetadataProperties: { team: 'bench', index: String(i) },
  };
}

interface Sample {
  count: number;
  errors: number;
  firstError?: string;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  /** CPU used during the run, as a percentage of one core. */
  serverCpu?: number;
  clientCpu: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

/** Runs `op` from `concurrency` loops for `seconds`; latency in ms of each successful call. */
async function drive(concurrency: number, seconds: number, op: (seq: number) => Promise<unknown>, serverPid?: number): Promise<Sample> {
  let latencies = new Float64Array(1 << 14);
  let count = 0;
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  const serverCpu0 = serverPid === undefined ? undefined : cpuSeconds(serverPid);
  const clientCpu0 = selfCpuSeconds();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const n = seq++;
      const t0 = performance.now();
      try {
        await op(n);
      } catch (error) {
        errors++;
        firstError ??= describeError(error);
        continue;
      }
      const ms = performance.now() - t0;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = ms;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const serverCpu1 = serverPid === undefined ? undefined : cpuSeconds(serverPid);
  const sorted = latencies.subarray(0, count).sort();
  return {
    count,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: elapsed,
    throughput: count / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ...(serverCpu0 !== undefined && serverCpu1 !== undefined ? { serverCpu: ((serverCpu1 - serverCpu0) / elapsed) * 100 } : {}),
    clientCpu: ((selfCpuSeconds() - clientCpu0) / elapsed) * 100,
  };
}

/** `concurrency` loops issue `total` calls of `op` in all (seeding). */
async function issue(total: number, concurrency: number, op: (seq: number) => Promise<unknown>, onProgress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const n = next++;
      await op(n);
      done++;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

const WORKLOADS = ['DescribeModelPackage', 'ListModelPackages', 'CreateModelPackage'] as const;
/**
 * Describe again at the highest concurrency, from the lean signed client instead of the SDK:
 * the SDK spends ~1-2 ms of CPU per call on these cores, so this row shows how much of the
 * SDK rows' ceiling is the client's. Reported beside the SDK rows, never instead of them.
 */
const LEAN_DESCRIBE = 'Describe (lean client)';
type Workload = (typeof WORKLOADS)[number] | typeof LEAN_DESCRIBE;

/** What each target holds before the timed workloads. */
interface Fixture {
  describeArn: string;
  listGroup: string;
  createGroup: string;
}

const READ_GROUP = 'bench-read';
const CREATE_GROUP = 'bench-create';
const READ_VERSIONS = 120;

async function prepare(client: SageMakerClient, target: TargetName): Promise<Fixture> {
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw new Error(`${target}: ${what} failed while preparing the benchmark: ${describeError(error)}`);
    }
  };
  await call('CreateModelPackageGroup', () =>
    client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: READ_GROUP, ModelPackageGroupDescription: 'read workloads' })));
  await call('CreateModelPackageGroup', () =>
    client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: CREATE_GROUP, ModelPackageGroupDescription: 'create workload' })));
  const arns: string[] = [];
  // Sequential: version numbers come out in order on any server.
  for (let i = 1; i <= READ_VERSIONS; i++) {
    const out = await call('CreateModelPackage', () => client.send(new CreateModelPackageCommand(packageInput(READ_GROUP, i))));
    arns.push(out.ModelPackageArn!);
  }
  const describeArn = arns[Math.floor(READ_VERSIONS / 2)]!;
  const described = await call('DescribeModelPackage', () => client.send(new DescribeModelPackageCommand({ ModelPackageName: describeArn })));
  if (described.ModelPackageArn !== describeArn) throw new Error(`${target}: DescribeModelPackage(${describeArn}) answered ${described.ModelPackageArn}`);
  const page = await call('ListModelPackages', () =>
    client.send(new ListModelPackagesCommand({ ModelPackageGroupName: READ_GROUP, MaxResults: 100 })));
  if (page.ModelPackageSummaryList?.length !== 100) {
    throw new Error(`${target}: ListModelPackages(MaxResults 100) on a group of ${READ_VERSIONS} answered ${page.ModelPackageSummaryList?.length} summaries`);
  }
  return { describeArn, listGroup: READ_GROUP, createGroup: CREATE_GROUP };
}

function operation(client: SageMakerClient, raw: RawSageMaker, fixture: Fixture, workload: Workload): (seq: number) => Promise<unknown> {
  switch (workload) {
    case LEAN_DESCRIBE: {
      const input = { ModelPackageName: fixture.describeArn };
      return () => raw.call('DescribeModelPackage', input);
    }
    case 'DescribeModelPackage': {
      const command = new DescribeModelPackageCommand({ ModelPackageName: fixture.describeArn });
      return () => client.send(command);
    }
    case 'ListModelPackages': {
      const command = new ListModelPackagesCommand({ ModelPackageGroupName: fixture.listGroup, MaxResults: 100 });
      return () => client.send(command);
    }
    case 'CreateModelPackage':
      return (seq) => client.send(new CreateModelPackageCommand(packageInput(fixture.createGroup, seq)));
  }
}

// ---------------------------------------------------------------------------------------------
// formatting

const fmt = (value: number | undefined, digits = 1): string =>
  value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);

function table(header: string[], rows: string[][], rightAlign: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

const loadavg = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const out = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};

// ---------------------------------------------------------------------------------------------
// large store

interface LargeStoreResult {
  n: number;
  seedSeconds: number;
  firstPage: Sample;
  /** First page of ModelPackageType Both (every package stored). */
  allPage: Sample;
  deepPage: Sample;
  deepPageIndex: number;
  walk: { pages: number; p50: number; p99: number; seconds: number };
}

async function largeStore(client: SageMakerClient, server: ServerProcess, settings: Settings): Promise<LargeStoreResult> {
  const group = 'bench-large';
  const n = settings.largeN;
  await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group, ModelPackageGroupDescription: `${n} versions` }));

  out(`seeding ${n} model packages into ${group} over HTTP (CreateModelPackage, ${settings.seedConcurrency} in flight, lean signed client)...`);
  const seedStart = performance.now();
  let lastReport = seedStart;
  const raw = new RawSageMaker(server.url);
  try {
    await issue(n, settings.seedConcurrency, (i) => raw.call('CreateModelPackage', packageInput(group, i)), (done) => {
      const now = performance.now();
      if (now - lastReport >= 10_000) {
        lastReport = now;
        const rate = done / ((now - seedStart) / 1000);
        out(`  ${done}/${n} (${rate.toFixed(0)}/s, ~${((n - done) / rate).toFixed(0)} s left, server RSS ${fmt(rssMiB(server.pid))} MiB)`);
      }
    });
  } finally {
    raw.destroy();
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;
  out(`seeded ${n} packages in ${seedSeconds.toFixed(1)} s (${(n / seedSeconds).toFixed(0)} creates/s)`);

  const base: ListModelPackagesCommandInput = { ModelPackageGroupName: group, MaxResults: 100, SortBy: 'CreationTime', SortOrder: 'Descending' };
  const samples = settings.listSamples;
  const firstCommand = new ListModelPackagesCommand(base);
  await drive(1, 0.3, () => client.send(firstCommand)); // warm-up
  const firstPage = await sampleSequential(samples, () => client.send(firstCommand), server.pid);
  // Every version of every group, not just the big one.
  const allCommand = new ListModelPackagesCommand({ ModelPackageType: 'Both', MaxResults: 100, SortBy: 'CreationTime', SortOrder: 'Descending' });
  const allFirst = await client.send(allCommand);
  if (allFirst.ModelPackageSummaryList?.length !== 100) throw new Error(`ModelPackageType Both: ${allFirst.ModelPackageSummaryList?.length} summaries, expected 100`);
  const allPage = await sampleSequential(samples, () => client.send(allCommand), server.pid);

  // Walk the NextToken chain to the middle of the list, timing every page on the way.
  const pages = Math.ceil(n / 100);
  const deepPageIndex = Math.max(1, Math.floor(pages / 2));
  let token: string | undefined;
  const walkLatencies: number[] = [];
  const walkStart = performance.now();
  for (let page = 1; page < deepPageIndex; page++) {
    const t0 = performance.now();
    const result = await client.send(new ListModelPackagesCommand({ ...base, ...(token ? { NextToken: token } : {}) }));
    walkLatencies.push(performance.now() - t0);
    token = result.NextToken;
    if (!token) throw new Error(`ListModelPackages stopped after page ${page} of ${pages} (no NextToken)`);
    if (result.ModelPackageSummaryList?.length !== 100) throw new Error(`page ${page}: ${result.ModelPackageSummaryList?.length} summaries, expected 100`);
  }
  const walkSeconds = (performance.now() - walkStart) / 1000;
  const walkSorted = Float64Array.from(walkLatencies).sort();
  const deepCommand = new ListModelPackagesCommand({ ...base, ...(token ? { NextToken: token } : {}) });
  const check = await client.send(deepCommand);
  const expectedVersion = n - (deepPageIndex - 1) * 100; // descending: page k starts at version n - 100(k-1)
  const firstOnPage = check.ModelPackageSummaryList?.[0]?.ModelPackageVersion;
  if (check.ModelPackageSummaryList?.length !== 100 || firstOnPage !== expectedVersion) {
    throw new Error(`deep page ${deepPageIndex}: ${check.ModelPackageSummaryList?.length} summaries starting at version ${firstOnPage}, expected 100 from ${expectedVersion}`);
  }
  const deepPage = await sampleSequential(samples, () => client.send(deepCommand), server.pid);
  return {
    n,
    seedSeconds,
    firstPage,
    allPage,
    deepPage,
    deepPageIndex,
    walk: { pages: walkLatencies.length, p50: percentile(walkSorted, 50), p99: percentile(walkSorted, 99), seconds: walkSeconds },
  };
}

/** `count` sequential calls (not a duration: each query gets the same number of samples). */
async function sampleSequential(count: number, op: () => Promise<unknown>, serverPid: number): Promise<Sample> {
  const latencies = new Float64Array(count);
  const cpu0 = cpuSeconds(serverPid);
  const client0 = selfCpuSeconds();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op();
    latencies[i] = performance.now() - t0;
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpu1 = cpuSeconds(serverPid);
  latencies.sort();
  return {
    count,
    errors: 0,
    seconds: elapsed,
    throughput: count / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(cpu0 !== undefined && cpu1 !== undefined ? { serverCpu: ((cpu1 - cpu0) / elapsed) * 100 } : {}),
    clientCpu: ((selfCpuSeconds() - client0) / elapsed) * 100,
  };
}

// ---------------------------------------------------------------------------------------------
// the run

interface Row {
  target: TargetName;
  workload: Workload;
  concurrency: number;
  sample: Sample;
}

export async function run(): Promise<void> {
  const settings = readSettings();
  const cpus = os.cpus();
  out('model registry benchmark: sagebox vs moto, driven by @aws-sdk/client-sagemaker (maxAttempts 1, keep-alive agent)');
  out(`machine: ${cpus.length} CPU core(s) (${cpus[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  out(`NOTE: the client (this process) shares those ${cpus.length} cores with the server under test (and with whatever`);
  out('      else runs here), so throughput at 32 in flight is bounded by client + server CPU together; cpu% columns');
  out(`      are of one core. Load average now: ${loadavg()}.`);
  out(`settings: ${settings.seconds} s per workload after ${settings.warmupSeconds} s warm-up; in flight ${settings.concurrency.join(', ')}; ` +
    `targets ${settings.targets.join(', ')}; large store ${settings.largeN}`);
  const entry = settings.targets.includes('sagebox') ? await resolveSageboxEntry(settings.sageboxMode) : undefined;
  if (entry) out(`sagebox runs from ${entry.label}`);
  out();

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sagebox-bench-data-'));
  tempDirs.add(dataDir);
  const servers: ServerProcess[] = [];
  const rows: Row[] = [];
  const rss: { label: string; mib: number | undefined }[] = [];
  let large: LargeStoreResult | undefined;
  try {
    for (const target of settings.targets) {
      const t0 = performance.now();
      const server = target === 'sagebox' ? await startSagebox(dataDir, entry!) : await startMoto();
      servers.push(server);
      out(`${target}: ${server.url} (pid ${server.pid}), ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (target === 'sagebox') {
        await sleep(500);
        rss.push({ label: 'after start', mib: rssMiB(server.pid) });
      }
    }
    out();

    for (const server of servers) {
      const client = makeClient(server.url);
      const raw = new RawSageMaker(server.url);
      try {
        const fixture = await prepare(client, server.target);
        const plan: [Workload, number][] = WORKLOADS.flatMap((w) => settings.concurrency.map((c): [Workload, number] => [w, c]));
        plan.push([LEAN_DESCRIBE, Math.max(...settings.concurrency)]);
        for (const [workload, concurrency] of plan) {
          const op = operation(client, raw, fixture, workload);
          if (settings.warmupSeconds > 0) await drive(concurrency, settings.warmupSeconds, op);
          const sample = await drive(concurrency, settings.seconds, op, server.pid);
          rows.push({ target: server.target, workload, concurrency, sample });
          out(`  ${server.target.padEnd(7)} ${workload.padEnd(22)} x${String(concurrency).padEnd(3)} ${fmt(sample.throughput, 0).padStart(6)} req/s` +
            `  p50 ${fmt(sample.p50, 2)} ms  p99 ${fmt(sample.p99, 2)} ms${sample.errors ? `  (${sample.errors} errors: ${sample.firstError})` : ''}`);
        }
      } finally {
        client.destroy();
        raw.destroy();
      }
    }
    out();
    printTable(rows, settings);

    const sagebox = servers.find((s) => s.target === 'sagebox');
    if (sagebox) {
      // The moto process is done: stop it so it takes no CPU from the large-store check.
      for (const server of servers) if (server.target === 'moto') await stopServer(server);
      if (settings.largeN > 0) {
        out();
        out(`large store (sagebox only): ListModelPackages, MaxResults 100, SortBy CreationTime Descending, ${settings.listSamples} sequential requests each`);
        const client = makeClient(sagebox.url);
        try {
          large = await largeStore(client, sagebox, settings);
        } finally {
          client.destroy();
        }
        printLarge(large);
      }
      rss.push({ label: 'after the load', mib: rssMiB(sagebox.pid) });
      await sleep(settings.idleSeconds * 1000);
      rss.push({ label: `after ${settings.idleSeconds} s idle`, mib: rssMiB(sagebox.pid) });
      out();
      out(`sagebox server RSS (VmRSS of pid ${sagebox.pid}): ${rss.map((r) => `${r.label} ${fmt(r.mib)} MiB`).join(', ')}`);
    }
    out();
    printTargets(rows, large, rss.at(-1)?.mib, settings);
    out(`load average at the end: ${loadavg()} (on ${os.cpus().length} cores; well above that, other work skewed these figures)`);
  } finally {
    for (const server of servers) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
    tempDirs.delete(dataDir);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function find(rows: Row[], target: TargetName, workload: Workload, concurrency: number): Sample | undefined {
  return rows.find((r) => r.target === target && r.workload === workload && r.concurrency === concurrency)?.sample;
}

function printTable(rows: Row[], settings: Settings): void {
  const header = ['target', 'workload', 'in flight', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'server cpu%', 'client cpu%', 'sagebox/moto'];
  const lines: string[][] = [];
  const plan: [Workload, number][] = WORKLOADS.flatMap((w) => settings.concurrency.map((c): [Workload, number] => [w, c]));
  plan.push([LEAN_DESCRIBE, Math.max(...settings.concurrency)]);
  for (const [workload, concurrency] of plan) {
    for (const target of settings.targets) {
      const s = find(rows, target, workload, concurrency);
      if (!s) continue;
      const moto = find(rows, 'moto', workload, concurrency);
      const ratio = target === 'sagebox' && moto && moto.throughput > 0 ? `${(s.throughput / moto.throughput).toFixed(1)}x` : '';
      lines.push([target, workload, String(concurrency), fmt(s.throughput, 0), fmt(s.p50, 2), fmt(s.p99, 2), String(s.errors),
        fmt(s.serverCpu, 0), fmt(s.clientCpu, 0), ratio]);
    }
  }
  out(table(header, lines, [false, false, true, true, true, true, true, true, true, true]));
  out(`(${LEAN_DESCRIBE}: DescribeModelPackage from a minimal node:http + SigV4 client instead of the SDK, to show the server's own ceiling.)`);
}

function printLarge(large: LargeStoreResult): void {
  out(table(
    ['query', 'p50 ms', 'p99 ms', 'samples', 'server cpu%'],
    [
      ['first page', fmt(large.firstPage.p50, 2), fmt(large.firstPage.p99, 2), String(large.firstPage.count), fmt(large.firstPage.serverCpu, 0)],
      ['first page, ModelPackageType Both (no group filter)', fmt(large.allPage.p50, 2), fmt(large.allPage.p99, 2), String(large.allPage.count), fmt(large.allPage.serverCpu, 0)],
      [`deep page ${large.deepPageIndex} (NextToken, ${((large.deepPageIndex - 1) * 100).toLocaleString('en-US')} rows in)`,
        fmt(large.deepPage.p50, 2), fmt(large.deepPage.p99, 2), String(large.deepPage.count), fmt(large.deepPage.serverCpu, 0)],
      [`walk, pages 1..${large.walk.pages} via NextToken`, fmt(large.walk.p50, 2), fmt(large.walk.p99, 2), String(large.walk.pages), ''],
    ],
    [false, true, true, true, true],
  ));
  out(`(${large.n.toLocaleString('en-US')} packages seeded over HTTP in ${large.seedSeconds.toFixed(1)} s, ${(large.n / large.seedSeconds).toFixed(0)} creates/s)`);
}

function printTargets(rows: Row[], large: LargeStoreResult | undefined, idleRss: number | undefined, settings: Settings): void {
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'MET' : 'NOT MET');
  const c = Math.max(...settings.concurrency);
  const sbDescribe = find(rows, 'sagebox', 'DescribeModelPackage', c);
  const motoDescribe = find(rows, 'moto', 'DescribeModelPackage', c);
  const ratio = sbDescribe && motoDescribe ? sbDescribe.throughput / motoDescribe.throughput : undefined;
  const leanSb = find(rows, 'sagebox', LEAN_DESCRIBE, c);
  const leanMoto = find(rows, 'moto', LEAN_DESCRIBE, c);
  const lines: string[][] = [];
  lines.push([`Describe throughput >= 10x moto at ${c} in flight`, ratio === undefined ? '-' : `${ratio.toFixed(1)}x (${fmt(sbDescribe?.throughput, 0)} vs ${fmt(motoDescribe?.throughput, 0)} req/s)`,
    verdict(ratio === undefined ? undefined : ratio >= 10)]);
  if (leanSb && leanMoto) {
    lines.push([`  (same, lean client instead of the SDK)`, `${(leanSb.throughput / leanMoto.throughput).toFixed(1)}x (${fmt(leanSb.throughput, 0)} vs ${fmt(leanMoto.throughput, 0)} req/s)`,
      'info only']);
  }
  for (const cc of settings.concurrency) {
    const s = find(rows, 'sagebox', 'DescribeModelPackage', cc);
    lines.push([`Describe p99 < 10 ms at ${cc} in flight`, s ? `${fmt(s.p99, 2)} ms` : '-', verdict(s ? s.p99 < 10 : undefined)]);
  }
  const n = large ? large.n.toLocaleString('en-US') : String(settings.largeN);
  lines.push([`ListModelPackages first page p50 < 10 ms, ${n} stored`, large ? `${fmt(large.firstPage.p50, 2)} ms` : '-', verdict(large ? large.firstPage.p50 < 10 : undefined)]);
  lines.push([`ListModelPackages Both first page p50 < 10 ms, ${n} stored`, large ? `${fmt(large.allPage.p50, 2)} ms` : '-', verdict(large ? large.allPage.p50 < 10 : undefined)]);
  lines.push([`ListModelPackages deep page p50 < 10 ms, ${n} stored`, large ? `${fmt(large.deepPage.p50, 2)} ms` : '-', verdict(large ? large.deepPage.p50 < 10 : undefined)]);
  lines.push(['sagebox idle RSS < 150 MB', idleRss === undefined ? '-' : `${fmt(idleRss)} MiB (${fmt(idleRss * 1.048576)} MB)`,
    verdict(idleRss === undefined ? undefined : idleRss * 1.048576 < 150)]);
  out('targets (issue 2, "Speed"):');
  out(table(['target', 'measured', 'verdict'], lines, [false, false, false]));
  if (large && large.n < 100_000) out(`(large store ran with BENCH_LARGE_N=${large.n}, not the 100,000 the target names)`);
}
