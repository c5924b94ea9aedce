/**
 * The training process's environment: the platform's `TRAINING_JOB_NAME`/`TRAINING_JOB_ARN`,
 * the caller's `Environment`, and the `SM_*` set the SageMaker training toolkit would export
 * inside a framework image (SAGEMAKER-SEMANTICS §2.5; sagemaker-training-toolkit
 * `environment.py`/`mapping.py`), so script-mode code runs unchanged.
 *
 * Precedence, lowest first: the server's own environment minus `SAGEBOX_*` (PATH, HOME, LANG,
 * the user's AWS settings...), then `PYTHONUNBUFFERED=1` (a pipe would otherwise hold Python's
 * output, and metrics, until 8 KiB accumulate), then the caller's Environment, then the
 * platform and toolkit variables (a request cannot fake SM_MODEL_DIR or TRAINING_JOB_ARN).
 */
import os from 'node:os';
import path from 'node:path';
import { CURRENT_HOST, INSTANCE_GROUP, inputDataConfig, resourceConfig, type ChannelSpec, type ResourceSpec } from './job-dir.js';

/** The toolkit's own `sagemaker_*` hyperparameters (params.py); the rest are framework params. */
const TOOLKIT_PARAMS = new Set([
  'sagemaker_program',
  'sagemaker_submit_directory',
  'sagemaker_enable_cloudwatch_metrics',
  'sagemaker_container_log_level',
  'sagemaker_job_name',
  'sagemaker_region',
  'sagemaker_s3_output',
]);

/** What the environment is built from. */
export interface EnvironmentSpec {
  jobName: string;
  jobArn: string;
  region: string;
  hyperParameters?: Readonly<Record<string, string>>;
  channels?: readonly ChannelSpec[];
  resource: ResourceSpec;
  /** The caller's `Environment` map. */
  environment?: Readonly<Record<string, string>>;
  /** Where the process sees /opt/ml: `/opt/ml` in the sandbox, the host `ml/` dir without. */
  mlRoot: string;
  /** The process's temp dir (`/tmp` in the sandbox, the job's `tmp/` without). */
  tmpDir: string;
  /** Default: the CPUs Node may use. */
  numCpus?: number;
  /** Default 0 (the local runtime does not hand out GPUs yet). */
  numGpus?: number;
  /** Default: `process.env`. */
  baseEnv?: NodeJS.ProcessEnv;
}

/**
 * Decodes a hyperparameter the way the toolkit does (`json.loads`, else the raw string).
 *
 * @example decodeHyperParameter('10') // 10;  decodeHyperParameter('"a"') // 'a';  decodeHyperParameter('abc') // 'abc'
 */
export function decodeHyperParameter(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Splits request hyperparameters into user hps (decoded) and `sagemaker_*` framework params. */
export function splitHyperParameters(hps: Readonly<Record<string, string>>): {
  user: Record<string, unknown>;
  framework: Record<string, unknown>;
  toolkit: Record<string, unknown>;
} {
  const user: Record<string, unknown> = {};
  const framework: Record<string, unknown> = {};
  const toolkit: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(hps)) {
    const value = decodeHyperParameter(raw);
    if (!key.startsWith('sagemaker_')) user[key] = value;
    else if (TOOLKIT_PARAMS.has(key)) toolkit[key] = value;
    else framework[key] = value;
  }
  return { user, framework, toolkit };
}

/**
 * `SM_USER_ARGS` / the script's argv: `--key value` pairs in sorted key order (toolkit
 * `to_cmd_args`): one-letter keys get `-k`, maps become `k=v,k2=v2`, Python's str() otherwise.
 *
 * @example userArgs({ epochs: 3, lr: '0.1', b: true }) // ['-b', 'True', '--epochs', '3', '--lr', '0.1']
 */
export function userArgs(hps: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(hps).sort()) {
    const value = hps[key];
    out.push(key.length > 1 ? `--${key}` : `-${key}`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out.push(
        Object.keys(value)
          .sort()
          .map((k) => `${k}=${pyStr((value as Record<string, unknown>)[k])}`)
          .join(','),
      );
    } else out.push(pyStr(value));
  }
  return out;
}

/** Python's str() for JSON values, close enough for argv. */
function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  return JSON.stringify(value);
}

