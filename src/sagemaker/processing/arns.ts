import type { RequestContext } from '../../aws/context.js';
import { PARTITION } from '../../aws/context.js';

/**
 * Processing job ARNs carry the name lower-cased, as training job ARNs do (SAGEMAKER-SEMANTICS
 * §1.2); lookups compare names case-insensitively.
 *
 * @example processingJobArn({ accountId: '123456789012', region: 'us-east-1' }, 'Prep')
 *   // 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/prep'
 */
export function processingJobArn(ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:processing-job/${name.toLowerCase()}`;
}

/**
 * The name key a processing-job ARN names in the caller's account and region, or undefined.
 *
 * @example processingJobKeyFromArn('arn:aws:sagemaker:us-east-1:123456789012:processing-job/Prep', ctx) // 'prep'
 */
export function processingJobKeyFromArn(arn: string, ctx: Pick<RequestContext, 'accountId' | 'region'>): string | undefined {
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):processing-job\/(.+)$/.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return undefined;
  return m[3]!.toLowerCase();
}
