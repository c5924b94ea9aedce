import { conflict, validation, type ServiceError } from '../../aws/service-error.js';

/**
 * The algorithm provider's error messages in one place. None of them is documented by the
 * service ([I], SAGEMAKER-SEMANTICS §5, §8); they follow its style.
 */

/** §8: DescribeAlgorithm / DeleteAlgorithm / AlgorithmName of an unknown algorithm. */
export const algorithmNotFound = (nameOrArn: string): ServiceError => validation(`Could not find algorithm '${nameOrArn}'.`);

/** O4: a second algorithm with the same name, in any casing (CreateAlgorithm models no errors). */
export const algorithmAlreadyExists = (arn: string): ServiceError => validation(`Algorithm already exists: ${arn}`);

/** DeleteAlgorithm while the validation profiles still run. */
export const cannotDeleteWhileValidating = (name: string, status: string, jobs: string[]): ServiceError =>
  conflict(
    `Algorithm ${name} cannot be deleted while its validation is in progress (AlgorithmStatus ${status}). ` +
      (jobs.length > 0
        ? `Wait for its validation training job (${jobs.join(', ')}) to end, or stop it with StopTrainingJob, then delete the algorithm.`
        : 'Wait for its validation to end, then delete the algorithm.'),
  );