/** Toolkit encoding of a value in an env var: strings raw, the rest compact JSON, sorted keys. */
function envValue(value: unknown): string {
  return typeof value === 'string' ? value : sortedJson(value);
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Builds the process environment.
 *
 * @example
 *   const env = buildEnvironment({
 *     jobName: 'j1', jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/j1', region: 'us-east-1',
 *     hyperParameters: { epochs: '3', sagemaker_program: 'train.py' }, channels: [{ name: 'train' }],
 *     resource: { instanceType: 'ml.m5.large' }, mlRoot: '/opt/ml', tmpDir: '/tmp',
 *   });
 *   env.SM_CHANNEL_TRAIN   // '/opt/ml/input/data/train'
 *   env.SM_HP_EPOCHS       // '3'
 *   env.SM_USER_ARGS       // '["--epochs","3"]'
 */
export function buildEnvironment(spec: EnvironmentSpec): Record<string, string> {
  const ml = spec.mlRoot;
  const join = (...parts: string[]): string => path.posix.join(ml, ...parts);
  const hps = splitHyperParameters(spec.hyperParameters ?? {});
  const channels = spec.channels ?? [];
  const channelNames = channels.map((c) => c.name).sort();
  const channelDirs = Object.fromEntries(channelNames.map((n) => [n, join('input', 'data', n)]));
  const program = typeof hps.toolkit.sagemaker_program === 'string' ? hps.toolkit.sagemaker_program : '';
  const moduleDir = typeof hps.toolkit.sagemaker_submit_directory === 'string' ? hps.toolkit.sagemaker_submit_directory : join('code');
  const logLevel = hps.toolkit.sagemaker_container_log_level ?? 20;
  const hosts = [CURRENT_HOST];
  const resource = resourceConfig(spec.resource);
  const dataConfig = inputDataConfig(channels);
  const numCpus = spec.numCpus ?? os.availableParallelism();
  const numGpus = spec.numGpus ?? 0;
  const args = userArgs(hps.user);

  // The toolkit's Environment properties; SM_TRAINING_ENV is all of them as one JSON document.
  const training: Record<string, unknown> = {
    additional_framework_parameters: hps.framework,
    channel_input_dirs: channelDirs,
    current_host: CURRENT_HOST,
    current_instance_group: INSTANCE_GROUP,
    current_instance_group_hosts: hosts,
    current_instance_type: spec.resource.instanceType,
    distribution_hosts: [],
    distribution_instance_groups: [],
    framework_module: '',
    hosts,
    hyperparameters: hps.user,
    input_config_dir: join('input', 'config'),
    input_data_config: dataConfig,
    input_dir: join('input'),
    instance_groups: [INSTANCE_GROUP],
    instance_groups_dict: { [INSTANCE_GROUP]: { instance_group_name: INSTANCE_GROUP, instance_type: spec.resource.instanceType, hosts } },
    is_hetero: false,
    is_master: true,
    job_name: spec.jobName,
    log_level: logLevel,
    master_hostname: CURRENT_HOST,
    model_dir: join('model'),
    module_dir: moduleDir,
    module_name: program.replace(/\.py$/, ''),
    network_interface_name: 'eth0',
    num_cpus: numCpus,
    num_gpus: numGpus,
    num_neurons: 0,
    output_data_dir: join('output', 'data'),
    output_dir: join('output'),
    output_intermediate_dir: join('output', 'intermediate'),
    resource_config: resource,
    user_entry_point: program,
  };

  const sm: Record<string, string> = {};
  for (const [key, value] of Object.entries(training)) {
    // mapping.py renames a few: hyperparameters → HPS, the two *_parameters/_config → short names.
    const name =
      key === 'hyperparameters' ? 'HPS'
      : key === 'additional_framework_parameters' ? 'FRAMEWORK_PARAMS'
      : key === 'channel_input_dirs' ? undefined
      : key.toUpperCase();
    if (name) sm[`SM_${name}`] = envValue(value);
  }
  sm.SM_CHANNELS = sortedJson(channelNames);
  for (const n of channelNames) sm[`SM_CHANNEL_${n.toUpperCase()}`] = channelDirs[n]!;
  for (const [k, v] of Object.entries(hps.user)) sm[`SM_HP_${k.toUpperCase()}`] = envValue(v);
  sm.SM_USER_ARGS = JSON.stringify(args);
  sm.SM_TRAINING_ENV = sortedJson(training);

  const base = Object.fromEntries(
    Object.entries(spec.baseEnv ?? process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith('SAGEBOX_'),
    ),
  );
  return {
    ...base,
    PYTHONUNBUFFERED: '1',
    ...(spec.environment ?? {}),
    ...sm,
    TMPDIR: spec.tmpDir,
    TRAINING_JOB_NAME: spec.jobName,
    TRAINING_JOB_ARN: spec.jobArn,
    SAGEMAKER_JOB_NAME: spec.jobName,
    SAGEMAKER_REGION: spec.region,
    AWS_REGION: spec.environment?.AWS_REGION ?? spec.region,
    CURRENT_HOST,
  };
}
