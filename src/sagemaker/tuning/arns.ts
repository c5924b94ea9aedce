import { createHash } from 'node:crypto';
import type { RequestContext } from '../../aws/context.js';
import { PARTITION } from '../../aws/context.js';

/**
 * Tuning job ARNs carry the name lower-cased (SAGEMAKER-SEMANTICS §1.2: names are
 * case-insensitive and ListHyperParameterTuningJobs answers lower-case ARNs).
 *
 * @example tuningJobArn({ accountId: '123456789012', region: 'us-east-1' }, 'MyTune')
 *   // 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/mytune'
 */
export function tuningJobArn(ctx: Pick<RequestContext, 'accountId' | 'region'>, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:hyper-parameter-tuning-job/${name.toLowerCase()}`;
}

/** The name key a tuning-job ARN names in the caller's account and region, or undefined. */
export function tuningKeyFromArn(arn: string, ctx: Pick<RequestContext, 'accountId' | 'region'>): string | undefined {
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):hyper-parameter-tuning-job\/(.+)$/.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return undefined;
  return m[3]!.toLowerCase();
}

/**
 * The name of the tuning job's `seq`-th training job: `<tuning-name>-<NNN>-<8 hex>` (§6.2,
 * O9). The hex part is derived from the tuning job's ARN and creation time and the sequence
 * number, so a driver that restarts while creating trial `seq` creates the same name again
 * (and finds it) instead of a second job.
 *
 * @example childJobName('mytune', 'arn:…', 1700000000000, 3) // 'mytune-003-1f2e3d4c'
 */
export function childJobName(tuningName: string, arn: string, createdAt: number, seq: number): string {
  const hex = createHash('sha256').update(`${arn}\n${createdAt}\n${seq}`).digest('hex').slice(0, 8);
  return `${tuningName}-${String(seq).padStart(3, '0')}-${hex}`;
}
