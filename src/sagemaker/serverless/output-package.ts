/**
 * The output model package of a serverless fine-tuning job (SAGEMAKER-SEMANTICS §3.5, §4.4,
 * O1). It is allocated when the job first starts (the next version of
 * ModelPackageConfig.ModelPackageGroupArn, `ModelPackageRegistrationType: Logged`, status
 * InProgress), so `OutputModelPackageArn` is set from then on, failed jobs included. When the
 * job ends the package follows it:
 *
 *   job Completed                          → package Completed
 *   job Stopped with its model uploaded    → package Completed (the weights as of the stop)
 *   job Failed, or Stopped before a model  → package Failed, its validation status saying why
 *
 * Its container: ModelDataSource `<S3OutputPath>/<job>/output/` (S3Prefix, not compressed),
 * BaseModel {HubContentName, HubContentVersion, RecipeName}, IsCheckpoint (true: the package's
 * model is a LoRA adapter, under model/checkpoints/hf/; false: full weights).
 */
import type { RequestContext } from '../../aws/context.js';
import { createLoggedPackage, finishLoggedPackage } from '../registry/logged-package.js';
import type { ExecutorDeps } from '../training/executor.js';
import { loadJob, parseRequest, parseState, updateJob, type JobRow } from '../training/job-store.js';
import { jobOutputPrefix } from './upload.js';

function jobContext(row: JobRow): RequestContext {
  return { accountId: row.account_id, region: row.region, requestId: `sagebox-job-${row.id}` };
}

/**
 * Creates the job's output package once (FineTuning only) and records its ARN.
 *
 * @example await allocateOutputPackage(deps, jobId); // OutputModelPackageArn is set from now on
 */
export async function allocateOutputPackage(deps: Pick<ExecutorDeps, 'store' | 'clock'>, jobId: number): Promise<void> {
  const row = await loadJob(deps.store.db, jobId);
  if (!row) return;
  const state = parseState(row);
  const sv = state.serverless;
  if (!sv || sv.plan.jobType !== 'FineTuning' || sv.outputPackageArn) return;
  const req = parseRequest(row);
  const plan = sv.plan;
  const arn = await createLoggedPackage(deps.store, jobContext(row), {
    group: req.ModelPackageConfig!.ModelPackageGroupArn,
    description: `${plan.technique}${plan.peft ? ' LoRA' : ' full'} fine-tune of ${plan.baseModel.name} ${plan.baseModel.version}, logged by training job ${row.name}`,
    inference: {
      Containers: [{
        ModelDataSource: { S3DataSource: { S3Uri: jobOutputPrefix(req), S3DataType: 'S3Prefix', CompressionType: 'None' } },
        BaseModel: { HubContentName: plan.baseModel.name, HubContentVersion: plan.baseModel.version, ...(plan.baseModel.recipeName ? { RecipeName: plan.baseModel.recipeName } : {}) },
        IsCheckpoint: plan.peft === 'LORA',
      }],
    },
    extra: {
      CustomerMetadataProperties: {
        TrainingJobArn: row.arn,
        ...(plan.source ? { SourceModelPackageArn: plan.source.arn } : {}),
      },
    },
  });
  await updateJob(deps.store.db, jobId, { patch: (s) => void (s.serverless!.outputPackageArn = arn) }, deps.clock.now());
}

/**
 * Gives the output package its final status once the job is terminal (a no-op before, and
 * for jobs without a package).
 *
 * @example await settleOutputPackage(deps, jobId);
 */
export async function settleOutputPackage(deps: Pick<ExecutorDeps, 'store'>, jobId: number): Promise<void> {
  const row = await loadJob(deps.store.db, jobId);
  const sv = row ? parseState(row).serverless : undefined;
  if (!row || !sv?.outputPackageArn) return;
  if (row.status === 'Completed' || (row.status === 'Stopped' && sv.result)) {
    await finishLoggedPackage(deps.store, sv.outputPackageArn, 'Completed');
  } else if (row.status === 'Failed' || row.status === 'Stopped') {
    const why = row.status === 'Failed'
      ? `The training job ${row.name} failed: ${row.failure_reason ?? 'no reason recorded'}`
      : `The training job ${row.name} was stopped before it wrote a model.`;
    await finishLoggedPackage(deps.store, sv.outputPackageArn, 'Failed', why);
  }
}
