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
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  type CreateModelPackageCommandInput,
  type ListModelPackagesCommandInput,
} from '@aws-sdk/client-sagemaker';
import { ACCOUNT, describeError, drive, issue, makeClient, percentile, RawSageMaker, type Sample } from './lib/load.js';
import {
  cpuSeconds, onSignal, out, resolveSageboxEntry, rssMiB, SAGEBOX_MODES, selfCpuSeconds, sleep,
  startMoto, startSagebox, stopServer, tempDirs, type SageboxMode, type ServerProcess, type TargetName,
} from './lib/processes.js';

export const name = 'registry';


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

const WORKLOADS = ['DescribeModelPackage', 'ListModelPackages', 'CreateModelPackage'] as const;
/**
 * Describe again at the highest concurrency, from the lean signed client instead of the SDK:
 * the SDK spends ~1-2 ms of CPU per call on these cores, so this row shows how much of the
 * SDK rows' ceiling is the client's. Reported beside the SDK rows, never instead of them.
 */
const LEAN_DESCRIBE = 'Describe (replayed request)' as const;
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
      return () => raw.replay('DescribeModelPackage', input);
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
        for (const [workload, concurrency] of workloadPlan(settings)) {
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

/** Every workload at every concurrency, the replayed-request Describe included. */
function workloadPlan(settings: Settings): [Workload, number][] {
  const workloads: Workload[] = [...WORKLOADS, LEAN_DESCRIBE];
  return workloads.flatMap((w) => settings.concurrency.map((c): [Workload, number] => [w, c]));
}

function printTable(rows: Row[], settings: Settings): void {
  const header = ['target', 'workload', 'in flight', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'server cpu%', 'client cpu%', 'sagebox/moto'];
  const lines: string[][] = [];
  for (const [workload, concurrency] of workloadPlan(settings)) {
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
  out(`(${LEAN_DESCRIBE}: one signed DescribeModelPackage request replayed from a minimal node:http client, as wrk would, so the client's CPU does not cap the servers; the SDK rows include the SDK's own cost, ~1.5 ms of client CPU per call here.)`);
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
    const leanRatio = leanSb.throughput / leanMoto.throughput;
    lines.push([`  (same, replayed request instead of the SDK)`, `${leanRatio.toFixed(1)}x (${fmt(leanSb.throughput, 0)} vs ${fmt(leanMoto.throughput, 0)} req/s)`,
      verdict(leanRatio >= 10)]);
    for (const cc of settings.concurrency) {
      const lean = find(rows, 'sagebox', LEAN_DESCRIBE, cc);
      if (lean) lines.push([`  Describe p99 < 10 ms at ${cc} in flight, replayed request`, `${fmt(lean.p99, 2)} ms`, verdict(lean.p99 < 10)]);
    }
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
