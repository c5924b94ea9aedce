/**
 * The processing container contract, reproduced for a local process: one attempt's directory
 * `<root>/ml` plays `/opt/ml` (bound there by bubblewrap, used in place without it) and
 * `<root>/tmp` the job's /tmp.
 *
 *   /opt/ml/config/processingjobconfig.json   the job as the container sees it (ARN, name, app,
 *                                             inputs, outputs, resources, role, stopping condition)
 *   /opt/ml/config/resourceconfig.json        {"current_host": "algo-1", "hosts": ["algo-1"], ...}
 *   /opt/ml/processing/<LocalPath>            each input downloaded, each output directory created
 *   /opt/ml/output/message                    optional, written by the job: first 1 KiB → ExitMessage
 *   /opt/ml/output/failure                    optional, written by the job: first 1 KiB → FailureReason
 *
 * Without bubblewrap, /opt/ml does not exist for the process: arguments and Environment values
 * that begin with /opt/ml/ are rewritten to the attempt's directory (and the job's log says so).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CreateProcessingJobRequest } from '../../aws/generated/sagemaker/types.js';
import { OPT_ML, resourceConfig } from '../../runtime/index.js';

/** The container-side root of inputs and outputs; every LocalPath must start with it + '/'. */
export const PROCESSING_ROOT = `${OPT_ML}/processing`;

/**
 * Host paths of one laid-out attempt.
 *
 * @example processingPaths(root).host('/opt/ml/processing/input') // '<root>/ml/processing/input'
 */
export interface ProcessingPaths {
  root: string;
  /** The host directory playing /opt/ml. */
  ml: string;
  tmp: string;
  /** `<ml>/config`. */
  config: string;
  /** `<ml>/processing`: the process's working directory. */
  processing: string;
  /** `<ml>/output/message` and `<ml>/output/failure`. */
  messageFile: string;
  failureFile: string;
  /** Host path of a container path under /opt/ml (e.g. an input's LocalPath). */
  host(containerPath: string): string;
}

/**
 * Host paths of an attempt root (no I/O).
 *
 * @example processingPaths('/d/jobs/p/attempt-1').host('/opt/ml/processing/input') // '/d/jobs/p/attempt-1/ml/processing/input'
 */
export function processingPaths(root: string): ProcessingPaths {
  const ml = path.join(root, 'ml');
  return {
    root,
    ml,
    tmp: path.join(root, 'tmp'),
    config: path.join(ml, 'config'),
    processing: path.join(ml, 'processing'),
    messageFile: path.join(ml, 'output', 'message'),
    failureFile: path.join(ml, 'output', 'failure'),
    host: (containerPath: string) => path.join(ml, path.posix.relative(OPT_ML, path.posix.normalize(containerPath))),
  };
}

/**
 * `processingjobconfig.json`: the job as SageMaker hands it to the container.
 *
 * @example processingJobConfig(req, arn).ProcessingJobArn === arn
 */
export function processingJobConfig(req: CreateProcessingJobRequest, arn: string): Record<string, unknown> {
  const { Tags: _tags, ExperimentConfig: _experiment, ...rest } = req;
  return { ProcessingJobArn: arn, ...rest };
}

/**
 * Creates the attempt's directories (fresh: a half-made attempt of a crashed run is removed),
 * writes the two config files and creates every input and output directory.
 *
 * @example const paths = await layoutProcessingDir(root, req, arn);
 */
export async function layoutProcessingDir(root: string, req: CreateProcessingJobRequest, arn: string): Promise<ProcessingPaths> {
  const paths = processingPaths(path.resolve(root));
  await fs.rm(paths.root, { recursive: true, force: true });
  const dirs = [paths.config, paths.processing, path.dirname(paths.messageFile), paths.tmp];
  for (const input of req.ProcessingInputs ?? []) {
    const local = input.S3Input?.LocalPath ?? input.DatasetDefinition?.LocalPath;
    if (local) dirs.push(paths.host(local));
  }
  for (const output of req.ProcessingOutputConfig?.Outputs ?? []) {
    if (output.S3Output?.LocalPath) dirs.push(paths.host(output.S3Output.LocalPath));
  }
  for (const dir of dirs) await fs.mkdir(dir, { recursive: true });
  const instanceType = req.ProcessingResources.ClusterConfig.InstanceType;
  await fs.writeFile(path.join(paths.config, 'processingjobconfig.json'), JSON.stringify(processingJobConfig(req, arn), null, 2));
  await fs.writeFile(path.join(paths.config, 'resourceconfig.json'), JSON.stringify(resourceConfig({ instanceType, instanceCount: req.ProcessingResources.ClusterConfig.InstanceCount })));
  return paths;
}

/**
 * Rewrites `/opt/ml` and `/opt/ml/...` in a value to the host directory (plain processes only).
 *
 * @example hostPathOf('/opt/ml/processing/input/x.py', '/d/attempt-1/ml') // '/d/attempt-1/ml/processing/input/x.py'
 */
export function hostPathOf(value: string, hostMl: string): string {
  if (value === OPT_ML) return hostMl;
  return value.startsWith(`${OPT_ML}/`) ? hostMl + value.slice(OPT_ML.length) : value;
}

/**
 * The process environment: the server's environment minus `SAGEBOX_*`, `PYTHONUNBUFFERED=1`
 * (Python would otherwise hold its output in a pipe), the request's Environment, then the
 * platform's own variables (TMPDIR, AWS_REGION unless the request sets it).
 *
 * @example processingEnvironment({ Environment: { MODE: 'fast' } }, 'us-east-1', '/tmp', process.env)
 */
export function processingEnvironment(
  req: Pick<CreateProcessingJobRequest, 'Environment'>, region: string, tmpDir: string, baseEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(baseEnv).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('SAGEBOX_')),
  );
  return {
    ...base,
    PYTHONUNBUFFERED: '1',
    ...(req.Environment ?? {}),
    TMPDIR: tmpDir,
    AWS_REGION: req.Environment?.AWS_REGION ?? region,
  };
}

/**
 * Reads the first 1024 characters of a file the job may have written (trimmed), or undefined.
 *
 * @example const exitMessage = await readJobFile(paths.messageFile);
 */
export async function readJobFile(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const trimmed = text.trim().slice(0, 1024);
  return trimmed === '' ? undefined : trimmed;
}
