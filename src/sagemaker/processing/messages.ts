import { resourceInUse, validation, type ServiceError } from '../../aws/service-error.js';

/**
 * The processing provider's error messages in one place. [D] marks the real service's text
 * (observed in public reports); the others are ours, in its style ([I], see docs/processing.md).
 */

/** [D] DescribeProcessingJob / StopProcessingJob on an unknown job (ACK: "Could not find requested job"). */
export const jobNotFound = (name: string): ServiceError => validation(`Could not find requested job with name ${name}`);

/** [D] CreateProcessingJob with a name already taken (terminal jobs keep their name). */
export const jobAlreadyExists = (arn: string): ServiceError =>
  resourceInUse(`Job name must be unique within an AWS account and region, and a job with this name already exists (${arn})`);

/** [I] StopProcessingJob when the job is not InProgress (the training job's wording). */
export const cannotStop = (status: string): ServiceError =>
  validation(`The request was rejected because the processing job is in status ${status}.`);

/** [I] A LocalPath outside /opt/ml/processing/. */
export const localPathOutside = (what: string, localPath: string): ServiceError =>
  validation(`${what} LocalPath '${localPath}' is invalid: it must be an absolute path that begins with /opt/ml/processing/.`);

/** [I] Two inputs or two outputs with the same name. */
export const duplicateName = (what: 'InputName' | 'OutputName', name: string): ServiceError =>
  validation(`${what} '${name}' is used more than once: ${what === 'InputName' ? 'input' : 'output'} names must be unique within the job.`);

/** [I] Two inputs or outputs on the same LocalPath. */
export const duplicateLocalPath = (localPath: string): ServiceError =>
  validation(`LocalPath '${localPath}' is used by more than one input or output: each must have its own directory.`);
