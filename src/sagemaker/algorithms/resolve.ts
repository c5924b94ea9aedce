/**
 * The training provider's view of algorithms: resolve an `AlgorithmName` (name or ARN) to what
 * a training job needs, then `applyAlgorithm` (enforce.ts) to check the request against it and
 * fill in the image, metric definitions and hyperparameter defaults.
 */
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import type { AlgorithmForTraining } from './enforce.js';
import { lookupAlgorithm, parseDoc } from './rows.js';
import type { AlgorithmStatus, ChannelSpecification, CreateTrainingJobRequest, HyperParameterSpecification, MetricDefinition } from './shapes.js';
import { applyAlgorithm } from './enforce.js';
import { algorithmNotFound } from './messages.js';

export { applyAlgorithm, type AlgorithmForTraining } from './enforce.js';

/** An algorithm as a training job sees it. */
export interface ResolvedAlgorithm extends AlgorithmForTraining {
  /** TrainingSpecification.TrainingImage: what the job runs. */
  trainingImage: string;
  metricDefinitions: MetricDefinition[];
  supportedInstanceTypes: string[];
  supportsDistributedTraining: boolean;
  channels: ChannelSpecification[];
  hyperParameters: HyperParameterSpecification[];
}

/** Looks an algorithm up by name or ARN in the caller's account and region. */
export type AlgorithmLookup = (nameOrArn: string, ctx: Pick<RequestContext, 'accountId' | 'region'>) => Promise<ResolvedAlgorithm | undefined>;

/**
 * @example
 *   const resolveAlgorithm = createAlgorithmResolver(store);
 *   const algorithm = await resolveAlgorithm('my-algo', ctx); // undefined when there is none
 */
export function createAlgorithmResolver(store: Store): AlgorithmLookup {
  return async (nameOrArn, ctx) => {
    const row = await lookupAlgorithm(store.db, ctx, nameOrArn);
    if (!row) return undefined;
    const ts = parseDoc(row).TrainingSpecification;
    return {
      name: row.name,
      arn: row.arn,
      status: row.status as AlgorithmStatus,
      trainingSpecification: ts,
      trainingImage: ts.TrainingImage,
      metricDefinitions: ts.MetricDefinitions ?? [],
      supportedInstanceTypes: [...(ts.SupportedTrainingInstanceTypes ?? [])],
      supportsDistributedTraining: ts.SupportsDistributedTraining === true,
      channels: ts.TrainingChannels,
      hyperParameters: ts.SupportedHyperParameters ?? [],
    };
  };
}

/**
 * Resolve and apply in one call, for CreateTrainingJob: the request unchanged without an
 * AlgorithmName, else `applyAlgorithm(input, algorithm)`.
 *
 * @throws ValidationException `Could not find algorithm '<name>'.`, or any of applyAlgorithm's.
 * @example
 *   const effective = await withAlgorithm(resolveAlgorithm, input, ctx);
 */
export async function withAlgorithm(
  resolve: AlgorithmLookup, input: CreateTrainingJobRequest, ctx: Pick<RequestContext, 'accountId' | 'region'>,
): Promise<CreateTrainingJobRequest> {
  const name = input.AlgorithmSpecification?.AlgorithmName;
  if (!name) return input;
  const algorithm = await resolve(name, ctx);
  if (!algorithm) throw algorithmNotFound(name);
  return applyAlgorithm(input, algorithm);
}

/**
 * AlgorithmSpecification as DescribeTrainingJob echoes it: for a job that names an algorithm,
 * without the TrainingImage `applyAlgorithm` filled in for the executor (the caller gave
 * AlgorithmName, and the image is the algorithm's).
 *
 * @example AlgorithmSpecification: describedAlgorithmSpecification(req.AlgorithmSpecification)
 */
export function describedAlgorithmSpecification<T extends { AlgorithmName?: string; TrainingImage?: string }>(spec: T | undefined): T | undefined {
  if (!spec?.AlgorithmName) return spec;
  const { TrainingImage: _image, ...rest } = spec;
  return rest as T;
}
