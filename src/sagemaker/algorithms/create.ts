/**
 * CreateAlgorithm (SAGEMAKER-SEMANTICS §5). The specifications are checked (enforce.ts), and
 * each validation profile's TrainingJobDefinition is checked against them as a training job
 * naming the algorithm would be, so a profile that could never pass is refused at once. The
 * row, its tags and (with a ValidationSpecification) its validation work commit together:
 * an acknowledged algorithm is always validated. Without a ValidationSpecification the
 * algorithm is Completed at once, with no validation statuses.
 */
import type { RequestContext } from '../../aws/context.js';
import { ServiceError, validation } from '../../aws/service-error.js';
import { enqueueWork } from '../../engine/work-store.js';
import { isUniqueViolation } from '../../store/errors.js';
import { putTags } from '../tags/tag-store.js';
import { algorithmArn } from './arns.js';
import type { AlgorithmDeps } from './deps.js';
import { checkTrainingSpecification } from './enforce.js';
import { algorithmAlreadyExists } from './messages.js';
import { findAlgorithm, type AlgorithmDoc, type ValidationState } from './rows.js';
import type { CreateAlgorithmInput, CreateAlgorithmOutput } from './shapes.js';
import { ALGORITHM_VALIDATION_WORK, validationJobRequest } from './validation.js';

export async function createAlgorithm(deps: AlgorithmDeps, input: CreateAlgorithmInput, ctx: RequestContext): Promise<CreateAlgorithmOutput> {
  const name = input.AlgorithmName;
  const arn = algorithmArn(ctx, name);
  const ts = input.TrainingSpecification;
  checkTrainingSpecification(ts);
  const vs = input.ValidationSpecification;
  const seen = new Set<string>();
  for (const profile of vs?.ValidationProfiles ?? []) {
    if (seen.has(profile.ProfileName)) throw validation(`ValidationSpecification: profile name '${profile.ProfileName}' is given more than once.`);
    seen.add(profile.ProfileName);
    try {
      validationJobRequest({ name, arn, trainingSpecification: ts, validationRole: vs!.ValidationRole }, profile, 'check');
    } catch (error) {
      if (error instanceof ServiceError) {
        throw validation(`ValidationSpecification profile '${profile.ProfileName}': the TrainingJobDefinition does not fit the TrainingSpecification: ${error.message}`);
      }
      throw error;
    }
  }
  const doc: AlgorithmDoc = {
    TrainingSpecification: ts,
    ...(input.InferenceSpecification ? { InferenceSpecification: input.InferenceSpecification } : {}),
    ...(vs ? { ValidationSpecification: vs } : {}),
    ...(input.CertifyForMarketplace !== undefined ? { CertifyForMarketplace: input.CertifyForMarketplace } : {}),
  };
  const state: ValidationState = { profiles: (vs?.ValidationProfiles ?? []).map((p) => ({ name: p.ProfileName, status: 'NotStarted' })) };
  const now = deps.clock.now();
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      const existing = await findAlgorithm(trx, ctx, name.toLowerCase());
      if (existing) throw algorithmAlreadyExists(existing.arn);
      const row = await trx.insertInto('algorithms').values({
        account_id: ctx.accountId, region: ctx.region, name, name_key: name.toLowerCase(), arn,
        description: input.AlgorithmDescription ?? null, status: vs ? 'Pending' : 'Completed',
        creation_time: now, last_modified_time: now, doc: JSON.stringify(doc), validation: JSON.stringify(state),
      }).returning('id').executeTakeFirstOrThrow();
      await putTags(trx, ctx, arn, input.Tags ?? []);
      if (vs) {
        await enqueueWork(trx, { kind: ALGORITHM_VALIDATION_WORK, resourceKey: String(row.id), payload: { algorithmId: Number(row.id) } }, now);
      }
    });
  } catch (error) {
    // Two creates raced past the check (possible on PostgreSQL): the index decides.
    if (isUniqueViolation(error)) throw algorithmAlreadyExists(arn);
    throw error;
  }
  if (vs) deps.engine.notify();
  return { AlgorithmArn: arn };
}
