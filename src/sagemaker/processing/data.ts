/**
 * Moving a processing job's data: inputs from the ObjectStore into their LocalPath before the
 * process starts, outputs from their LocalPath to their S3Uri after it completed. What the local
 * runtime cannot provide (Pipe mode, Athena/Redshift datasets, Feature Store outputs) fails the
 * job with a ClientError that says so, never a silently empty directory.
 */
import type { ObjectStore } from '../../artifacts/object-store.js';
import { uploadDirectory } from '../../artifacts/sync.js';
import type { CreateProcessingJobRequest } from '../../aws/generated/sagemaker/types.js';
import { downloadChannel } from '../../runtime/index.js';
import type { ProcessingPaths } from './container.js';

/**
 * Downloads every input (in request order, so a nested LocalPath such as `input/code` inside
 * `input` ends up complete).
 *
 * @example await downloadInputs(store, req, paths, signal, (text) => log(text));
 */
export async function downloadInputs(
  store: ObjectStore, req: CreateProcessingJobRequest, paths: ProcessingPaths, signal: AbortSignal, note: (text: string) => void,
): Promise<void> {
  for (const input of req.ProcessingInputs ?? []) {
    if (signal.aborted) return;
    const name = input.InputName;
    if (input.AppManaged) {
      note(`input '${name}' is AppManaged: sagebox does not download it (the application does)`);
      continue;
    }
    if (input.DatasetDefinition) {
      const kind = input.DatasetDefinition.AthenaDatasetDefinition ? 'an Athena query' : 'a Redshift query';
      throw new Error(`input '${name}' is a DatasetDefinition (${kind}), which sagebox cannot run; write the data to an s3:// location and use S3Input`);
    }
    const s3 = input.S3Input;
    if (!s3) throw new Error(`input '${name}' has neither S3Input nor DatasetDefinition`);
    if (s3.S3InputMode === 'Pipe') throw new Error(`input '${name}' uses Pipe input mode, which the local runtime does not provide; use File`);
    if (s3.S3CompressionType === 'Gzip') throw new Error(`input '${name}' asks for Gzip decompression, which SageMaker only does in Pipe mode; use S3CompressionType None`);
    const stats = await downloadChannel(store, s3.S3Uri, s3.S3DataType, paths.host(s3.LocalPath!));
    const sharded = s3.S3DataDistributionType === 'ShardedByS3Key' ? ' (ShardedByS3Key: the single local instance gets every object)' : '';
    note(`input '${name}': ${stats.files} file(s), ${stats.bytes} bytes from ${s3.S3Uri} into ${s3.LocalPath}${sharded}`);
  }
}

/**
 * Uploads every S3 output from its LocalPath to its S3Uri (files below LocalPath keep their
 * relative paths). Continuous upload mode is served as EndOfJob.
 *
 * @example await uploadOutputs(store, req, paths, (text) => log(text));
 */
export async function uploadOutputs(
  store: ObjectStore, req: CreateProcessingJobRequest, paths: ProcessingPaths, note: (text: string) => void,
): Promise<void> {
  for (const output of req.ProcessingOutputConfig?.Outputs ?? []) {
    const name = output.OutputName;
    if (output.AppManaged) {
      note(`output '${name}' is AppManaged: sagebox does not upload it (the application does)`);
      continue;
    }
    if (output.FeatureStoreOutput) {
      throw new Error(`output '${name}' writes to the Feature Store group '${output.FeatureStoreOutput.FeatureGroupName}', which sagebox does not provide; use S3Output`);
    }
    const s3 = output.S3Output;
    if (!s3) throw new Error(`output '${name}' has neither S3Output nor FeatureStoreOutput`);
    const stats = await uploadDirectory(store, paths.host(s3.LocalPath!), s3.S3Uri);
    const mode = s3.S3UploadMode === 'Continuous' ? ' (Continuous upload is served as EndOfJob locally)' : '';
    note(`output '${name}': ${stats.files} file(s), ${stats.bytes} bytes from ${s3.LocalPath} to ${s3.S3Uri}${mode}`);
  }
}
