/**
 * The Downloading phase of a serverless attempt: the data channels, the base model, the
 * source package's weights, the evaluator, and the worker spec that ties them together.
 * Anything the job's own request gets wrong here (an empty channel, a missing evaluator file)
 * is an InputProblem, which fails the job with a ClientError FailureReason.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../../artifacts/object-store.js';
import { uriJoin } from '../../artifacts/s3-uri.js';
import { downloadChannel } from '../../runtime/index.js';
import type { DatasetResolver } from '../training/inputs.js';
import type { CreateTrainingJobRequest } from '../training/shapes.js';
import { localModelDir } from './models.js';
import type { ServerlessPlan } from './plan.js';
import type { RewardSpec, WorkerSpec } from './worker-protocol.js';

/** A problem with the job's input (ClientError). */
export class InputProblem extends Error {}

/**
 * Where a prepared attempt keeps things.
 *
 * @example const dirs = attemptDirs('/data/.sagebox/jobs/123456789012/us-east-1/my-job/attempt-1'); dirs.model
 */
export interface AttemptDirs {
  root: string;
  /** The worker's outputDir for fine-tuning: uploaded as `<job>/output/model/`. */
  model: string;
  /** Uploaded as `<job>/output/output/` (manifest.json, `<name>/eval_results/`). */
  output: string;
}

export function attemptDirs(root: string): AttemptDirs {
  return { root, model: path.join(root, 'model'), output: path.join(root, 'output') };
}

/**
 * The name of an evaluation's results folder: the `name` hyperparameter, else the literal `None` (§3.5).
 *
 * @example runName({ ...req, HyperParameters: { name: 'gen_qa' } }) // 'gen_qa'
 */
export function runName(req: CreateTrainingJobRequest): string {
  const name = req.HyperParameters?.name;
  return name && /^[A-Za-z0-9._-]+$/.test(name) ? name : 'None';
}

/**
 * Downloads what the attempt needs and builds the worker spec.
 *
 * @example const spec = await prepareAttempt({ store, resolveDataset, modelCache, ctx, note }, req, plan, dirs);
 */
export async function prepareAttempt(
  env: {
    store: ObjectStore; resolveDataset: DatasetResolver; modelCache: string;
    ctx: { accountId: string; region: string }; note: (text: string) => void;
  },
  req: CreateTrainingJobRequest, plan: ServerlessPlan, dirs: AttemptDirs,
): Promise<WorkerSpec> {
  const { store, note } = env;
  const data: Record<string, string> = {};
  for (const channel of req.InputDataConfig ?? []) {
    const source = channel.DataSource;
    const uri = source.S3DataSource?.S3Uri ?? (await env.resolveDataset(source.DatasetSource!.DatasetArn, env.ctx)).s3Uri;
    const dir = path.join(dirs.root, 'input', channel.ChannelName);
    const stats = await downloadChannel(store, uri, 'S3Prefix', dir);
    if (stats.files === 0) throw new InputProblem(`channel '${channel.ChannelName}': there is no data at ${uri}`);
    note(`sagebox: channel '${channel.ChannelName}': ${stats.files} file(s), ${stats.bytes} bytes from ${uri}`);
    data[channel.ChannelName] = dir;
  }
  const baseDir = await localModelDir(store, plan.baseModel.artifactUri, env.modelCache);
  note(`sagebox: base model ${plan.baseModel.name} ${plan.baseModel.version}${plan.baseModel.recipeName ? `, recipe ${plan.baseModel.recipeName}` : ''}`);
  let modelDir = baseDir;
  let adapterDir: string | undefined;
  if (plan.source) {
    const local = path.join(dirs.root, 'source');
    const from = uriJoin(plan.source.s3Uri, 'model', 'checkpoints') + '/';
    const stats = await downloadChannel(store, from, 'S3Prefix', local);
    if (stats.files === 0) throw new InputProblem(`SourceModelPackageArn ${plan.source.arn}: no weights under ${from}`);
    note(`sagebox: starting from model package ${plan.source.arn} (${plan.source.isCheckpoint ? 'LoRA adapter' : 'full weights'})`);
    if (!plan.source.isCheckpoint) modelDir = path.join(local, 'hf');
    else if (plan.jobType === 'FineTuning' && plan.peft === null) modelDir = path.join(local, 'hf_merged');
    else adapterDir = path.join(local, 'hf');
  }
  const hps: Record<string, string> = { ...plan.baseModel.recipeDefaults, ...req.HyperParameters };
  // SequenceLength ('8K', the model's pattern \d+K) caps the tokens per sequence; the runtime also caps it at the model's context.
  const k = /^(\d+)K$/.exec(req.ServerlessJobConfig?.SequenceLength ?? '');
  if (k && Number(k[1]) > 0) hps.max_seq_length = String(Number(k[1]) * 1024);
  let reward: RewardSpec | undefined;
  let judgeTemplate = hps.judge_prompt_template;
  if (plan.evaluator) {
    const file = path.join(dirs.root, 'evaluator', path.posix.basename(plan.evaluator.reference) || 'evaluator');
    try {
      await store.getFile(plan.evaluator.reference, file);
    } catch (error) {
      throw new InputProblem(`evaluator ${plan.evaluator.arn}: cannot read ${plan.evaluator.reference}: ${(error as Error).message}`);
    }
    if (plan.evaluator.type === 'RewardPrompt') judgeTemplate = await fs.readFile(file, 'utf8');
    else reward = { kind: file.endsWith('.py') ? 'python' : 'module', file };
    note(`sagebox: evaluator ${plan.evaluator.arn} (${plan.evaluator.type}) from ${plan.evaluator.reference}`);
  } else if (hps.preset_reward_function) {
    reward = { kind: 'preset', name: hps.preset_reward_function };
  }
  const judgeModelDir = plan.judgeModel ? await localModelDir(store, plan.judgeModel.artifactUri, env.modelCache) : undefined;
  const common = {
    modelDir, hyperparameters: hps,
    ...(adapterDir ? { adapterDir } : {}),
    ...(reward ? { reward } : {}),
    ...(judgeTemplate ? { judgeTemplate } : {}),
    ...(judgeModelDir ? { judgeModelDir } : {}),
  };
  if (plan.jobType === 'FineTuning') {
    return {
      ...common, kind: 'FineTuning', technique: plan.technique!, peft: plan.peft, outputDir: dirs.model,
      trainData: data.train!, ...(data.validation ? { validationData: data.validation } : {}),
    };
  }
  return {
    ...common, kind: 'Evaluation', evaluationType: plan.evaluationType!, data: Object.values(data)[0]!,
    outputDir: path.join(dirs.output, runName(req)),
  };
}
