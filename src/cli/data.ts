/**
 * `sagebox data put|get|ls|rm`: files into and out of the object store that `sagebox serve`
 * uses, resolved from the same configuration (`--data-dir` / `SAGEBOX_DATA_DIR`, `SAGEBOX_S3_*`).
 * It works on the store directly, not through the server: the file driver writes by atomic
 * rename, so this is safe while the server runs.
 *
 * Exit status: 0 done; 1 the transfer failed (missing object, S3 error); 2 bad input (a bad
 * URI, a missing local file, a bad configuration value).
 *
 * @example
 *   sagebox data put ./train s3://my-bucket/data/train/       # a directory, recursively
 *   sagebox data ls s3://my-bucket/data/ --recursive
 *   sagebox data get s3://my-bucket/output/job-1/output/model.tar.gz ./model.tar.gz
 *   sagebox data get s3://my-bucket/data/train ./train-copy     # a prefix → a directory
 *   sagebox data rm s3://my-bucket/data/ --recursive
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  createObjectStore,
  formatS3Uri,
  InvalidObjectKeyError,
  InvalidS3UriError,
  listAll,
  ObjectNotFoundError,
  parseS3Uri,
  safeLocalPath,
  uriJoin,
  walkFiles,
  type ObjectStore,
  type ObjectStoreConfig,
} from '../artifacts/index.js';
import { ConfigError, resolveConfig } from '../config.js';
import { Progress, type ProgressOutput } from './progress.js';

/** Bad input from the user: exit status 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

/** A download of something that is neither an object nor a non-empty prefix: exit status 1. */
class NothingThereError extends Error {
  override name = 'NothingThereError';
}

interface StoreFlags {
  dataDir?: string;
}

/** How many objects move at once in a recursive transfer. */
const CONCURRENCY = 4;

/**
 * Adds `sagebox data` and its subcommands to the program.
 *
 * @example registerDataCommands(program)
 */
export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description('Put data into the object store and get it out: the store `sagebox serve` uses (--data-dir / SAGEBOX_DATA_DIR, or S3 through SAGEBOX_S3_*).');
  const dataDir = ['--data-dir <dir>', 'the server\'s data dir, whose objects/ folder is the default store (SAGEBOX_DATA_DIR, default ./.sagebox)'] as const;

  data
    .command('put')
    .description('Upload a file, or a directory recursively, to an s3:// URI (a URI ending in / takes the file\'s name).')
    .argument('<local>', 'local file or directory')
    .argument('<uri>', 's3://bucket/key or s3://bucket/prefix/')
    .option(...dataDir)
    .action(async (local: string, uri: string, flags: StoreFlags) => {
      await withStore('put', flags, (store) => putData(store, local, uri, process.stderr));
    });

  data
    .command('get')
    .description('Download an object to a file, or every object under a prefix into a directory.')
    .argument('<uri>', 's3://bucket/key (an object) or s3://bucket/prefix (a "directory")')
    .argument('<local>', 'local file or directory')
    .option(...dataDir)
    .action(async (uri: string, local: string, flags: StoreFlags) => {
      await withStore('get', flags, (store) => getData(store, uri, local, process.stderr));
    });

  data
    .command('ls')
    .description('List objects: one level, with sub-prefixes as PRE, or everything below with --recursive.')
    .argument('<uri>', 's3://bucket[/prefix]')
    .option('-r, --recursive', 'every object below the prefix')
    .option(...dataDir)
    .action(async (uri: string, flags: StoreFlags & { recursive?: boolean }) => {
      await withStore('ls', flags, (store) => listData(store, uri, flags.recursive === true, (line) => process.stdout.write(`${line}\n`)));
    });

  data
    .command('rm')
    .description('Delete an object, or every object under a prefix with --recursive.')
    .argument('<uri>', 's3://bucket/key, or s3://bucket/prefix with --recursive')
    .option('-r, --recursive', 'every object below the prefix')
    .option(...dataDir)
    .action(async (uri: string, flags: StoreFlags & { recursive?: boolean }) => {
      await withStore('rm', flags, (store) => removeData(store, uri, flags.recursive === true, process.stderr));
    });
}

