/**
 * Recursive copies between an ObjectStore prefix and a local directory (channel download,
 * checkpoint sync, uncompressed outputs), written once against the interface so both drivers
 * behave the same.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidObjectKeyError, type ObjectInfo, type ObjectStore } from './object-store.js';
import { parseS3Uri, uriJoin } from './s3-uri.js';

/**
 * Every object under a prefix, page by page.
 *
 * @example
 *   for await (const o of listAll(store, 's3://b/data/')) total += o.size;
 */
export async function* listAll(store: ObjectStore, prefixUri: string): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await store.list(prefixUri, token ? { continuationToken: token } : {});
    yield* page.objects;
    token = page.nextToken;
  } while (token);
}

/**
 * The local relative path for `key` downloaded from `prefix`, the way SageMaker lays out an
 * S3Prefix channel: below a `/`-terminated prefix the rest of the key; for a prefix naming a
 * single object, its base name; for a partial name (`data/train` matching `data/train-2.csv`),
 * the key relative to the prefix's parent "directory".
 *
 * @example
 *   relativeKey('data/', 'data/a/b.csv')        // 'a/b.csv'
 *   relativeKey('data/train.csv', 'data/train.csv') // 'train.csv'
 *   relativeKey('data/train', 'data/train/x.csv')   // 'x.csv'
 *   relativeKey('data/train', 'data/train-2.csv')   // 'train-2.csv'
 */
export function relativeKey(prefix: string, key: string): string {
  if (prefix === '' || prefix.endsWith('/')) return key.slice(prefix.length);
  if (key === prefix) return key.slice(key.lastIndexOf('/') + 1);
  if (key[prefix.length] === '/') return key.slice(prefix.length + 1);
  return key.slice(prefix.lastIndexOf('/') + 1);
}

/** `dir/rel` for a `/`-separated relative path, refusing anything that would leave `dir`. */
export function safeLocalPath(dir: string, rel: string): string {
  const segments = rel.split('/').filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..' || s.includes('\0'))) {
    throw new InvalidObjectKeyError(`refusing to write '${rel}' below ${dir}: not a plain relative path`);
  }
  return path.join(dir, ...segments);
}

/** What a copy moved. */
export interface CopyStats {
  files: number;
  bytes: number;
}

/**
 * Downloads every object under `prefixUri` into `dir` (keys ending in `/`, folder markers, are
 * skipped). Returns the count and bytes.
 *
 * @example
 *   await downloadPrefix(store, 's3://b/checkpoints/job-1/', '/jobs/job-1/ml/checkpoints')
 */
export async function downloadPrefix(
  store: ObjectStore,
  prefixUri: string,
  dir: string,
  options: { concurrency?: number } = {},
): Promise<CopyStats> {
  const { key: prefix } = parseS3Uri(prefixUri);
  await fs.mkdir(dir, { recursive: true });
  const stats: CopyStats = { files: 0, bytes: 0 };
  await runPool(listAll(store, prefixUri), options.concurrency ?? 4, async (object) => {
    if (object.key.endsWith('/')) return;
    await store.getFile(object.uri, safeLocalPath(dir, relativeKey(prefix, object.key)));
    stats.files++;
    stats.bytes += object.size;
  });
  return stats;
}

/** A file found by {@link walkFiles}: its `/`-separated path relative to the root. */
export interface LocalFile {
  rel: string;
  file: string;
  size: number;
  mtimeMs: number;
}

/** Every regular file below `dir` (symlinks and special files are skipped), sorted. */
export async function walkFiles(dir: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await fs.readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const childAbs = path.join(abs, e.name);
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(childAbs, childRel);
      else if (e.isFile()) {
        const stat = await fs.stat(childAbs).catch(() => undefined);
        if (stat) out.push({ rel: childRel, file: childAbs, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    }
  };
  await walk(dir, '');
  return out;
}

/**
 * Uploads every file below `dir` to `prefixUri/<relative path>`. With `skipUnchanged`, a map
 * of rel → "size:mtime" kept between calls, files unchanged since the last call are skipped
 * (checkpoint sync during training uploads only what changed).
 *
 * @example
 *   const seen = new Map<string, string>();
 *   await uploadDirectory(store, '/jobs/j/ml/checkpoints', 's3://b/ckpt/j', { skipUnchanged: seen });
 */
export async function uploadDirectory(
  store: ObjectStore,
  dir: string,
  prefixUri: string,
  options: { concurrency?: number; skipUnchanged?: Map<string, string> } = {},
): Promise<CopyStats> {
  const stats: CopyStats = { files: 0, bytes: 0 };
  const files = await walkFiles(dir);
  await runPool(files, options.concurrency ?? 4, async (f) => {
    const stamp = `${f.size}:${f.mtimeMs}`;
    if (options.skipUnchanged?.get(f.rel) === stamp) return;
    await store.putFile(uriJoin(prefixUri, f.rel), f.file);
    options.skipUnchanged?.set(f.rel, stamp);
    stats.files++;
    stats.bytes += f.size;
  });
  return stats;
}

/** Runs `work` over `items` with at most `concurrency` in flight; the first error wins. */
async function runPool<T>(items: Iterable<T> | AsyncIterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for await (const item of items) {
    if (failure !== undefined) break;
    const p: Promise<void> = work(item).then(
      () => void inFlight.delete(p),
      (error: unknown) => {
        inFlight.delete(p);
        failure ??= error;
      },
    );
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}
