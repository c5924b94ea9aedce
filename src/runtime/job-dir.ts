/**
 * The per-job directory that plays `/opt/ml` (SAGEMAKER-SEMANTICS §2.5). One attempt of a job
 * gets a root directory holding `ml/` (bound at /opt/ml in the sandbox, or used in place
 * without one) and `tmp/` (the job's /tmp and TMPDIR), so a job writes nothing outside it.
 *
 *   <root>/ml/input/config/{hyperparameters,inputdataconfig,resourceconfig}.json
 *   <root>/ml/input/data/<channel>/
 *   <root>/ml/model/            <root>/ml/output/data/      <root>/ml/output/failure (absent)
 *   <root>/ml/checkpoints/      <root>/ml/code/             <root>/tmp/
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** The container-side root. */
export const OPT_ML = '/opt/ml';

/** One input channel as the container sees it. */
export interface ChannelSpec {
  /** `ChannelName`, e.g. `train`. */
  name: string;
  contentType?: string;
  /** Channel InputMode, else the job's TrainingInputMode; default `File`. */
  inputMode?: 'File' | 'Pipe' | 'FastFile';
  /** `S3DataDistributionType`; default `FullyReplicated`. */
  s3DistributionType?: 'FullyReplicated' | 'ShardedByS3Key';
  /** default `None`. */
  recordWrapperType?: 'None' | 'RecordIO';
}

/** The instance the job "runs on" (there is one host locally: algo-1). */
export interface ResourceSpec {
  /** e.g. `ml.m5.large`. */
  instanceType: string;
  /** As requested; the local runtime runs one host and says so in resourceconfig.json. */
  instanceCount?: number;
}

/** Paths of one laid-out job, on the host and as the process sees them. */
export interface JobPaths {
  /** The attempt's root directory. */
  root: string;
  /** The host directory playing /opt/ml. */
  ml: string;
  /** The job's temporary directory (host side). */
  tmp: string;
  /** Host paths of the contract directories. */
  inputConfig: string;
  inputData: string;
  model: string;
  output: string;
  outputData: string;
  failureFile: string;
  checkpoints: string;
  code: string;
  /** Host directory of a channel: `<ml>/input/data/<name>`. */
  channel(name: string): string;
}

/** The single host a local job runs as. */
export const CURRENT_HOST = 'algo-1';
/** SageMaker's name for the instance group of a homogeneous cluster. */
export const INSTANCE_GROUP = 'homogeneousCluster';

/** Host-side paths of a job root (no I/O). */
export function jobPaths(root: string): JobPaths {
  const ml = path.join(root, 'ml');
  return {
    root,
    ml,
    tmp: path.join(root, 'tmp'),
    inputConfig: path.join(ml, 'input', 'config'),
    inputData: path.join(ml, 'input', 'data'),
    model: path.join(ml, 'model'),
    output: path.join(ml, 'output'),
    outputData: path.join(ml, 'output', 'data'),
    failureFile: path.join(ml, 'output', 'failure'),
    checkpoints: path.join(ml, 'checkpoints'),
    code: path.join(ml, 'code'),
    channel: (name: string) => path.join(ml, 'input', 'data', name),
  };
}

/** `resourceconfig.json` as the toolkit reads it. */
export function resourceConfig(resource: ResourceSpec): Record<string, unknown> {
  const hosts = [CURRENT_HOST];
  return {
    current_host: CURRENT_HOST,
    current_instance_type: resource.instanceType,
    current_group_name: INSTANCE_GROUP,
    hosts,
    instance_groups: [{ instance_group_name: INSTANCE_GROUP, instance_type: resource.instanceType, hosts }],
    network_interface_name: 'eth0',
  };
}

/** `inputdataconfig.json`: only the fields that apply to each channel (§2.5). */
export function inputDataConfig(channels: readonly ChannelSpec[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const c of channels) {
    out[c.name] = {
      ...(c.contentType ? { ContentType: c.contentType } : {}),
      TrainingInputMode: c.inputMode ?? 'File',
      S3DistributionType: c.s3DistributionType ?? 'FullyReplicated',
      RecordWrapperType: c.recordWrapperType ?? 'None',
    };
  }
  return out;
}

/** What {@link layoutJobDir} writes. */
export interface JobDirSpec {
  /** `HyperParameters` exactly as in the request (string → string). */
  hyperParameters?: Readonly<Record<string, string>>;
  channels?: readonly ChannelSpec[];
  resource: ResourceSpec;
}

/**
 * Creates the job directory and writes the three config files. Idempotent: a retry in the same
 * root keeps model/, checkpoints/ and downloaded data, but removes a stale failure file.
 *
 * @example
 *   const paths = await layoutJobDir('/data/.sagebox/jobs/123/us-east-1/my-job/attempt-1', {
 *     hyperParameters: { epochs: '3' }, channels: [{ name: 'train' }],
 *     resource: { instanceType: 'ml.m5.large', instanceCount: 1 },
 *   });
 *   // paths.channel('train') === '<root>/ml/input/data/train'
 */
export async function layoutJobDir(root: string, spec: JobDirSpec): Promise<JobPaths> {
  const paths = jobPaths(path.resolve(root));
  const channels = spec.channels ?? [];
  const dirs = [paths.inputConfig, paths.model, paths.outputData, paths.checkpoints, paths.code, paths.tmp];
  for (const c of channels) dirs.push(paths.channel(c.name));
  if (channels.length === 0) dirs.push(paths.inputData);
  await Promise.all(dirs.map((d) => fs.mkdir(d, { recursive: true })));
  await Promise.all([
    writeJson(path.join(paths.inputConfig, 'hyperparameters.json'), spec.hyperParameters ?? {}),
    writeJson(path.join(paths.inputConfig, 'inputdataconfig.json'), inputDataConfig(channels)),
    writeJson(path.join(paths.inputConfig, 'resourceconfig.json'), resourceConfig(spec.resource)),
    fs.rm(paths.failureFile, { force: true }),
  ]);
  return paths;
}

const writeJson = (file: string, value: unknown): Promise<void> => fs.writeFile(file, JSON.stringify(value));
