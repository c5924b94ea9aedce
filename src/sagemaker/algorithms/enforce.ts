/**
 * What an algorithm's TrainingSpecification demands of a training job that names it
 * (SAGEMAKER-SEMANTICS §2.8), and the consistency of a TrainingSpecification itself (§5).
 * Pure functions: they throw the service's ValidationException and never touch the store.
 *
 * A job with `AlgorithmSpecification.AlgorithmName` gets the algorithm's TrainingImage and
 * MetricDefinitions, the DefaultValue of every hyperparameter it leaves out, and is refused
 * when it breaks a specification: an instance type the algorithm does not list, InstanceCount
 * > 1 without SupportsDistributedTraining, a channel the algorithm does not define, a required
 * channel missing, an input mode / content type / compression the channel does not support, an
 * unknown hyperparameter, a required one missing, or a value of the wrong type or out of range.
 * The first violation is reported (as the service reports one semantic error at a time).
 */
import { validation } from '../../aws/service-error.js';
import type {
  AlgorithmStatus, Channel, ChannelSpecification, CreateTrainingJobRequest, HyperParameterSpecification, MetricDefinition,
  ResourceConfig, TrainingSpecification,
} from './shapes.js';

/** What enforcement needs to know about an algorithm. */
export interface AlgorithmForTraining {
  /** AlgorithmName as created (messages use it). */
  name: string;
  arn: string;
  status: AlgorithmStatus;
  trainingSpecification: TrainingSpecification;
}

/**
 * Hyperparameters a training job may carry although the algorithm does not declare them:
 * tuning adds `_tuning_objective_metric` to each child job (SAGEMAKER-SEMANTICS §2.5).
 */
export const PLATFORM_HYPERPARAMETERS: ReadonlySet<string> = new Set(['_tuning_objective_metric']);

/** The parts of a training job an algorithm's specification constrains. */
export interface JobUnderSpecification {
  trainingInputMode: string | undefined;
  hyperParameters: Record<string, string> | undefined;
  inputDataConfig: Channel[] | undefined;
  resourceConfig: ResourceConfig | undefined;
}

const list = (values: readonly string[] | undefined): string => `[${(values ?? []).join(', ')}]`;

/**
 * Checks a job against a TrainingSpecification and returns its hyperparameters with the
 * specification's DefaultValues filled in (undefined when it has none and the job gave none).
 *
 * @throws ValidationException for the first violation.
 * @example
 *   const hps = enforceTrainingSpecification(spec, 'my-algo', { trainingInputMode: 'File',
 *     hyperParameters: { epochs: '3' }, inputDataConfig: [trainChannel], resourceConfig });
 */
export function enforceTrainingSpecification(
  spec: TrainingSpecification, algorithmName: string, job: JobUnderSpecification,
): Record<string, string> | undefined {
  const fail = (text: string): never => {
    throw validation(text);
  };
  // Instances.
  const rc = job.resourceConfig;
  const groups = rc?.InstanceGroups ?? (rc?.InstanceType ? [{ InstanceType: rc.InstanceType, InstanceCount: rc.InstanceCount ?? 1 }] : []);
  const supported = spec.SupportedTrainingInstanceTypes ?? [];
  for (const g of groups) {
    if (!(supported as string[]).includes(g.InstanceType)) {
      fail(`Instance type ${g.InstanceType} is not supported by algorithm ${algorithmName}. Supported training instance types: ${list(supported)}.`);
    }
  }
  const count = groups.reduce((n, g) => n + (g.InstanceCount ?? 1), 0);
  if (count > 1 && !spec.SupportsDistributedTraining) {
    fail(`Algorithm ${algorithmName} does not support distributed training (SupportsDistributedTraining is false): the instance count must be 1, got ${count}.`);
  }

  // Channels.
  const specs = new Map<string, ChannelSpecification>(spec.TrainingChannels.map((c) => [c.Name, c]));
  const given = job.inputDataConfig ?? [];
  for (const channel of given) {
    const cs = specs.get(channel.ChannelName);
    if (!cs) {
      fail(`Channel '${channel.ChannelName}' is not supported by algorithm ${algorithmName}. Supported channels: ${list([...specs.keys()])}.`);
      continue;
    }
    const mode = channel.InputMode ?? job.trainingInputMode ?? 'File';
    if (!(cs.SupportedInputModes as string[]).includes(mode)) {
      fail(`Input mode ${mode} of channel '${cs.Name}' is not supported by algorithm ${algorithmName}. Supported input modes: ${list(cs.SupportedInputModes)}.`);
    }
    if (channel.ContentType !== undefined && !cs.SupportedContentTypes.includes(channel.ContentType)) {
      fail(`Content type ${channel.ContentType} of channel '${cs.Name}' is not supported by algorithm ${algorithmName}. Supported content types: ${list(cs.SupportedContentTypes)}.`);
    }
    const compression = channel.CompressionType ?? 'None';
    if (compression !== 'None' && !(cs.SupportedCompressionTypes ?? []).includes(compression)) {
      fail(`Compression type ${compression} of channel '${cs.Name}' is not supported by algorithm ${algorithmName}. Supported compression types: ${list(cs.SupportedCompressionTypes)}.`);
    }
  }
  const present = new Set(given.map((c) => c.ChannelName));
  for (const cs of spec.TrainingChannels) {
    if (cs.IsRequired && !present.has(cs.Name)) {
      fail(`Channel '${cs.Name}' is required by algorithm ${algorithmName} but missing from InputDataConfig.`);
    }
  }

  // Hyperparameters.
  const hpSpecs = new Map<string, HyperParameterSpecification>((spec.SupportedHyperParameters ?? []).map((h) => [h.Name, h]));
  const hps = job.hyperParameters ?? {};
  for (const [key, value] of Object.entries(hps)) {
    const hs = hpSpecs.get(key);
    if (!hs) {
      if (PLATFORM_HYPERPARAMETERS.has(key)) continue;
      fail(`Hyperparameter '${key}' is not supported by algorithm ${algorithmName}. Supported hyperparameters: ${list([...hpSpecs.keys()])}.`);
      continue;
    }
    const problem = valueProblem(hs, value);
    if (problem) fail(`Hyperparameter '${key}' of algorithm ${algorithmName} ${problem}, got '${value}'.`);
  }
  let out: Record<string, string> | undefined = job.hyperParameters ? { ...job.hyperParameters } : undefined;
  for (const hs of hpSpecs.values()) {
    if (hps[hs.Name] !== undefined) continue;
    if (hs.DefaultValue !== undefined) (out ??= {})[hs.Name] = hs.DefaultValue;
    else if (hs.IsRequired) fail(`Hyperparameter '${hs.Name}' is required by algorithm ${algorithmName} but missing from HyperParameters.`);
  }
  return out;
}