/** Resolves the configured store, runs `work`, and turns every failure into one clear line. */
async function withStore(command: string, flags: StoreFlags, work: (store: ObjectStore) => Promise<void>): Promise<void> {
  let config: ObjectStoreConfig;
  try {
    config = resolveConfig(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }).objectStore;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sagebox data ${command}: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const store = createObjectStore(config);
  try {
    await work(store);
  } catch (error) {
    process.stderr.write(`sagebox data ${command}: ${describeError(error, config)}\n`);
    process.exitCode = isUsageError(error) ? 2 : 1;
  } finally {
    if ('client' in store) (store as { client: { destroy(): void } }).client.destroy();
  }
}

function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof InvalidS3UriError || error instanceof InvalidObjectKeyError;
}

/** One line, no stack: what went wrong in the user's terms. */
export function describeError(error: unknown, config: ObjectStoreConfig): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number }; Code?: string; BucketName?: string };
  if (isUsageError(e) || e instanceof ObjectNotFoundError || e instanceof NothingThereError) return e.message;
  if (e.$metadata) {
    // An S3 service error: its code and message (NoSuchBucket, AccessDenied, ...).
    const where = config.driver === 's3' ? ` (S3 at ${config.endpoint ?? `AWS ${config.region}`})` : '';
    return `${e.name}: ${e.message}${where}`;
  }
  if (config.driver === 's3' && e.code && ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code)) {
    return `cannot reach S3 at ${config.endpoint ?? `AWS ${config.region}`}: ${e.message}`;
  }
  return e.message;
}

/** A file or object to move, with its size. */
interface Transfer {
  uri: string;
  file: string;
  size: number;
}

/**
 * Uploads `local` (a file, or a directory recursively) to `uri`. A single file goes to `uri`
 * itself, or to `uri` + its name when `uri` is a bucket or ends in `/` (as `aws s3 cp` does).
 */
export async function putData(store: ObjectStore, local: string, uri: string, out: ProgressOutput): Promise<void> {
  const { key } = parseS3Uri(uri);
  const stat = await fs.stat(local).catch(() => undefined);
  if (!stat) throw new UsageError(`no such file or directory: ${local}`);
  let transfers: Transfer[];
  let where: string;
  if (stat.isDirectory()) {
    transfers = (await walkFiles(local)).map((f) => ({ uri: uriJoin(uri, f.rel), file: f.file, size: f.size }));
    where = `from ${local} to ${uri}`;
  } else if (stat.isFile()) {
    const target = key === '' || key.endsWith('/') ? uriJoin(uri, path.basename(local)) : uri;
    transfers = [{ uri: target, file: local, size: stat.size }];
    where = `to ${target}`;
  } else {
    throw new UsageError(`not a regular file or directory: ${local}`);
  }
  const progress = new Progress(out, { totalBytes: sum(transfers), totalFiles: transfers.length });
  try {
    await runPool(transfers, CONCURRENCY, async (t) => {
      const info = await store.putFile(t.uri, t.file, { onProgress: (n) => progress.update(t.uri, n) });
      progress.fileDone(t.uri, info.size);
    });
  } catch (error) {
    progress.clear();
    throw error;
  }
  progress.finish('uploaded', where);
}

/**
 * Downloads `uri` to `local`: an object to a file (into a directory when `local` is one or ends
 * in `/`); otherwise every object under `uri/` into the directory `local`, keeping the key paths.
 */
