/**
 * The resource types Search serves, one module each. Add a type by writing its SearchSource
 * and listing it here.
 */
import type { ResourceType } from '../../../aws/generated/sagemaker/types.js';
import { modelPackageGroupSource } from './model-package-groups.js';
import { modelPackageSource } from './model-packages.js';
import { pipelineExecutionSource, pipelineSource } from './pipelines.js';
import { trainingJobSource } from './training-jobs.js';
import { tuningJobSource } from './tuning-jobs.js';
import type { SearchSource } from './types.js';

export const SEARCH_SOURCES: readonly SearchSource[] = [
  trainingJobSource, tuningJobSource, modelPackageSource, modelPackageGroupSource, pipelineSource, pipelineExecutionSource,
];

/**
 * The source serving a Resource value, if any.
 *
 * @example sourceFor('TrainingJob')?.recordMember // 'TrainingJob'
 */
export function sourceFor(resource: ResourceType | string): SearchSource | undefined {
  return SEARCH_SOURCES.find((s) => s.resource === resource);
}
