/**
 * Where a serverless job's outputs go (SAGEMAKER-SEMANTICS §3.5), uncompressed:
 *
 *   <S3OutputPath>/<job>/output/model/checkpoints/hf/          PEFT adapter (LoRA) or full weights (full fine-tuning)
 *   <S3OutputPath>/<job>/output/model/checkpoints/hf_merged/   base + adapter merged (LoRA runs)
 *   <S3OutputPath>/<job>/output/model/training_metrics.json    the runtime's own account (steps, tokens, losses)
 *   <S3OutputPath>/<job>/output/output/manifest.json           { checkpoint_s3_bucket, ... }
 *   <S3OutputPath>/<job>/output/output/<name>/eval_results/    results_*.json, inference_output.jsonl (evaluations)
 *
 * ModelArtifacts.S3ModelArtifacts is `<S3OutputPath>/<job>/output/model` (the SDK reads
 * `<S3ModelArtifacts>/checkpoints/hf/`); the output package's ModelDataSource is
 * `<S3OutputPath>/<job>/output/` (the SDK reads `<S3Uri>/model/checkpoints/hf/`).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../../artifacts/object-store.js';
import { uriJoin } from '../../artifacts/s3-uri.js';
import { uploadDirectory } from '../../artifacts/sync.js';
import type { CreateTrainingJobRequest } from '../training/shapes.js';
import type { ServerlessPlan } from './plan.js';
import type { AttemptDirs } from './prepare.js';
import type { WorkerResult } from './worker-protocol.js';

/**
 * `<S3OutputPath>/<job>/output/`: the output package's ModelDataSource.
 *
 * @example jobOutputPrefix(req) // 's3://my-bucket/output/double-sft/output/'
 */
export function jobOutputPrefix(req: CreateTrainingJobRequest): string {
  return `${uriJoin(req.OutputDataConfig.S3OutputPath, req.TrainingJobName, 'output')}/`;
}

/**
 * Uploads the attempt's outputs; returns ModelArtifacts.S3ModelArtifacts (fine-tuning) or
 * undefined (evaluation: results only).
 *
 * @example const artifacts = await uploadOutputs(store, req, plan, dirs, result);
 */
export async function uploadOutputs(
  store: ObjectStore, req: CreateTrainingJobRequest, plan: ServerlessPlan, dirs: AttemptDirs, result: WorkerResult,
): Promise<string | undefined> {
  const base = jobOutputPrefix(req);
  await fs.mkdir(dirs.output, { recursive: true });
  if (plan.jobType === 'FineTuning') {
    await fs.writeFile(path.join(dirs.output, 'manifest.json'), JSON.stringify({
      checkpoint_s3_bucket: `${uriJoin(base, 'model', 'checkpoints')}/`,
      adapter_s3_uri: result.adapter ? `${uriJoin(base, 'model', 'checkpoints', 'hf')}/` : null,
      merged_s3_uri: result.adapter ? (result.merged ? `${uriJoin(base, 'model', 'checkpoints', 'hf_merged')}/` : null) : `${uriJoin(base, 'model', 'checkpoints', 'hf')}/`,
      base_model: { hub_content_arn: plan.baseModel.arn, recipe_name: plan.baseModel.recipeName },
      steps: result.steps, billable_token_count: result.tokens, stopped: result.stopped,
    }, null, 2) + '\n');
    await fs.mkdir(dirs.model, { recursive: true });
    await uploadDirectory(store, dirs.model, uriJoin(base, 'model'));
  }
  await uploadDirectory(store, dirs.output, uriJoin(base, 'output'));
  return plan.jobType === 'FineTuning' ? uriJoin(base, 'model') : undefined;
}
