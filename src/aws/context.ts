/**
 * What a provider knows about the caller. The protocol layer fills it from the
 * SigV4 credential (account from the access key, region from the scope).
 *
 * @example
 *   const ctx: RequestContext = { accountId: '123456789012', region: 'us-east-1', requestId: 'r-1' };
 */
export interface RequestContext {
  /** 12-digit AWS account id every resource row is keyed by. */
  accountId: string;
  /** Region from the SigV4 credential scope (or the configured default). */
  region: string;
  /** The `x-amzn-RequestId` of this call. */
  requestId: string;
  /** Access key id the caller signed with, when there was one. */
  accessKeyId?: string;
}

/** The ARN partition sagebox answers with. */
export const PARTITION = 'aws';
