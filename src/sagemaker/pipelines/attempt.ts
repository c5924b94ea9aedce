/**
 * What one attempt of a step works with and how it can end (shared by the step kinds).
 */
import type { FeatureDeps } from '../../feature.js';
import type { StepNode } from './dag.js';
import type { ExecutionRuntime } from './execution-runtime.js';
import type { ExceptionType } from './retry-policy.js';
import type { StepRow } from './tables.js';

/**
 * An attempt's view of the world.
 *
 * @example const result = await runCondition(attemptContext);
 */
export interface AttemptContext {
  deps: FeatureDeps;
  rt: ExecutionRuntime;
  node: StepNode;
  /** The step's row as it stands (resource_name set when the attempt resumes after a restart). */
  row: StepRow;
  /** Aborted on engine shutdown: the attempt returns `Interrupted` and leaves its job running. */
  signal: AbortSignal;
  /** True once StopPipelineExecution asked this execution to stop. */
  stopRequested(): boolean;
  /** Persists fields of the step row (status, metadata, resource_name, ...). */
  update(patch: Partial<Pick<StepRow, 'status' | 'metadata' | 'resource_name' | 'callback_token'>>): Promise<void>;
  /** Resolves after `ms`, or earlier on stop / shutdown / a wake-up (callbacks). */
  sleep(ms: number): Promise<void>;
}

/** How an attempt ended. */
export type AttemptResult =
  | { status: 'Succeeded'; properties: unknown; metadata: object; outcome?: boolean; cacheKey?: string; cacheHitSource?: string }
  | { status: 'Failed'; reason: string; metadata: object; exception?: ExceptionType }
  | { status: 'Stopped'; metadata: object }
  | { status: 'Interrupted' };

/**
 * The message of a thrown error, with the AWS code when it has one.
 *
 * @example errorText(new Error('boom')) === 'boom'
 */
export function errorText(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string };
  return e?.message ?? String(error);
}

/**
 * What a synchronous API error means for retries (PIPELINES.md §8.7).
 *
 * @example classifyCallError(resourceLimitExceeded('too many jobs')) === 'SageMaker.RESOURCE_LIMIT'
 */
export function classifyCallError(error: unknown): ExceptionType | undefined {
  const code = (error as { code?: string; name?: string })?.code ?? (error as { name?: string })?.name;
  if (code === 'ResourceLimitExceeded') return 'SageMaker.RESOURCE_LIMIT';
  if (code === 'ThrottlingException' || code === 'Throttling') return 'Step.THROTTLING';
  if (['ValidationException', 'ResourceNotFound', 'ResourceInUse', 'ConflictException'].includes(code ?? '')) return undefined;
  return 'Step.SERVICE_FAULT';
}

/**
 * The failure text of a failed create call, in the service's words.
 *
 * @example callFailure('CreateModel', validation('bad')) // 'ClientError: Failed to invoke sagemaker:CreateModel. Error Details: bad'
 */
export function callFailure(operation: string, error: unknown): string {
  return `ClientError: Failed to invoke sagemaker:${operation}. Error Details: ${errorText(error)}`;
}

/**
 * The attempt's end when a create call failed: its failure text, retryable when the error class is.
 *
 * @example return failedCall('CreateModel', error);
 */
export function failedCall(operation: string, error: unknown, metadata: object = {}): AttemptResult {
  const exception = classifyCallError(error);
  return { status: 'Failed', reason: callFailure(operation, error), metadata, ...(exception ? { exception } : {}) };
}
