import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import { conflict, validation } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import { isUniqueViolation } from '../../store/errors.js';
import type { Database } from '../../store/schema.js';
import { putTags } from '../tags/tag-store.js';
import { unversionedPackageArn, versionedPackageArn, versionedPackageKey } from './arns.js';
import { requireGroup } from './groups.js';
import { packageAlreadyExists } from './messages.js';
import { requestHash } from './request-hash.js';
import { NOT_IN_DOC, type PackageDoc } from './rows.js';
import type {
  AdditionalInferenceSpecificationDefinition, CreateModelPackageInput, CreateModelPackageOutput,
  ModelPackageStatus, ModelPackageStatusDetails,
} from './shapes.js';
import { userContext } from './user-context.js';

/**
 * CreateModelPackage.
 *
 * - `ModelPackageGroupName` (name or ARN) makes a versioned package: the next
 *   version of the group, allocated atomically from the group's counter (so
 *   numbers are never reused, even after a delete), ARN
 *   `model-package/<group-lower>/<version>`, ModelPackageName = the group name,
 *   ModelApprovalStatus defaulting to PendingManualApproval. Tags are refused:
 *   a version uses its group's tags.
 * - `ModelPackageName` makes an unversioned package, ARN
 *   `model-package/<name-lower>`; a second one of the same name (any casing) is
 *   a ValidationException.
 * - ModelPackageRegistrationType defaults to Registered.
 * - ClientToken: the same token with the same request answers the first
 *   call's ARN without creating anything; with a different request it is a
 *   ConflictException.
 */
export async function createPackage(
  store: Store, input: CreateModelPackageInput, ctx: RequestContext,
): Promise<CreateModelPackageOutput> {
  checkCreateRules(input);
  const hash = input.ClientToken ? requestHash(input) : null;
  try {
    return await store.db.transaction().execute(async (trx) => {
      const replay = await replayClientToken(trx, ctx, input.ClientToken, hash);
      if (replay) return replay;
      const arn = input.ModelPackageGroupName
        ? await insertVersioned(trx, ctx, input, hash)
        : await insertUnversioned(trx, ctx, input, hash);
      return { ModelPackageArn: arn };
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // A concurrent writer got there first (PostgreSQL can let two past the
    // checks; SQLite serialises writers). Answer as if we had come second.
    const replay = await replayClientToken(store.db, ctx, input.ClientToken, hash);
    if (replay) return replay;
    if (input.ModelPackageName) throw packageAlreadyExists(unversionedPackageArn(ctx, input.ModelPackageName));
    throw conflict('Another request changed this model package group at the same time. Retry the request.');
  }
}

/** The rules the input shapes cannot express. */
function checkCreateRules(input: CreateModelPackageInput): void {
  if (input.ModelPackageName && input.ModelPackageGroupName) {
    throw validation(
      'Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one to use.',
    );
  }
  if (!input.ModelPackageName && !input.ModelPackageGroupName) throw validation('Missing ARN.');
  if (input.ModelPackageGroupName && input.Tags && input.Tags.length > 0) {
    throw validation(
      'Tags cannot be set on a versioned model package: it uses the tags of its model package group. Tag the group instead.',
    );
  }
  const spec = input.InferenceSpecification;
  if (input.ModelPackageName && spec) {
    // Documented: "required for unversioned models, and optional for versioned models".
    for (const member of ['SupportedTransformInstanceTypes', 'SupportedRealtimeInferenceInstanceTypes'] as const) {
      if (!spec[member]) throw validation(`InferenceSpecification.${member} is required for an unversioned model package.`);
    }
  }
  checkUniqueSpecNames(input.AdditionalInferenceSpecifications ?? []);
}

/** AdditionalInferenceSpecifications names must be unique within a package. */
export function checkUniqueSpecNames(specs: AdditionalInferenceSpecificationDefinition[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.Name)) {
      throw validation(`AdditionalInferenceSpecifications contains the name '${s.Name}' more than once; names must be unique within a model package.`);
    }
    seen.add(s.Name);
  }
}

/** For a token already used: the first call's answer, or a ConflictException if the request differs. */
async function replayClientToken(
  db: Kysely<Database>, ctx: RequestContext, token: string | undefined, hash: string | null,
): Promise<CreateModelPackageOutput | undefined> {
  if (!token) return undefined;
  const prior = await db.selectFrom('model_packages').select(['arn', 'request_hash'])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('client_token', '=', token).executeTakeFirst();
  if (!prior) return undefined;
  if (prior.request_hash !== hash) {
    throw conflict(`ClientToken ${token} was already used with different parameters (by ${prior.arn}).`);
  }
  return { ModelPackageArn: prior.arn };
}

