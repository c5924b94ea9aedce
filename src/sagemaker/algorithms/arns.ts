import { PARTITION, type RequestContext } from '../../aws/context.js';
import { isOwnArn, parseArn } from '../registry/arns.js';

/**
 * Algorithm ARNs (`algorithm/<name>`, SAGEMAKER-SEMANTICS §1.2) keep the caller's spelling, as
 * model package group ARNs do; every lookup is case-insensitive, so either spelling of the name
 * or the ARN finds the algorithm.
 *
 * @example algorithmArn({ accountId: '123456789012', region: 'us-east-1' }, 'MyAlgo')
 *   // 'arn:aws:sagemaker:us-east-1:123456789012:algorithm/MyAlgo'
 */
export function algorithmArn(ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:algorithm/${name}`;
}

/**
 * The name key an algorithm "name or ARN" (the `ArnOrName` shape) refers to, or undefined when
 * it is an ARN of another type, account or region (no such algorithm can exist here).
 *
 * @example algorithmNameKey('arn:aws:sagemaker:us-east-1:123456789012:algorithm/MyAlgo', ctx) // 'myalgo'
 */
export function algorithmNameKey(nameOrArn: string, ctx: Pick<RequestContext, 'accountId' | 'region'>): string | undefined {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn.toLowerCase();
  const arn = parseArn(nameOrArn);
  if (!arn || arn.resourceType !== 'algorithm' || !isOwnArn(arn, ctx as RequestContext) || arn.resourceId.includes('/')) return undefined;
  return arn.resourceId.toLowerCase();
}
