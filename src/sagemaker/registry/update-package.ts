import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import { conflict, validation } from '../../aws/service-error.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { checkUniqueSpecNames } from './create-package.js';
import { requirePackage } from './packages.js';
import { requestHash } from './request-hash.js';
import { parseDoc, type PackageDoc, type PackageRow } from './rows.js';
import type { UpdateModelPackageInput, UpdateModelPackageOutput } from './shapes.js';
import { userContext } from './user-context.js';

/** CustomerMetadataProperties may hold at most this many entries (the map's documented maximum). */
const MAX_METADATA = 50;
/** AdditionalInferenceSpecifications may hold at most this many entries. */
const MAX_ADDITIONAL_SPECS = 15;

/**
 * UpdateModelPackage ("updates a versioned model"). Every rule runs before
 * anything is written, inside one transaction, so a refused update changes
 * nothing. See `applyUpdate` for the rules.
 *
 * ClientToken: the tokens an update applied are remembered per package; the
 * same token with the same request answers the ARN again without re-applying
 * (AdditionalInferenceSpecificationsToAdd would otherwise append twice), and
 * with a different request it is a ConflictException.
 */
export async function updatePackage(
  store: Store, input: UpdateModelPackageInput, ctx: RequestContext,
): Promise<UpdateModelPackageOutput> {
  return store.db.transaction().execute(async (trx) => {
    const row = await requirePackage(trx, ctx, input.ModelPackageArn);
    if (row.package_type !== 'Versioned') {
      throw validation(`UpdateModelPackage updates versioned model packages only; ${row.arn} is an unversioned model package.`);
    }
    const hash = input.ClientToken ? requestHash(input) : undefined;
    if (input.ClientToken && (await alreadyApplied(trx, row, input.ClientToken, hash!))) {
      return { ModelPackageArn: row.arn };
    }
    const doc = parseDoc(row);
    const columns = applyUpdate(row, doc, input);
    const now = Date.now();
    doc.LastModifiedBy = userContext(ctx);
    await trx.updateTable('model_packages')
      .set({ ...columns, last_modified_time: now, doc: JSON.stringify(doc) })
      .where('id', '=', row.id).execute();
    if (input.ClientToken) {
      await trx.insertInto('model_package_update_tokens')
        .values({ package_id: row.id, token: input.ClientToken, request_hash: hash!, created_time: now }).execute();
    }
    return { ModelPackageArn: row.arn };
  });
}

async function alreadyApplied(trx: Kysely<Database>, row: PackageRow, token: string, hash: string): Promise<boolean> {
  const prior = await trx.selectFrom('model_package_update_tokens').select('request_hash')
    .where('package_id', '=', row.id).where('token', '=', token).executeTakeFirst();
  if (!prior) return false;
  if (prior.request_hash !== hash) {
    throw conflict(`ClientToken ${token} was already used to update ${row.arn} with different parameters.`);
  }
  return true;
}

/**
 * Checks the update against the package and applies it to `doc`; returns the
 * changed columns.
 *
 * - ModelApprovalStatus: any status to any status (the docs list every move
 *   as valid); ApprovalDescription is stored alongside.
 * - ModelPackageRegistrationType: Logged → Registered promotes a logged
 *   model; Registered → Logged is refused (O2, a choice: a deliberate
 *   registration is not demoted to a by-product).
 * - CustomerMetadataProperties are merged (upsert), then
 *   CustomerMetadataPropertiesToRemove removed (absent keys ignored); a key in
 *   both is a ValidationException, as is a result over 50 entries.
 * - AdditionalInferenceSpecificationsToAdd are appended; names stay unique
 *   and the total may not pass 15.
 * - InferenceSpecification / SourceUri may only be set while the package has
 *   no InferenceSpecification (one registered from a SourceUri alone), O5.
 * - ModelCard: content and status are merged; once the card is Archived its
 *   content cannot change ("Model Card is in Archived state").
 * - ModelLifeCycle is replaced as given.
 */
function applyUpdate(row: PackageRow, doc: PackageDoc, input: UpdateModelPackageInput) {
  const columns: { approval_status?: string; registration_type?: string; life_cycle?: string } = {};

  if (input.ModelApprovalStatus) columns.approval_status = input.ModelApprovalStatus;
  if (input.ApprovalDescription !== undefined) doc.ApprovalDescription = input.ApprovalDescription;

  if (input.ModelPackageRegistrationType) {
    if (row.registration_type === 'Registered' && input.ModelPackageRegistrationType === 'Logged') {
      throw validation(
        `ModelPackageRegistrationType of ${row.arn} cannot change from Registered to Logged.`,
      );
    }
    columns.registration_type = input.ModelPackageRegistrationType;
  }

  const put = input.CustomerMetadataProperties ?? {};
  const remove = input.CustomerMetadataPropertiesToRemove ?? [];
  const both = remove.filter((k) => Object.hasOwn(put, k));
  if (both.length > 0) {
    throw validation(
      `The same key cannot be in both CustomerMetadataProperties and CustomerMetadataPropertiesToRemove: ${both.join(', ')}.`,
    );
  }
  if (input.CustomerMetadataProperties || remove.length > 0) {
    const merged: Record<string, string> = { ...(doc.CustomerMetadataProperties ?? {}), ...put };
    for (const k of remove) delete merged[k];
    if (Object.keys(merged).length > MAX_METADATA) {
      throw validation(`CustomerMetadataProperties would hold ${Object.keys(merged).length} entries; the maximum is ${MAX_METADATA}.`);
    }
    doc.CustomerMetadataProperties = Object.keys(merged).length > 0 ? merged : undefined;
  }

  if (input.AdditionalInferenceSpecificationsToAdd) {
    const all = [...(doc.AdditionalInferenceSpecifications ?? []), ...input.AdditionalInferenceSpecificationsToAdd];
    if (all.length > MAX_ADDITIONAL_SPECS) {
      throw validation(`AdditionalInferenceSpecifications would hold ${all.length} entries; the maximum is ${MAX_ADDITIONAL_SPECS}.`);
    }
    checkUniqueSpecNames(all);
    doc.AdditionalInferenceSpecifications = all;
  }

  if (input.InferenceSpecification || input.SourceUri !== undefined) {
    if (doc.InferenceSpecification) {
      throw validation(
        `InferenceSpecification and SourceUri can only be updated on a model package that has no InferenceSpecification; ${row.arn} has one.`,
      );
    }
    if (input.InferenceSpecification) doc.InferenceSpecification = input.InferenceSpecification;
    if (input.SourceUri !== undefined) doc.SourceUri = input.SourceUri;
  }

  if (input.ModelCard) {
    const current = doc.ModelCard ?? {};
    if (current.ModelCardStatus === 'Archived' && input.ModelCard.ModelCardContent !== undefined) {
      throw validation('Model Card is in Archived state');
    }
    doc.ModelCard = { ...current, ...definedOnly(input.ModelCard) };
  }

  if (input.ModelLifeCycle) columns.life_cycle = JSON.stringify(input.ModelLifeCycle);
  return columns;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