async function insertVersioned(
  trx: Kysely<Database>, ctx: RequestContext, input: CreateModelPackageInput, hash: string | null,
): Promise<string> {
  const group = await requireGroup(trx, ctx, input.ModelPackageGroupName!);
  // One statement reads and bumps the counter: atomic on both dialects, and
  // the transaction keeps the number only if the version row lands too.
  const bumped = await trx.updateTable('model_package_groups')
    .set((eb) => ({ next_version: eb('next_version', '+', 1) }))
    .where('id', '=', group.id).returning('next_version').executeTakeFirstOrThrow();
  const version = Number(bumped.next_version) - 1;
  const arn = versionedPackageArn(ctx, group.name, version);
  await trx.insertInto('model_packages').values({
    ...commonColumns(ctx, input, group.name, hash),
    name_key: versionedPackageKey(group.name, version),
    package_type: 'Versioned',
    group_id: group.id,
    group_name: group.name,
    group_key: group.name_key,
    version,
    arn,
    approval_status: input.ModelApprovalStatus ?? 'PendingManualApproval',
  }).execute();
  return arn;
}

async function insertUnversioned(
  trx: Kysely<Database>, ctx: RequestContext, input: CreateModelPackageInput, hash: string | null,
): Promise<string> {
  const name = input.ModelPackageName!;
  const arn = unversionedPackageArn(ctx, name);
  const existing = await trx.selectFrom('model_packages').select('arn')
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('name_key', '=', name.toLowerCase()).executeTakeFirst();
  if (existing) throw packageAlreadyExists(existing.arn);
  await trx.insertInto('model_packages').values({
    ...commonColumns(ctx, input, name, hash),
    name_key: name.toLowerCase(),
    package_type: 'Unversioned',
    group_id: null,
    group_name: null,
    group_key: null,
    version: null,
    arn,
    // Not applicable to unversioned packages: stored only when the caller sent it.
    approval_status: input.ModelApprovalStatus ?? null,
  }).execute();
  await putTags(trx, ctx, arn, input.Tags ?? []);
  return arn;
}

/** The columns versioned and unversioned rows fill the same way. */
function commonColumns(ctx: RequestContext, input: CreateModelPackageInput, name: string, hash: string | null) {
  const { status, details } = initialStatus(name, input);
  const doc: Record<string, unknown> = {};
  for (const [member, value] of Object.entries(input)) {
    if (!NOT_IN_DOC.has(member) && value !== undefined) doc[member] = value;
  }
  Object.assign(doc, { ModelPackageStatusDetails: details, CreatedBy: userContext(ctx) } satisfies Partial<PackageDoc>);
  return {
    account_id: ctx.accountId,
    region: ctx.region,
    name,
    sort_name: name.toLowerCase(),
    description: input.ModelPackageDescription ?? null,
    status,
    registration_type: input.ModelPackageRegistrationType ?? 'Registered',
    life_cycle: input.ModelLifeCycle ? JSON.stringify(input.ModelLifeCycle) : null,
    creation_time: Date.now(),
    last_modified_time: null,
    client_token: input.ClientToken ?? null,
    request_hash: hash,
    doc: JSON.stringify(doc),
  };
}

/**
 * The status a new package starts in. Without a ValidationSpecification (or
 * with SkipModelValidation=All) there is nothing to run: Completed, with one
 * Completed validation status named after the package, as the service shows.
 *
 * With a ValidationSpecification the real service runs the profile's batch
 * transform job. sagebox cannot run transform jobs yet, and does not pretend
 * to: the package is Completed (usable) but its validation status is
 * NotStarted, with a FailureReason that says validation was not run.
 */
export function initialStatus(name: string, input: CreateModelPackageInput): {
  status: ModelPackageStatus;
  details: ModelPackageStatusDetails;
} {
  if (input.ValidationSpecification && input.SkipModelValidation !== 'All') {
    return {
      status: 'Completed',
      details: {
        ValidationStatuses: [{
          Name: name,
          Status: 'NotStarted',
          FailureReason:
            'sagebox does not run model package validation (batch transform) yet: the ValidationSpecification was stored but not run.',
        }],
      },
    };
  }
  return { status: 'Completed', details: { ValidationStatuses: [{ Name: name, Status: 'Completed' }] } };
}
