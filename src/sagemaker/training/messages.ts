import { resourceInUse, validation, type ServiceError } from '../../aws/service-error.js';

/**
 * The training provider's error messages in one place. [D] marks the real service's text
 * (SAGEMAKER-SEMANTICS §8); the others are ours, in its style.
 */

/** [D] DescribeTrainingJob / StopTrainingJob on an unknown job (waiters rely on it). */
export const jobNotFound = (): ServiceError => validation('Requested resource not found.');

/** [D] CreateTrainingJob with a name already taken (terminal jobs keep their name). */
export const jobAlreadyExists = (arn: string): ServiceError =>
  resourceInUse(
    `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
  );

/** [D] StopTrainingJob when the job is not InProgress. */
export const cannotStop = (status: string): ServiceError =>
  validation(`The request was rejected because the training job is in status ${status}.`);

/** [D] MaxWaitTimeInSeconds without managed spot training. */
export const maxWaitWithoutSpot = (): ServiceError =>
  validation('Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining is set to true');

/** Coral's "must not be null" for members the model made optional but classic jobs need (§2.1). */
export const missingMember = (path: string): ServiceError =>
  validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);

/** [I] §8: `Could not find algorithm '<name>'.` */
export const algorithmNotFound = (name: string): ServiceError => validation(`Could not find algorithm '${name}'.`);
