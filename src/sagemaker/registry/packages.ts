import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { deleteAllTags } from '../tags/tag-store.js';
import { packageArnForMessage, packageKey } from './arns.js';
import { packageNotFound } from './messages.js';
import { batchSummary, describeOutput, parseDoc, type PackageRow } from './rows.js';
import type {
  BatchDescribeModelPackageError, BatchDescribeModelPackageInput, BatchDescribeModelPackageOutput,
  BatchDescribeModelPackageSummary, DeleteModelPackageInput, DescribeModelPackageInput, DescribeModelPackageOutput,
} from './shapes.js';

/**
 * DescribeModelPackage, by name, `<group>/<version>` or ARN (either ARN form).
 * `IncludedData=MetadataOnly` answers the same as AllData: sagebox never
 * encrypts the model card, so there is nothing to redact.
 */
export async function describePackage(
  store: Store, input: DescribeModelPackageInput, ctx: RequestContext,
): Promise<DescribeModelPackageOutput> {
  return describeOutput(await requirePackage(store.db, ctx, input.ModelPackageName));
}

/**
 * BatchDescribeModelPackage. Both maps are keyed by the ARN exactly as given.
 * The call itself never fails for a missing package (O6, a choice): each ARN
 * that cannot be summarised goes to the error map with ErrorCode
 * `ValidationException` and the message Describe would give:
 * - unknown: `ModelPackage <arn> does not exist.`
 * - unversioned (the operation describes versioned packages only)
 * - no InferenceSpecification (a required member of the summary).
 */
export async function batchDescribePackages(
  store: Store, input: BatchDescribeModelPackageInput, ctx: RequestContext,
): Promise<BatchDescribeModelPackageOutput> {
  const summaries: Record<string, BatchDescribeModelPackageSummary> = {};
  const errors: Record<string, BatchDescribeModelPackageError> = {};
  const refs = [...new Set(input.ModelPackageArnList)];
  const keys = new Map(refs.map((ref) => [ref, packageKey(ref, ctx)]));
  const wanted = [...new Set([...keys.values()].filter((k): k is string => k !== undefined))];
  const rows = wanted.length === 0 ? [] : await store.db.selectFrom('model_packages').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('name_key', 'in', wanted).execute();
  const byKey = new Map(rows.map((r) => [r.name_key, r]));

  for (const ref of refs) {
    const key = keys.get(ref);
    const row = key === undefined ? undefined : byKey.get(key);
    const fail = (message: string) => { errors[ref] = { ErrorCode: 'ValidationException', ErrorResponse: message }; };
    if (!row) {
      fail(`ModelPackage ${ref} does not exist.`);
    } else if (row.package_type !== 'Versioned') {
      fail(`ModelPackage ${ref} is an unversioned model package; BatchDescribeModelPackage describes versioned model packages only.`);
    } else {
      const spec = parseDoc(row).InferenceSpecification;
      if (spec) summaries[ref] = batchSummary(row, spec);
      else fail(`ModelPackage ${ref} has no InferenceSpecification.`);
    }
  }
  return {
    ModelPackageSummaries: Object.keys(summaries).length ? summaries : undefined,
    BatchDescribeModelPackageErrorMap: Object.keys(errors).length ? errors : undefined,
  };
}

/**
 * DeleteModelPackage, by name, `<group>/<version>` or ARN. Synchronous: the
 * row, its update tokens and (unversioned) its tags go in one transaction.
 * The group's version counter is untouched, so the number is never reused.
 */
export async function deletePackage(
  store: Store, input: DeleteModelPackageInput, ctx: RequestContext,
): Promise<Record<string, never>> {
  await store.db.transaction().execute(async (trx) => {
    const row = await requirePackage(trx, ctx, input.ModelPackageName);
    await trx.deleteFrom('model_packages').where('id', '=', row.id).execute();
    if (row.package_type === 'Unversioned') await deleteAllTags(trx, ctx, row.arn);
  });
  return {};
}

/** The package a reference names, or `ValidationException: ModelPackage <arn> does not exist.` */
export async function requirePackage(db: Kysely<Database>, ctx: RequestContext, ref: string): Promise<PackageRow> {
  const key = packageKey(ref, ctx);
  const row = key === undefined ? undefined : await findPackage(db, ctx, key);
  if (!row) throw packageNotFound(packageArnForMessage(ref, ctx));
  return row;
}

/** The package with this lookup key (`name` or `group/version`, lower-cased) in the caller's account and region. */
export function findPackage(db: Kysely<Database>, ctx: RequestContext, key: string): Promise<PackageRow | undefined> {
  return db.selectFrom('model_packages').selectAll()
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('name_key', '=', key).executeTakeFirst();
}
