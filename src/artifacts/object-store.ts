/**
 * The ObjectStore: what sagebox needs from S3, behind one interface with two drivers
 * (`file`: a directory under the data dir, the default; `s3`: any S3-compatible endpoint).
 * Every address is an `s3://bucket/key` URI, so request fields pass through untouched.
 */
import type { Readable } from 'node:stream';

/** One stored object. */
export interface ObjectInfo {
  /** `s3://bucket/key`. */
  uri: string;
  bucket: string;
  key: string;
  /** Bytes. */
  size: number;
  /**
   * The S3 ETag, quoted as S3 sends it (`"<md5 hex>"` for single-part uploads). The file
   * driver omits it in listings (it would have to read every file); `head` and `put*` have it.
   */
  etag?: string;
  lastModified: Date;
}

/** Options for {@link ObjectStore.list}. */
export interface ListOptions {
  /** Page size, 1-1000 (S3's cap); default 1000. */
  maxKeys?: number;
  /** `nextToken` from the previous page. */
  continuationToken?: string;
  /** Only `/` is supported: keys below the next `/` are rolled up into `commonPrefixes`. */
  delimiter?: '/';
}

/** One page of {@link ObjectStore.list}, in S3 key order (UTF-8 byte order). */
export interface ListPage {
  objects: ObjectInfo[];
  /** With `delimiter: '/'`: the `s3://bucket/prefix/sub/` URIs rolled up. */
  commonPrefixes: string[];
  /** Present only when more results exist. */
  nextToken?: string;
}

/** Optional metadata on writes. */
export interface PutOptions {
  contentType?: string;
  /** Bytes sent so far (for a progress bar). */
  onProgress?: (bytesSoFar: number) => void;
}

/** Options for downloads. */
export interface GetOptions {
  /** Bytes received so far (for a progress bar). */
  onProgress?: (bytesSoFar: number) => void;
}

/** `get*`/`copy` of a key that does not exist. */
export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  constructor(readonly uri: string) {
    super(`no such object: ${uri}`);
  }
}

/** A key the store refuses (path traversal, empty segments, NUL...). */
export class InvalidObjectKeyError extends Error {
  override name = 'InvalidObjectKeyError';
}

/**
 * Where artifacts live. All methods take `s3://bucket/key` URIs; buckets are created on
 * first write by the file driver and must exist for the s3 driver.
 *
 * @example
 *   const store = createObjectStore({ driver: 'file', root: '/data/.sagebox/objects' });
 *   await store.putBuffer('s3://b/train/data.csv', 'x,y\n1,2\n');
 *   const info = await store.head('s3://b/train/data.csv');  // { size: 8, etag: '"…"', ... }
 *   for await (const o of listAll(store, 's3://b/train/')) console.log(o.key);
 *   await store.getFile('s3://b/train/data.csv', '/tmp/data.csv');
 */
export interface ObjectStore {
  /** Which driver this is. */
  readonly driver: 'file' | 's3';
  /** Releases connections (the S3 client's sockets); the file driver holds none. */
  close(): void;
  /** Writes a whole object from memory. */
  putBuffer(uri: string, body: Buffer | string, options?: PutOptions): Promise<ObjectInfo>;
  /** Uploads a local file (streamed; large files go multipart on s3). */
  putFile(uri: string, file: string, options?: PutOptions): Promise<ObjectInfo>;
  /** Uploads a stream of unknown length (buffered to a temp file where the driver needs a length). */
  putStream(uri: string, body: Readable, options?: PutOptions): Promise<ObjectInfo>;
  /** Reads a whole object into memory (small objects: manifests, configs). */
  getBuffer(uri: string): Promise<Buffer>;
  /** Downloads an object to a local file, atomically (temp file + rename). */
  getFile(uri: string, file: string, options?: GetOptions): Promise<ObjectInfo>;
  /** Opens an object as a stream. */
  getStream(uri: string): Promise<Readable>;
  /** The object's metadata, or undefined when it does not exist. */
  head(uri: string): Promise<ObjectInfo | undefined>;
  /** One page of objects whose keys start with the URI's key (a raw key prefix, as in S3). */
  list(prefixUri: string, options?: ListOptions): Promise<ListPage>;
  /** Deletes an object; deleting a missing object is not an error (as in S3). */
  delete(uri: string): Promise<void>;
}
