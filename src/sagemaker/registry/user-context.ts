import type { RequestContext } from '../../aws/context.js';
import type { UserContext } from './shapes.js';

/**
 * The `CreatedBy` / `LastModifiedBy` sagebox records. The real service fills
 * in the Studio user profile when the call comes from Studio and the IAM
 * identity otherwise; sagebox has no Studio and no IAM, so it records the
 * account's root identity (the only identity an access key maps to here).
 *
 * @example
 *   userContext({ accountId: '123456789012', region: 'us-east-1', requestId: 'r' })
 *   // { IamIdentity: { Arn: 'arn:aws:iam::123456789012:root', PrincipalId: '123456789012' } }
 */
export function userContext(ctx: RequestContext): UserContext {
  return { IamIdentity: { Arn: `arn:aws:iam::${ctx.accountId}:root`, PrincipalId: ctx.accountId } };
}
