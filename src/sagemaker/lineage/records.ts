/**
 * Lineage entity rows (artifacts, contexts, actions): ARNs, lookups and the errors. Contexts and
 * actions are named (unique per account and region, case-insensitively; the ARN carries the name
 * lower-cased); artifacts are identified by a generated 32-hex id, their name is optional and
 * need not be unique. [I] marks messages that are ours, in the service's style.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import { PARTITION } from '../../aws/context.js';
import { resourceNotFound, validation, type ServiceError } from '../../aws/service-error.js';
import type { Database } from '../../store/schema.js';
import type { LineageEntityRow, LineageKind } from './tables.js';

type Where = Pick<RequestContext, 'accountId' | 'region'>;

/** The name each kind has in messages and in AssociationSummary types. */
export const LABEL: Record<LineageKind, string> = { artifact: 'Artifact', context: 'Context', action: 'Action' };

/** @example entityArn(ctx, 'context', 'ep') // 'arn:aws:sagemaker:us-east-1:123456789012:context/ep' */
export function entityArn(ctx: Where, kind: LineageKind, key: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:${kind}/${key}`;
}

/**
 * A new artifact id: 32 hex digits, as the service's artifact ARNs end.
 *
 * @example newArtifactKey() // '3b9b7d8e6c1e0fa8a0a2fc9c5e6c4d9a'
 */
export function newArtifactKey(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Splits a lineage ARN: its kind and key, when it is one of ours in the caller's account and
 * region; undefined otherwise.
 *
 * @example parseEntityArn('arn:aws:sagemaker:us-east-1:123456789012:context/Ctx', ctx) // { kind: 'context', key: 'ctx' }
 */
export function parseEntityArn(arn: string, ctx: Where): { kind: LineageKind; key: string } | undefined {
  const m = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):(\d{12}):(artifact|context|action)\/(.+)$/.exec(arn);
  if (!m || m[1] !== ctx.region || m[2] !== ctx.accountId) return undefined;
  return { kind: m[3] as LineageKind, key: m[4]!.toLowerCase() };
}

/**
 * The row of a kind by key (lower-cased name, or artifact id).
 *
 * @example await findEntity(db, ctx, 'context', 'ep')
 */
export function findEntity(db: Kysely<Database>, ctx: Where, kind: LineageKind, key: string): Promise<LineageEntityRow | undefined> {
  return db.selectFrom('lineage_entities').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('kind', '=', kind).where('entity_key', '=', key)
    .executeTakeFirst();
}

/**
 * The row a name or ARN of the given kind names, or undefined.
 *
 * @example await findByNameOrArn(db, ctx, 'action', 'arn:aws:sagemaker:us-east-1:123456789012:action/deploy')
 */
export async function findByNameOrArn(db: Kysely<Database>, ctx: Where, kind: LineageKind, nameOrArn: string): Promise<LineageEntityRow | undefined> {
  if (nameOrArn.startsWith('arn:')) {
    const parsed = parseEntityArn(nameOrArn, ctx);
    return parsed && parsed.kind === kind ? findEntity(db, ctx, kind, parsed.key) : undefined;
  }
  return findEntity(db, ctx, kind, nameOrArn.toLowerCase());
}

/** [I] Describe / Delete of an unknown entity. */
export const entityNotFound = (kind: LineageKind, what: string): ServiceError => resourceNotFound(`${LABEL[kind]} '${what}' does not exist.`);

/** [I] CreateContext / CreateAction with a name already taken. */
export const entityExists = (kind: LineageKind, name: string, arn: string): ServiceError =>
  validation(`${LABEL[kind]} names must be unique within an AWS account and region, and ${kind === 'context' ? 'a' : 'an'} ${kind} named '${name}' already exists (${arn}).`);
