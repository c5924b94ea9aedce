/**
 * Algorithm rows: the specifications as created (`doc`) and the state of validation
 * (`validation`), and the lookups every operation shares.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { Database } from '../../store/schema.js';
import { algorithmNameKey } from './arns.js';
import { algorithmNotFound } from './messages.js';
import type {
  AlgorithmStatus, AlgorithmStatusDetails, AlgorithmValidationSpecification, DetailedAlgorithmStatus, InferenceSpecification,
  TrainingSpecification,
} from './shapes.js';
import type { AlgorithmRow } from './tables.js';
import './tables.js';

export type { AlgorithmRow };

/** What an algorithm row keeps in `doc`. */
export interface AlgorithmDoc {
  TrainingSpecification: TrainingSpecification;
  InferenceSpecification?: InferenceSpecification;
  ValidationSpecification?: AlgorithmValidationSpecification;
  CertifyForMarketplace?: boolean;
}

/** One validation profile's progress. */
export interface ProfileState {
  /** ProfileName (AlgorithmStatusItem.Name). */
  name: string;
  status: DetailedAlgorithmStatus;
  /** The validation training job, once named (it is named before it is created). */
  jobName?: string;
  /** AlgorithmStatusItem.FailureReason. */
  failureReason?: string;
}

/** What an algorithm row keeps in `validation`. */
export interface ValidationState {
  profiles: ProfileState[];
}

/** Statuses nothing moves an algorithm out of. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Failed']);

export function parseDoc(row: Pick<AlgorithmRow, 'doc'>): AlgorithmDoc {
  return JSON.parse(row.doc) as AlgorithmDoc;
}

export function parseValidation(row: Pick<AlgorithmRow, 'validation'>): ValidationState {
  return JSON.parse(row.validation) as ValidationState;
}

/** AlgorithmStatusDetails as Describe answers it: one ValidationStatuses item per profile; no image scan is run. */
export function statusDetails(state: ValidationState): AlgorithmStatusDetails {
  return {
    ValidationStatuses: state.profiles.map((p) => ({
      Name: p.name, Status: p.status, ...(p.failureReason !== undefined ? { FailureReason: p.failureReason } : {}),
    })),
    ImageScanStatuses: [],
  };
}

/** The algorithm with this name key in the caller's account and region. */
export function findAlgorithm(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameKey: string): Promise<AlgorithmRow | undefined> {
  return db.selectFrom('algorithms').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('name_key', '=', nameKey)
    .executeTakeFirst();
}

/** The algorithm a name or ARN refers to, or undefined. */
export async function lookupAlgorithm(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameOrArn: string): Promise<AlgorithmRow | undefined> {
  const key = algorithmNameKey(nameOrArn, ctx);
  return key === undefined ? undefined : findAlgorithm(db, ctx, key);
}

/** The algorithm a name or ARN refers to, or the service's "Could not find algorithm" error. */
export async function requireAlgorithm(db: Kysely<Database>, ctx: Pick<RequestContext, 'accountId' | 'region'>, nameOrArn: string): Promise<AlgorithmRow> {
  const row = await lookupAlgorithm(db, ctx, nameOrArn);
  if (!row) throw algorithmNotFound(nameOrArn);
  return row;
}

export function loadAlgorithm(db: Kysely<Database>, id: number): Promise<AlgorithmRow | undefined> {
  return db.selectFrom('algorithms').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Writes a new validation state and status, unless the algorithm is already final (or gone). */
export async function saveValidation(
  db: Kysely<Database>, id: number, status: AlgorithmStatus, state: ValidationState, now: number,
): Promise<void> {
  await db.updateTable('algorithms')
    .set({ status, validation: JSON.stringify(state), last_modified_time: now })
    .where('id', '=', id).where('status', 'not in', [...FINAL_STATUSES])
    .execute();
}
