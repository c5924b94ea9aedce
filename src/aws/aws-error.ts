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
