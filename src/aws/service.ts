import type { RequestContext } from './context.js';

/**
 * One operation's implementation: typed, validated input in; typed output out,
 * or a thrown `ServiceError`. Providers know nothing of HTTP.
 */
export type OperationHandler = (input: any, ctx: RequestContext) => Promise<unknown> | unknown;

/**
 * An AWS JSON-1.1 service the protocol layer dispatches to by `X-Amz-Target`
 * (`<targetPrefix>.<Operation>`).
 *
 * @example
 *   const sagemaker: AwsJsonService = {
 *     targetPrefix: 'SageMaker',
 *     knownOperations: new Set(Object.keys(operations)),
 *     validate: (op, input) => validateOperationInput(op, input),
 *     handlers: { DescribeModelPackage: (input, ctx) => registry.describeModelPackage(input, ctx) },
 *   };
 */
export interface AwsJsonService {
  /** e.g. `SageMaker`, `Logs_20140328`. */
  targetPrefix: string;
  /** Every operation the official model defines (so an unserved one gets a clear answer). */
  knownOperations: ReadonlySet<string>;
  /**
   * Validates the request body against the operation's input shape; returns the
   * violations (already in the service's words), empty when valid.
   */
  validate(operation: string, input: unknown): string[];
  /** The operations sagebox serves. */
  handlers: Record<string, OperationHandler>;
}
