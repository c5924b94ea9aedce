/**
 * The Downloading phase of an attempt: File-mode channels from the ObjectStore (S3Prefix,
 * ManifestFile, or a hub DataSet's location) and script-mode code from
 * `sagemaker_submit_directory`. What the local runtime cannot provide (Pipe mode, EFS/FSx)
 * fails the job with a ClientError that says so, never a silent empty channel.
 */
import type { ObjectStore } from '../../artifacts/object-store.js';
import type { RequestContext } from '../../aws/context.js';
import { decodeHyperParameter, downloadChannel, prepareSourceDir, type ChannelSpec, type JobPaths, type S3DataType } from '../../runtime/index.js';
import type { Channel, CreateTrainingJobRequest } from './shapes.js';

/** Resolves `DatasetSource.DatasetArn` (a hub DataSet) to where its data lives. */
export type DatasetResolver = (datasetArn: string, ctx: Pick<RequestContext, 'accountId' | 'region'>) => Promise<{ s3Uri: string; s3DataType?: S3DataType }>;

/** The channel list the container sees (inputdataconfig.json). */
export function channelSpecs(req: CreateTrainingJobRequest): ChannelSpec[] {
  const jobMode = req.AlgorithmSpecification?.TrainingInputMode ?? 'File';
  return (req.InputDataConfig ?? []).map((c) => ({
    name: c.ChannelName,
    ...(c.ContentType ? { contentType: c.ContentType } : {}),
    inputMode: c.InputMode ?? jobMode,
    s3DistributionType: c.DataSource.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated',
    recordWrapperType: c.RecordWrapperType ?? 'None',
  }));
}

/**
 * Builds the `prepare` hook of an attempt.
 *
 * @example
 *   prepare: inputPreparer(store, req, ctx, resolveDataset, (text) => writer.line(text, Date.now()))
 */
export function inputPreparer(
  store: ObjectStore, req: CreateTrainingJobRequest, ctx: Pick<RequestContext, 'accountId' | 'region'>,
  resolveDataset: DatasetResolver, note: (text: string) => void,
): (paths: JobPaths, signal: AbortSignal) => Promise<void> {
  const jobMode = req.AlgorithmSpecification?.TrainingInputMode ?? 'File';
  return async (paths, signal) => {
    for (const channel of req.InputDataConfig ?? []) {
      if (signal.aborted) return;
      await downloadOne(store, channel, channel.InputMode ?? jobMode, paths, ctx, resolveDataset, note);
    }
    const submit = req.HyperParameters?.sagemaker_submit_directory;
    if (submit !== undefined && !signal.aborted) {
      const where = String(decodeHyperParameter(submit));
      note(`sagebox: fetching the code from ${where} into /opt/ml/code`);
      await prepareSourceDir(store, where, paths.code, paths.tmp);
    }
  };
}

async function downloadOne(
  store: ObjectStore, channel: Channel, mode: string, paths: JobPaths, ctx: Pick<RequestContext, 'accountId' | 'region'>,
  resolveDataset: DatasetResolver, note: (text: string) => void,
): Promise<void> {
  const name = channel.ChannelName;
  if (mode === 'Pipe') throw new Error(`channel '${name}' uses Pipe input mode, which the local runtime does not provide; use File or FastFile`);
  const source = channel.DataSource;
  let uri: string;
  let type: S3DataType;
  if (source.S3DataSource) {
    uri = source.S3DataSource.S3Uri;
    type = source.S3DataSource.S3DataType as S3DataType;
  } else if (source.DatasetSource) {
    const location = await resolveDataset(source.DatasetSource.DatasetArn, ctx);
    uri = location.s3Uri;
    type = location.s3DataType ?? 'S3Prefix';
  } else {
    throw new Error(`channel '${name}' reads from a FileSystemDataSource (EFS/FSx), which sagebox cannot mount; copy the data to an s3:// location`);
  }
  const stats = await downloadChannel(store, uri, type, paths.channel(name));
  note(`sagebox: channel '${name}': ${stats.files} file(s), ${stats.bytes} bytes from ${uri}${mode === 'FastFile' ? ' (FastFile is served as File mode locally)' : ''}`);
}
