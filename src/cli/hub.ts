/**
 * `sagebox hub import <folder>`: a local Hugging Face model folder (config.json, safetensors
 * weights, tokenizer.json) becomes a hub `Model` that serverless training jobs can name in
 * ServerlessJobConfig.BaseModelArn. The weights go into the object store `sagebox serve` uses
 * (same configuration as `sagebox data`), at `s3://sagebox-hub-models/<hub>/<name>/<version>/`;
 * then the running server gets CreateHub (when the hub is new) and ImportHubContent with a
 * Model document naming that folder (TrainingArtifactUri), its GatedBucket flag and the
 * SFT / DPO / RLVR / RLAIF recipes, LoRA and full.
 *
 * Exit status: 0 imported; 1 the server refused or could not be reached; 2 bad input.
 *
 * @example
 *   sagebox hub import ./my-llama --name my-llama --hub my-models --version 1.0.0 --gated
 *   # arn:aws:sagemaker:us-east-1:123456789012:hub-content/my-models/Model/my-llama/1.0.0
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { createObjectStore, uploadDirectory, uriJoin, type ObjectStore } from '../artifacts/index.js';
import { ConfigError, resolveConfig } from '../config.js';
import { readConfig } from '../llm/model/config.js';
import { modelDocument } from '../sagemaker/serverless/models.js';
import { AwsCallError, awsEnv, awsJsonCall, type AwsCallOptions } from './aws-call.js';

/** The bucket `sagebox hub import` keeps model weights in. */
export const HUB_MODELS_BUCKET = 'sagebox-hub-models';

/**
 * What `hub import` needs.
 *
 * @example { folder: './m', name: 'm', hub: 'my-models', version: '1.0.0', gated: false, store, call: { url, region: 'us-east-1' } }
 */
export interface HubImportOptions {
  folder: string;
  name: string;
  hub: string;
  version: string;
  gated: boolean;
  displayName?: string;
  description?: string;
  store: ObjectStore;
  call: AwsCallOptions;
}

/** Bad input: exit status 2. */
export class HubImportUsageError extends Error {}

/**
 * Uploads the folder and imports it as a hub Model; returns the hub content ARN.
 *
 * @example
 *   const arn = await importHubModel({ folder: './m', name: 'm', hub: 'my-models', version: '1.0.0', gated: false,
 *     store, call: { url: 'http://127.0.0.1:8086', region: 'us-east-1' } });
 */
export async function importHubModel(o: HubImportOptions): Promise<string> {
  for (const file of ['config.json', 'tokenizer.json']) {
    if (!(await exists(path.join(o.folder, file)))) throw new HubImportUsageError(`${o.folder} has no ${file}: give a Hugging Face model folder`);
  }
  const weights = (await fs.readdir(o.folder)).filter((f) => f.endsWith('.safetensors'));
  if (weights.length === 0) throw new HubImportUsageError(`${o.folder} has no .safetensors weights`);
  try {
    readConfig(path.join(o.folder, 'config.json'));
  } catch (error) {
    throw new HubImportUsageError(`${o.folder}/config.json: ${(error as Error).message}`);
  }
  const uri = `${uriJoin(`s3://${HUB_MODELS_BUCKET}`, o.hub, o.name, o.version)}/`;
  await uploadDirectory(o.store, o.folder, uri);
  const sagemaker = <T>(op: string, body: unknown) => awsJsonCall<T>(o.call, 'sagemaker', `SageMaker.${op}`, body);
  try {
    await sagemaker('DescribeHub', { HubName: o.hub });
  } catch (error) {
    if (!(error instanceof AwsCallError) || !error.code.endsWith('ResourceNotFound')) throw error;
    await sagemaker('CreateHub', { HubName: o.hub, HubDescription: `Models imported with sagebox hub import` });
  }
  const answer = await sagemaker<{ HubContentArn: string }>('ImportHubContent', {
    HubName: o.hub, HubContentType: 'Model', HubContentName: o.name, HubContentVersion: o.version, DocumentSchemaVersion: '2.0.0',
    HubContentDocument: JSON.stringify(modelDocument(uri, o.name, { gated: o.gated })),
    ...(o.displayName ? { HubContentDisplayName: o.displayName } : {}),
    ...(o.description ? { HubContentDescription: o.description } : {}),
    HubContentSearchKeywords: ['@task:text-generation', '@capability:fine-tuning'],
  });
  return answer.HubContentArn;
}

/**
 * Adds `sagebox hub` and `sagebox hub import` to the program.
 *
 * @example registerHubCommands(program)
 */
export function registerHubCommands(program: Command): void {
  const hub = program.command('hub').description('Hub content for serverless training jobs.');
  hub
    .command('import')
    .description('Import a local Hugging Face model folder as a hub Model (base model of serverless training jobs).')
    .argument('<folder>', 'folder with config.json, *.safetensors and tokenizer.json')
    .requiredOption('--name <name>', 'HubContentName of the model')
    .option('--hub <hub>', 'private hub to import into (created if missing)', 'sagebox-models')
    .option('--version <version>', 'HubContentVersion', '1.0.0')
    .option('--gated', 'jobs must send ServerlessJobConfig.AcceptEula=true')
    .option('--display-name <text>', 'HubContentDisplayName')
    .option('--description <text>', 'HubContentDescription')
    .option('--url <url>', 'sagebox endpoint (SAGEBOX_URL, AWS_ENDPOINT_URL, default http://127.0.0.1:8086)')
    .option('--data-dir <dir>', "the server's data dir, whose objects/ folder is the default store (SAGEBOX_DATA_DIR, default ./.sagebox)")
    .action(async (folder: string, flags: { name: string; hub: string; version: string; gated?: boolean; displayName?: string; description?: string; url?: string; dataDir?: string }) => {
      const url = flags.url ?? process.env.SAGEBOX_URL ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:8086';
      let store: ObjectStore;
      try {
        store = createObjectStore(resolveConfig(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }).objectStore);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        process.stderr.write(`sagebox hub import: ${error.message}\n`);
        process.exit(2);
      }
      try {
        const arn = await importHubModel({
          folder, name: flags.name, hub: flags.hub, version: flags.version, gated: flags.gated === true,
          ...(flags.displayName ? { displayName: flags.displayName } : {}), ...(flags.description ? { description: flags.description } : {}),
          store, call: { url, ...awsEnv() },
        });
        process.stdout.write(`${arn}\n`);
      } catch (error) {
        const message = error instanceof AwsCallError || error instanceof HubImportUsageError ? error.message : `${(error as Error).message}`;
        process.stderr.write(`sagebox hub import: ${message}\n`);
        process.exitCode = error instanceof HubImportUsageError ? 2 : 1;
      } finally {
        store.close();
      }
    });
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}
