/**
 * Step retry policies (PIPELINES.md §8.7): which failure class a failure belongs to, which policy
 * answers it, and how long to wait before the next attempt.
 */
import type { RetryPolicyDef } from './definition.js';

/** The exception types a policy may name. */
export const EXCEPTION_TYPES = [
  'Step.SERVICE_FAULT', 'Step.THROTTLING', 'SageMaker.JOB_INTERNAL_ERROR', 'SageMaker.CAPACITY_ERROR', 'SageMaker.RESOURCE_LIMIT', 'Emr.RESOURCE_LIMIT',
] as const;

export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

/**
 * The policy's exception types as a list (the schema's single string is accepted too).
 *
 * @example policyTypes({ ExceptionType: 'Step.THROTTLING' }) // ['Step.THROTTLING']
 */
export function policyTypes(policy: RetryPolicyDef): string[] {
  const t = policy.ExceptionType;
  return Array.isArray(t) ? t : typeof t === 'string' ? [t] : [];
}

/** The retry decision for one failure. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Whether attempt `attempt` (1-based, the one that just failed) of a step is retried.
 * The service retries SERVICE_FAULT / THROTTLING by default (1 s, ×2, 5 attempts) unless a
 * policy names the type; other types need a policy.
 *
 * @example decideRetry([{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], IntervalSeconds: 30, MaxAttempts: 10 }], 'SageMaker.CAPACITY_ERROR', 1, 0)
 *   // { retry: true, delayMs: 30000 }
 */
export function decideRetry(policies: readonly RetryPolicyDef[], type: ExceptionType, attempt: number, elapsedMs: number): RetryDecision {
  let policy = policies.find((p) => policyTypes(p).includes(type));
  if (!policy && (type === 'Step.SERVICE_FAULT' || type === 'Step.THROTTLING')) policy = { IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 5 };
  if (!policy) return { retry: false, reason: `No retry policy configured for the exception type ${type.replace('SageMaker.', 'SAGEMAKER_').replace('Step.', '')}.` };
  const interval = (policy.IntervalSeconds ?? 1) * 1000;
  const delayMs = Math.round(interval * Math.pow(policy.BackoffRate ?? 2, attempt - 1));
  if (policy.ExpireAfterMin !== undefined) {
    if (elapsedMs + delayMs > policy.ExpireAfterMin * 60_000) return { retry: false, reason: `Retry policy for ${type} expired after ${policy.ExpireAfterMin} minutes.` };
    return { retry: true, delayMs };
  }
  const max = policy.MaxAttempts ?? 5;
  // MaxAttempts bounds the attempts AttemptCount counts (the examples' "up to 10 attempts"); 0 or 1 never retries.
  if (attempt >= max) return { retry: false, reason: `Retry policy for ${type} exhausted after ${attempt} attempts.` };
  return { retry: true, delayMs };
}
