/**
 * The `file` ObjectStore driver: `s3://bucket/key` is the file `<root>/<bucket>/<key>`, so a
 * user can look at their artifacts with `ls`. Writes go to `<root>/.tmp/` and are renamed into
 * place (readers never see half a file). ETag is the quoted MD5, as S3 computes it for a
 * single-part upload.
 *
 * Limits of the mapping, documented rather than hidden: a key cannot be both an object and a
 * "folder" (`a` and `a/b`), keys with `.`/`..`/empty segments are refused (they would escape or
 * alias on a file system), and keys ending in `/` (console folder markers) are accepted as
 * empty writes that only create the directory and never appear in listings.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  InvalidObjectKeyError,
  ObjectNotFoundError,
  type ListOptions,
  type ListPage,
  type ObjectInfo,
  type GetOptions,
  type ObjectStore,
  type PutOptions,
} from './object-store.js';
import { progressTap } from './progress.js';
import { formatS3Uri, parseS3Uri } from './s3-uri.js';

const MAX_KEYS = 1000;

export class FileObjectStore implements ObjectStore {
  readonly driver = 'file' as const;

  /** Nothing to release: every call opens and closes its own files. */
  close(): void {}
  private readonly root: string;
  private readonly tmpDir: string;
  /** md5 by path+size+mtime+inode, so repeated `head`s do not re-read big files. */
  private readonly etagCache = new Map<string, string>();

  /** @param root absolute directory holding one sub-directory per bucket. */
  constructor(root: string) {
    this.root = path.resolve(root);
    this.tmpDir = path.join(this.root, '.tmp');
  }

  async putBuffer(uri: string, body: Buffer | string, options?: PutOptions): Promise<ObjectInfo> {
    return this.putStream(uri, Readable.from([typeof body === 'string' ? Buffer.from(body) : body]), options);
  }

  async putFile(uri: string, file: string, options?: PutOptions): Promise<ObjectInfo> {
    return this.putStream(uri, createReadStream(file), options);
  }

  async putStream(uri: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    const { bucket, key, file } = this.locate(uri, { allowFolderMarker: true });
    if (key.endsWith('/')) {
      body.resume();
      await fs.mkdir(file, { recursive: true });
      return { uri, bucket, key, size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"', lastModified: new Date() };
    }
    await fs.mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomBytes(8).toString('hex')}.part`);
    const hash = createHash('md5');
    try {
      if (options.onProgress) await pipeline(body, tap(hash), progressTap(options.onProgress), createWriteStream(tmp));
      else await pipeline(body, tap(hash), createWriteStream(tmp));
      await renameInto(tmp, file);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'ENOTDIR' || code === 'EEXIST') {
        throw new InvalidObjectKeyError(
          `the file object store cannot hold both an object and keys below it ('${key}' clashes with an existing object or folder)`,
        );
      }
      throw error;
    }
    const stat = await fs.stat(file);
    const etag = `"${hash.digest('hex')}"`;
    this.etagCache.set(cacheKey(file, stat), etag);
    return { uri, bucket, key, size: stat.size, etag, lastModified: stat.mtime };
  }

  async getBuffer(uri: string): Promise<Buffer> {
    const { file } = this.locate(uri);
    try {
      return await fs.readFile(file);
    } catch (error) {
      throw notFound(error, uri);
    }
  }

  async getFile(uri: string, target: string, options: GetOptions = {}): Promise<ObjectInfo> {
    const info = await this.head(uri);
    if (!info) throw new ObjectNotFoundError(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.part`;
    const source = this.locate(uri).file;
    try {
      if (options.onProgress) await pipeline(createReadStream(source), progressTap(options.onProgress), createWriteStream(tmp));
      else await fs.copyFile(source, tmp); // copy_file_range: no bytes through JS
      await fs.rename(tmp, target);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw notFound(error, uri);
    }
    return info;
  }

  async getStream(uri: string): Promise<Readable> {
    const { file } = this.locate(uri);
    // Open first so a missing key fails here, not on the first read.
    const handle = await fs.open(file, 'r').catch((error: unknown) => {
      throw notFound(error, uri);
    });
    return handle.createReadStream();
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const { bucket, key, file } = this.locate(uri);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    return { uri, bucket, key, size: stat.size, etag: await this.etagOf(file, stat), lastModified: stat.mtime };
  }

  async list(prefixUri: string, options: ListOptions = {}): Promise<ListPage> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const maxKeys = Math.min(Math.max(options.maxKeys ?? MAX_KEYS, 1), MAX_KEYS);
    const startAfter = options.continuationToken ? decodeToken(options.continuationToken) : undefined;
    const bucketDir = this.bucketDir(bucket);
    // Walk only the directory that can hold the prefix: 'a/b/c' lives under '<bucket>/a/b'.
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash >= 0 ? prefix.slice(0, slash + 1) : '';
    if (baseKey !== '') this.checkKey(baseKey, true);

    const objects: ObjectInfo[] = [];
    const commonPrefixes: string[] = [];
    let last: string | undefined;
    let more = false;
    const emit = (entry: string): boolean => {
      // entry: a key, or a rolled-up prefix ending in '/'
      if (objects.length + commonPrefixes.length >= maxKeys) {
        more = true;
        return false;
      }
      last = entry;
      return true;
    };

    const walk = async (dirKey: string): Promise<boolean> => {
      const dir = path.join(bucketDir, ...dirKey.split('/').filter(Boolean));
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      // Sorting by name + '/' for directories yields S3's global key order: every key under
      // 'a/' sorts after 'a.b' ('.' < '/'), exactly where the DFS visits the directory.
      const named = entries
        .filter((e) => e.isFile() || e.isDirectory())
        .map((e) => ({ e, sortKey: Buffer.from(e.name + (e.isDirectory() ? '/' : '')) }))
        .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
      for (const { e } of named) {
        const key = dirKey + e.name;
        if (e.isDirectory()) {
          const sub = `${key}/`;
          if (!sub.startsWith(prefix) && !prefix.startsWith(sub)) continue;
          if (startAfter !== undefined && !startAfter.startsWith(sub) && Buffer.compare(Buffer.from(sub), Buffer.from(startAfter)) < 0) {
            continue; // every key below `sub` sorts before startAfter: the subtree is on earlier pages
          }
          if (options.delimiter === '/' && sub.startsWith(prefix) && sub.length > prefix.length) {
            if (startAfter !== undefined && Buffer.compare(Buffer.from(sub), Buffer.from(startAfter)) <= 0) continue;
            if (!emit(sub)) return false;
            commonPrefixes.push(formatS3Uri({ bucket, key: sub }));
            continue;
          }
          if (!(await walk(sub))) return false;
        } else {
          if (!key.startsWith(prefix)) continue;
          if (startAfter !== undefined && Buffer.compare(Buffer.from(key), Buffer.from(startAfter)) <= 0) continue;
          const stat = await fs.stat(path.join(dir, e.name)).catch(() => undefined);
          if (!stat) continue; // deleted while listing
          if (!emit(key)) return false;
          objects.push({ uri: formatS3Uri({ bucket, key }), bucket, key, size: stat.size, lastModified: stat.mtime });
        }
      }
      return true;
    };
    await walk(baseKey);
    return { objects, commonPrefixes, ...(more && last !== undefined ? { nextToken: encodeToken(last) } : {}) };
  }

  async delete(uri: string): Promise<void> {
    const { bucket, file } = this.locate(uri);
    await fs.rm(file, { force: true });
    // Remove the now-empty parent directories, so a later 'a' can be written after 'a/b' is gone.
    const bucketDir = this.bucketDir(bucket);
    for (let dir = path.dirname(file); dir.startsWith(bucketDir + path.sep); dir = path.dirname(dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break;
      }
    }
  }

  /** The local file behind a URI (for callers that can use a file directly). */
  pathOf(uri: string): string {
    return this.locate(uri).file;
  }

  private bucketDir(bucket: string): string {
    return path.join(this.root, bucket);
  }

  private locate(uri: string, opts: { allowFolderMarker?: boolean } = {}): { bucket: string; key: string; file: string } {
    const { bucket, key } = parseS3Uri(uri);
    this.checkKey(key, opts.allowFolderMarker ?? false);
    const file = path.join(this.bucketDir(bucket), ...key.split('/').filter(Boolean));
    // Belt and braces: checkKey already refuses '..', but never hand out a path outside root.
    if (!file.startsWith(this.bucketDir(bucket) + path.sep)) throw new InvalidObjectKeyError(`key escapes the store: '${key}'`);
    return { bucket, key, file };
  }

  private checkKey(key: string, allowTrailingSlash: boolean): void {
    if (key === '') throw new InvalidObjectKeyError('an object key is required');
    const body = allowTrailingSlash && key.endsWith('/') ? key.slice(0, -1) : key;
    const bad = body.split('/').find((segment) => segment === '' || segment === '.' || segment === '..');
    if (bad !== undefined || key.includes('\0') || key.length > 1024) {
      throw new InvalidObjectKeyError(
        `the file object store refuses key '${key}': '.', '..' and empty path segments are not allowed`,
      );
    }
  }

  private async etagOf(file: string, stat: Stats): Promise<string> {
    const cached = this.etagCache.get(cacheKey(file, stat));
    if (cached) return cached;
    const hash = createHash('md5');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const etag = `"${hash.digest('hex')}"`;
    if (this.etagCache.size > 10_000) this.etagCache.clear();
    this.etagCache.set(cacheKey(file, stat), etag);
    return etag;
  }
}

/** mkdir + rename, once more if a concurrent delete pruned the directory in between. */
async function renameInto(tmp: string, file: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    try {
      await fs.rename(tmp, file);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 2) throw error;
    }
  }
}

const cacheKey = (file: string, stat: Stats): string => `${file}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}`;

/** A pass-through stream that feeds a hash. */
function tap(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}

function notFound(error: unknown, uri: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' ? new ObjectNotFoundError(uri) : (error as Error);
}

const encodeToken = (key: string): string => Buffer.from(key).toString('base64url');
function decodeToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString();
  if (key === '') throw new InvalidObjectKeyError(`invalid continuation token '${token}'`);
  return key;
}
