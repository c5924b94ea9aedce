/**
 * CreateTrainingJob's semantic rules (SAGEMAKER-SEMANTICS §2.1, §3.1), after the generated
 * shape validation. Members the 2025 model made optional are still required for a classic
 * (non-serverless) job, and are reported in Coral's words as when the model required them.
 */
import type { RequestContext } from '../../aws/context.js';
import { validation } from '../../aws/service-error.js';
import { algorithmNotFound, maxWaitWithoutSpot, missingMember } from './messages.js';
import type { CreateTrainingJobRequest } from './shapes.js';

/** Members a serverless job may not carry ([I] §3.1: the platform picks the compute). */
const NOT_WITH_SERVERLESS: (keyof CreateTrainingJobRequest)[] = [
  'AlgorithmSpecification', 'ResourceConfig', 'CheckpointConfig', 'RetryStrategy', 'DebugHookConfig',
  'DebugRuleConfigurations', 'ProfilerConfig', 'ProfilerRuleConfigurations',
];

/**
 * The algorithm hook of CreateTrainingJob: given the request (after the checks below), answers
 * the request to run, e.g. with the algorithm's image, metric definitions and hyperparameter
 * defaults applied, or throws the service's error (unknown algorithm, specification violated).
 * Shaped like `withAlgorithm(resolve, input, ctx)` of src/sagemaker/algorithms.
 *
 * @example applyAlgorithm: (input, ctx) => withAlgorithm(createAlgorithmResolver(store), input, ctx)
 */
export type AlgorithmHook = (input: CreateTrainingJobRequest, ctx: Pick<RequestContext, 'accountId' | 'region'>) => Promise<CreateTrainingJobRequest>;

/** Until algorithms are wired in: a request naming one is `Could not find algorithm '<name>'.` */
export const noAlgorithms: AlgorithmHook = async (input) => {
  const name = input.AlgorithmSpecification?.AlgorithmName;
  if (name) throw algorithmNotFound(name);
  return input;
};

/**
 * Throws the service's ValidationException for a contradictory request.
 *
 * @example checkCreateRequest(input) // throws for MaxWaitTimeInSeconds without spot
 */
export function checkCreateRequest(input: CreateTrainingJobRequest): void {
  if (input.ServerlessJobConfig) {
    for (const member of NOT_WITH_SERVERLESS) {
      if (input[member] !== undefined) {
        throw validation(`${member} cannot be set for a serverless training job (ServerlessJobConfig): serverless jobs choose their own algorithm and compute.`);
      }
    }
    if (input.EnableManagedSpotTraining) throw validation('EnableManagedSpotTraining cannot be set for a serverless training job (ServerlessJobConfig).');
    const sj = input.ServerlessJobConfig;
    if (sj.JobType === 'Evaluation' && !sj.EvaluationType) throw missingMember('serverlessJobConfig.evaluationType');
    if (sj.JobType === 'FineTuning' && !input.ModelPackageConfig) {
      throw validation('ModelPackageConfig is required for a serverless fine-tuning job: the fine-tuned model is registered in its ModelPackageGroupArn.');
    }
  } else {
    const spec = input.AlgorithmSpecification;
    if (!spec) throw missingMember('algorithmSpecification');
    if (spec.TrainingImage && spec.AlgorithmName) {
      throw validation('Both TrainingImage and AlgorithmName are provided in AlgorithmSpecification. Provide exactly one of them.');
    }
    if (!spec.TrainingImage && !spec.AlgorithmName) {
      throw validation('Either TrainingImage or AlgorithmName must be provided in AlgorithmSpecification.');
    }
    const rc = input.ResourceConfig;
    if (!rc) throw missingMember('resourceConfig');
    if (!rc.InstanceGroups) {
      if (!rc.InstanceType) throw missingMember('resourceConfig.instanceType');
      if (rc.InstanceCount === undefined) throw missingMember('resourceConfig.instanceCount');
    } else if (rc.InstanceType || rc.InstanceCount !== undefined) {
      throw validation('ResourceConfig: InstanceGroups cannot be combined with InstanceType or InstanceCount.');
    }
  }
  const stopping = input.StoppingCondition;
  if (stopping?.MaxWaitTimeInSeconds !== undefined) {
    if (!input.EnableManagedSpotTraining) throw maxWaitWithoutSpot();
    const runtime = stopping.MaxRuntimeInSeconds ?? 86_400;
    if (stopping.MaxWaitTimeInSeconds < runtime) {
      throw validation(`Invalid MaxWaitTimeInSeconds. It must be greater than or equal to MaxRuntimeInSeconds (${runtime}).`);
    }
  }
  const seen = new Set<string>();
  for (const channel of input.InputDataConfig ?? []) {
    if (seen.has(channel.ChannelName)) {
      throw validation(`Channel names must be unique within InputDataConfig: '${channel.ChannelName}' is given more than once.`);
    }
    seen.add(channel.ChannelName);
    const sources = ['S3DataSource', 'FileSystemDataSource', 'DatasetSource'].filter((k) => (channel.DataSource as Record<string, unknown>)[k] !== undefined);
    if (sources.length !== 1) {
      throw validation(`Channel '${channel.ChannelName}': DataSource must have exactly one of S3DataSource, FileSystemDataSource or DatasetSource.`);
    }
    const mode = channel.InputMode ?? input.AlgorithmSpecification?.TrainingInputMode;
    if (channel.DataSource.FileSystemDataSource && mode && mode !== 'File') {
      throw validation(`Channel '${channel.ChannelName}': a FileSystemDataSource channel must use File input mode.`);
    }
    if (mode === 'FastFile' && channel.DataSource.S3DataSource && channel.DataSource.S3DataSource.S3DataType !== 'S3Prefix') {
      throw validation(`Channel '${channel.ChannelName}': FastFile input mode requires S3DataType S3Prefix.`);
    }
  }
}
