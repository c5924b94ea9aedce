/**
 * A typed AWS error. Providers throw these; the protocol layer turns them into
 * `400 {"__type": code, "message": message}` (the body field boto3, the AWS CLI
 * and the JS SDK all read).
 *
 * @example
 *   throw new ServiceError('ResourceNotFound', 'Pipeline p does not exist.');
 *   throw validation('Missing ARN.');
 */
export class ServiceError extends Error {
  constructor(
    /** The AWS error code, e.g. `ValidationException`, `ResourceInUse`. */
    readonly code: string,
    message: string,
    /** HTTP status; the JSON protocol default for client errors is 400. */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** `ValidationException` with the given message. */
export const validation = (message: string): ServiceError => new ServiceError('ValidationException', message);
/** `ResourceNotFound` (no `Exception` suffix, as the SageMaker model spells it). */
export const resourceNotFound = (message: string): ServiceError => new ServiceError('ResourceNotFound', message);
/** `ResourceInUse` (no `Exception` suffix, as the SageMaker model spells it). */
export const resourceInUse = (message: string): ServiceError => new ServiceError('ResourceInUse', message);
/** `ResourceLimitExceeded`. */
export const resourceLimitExceeded = (message: string): ServiceError =>
  new ServiceError('ResourceLimitExceeded', message);
/** `ConflictException`. */
export const conflict = (message: string): ServiceError => new ServiceError('ConflictException', message);