export async function getData(store: ObjectStore, uri: string, local: string, out: ProgressOutput): Promise<void> {
  const location = parseS3Uri(uri);
  const localStat = await fs.stat(local).catch(() => undefined);
  let transfers: Transfer[] | undefined;
  let where = '';
  if (location.key !== '' && !location.key.endsWith('/')) {
    const info = await store.head(uri);
    if (info) {
      const file = localStat?.isDirectory() || local.endsWith('/') ? path.join(local, path.posix.basename(location.key)) : local;
      transfers = [{ uri, file, size: info.size }];
      where = `from ${uri} to ${file}`;
    }
  }
  if (!transfers) {
    // A prefix: treat it as a directory, so `data` does not also pick up `data-old.csv`.
    const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
    const prefixUri = formatS3Uri({ bucket: location.bucket, key: prefix });
    if (localStat && !localStat.isDirectory()) {
      throw new UsageError(`${uri} is a prefix, which downloads into a directory, but ${local} is a file`);
    }
    transfers = [];
    for await (const object of listAll(store, prefixUri)) {
      if (object.key.endsWith('/')) continue; // folder markers
      transfers.push({ uri: object.uri, file: safeLocalPath(local, object.key.slice(prefix.length)), size: object.size });
    }
    if (transfers.length === 0) throw new NothingThereError(`nothing at ${uri}: no such object, and no objects under ${prefixUri}`);
    where = `from ${prefixUri} to ${local}`;
  }
  const progress = new Progress(out, { totalBytes: sum(transfers), totalFiles: transfers.length });
  try {
    await runPool(transfers, CONCURRENCY, async (t) => {
      const info = await store.getFile(t.uri, t.file, { onProgress: (n) => progress.update(t.uri, n) });
      progress.fileDone(t.uri, info.size);
    });
  } catch (error) {
    progress.clear();
    throw error;
  }
  progress.finish('downloaded', where);
}

/**
 * Lists `uri`: one level (sub-prefixes as `PRE`), or every object below with `recursive`.
 * Lines: `<UTC date time>  <size>  <uri>`, sizes in bytes.
 */
export async function listData(store: ObjectStore, uri: string, recursive: boolean, print: (line: string) => void): Promise<void> {
  parseS3Uri(uri);
  const line = (date: Date, size: string, u: string): string =>
    `${date.toISOString().slice(0, 19).replace('T', ' ')}  ${size.padStart(12)}  ${u}`;
  if (recursive) {
    for await (const o of listAll(store, uri)) print(line(o.lastModified, String(o.size), o.uri));
    return;
  }
  let token: string | undefined;
  do {
    const page = await store.list(uri, { delimiter: '/', ...(token ? { continuationToken: token } : {}) });
    for (const p of page.commonPrefixes) print(`${' '.repeat(19)}  ${'PRE'.padStart(12)}  ${p}`);
    for (const o of page.objects) print(line(o.lastModified, String(o.size), o.uri));
    token = page.nextToken;
  } while (token);
}

/** Deletes an object (which must exist), or with `recursive` every object under `uri/`. */
export async function removeData(store: ObjectStore, uri: string, recursive: boolean, out: ProgressOutput): Promise<void> {
  const location = parseS3Uri(uri);
  if (!recursive) {
    if (location.key === '' || location.key.endsWith('/')) throw new UsageError(`${uri} is a prefix: add --recursive to delete everything under it`);
    if (!(await store.head(uri))) {
      const below = await store.list(`${uri}/`, { maxKeys: 1 });
      throw below.objects.length > 0
        ? new UsageError(`${uri} is a prefix: add --recursive to delete everything under it`)
        : new ObjectNotFoundError(uri);
    }
    await store.delete(uri);
    out.write(`deleted ${uri}\n`);
    return;
  }
  const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
  const prefixUri = formatS3Uri({ bucket: location.bucket, key: prefix });
  const uris: string[] = [];
  for await (const o of listAll(store, prefixUri)) uris.push(o.uri);
  await runPool(uris, CONCURRENCY, (u) => store.delete(u));
  out.write(`deleted ${uris.length} object${uris.length === 1 ? '' : 's'} under ${prefixUri}\n`);
}

const sum = (transfers: Transfer[]): number => transfers.reduce((n, t) => n + t.size, 0);

/** Runs `work` over `items`, at most `concurrency` at once; the first error wins (the rest finish first). */
async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure) throw failure.error;
}
