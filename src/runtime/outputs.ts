/**
 * Uploading a finished job's outputs where SageMaker puts them (SAGEMAKER-SEMANTICS §2.4/2.5):
 *
 *   GZIP (default): <S3OutputPath>/<job>/output/model.tar.gz   (contents of /opt/ml/model)
 *                   <S3OutputPath>/<job>/output/output.tar.gz  (contents of /opt/ml/output/data)
 *   NONE:           <S3OutputPath>/<job>/output/model/…        (files, uncompressed)
 *                   <S3OutputPath>/<job>/output/output/…
 *
 * An empty model directory still produces model.tar.gz (SageMaker always writes it).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../artifacts/object-store.js';
import { uriJoin } from '../artifacts/s3-uri.js';
import { uploadDirectory } from '../artifacts/sync.js';
import { writeTarGz } from '../artifacts/tar.js';
import type { JobPaths } from './job-dir.js';

/** Where the outputs went. */
export interface PackagedOutputs {
  /** ModelArtifacts.S3ModelArtifacts: the tarball, or the `…/output/model` prefix for NONE. */
  modelArtifacts: string;
  /** The output data tarball, or the `…/output/output` prefix for NONE. */
  outputArtifacts: string;
  /** Bytes uploaded. */
  bytes: number;
}

/**
 * Packages and uploads model/ and output/data/.
 *
 * @example
 *   const out = await packageOutputs(paths, store, 's3://b/out', 'job-1', 'GZIP');
 *   out.modelArtifacts // 's3://b/out/job-1/output/model.tar.gz'
 */
export async function packageOutputs(
  paths: Pick<JobPaths, 'model' | 'outputData' | 'tmp'>,
  store: ObjectStore,
  s3OutputPath: string,
  jobName: string,
  compression: 'GZIP' | 'NONE' = 'GZIP',
): Promise<PackagedOutputs> {
  const base = uriJoin(s3OutputPath, jobName, 'output');
  if (compression === 'NONE') {
    const model = await uploadDirectory(store, paths.model, uriJoin(base, 'model'));
    const output = await uploadDirectory(store, paths.outputData, uriJoin(base, 'output'));
    return { modelArtifacts: uriJoin(base, 'model'), outputArtifacts: uriJoin(base, 'output'), bytes: model.bytes + output.bytes };
  }
  await fs.mkdir(paths.tmp, { recursive: true });
  let bytes = 0;
  const upload = async (dir: string, name: string): Promise<string> => {
    await fs.mkdir(dir, { recursive: true });
    const tarball = path.join(paths.tmp, `${randomBytes(6).toString('hex')}-${name}`);
    try {
      await writeTarGz(dir, tarball);
      const info = await store.putFile(uriJoin(base, name), tarball, { contentType: 'application/x-tar' });
      bytes += info.size;
      return info.uri;
    } finally {
      await fs.rm(tarball, { force: true });
    }
  };
  const modelArtifacts = await upload(paths.model, 'model.tar.gz');
  const outputArtifacts = await upload(paths.outputData, 'output.tar.gz');
  return { modelArtifacts, outputArtifacts, bytes };
}
