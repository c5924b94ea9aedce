/**
 * Moving data between the ObjectStore and a job directory: File-mode channels (S3Prefix,
 * ManifestFile), the script-mode source directory, and checkpoints both ways (SAGEMAKER-
 * SEMANTICS §2.5: existing checkpoint objects are copied in at start; files written locally
 * are uploaded, uncompressed, during training and once more at the end).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '../artifacts/object-store.js';
import { downloadPrefix, safeLocalPath, uploadDirectory, walkFiles, type CopyStats } from '../artifacts/sync.js';
import { extractTarGz } from '../artifacts/tar.js';

/** `S3DataSource.S3DataType`. */
export type S3DataType = 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile' | 'Converse';

/** A channel the local runtime cannot provide. */
export class UnsupportedChannelError extends Error {
  override name = 'UnsupportedChannelError';
}

/**
 * Downloads one File-mode channel into `dir`.
 * S3Prefix (and Converse datasets): every object under the prefix, laid out as SageMaker does
 * (see `relativeKey`). ManifestFile: the manifest `[{"prefix": "s3://b/p/"}, "rel/a", ...]`;
 * each `prefix + rel` lands at `dir/rel`.
 *
 * @example
 *   await downloadChannel(store, 's3://b/data/train/', 'S3Prefix', paths.channel('train'))
 * @throws UnsupportedChannelError for AugmentedManifestFile (Pipe mode only in SageMaker).
 */
export async function downloadChannel(store: ObjectStore, s3Uri: string, s3DataType: S3DataType, dir: string): Promise<CopyStats> {
  switch (s3DataType) {
    case 'S3Prefix':
    case 'Converse':
      return downloadPrefix(store, s3Uri, dir);
    case 'ManifestFile':
      return downloadManifest(store, s3Uri, dir);
    case 'AugmentedManifestFile':
      throw new UnsupportedChannelError('AugmentedManifestFile channels need Pipe mode, which the local runtime does not provide');
  }
}

async function downloadManifest(store: ObjectStore, manifestUri: string, dir: string): Promise<CopyStats> {
  let manifest: unknown;
  try {
    manifest = JSON.parse((await store.getBuffer(manifestUri)).toString('utf8'));
  } catch (error) {
    throw new UnsupportedChannelError(`manifest ${manifestUri} is not valid JSON: ${(error as Error).message}`);
  }
  const head = Array.isArray(manifest) ? (manifest[0] as { prefix?: unknown } | undefined) : undefined;
  if (!Array.isArray(manifest) || typeof head?.prefix !== 'string') {
    throw new UnsupportedChannelError(`manifest ${manifestUri} must be a JSON list starting with {"prefix": "s3://..."}`);
  }
  const prefix = head.prefix;
  await fs.mkdir(dir, { recursive: true });
  const stats: CopyStats = { files: 0, bytes: 0 };
  for (const rel of manifest.slice(1)) {
    if (typeof rel !== 'string') throw new UnsupportedChannelError(`manifest ${manifestUri}: entries after the prefix must be strings`);
    const info = await store.getFile(prefix + rel, safeLocalPath(dir, rel));
    stats.files++;
    stats.bytes += info.size;
  }
  return stats;
}

/**
 * Fills the code directory from `sagemaker_submit_directory`: an `s3://…/sourcedir.tar.gz`
 * (what the SageMaker SDK uploads), an S3 prefix, or a local `file://` / absolute path
 * (directory or tarball, as the SDK's local mode passes it).
 *
 * @example
 *   await prepareSourceDir(store, 's3://b/job/source/sourcedir.tar.gz', paths.code, paths.tmp)
 */
export async function prepareSourceDir(store: ObjectStore, submitDirectory: string, codeDir: string, tmpDir: string): Promise<void> {
  const isTarball = /\.(tar\.gz|tgz|tar)$/.test(submitDirectory);
  if (submitDirectory.startsWith('s3://')) {
    if (!isTarball) {
      await downloadPrefix(store, submitDirectory, codeDir);
      return;
    }
    const tmp = path.join(tmpDir, `sourcedir-${randomBytes(6).toString('hex')}.tar.gz`);
    try {
      await store.getFile(submitDirectory, tmp);
      await extractTarGz(tmp, codeDir);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return;
  }
  const local = submitDirectory.startsWith('file://') ? fileURLToPath(submitDirectory) : submitDirectory;
  if (!path.isAbsolute(local)) throw new UnsupportedChannelError(`sagemaker_submit_directory '${submitDirectory}' is neither s3:// nor an absolute path`);
  if (isTarball) await extractTarGz(local, codeDir);
  else await fs.cp(local, codeDir, { recursive: true });
}

/**
 * Checkpoint sync for one job: `restore()` at start, `start()` a periodic upload of changed
 * files while training, `stop()` a final upload. Uploads never overlap.
 *
 * @example
 *   const ckpt = new CheckpointSync(store, paths.checkpoints, 's3://b/ckpt/job-1');
 *   await ckpt.restore();
 *   ckpt.start(30_000);
 *   ... training ...
 *   await ckpt.stop();   // final sync
 */
export class CheckpointSync {
  private readonly uploaded = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly localDir: string,
    private readonly s3Uri: string,
    /** Called with a failed periodic upload (the next round retries). */
    private readonly onError: (error: Error) => void = () => {},
  ) {}

  /** Copies existing checkpoint objects into the local directory. */
  async restore(): Promise<CopyStats> {
    const prefix = this.s3Uri.endsWith('/') ? this.s3Uri : `${this.s3Uri}/`;
    const stats = await downloadPrefix(this.store, prefix, this.localDir);
    // What was just downloaded is already in the store: do not upload it again.
    for (const f of await walkFiles(this.localDir)) {
      this.uploaded.set(f.rel, `${f.size}:${f.mtimeMs}`);
    }
    return stats;
  }

  /** Uploads changed files every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.sync().catch((error: unknown) => this.onError(error as Error));
    }, intervalMs);
    this.timer.unref();
  }

  /** One upload of files changed since the last one. */
  sync(): Promise<void> {
    const next = this.running.then(async () => {
      await uploadDirectory(this.store, this.localDir, this.s3Uri, { skipUnchanged: this.uploaded });
    });
    this.running = next.catch(() => {});
    return next;
  }

  /** Stops the timer and uploads what changed since the last round. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sync();
  }
}