/**
 * What is wrong with a hyperparameter value under its specification (a phrase such as
 * `must be an integer`), or undefined when it is fine.
 *
 * @example valueProblem({ Name: 'epochs', Type: 'Integer', Range: { IntegerParameterRangeSpecification: { MinValue: '1', MaxValue: '10' } } }, '11')
 *   // 'must be between 1 and 10'
 */
export function valueProblem(spec: HyperParameterSpecification, value: string): string | undefined {
  switch (spec.Type) {
    case 'Integer': {
      if (!INTEGER.test(value.trim())) return 'must be an integer (Type Integer)';
      const r = spec.Range?.IntegerParameterRangeSpecification;
      if (r && !within(Number(value), Number(r.MinValue), Number(r.MaxValue))) return `must be between ${r.MinValue} and ${r.MaxValue}`;
      return undefined;
    }
    case 'Continuous': {
      if (!NUMBER.test(value.trim())) return 'must be a number (Type Continuous)';
      const r = spec.Range?.ContinuousParameterRangeSpecification;
      if (r && !within(Number(value), Number(r.MinValue), Number(r.MaxValue))) return `must be between ${r.MinValue} and ${r.MaxValue}`;
      return undefined;
    }
    case 'Categorical': {
      const values = spec.Range?.CategoricalParameterRangeSpecification?.Values;
      if (values && !values.includes(value)) return `must be one of ${list(values)}`;
      return undefined;
    }
    default:
      return undefined; // FreeText
  }
}

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function within(v: number, min: number, max: number): boolean {
  return v >= min && v <= max;
}

/** Which ParameterRange member each Type takes (FreeText takes none). */
const RANGE_OF_TYPE = {
  Integer: 'IntegerParameterRangeSpecification',
  Continuous: 'ContinuousParameterRangeSpecification',
  Categorical: 'CategoricalParameterRangeSpecification',
  FreeText: undefined,
} as const;

/**
 * CreateAlgorithm's checks of a TrainingSpecification beyond its shape: unique channel and
 * hyperparameter names, ranges that fit their Type and are ordered, no DefaultValue on a
 * required hyperparameter ("If a default value is specified, a hyperparameter cannot be
 * required"), DefaultValues that satisfy their own specification, and metric definitions
 * with unique names.
 *
 * @throws ValidationException naming the offending member.
 */
