import { ServiceError } from './aws-error.js';
import {
  ConflictExceptionError, ResourceInUseError, ResourceLimitExceededError, ResourceNotFoundError, ValidationExceptionError,
} from './generated/sagemaker/errors.js';

export { ServiceError };

// The helpers build the generated error classes, so `instanceof ResourceNotFoundError` works
// wherever a provider threw `resourceNotFound(...)`.

/** `ValidationException` with the given message. */
export const validation = (message: string): ServiceError => new ValidationExceptionError(message);
/** `ResourceNotFound` (no `Exception` suffix, as the SageMaker model spells it). */
export const resourceNotFound = (message: string): ServiceError => new ResourceNotFoundError(message);
/** `ResourceInUse` (no `Exception` suffix, as the SageMaker model spells it). */
export const resourceInUse = (message: string): ServiceError => new ResourceInUseError(message);
/** `ResourceLimitExceeded`. */
export const resourceLimitExceeded = (message: string): ServiceError => new ResourceLimitExceededError(message);
/** `ConflictException`. */
export const conflict = (message: string): ServiceError => new ConflictExceptionError(message);
