import type { RequestContext } from '../../aws/context.js';
import { PARTITION } from '../../aws/context.js';

/**
 * Training job ARNs carry the name lower-cased (SAGEMAKER-SEMANTICS §1.2: the service's
 * training job ARNs do), and lookups compare names case-insensitively.
 *
 * @example trainingJobArn({ accountId: '123456789012', region: 'us-east-1', requestId: 'r' }, 'MyJob')
 *   // 'arn:aws:sagemaker:us-east-1:123456789012:training-job/myjob'
 */
export function trainingJobArn(ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:training-job/${name.toLowerCase()}`;
}

/**
 * The name key a training-job ARN names in the caller's account and region, or undefined
 * (another account or region, or not a training-job ARN).
 *
 * @example jobKeyFromArn('arn:aws:sagemaker:us-east-1:123456789012:training-job/MyJob', ctx) // 'myjob'
 */
export function jobKeyFromArn(arn: string, ctx: Pick<RequestContext, 'accountId' | 'region'>): string | undefined {
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):training-job\/(.+)$/.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return undefined;
  return m[3]!.toLowerCase();
}
