import { validation, type ServiceError } from '../../aws/service-error.js';

/**
 * The registry's error messages, in one place so the wording stays the same
 * across operations (and tests can match it). Texts marked [D] are the real
 * service's; the others are ours, in its style.
 */

/** [D] `ModelPackage <arn> does not exist.` */
export const packageNotFound = (arn: string): ServiceError => validation(`ModelPackage ${arn} does not exist.`);

/** [D, ACK] `Model package group <name> does not exist.` */
export const groupNotFound = (name: string): ServiceError => validation(`Model package group ${name} does not exist.`);

/** Real service (quoted by user code): a ValidationException starting "Model Package Group already exists". */
export const groupAlreadyExists = (arn: string): ServiceError =>
  validation(`Model Package Group already exists: ${arn}`);

/** Our wording, in the style of the service's other duplicate-name messages. */
export const packageAlreadyExists = (arn: string): ServiceError =>
  validation(`Model Package already exists: ${arn}`);
