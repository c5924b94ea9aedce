/**
 * The `s3` ObjectStore driver: any S3-compatible endpoint (AWS, MinIO, moto) through
 * `@aws-sdk/client-s3`. Files over 64 MiB go up in 16 MiB multipart parts (PutObject tops out
 * at 5 GiB, and one part failing should not resend the whole model).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
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

/** Connection settings for the s3 driver. */
export interface S3StoreConfig {
  driver: 's3';
  /** e.g. `http://127.0.0.1:9000` for MinIO; omit for AWS. */
  endpoint?: string;
  region: string;
  /** Omit to use the SDK's default provider chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Path-style addressing (`endpoint/bucket/key`); MinIO and moto want it. */
  forcePathStyle?: boolean;
  /** Where `putStream` buffers a body of unknown length; default the OS temp dir. */
  tmpDir?: string;
  /** Files larger than this go multipart; default 64 MiB. */
  multipartThreshold?: number;
  /** Multipart part size; default 16 MiB (S3's minimum is 5 MiB). */
  partSize?: number;
}

const MiB = 1024 * 1024;

export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3' as const;
  readonly client: S3Client;
  private readonly tmpDir: string;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(config: Omit<S3StoreConfig, 'driver'>) {
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      forcePathStyle: config.forcePathStyle ?? false,
      // Without a logger, smithy prints some failures through console.*; every failure
      // already reaches the caller as a rejected promise, so stay quiet.
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    this.tmpDir = config.tmpDir ?? os.tmpdir();
    this.multipartThreshold = config.multipartThreshold ?? 64 * MiB;
    this.partSize = Math.max(config.partSize ?? 16 * MiB, 5 * MiB);
  }

  close(): void {
    this.client.destroy();
  }

  async putBuffer(uri: string, body: Buffer | string, options: PutOptions = {}): Promise<ObjectInfo> {
    const { bucket, key } = parseS3Uri(uri);
    const buffer = typeof body === 'string' ? Buffer.from(body) : body;
    const out = await this.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: buffer, ContentLength: buffer.length, ContentType: options.contentType }),
    );
    return { uri, bucket, key, size: buffer.length, ...(out.ETag ? { etag: out.ETag } : {}), lastModified: new Date() };
  }

  async putFile(uri: string, file: string, options: PutOptions = {}): Promise<ObjectInfo> {
    const { bucket, key } = parseS3Uri(uri);
    const { size } = await fs.stat(file);
    if (size > this.multipartThreshold) return this.putMultipart(uri, file, size, options);
    const out = await this.client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: options.onProgress ? createReadStream(file).pipe(progressTap(options.onProgress)) : createReadStream(file),
        ContentLength: size,
        ContentType: options.contentType,
      }),
    );
    return { uri, bucket, key, size, ...(out.ETag ? { etag: out.ETag } : {}), lastModified: new Date() };
  }

  async putStream(uri: string, body: Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    // PutObject needs a length up front; spool to a temp file rather than to memory.
    await fs.mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `sagebox-put-${randomBytes(8).toString('hex')}`);
    try {
      await pipeline(body, createWriteStream(tmp));
      return await this.putFile(uri, tmp, options);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async getBuffer(uri: string): Promise<Buffer> {
    const stream = await this.getStream(uri);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getFile(uri: string, target: string, options: GetOptions = {}): Promise<ObjectInfo> {
    const { bucket, key } = parseS3Uri(uri);
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((e: unknown) => {
      throw mapNotFound(e, uri);
    });
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.part`;
    try {
      if (options.onProgress) await pipeline(out.Body as Readable, progressTap(options.onProgress), createWriteStream(tmp));
      else await pipeline(out.Body as Readable, createWriteStream(tmp));
      await fs.rename(tmp, target);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw error;
    }
    return {
      uri,
      bucket,
      key,
      size: out.ContentLength ?? (await fs.stat(target)).size,
      ...(out.ETag ? { etag: out.ETag } : {}),
      lastModified: out.LastModified ?? new Date(),
    };
  }

  async getStream(uri: string): Promise<Readable> {
    const { bucket, key } = parseS3Uri(uri);
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((e: unknown) => {
      throw mapNotFound(e, uri);
    });
    return out.Body as Readable;
  }

  async head(uri: string): Promise<ObjectInfo | undefined> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        uri,
        bucket,
        key,
        size: out.ContentLength ?? 0,
        ...(out.ETag ? { etag: out.ETag } : {}),
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(prefixUri: string, options: ListOptions = {}): Promise<ListPage> {
    const { bucket, key: prefix } = parseS3Uri(prefixUri);
    const out = await this.client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix === '' ? undefined : prefix,
        MaxKeys: Math.min(Math.max(options.maxKeys ?? 1000, 1), 1000),
        ContinuationToken: options.continuationToken,
        Delimiter: options.delimiter,
      }),
    );
    return {
      objects: (out.Contents ?? []).map((o) => ({
        uri: formatS3Uri({ bucket, key: o.Key! }),
        bucket,
        key: o.Key!,
        size: o.Size ?? 0,
        ...(o.ETag ? { etag: o.ETag } : {}),
        lastModified: o.LastModified ?? new Date(0),
      })),
      commonPrefixes: (out.CommonPrefixes ?? []).map((p) => formatS3Uri({ bucket, key: p.Prefix! })),
      ...(out.IsTruncated && out.NextContinuationToken ? { nextToken: out.NextContinuationToken } : {}),
    };
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  private async putMultipart(uri: string, file: string, size: number, options: PutOptions): Promise<ObjectInfo> {
    const { bucket, key } = parseS3Uri(uri);
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: options.contentType }),
    );
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let offset = 0, n = 1; offset < size; offset += this.partSize, n++) {
        const end = Math.min(offset + this.partSize, size);
        const out = await this.client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId,
            PartNumber: n,
            Body: options.onProgress
              ? createReadStream(file, { start: offset, end: end - 1 }).pipe(progressTap(options.onProgress, offset))
              : createReadStream(file, { start: offset, end: end - 1 }),
            ContentLength: end - offset,
          }),
        );
        parts.push({ ETag: out.ETag!, PartNumber: n });
      }
      const done = await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
      );
      return { uri, bucket, key, size, ...(done.ETag ? { etag: done.ETag } : {}), lastModified: new Date() };
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => {});
      throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

function mapNotFound(error: unknown, uri: string): unknown {
  return isNotFound(error) ? new ObjectNotFoundError(uri) : error;
}