export function checkTrainingSpecification(spec: TrainingSpecification): void {
  const fail = (text: string): never => {
    throw validation(text);
  };
  const channels = new Set<string>();
  for (const c of spec.TrainingChannels) {
    if (channels.has(c.Name)) fail(`TrainingSpecification.TrainingChannels: channel name '${c.Name}' is given more than once.`);
    channels.add(c.Name);
  }
  const names = new Set<string>();
  for (const h of spec.SupportedHyperParameters ?? []) {
    const at = `TrainingSpecification.SupportedHyperParameters: hyperparameter '${h.Name}'`;
    if (names.has(h.Name)) fail(`${at} is given more than once.`);
    names.add(h.Name);
    if (h.IsRequired && h.DefaultValue !== undefined) fail(`${at}: a hyperparameter with a DefaultValue cannot be required (IsRequired).`);
    const members = Object.entries(h.Range ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
    const want = RANGE_OF_TYPE[h.Type];
    if (members.length > 1) fail(`${at}: Range must have exactly one of IntegerParameterRangeSpecification, ContinuousParameterRangeSpecification or CategoricalParameterRangeSpecification.`);
    if (members.length === 1 && members[0] !== want) {
      fail(`${at}: Type ${h.Type} takes ${want ? `a Range with ${want}` : 'no Range'}, not ${members[0]}.`);
    }
    const numeric = h.Type === 'Integer' ? h.Range?.IntegerParameterRangeSpecification : h.Type === 'Continuous' ? h.Range?.ContinuousParameterRangeSpecification : undefined;
    if (numeric) {
      const pattern = h.Type === 'Integer' ? INTEGER : NUMBER;
      if (!pattern.test(numeric.MinValue.trim()) || !pattern.test(numeric.MaxValue.trim()) || Number(numeric.MinValue) > Number(numeric.MaxValue)) {
        fail(`${at}: Range MinValue '${numeric.MinValue}' and MaxValue '${numeric.MaxValue}' must be ${h.Type === 'Integer' ? 'integers' : 'numbers'} with MinValue <= MaxValue.`);
      }
    }
    if (h.DefaultValue !== undefined) {
      const problem = valueProblem(h, h.DefaultValue);
      if (problem) fail(`${at}: DefaultValue ${problem}, got '${h.DefaultValue}'.`);
    }
  }
  const metrics = new Set<string>();
  for (const m of spec.MetricDefinitions ?? []) {
    if (metrics.has(m.Name)) fail(`TrainingSpecification.MetricDefinitions: metric name '${m.Name}' is given more than once.`);
    metrics.add(m.Name);
  }
}

/** The algorithm's metric definitions, then the request's own ones with other names. */
export function mergeMetricDefinitions(algorithm: MetricDefinition[] | undefined, request: MetricDefinition[] | undefined): MetricDefinition[] | undefined {
  if (!algorithm?.length) return request;
  const names = new Set(algorithm.map((m) => m.Name));
  return [...algorithm, ...(request ?? []).filter((m) => !names.has(m.Name))];
}

/**
 * CreateTrainingJob with `AlgorithmSpecification.AlgorithmName`: the request as it is stored and
 * run. AlgorithmName stays as the caller gave it; TrainingImage becomes the algorithm's (the
 * executor runs it), MetricDefinitions the algorithm's followed by the request's own ones with
 * other names, and HyperParameters gain the DefaultValues. Call it after the request's own
 * checks (`checkCreateRequest`), so ResourceConfig is known to be there.
 *
 * @throws ValidationException when the algorithm is not Completed, when the request sets a
 *   TrainingImage, ContainerEntrypoint or ContainerArguments next to AlgorithmName, or when it
 *   breaks the algorithm's specifications (see `enforceTrainingSpecification`).
 * @example
 *   const algorithm = await resolveAlgorithm(input.AlgorithmSpecification.AlgorithmName, ctx);
 *   const effective = applyAlgorithm(input, algorithm); // { ...input, AlgorithmSpecification: { ..., TrainingImage } }
 */
export function applyAlgorithm(input: CreateTrainingJobRequest, algorithm: AlgorithmForTraining): CreateTrainingJobRequest {
  const spec = input.AlgorithmSpecification;
  if (!spec) throw validation('AlgorithmSpecification is required to use an algorithm.');
  if (algorithm.status !== 'Completed') {
    throw validation(
      `Algorithm ${algorithm.name} cannot be used for training: its AlgorithmStatus is ${algorithm.status}. ` +
        'Only an algorithm whose validation has Completed can be used (see DescribeAlgorithm AlgorithmStatusDetails).',
    );
  }
  if (spec.TrainingImage) {
    throw validation('Both TrainingImage and AlgorithmName are provided in AlgorithmSpecification. Provide exactly one of them.');
  }
  for (const member of ['ContainerEntrypoint', 'ContainerArguments'] as const) {
    if (spec[member] !== undefined) {
      throw validation(`AlgorithmSpecification.${member} cannot be used with AlgorithmName: algorithm ${algorithm.name} runs its own training image.`);
    }
  }
  const ts = algorithm.trainingSpecification;
  const hyperParameters = enforceTrainingSpecification(ts, algorithm.name, {
    trainingInputMode: spec.TrainingInputMode,
    hyperParameters: input.HyperParameters,
    inputDataConfig: input.InputDataConfig,
    resourceConfig: input.ResourceConfig,
  });
  const metrics = mergeMetricDefinitions(ts.MetricDefinitions, spec.MetricDefinitions);
  return {
    ...input,
    AlgorithmSpecification: { ...spec, TrainingImage: ts.TrainingImage, ...(metrics ? { MetricDefinitions: metrics } : {}) },
    ...(hyperParameters ? { HyperParameters: hyperParameters } : {}),
  };
}
