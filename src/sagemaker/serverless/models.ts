/**
 * Base models of serverless jobs: the built-in `sagebox-tiny` in the public hub, and where a
 * hub Model's weights are. A Model document names its Hugging Face folder in
 * `TrainingArtifactUri`: an `s3://` prefix in sagebox's object store (what `sagebox hub import`
 * uploads), or `sagebox-builtin://<name>` for a model shipped with sagebox.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectStore } from '../../artifacts/object-store.js';
import { downloadChannel } from '../../runtime/index.js';
import { registerPublicHubContent } from '../hub/public-hub.js';
import { standardRecipes } from './recipes.js';

export const BUILTIN_SCHEME = 'sagebox-builtin://';
export const BUILTIN_MODEL_NAME = 'sagebox-tiny';
export const BUILTIN_MODEL_VERSION = '1.0.0';

/**
 * `models/sagebox-tiny` of the installation (src/llm's BUILTIN_MODEL_DIR, found without loading
 * the runtime into the server's main thread: this file sits as deep in src/ as in dist/).
 */
const BUILTIN_MODEL_DIR = fileURLToPath(new URL('../../../models/sagebox-tiny', import.meta.url));

/** Models shipped with sagebox, by the name their `sagebox-builtin://` URI carries. */
const BUILTIN_DIRS: Record<string, string> = { [BUILTIN_MODEL_NAME]: BUILTIN_MODEL_DIR };

/** Recipe defaults for the tiny model: small batches and a learning rate that moves it in a few steps. */
const TINY_DEFAULTS = { global_batch_size: '8', learning_rate: '2e-3', num_epochs: '1', lora_target_modules: 'all-linear', lora_dropout: '0' };

/**
 * The Model document of a local Hugging Face folder, in the shape the SageMaker Python SDK reads
 * (GatedBucket, RecipeCollection) plus where its weights are.
 *
 * @example modelDocument('s3://sagebox-hub/models/my-llama/1.0.0/', 'my-llama', { gated: true })
 */
export function modelDocument(artifactUri: string, name: string, options: { gated?: boolean; eulaUri?: string } = {}): Record<string, unknown> {
  return {
    Task: 'text-generation',
    Framework: 'sagebox-llm',
    GatedBucket: options.gated === true,
    ...(options.eulaUri ? { HostingEulaUri: options.eulaUri } : {}),
    TrainingArtifactUri: artifactUri,
    HostingArtifactUri: artifactUri,
    RecipeCollection: standardRecipes(name, TINY_DEFAULTS),
  };
}

let registered = false;

/**
 * Lists `sagebox-tiny` (version 1.0.0) in `SageMakerPublicHub`: every account and region sees
 * `arn:aws:sagemaker:<region>:aws:hub-content/SageMakerPublicHub/Model/sagebox-tiny/1.0.0`.
 *
 * @example registerBuiltinModels(); // at start-up, idempotent
 */
export function registerBuiltinModels(): void {
  if (registered) return;
  registered = true;
  registerPublicHubContent({
    HubContentType: 'Model', HubContentName: BUILTIN_MODEL_NAME, HubContentVersion: BUILTIN_MODEL_VERSION,
    HubContentDocument: modelDocument(`${BUILTIN_SCHEME}${BUILTIN_MODEL_NAME}`, BUILTIN_MODEL_NAME),
    HubContentDisplayName: 'sagebox tiny Llama (0.8M parameters)',
    HubContentDescription: 'A 0.8M-parameter Llama-style model built by sagebox; customizable with SFT, DPO, RLVR and RLAIF, LoRA or full.',
    HubContentSearchKeywords: ['@task:text-generation', '@capability:fine-tuning', 'sagebox'],
  });
}

/**
 * Where a Model document says its weights are; throws a plain Error when it says nothing usable.
 *
 * @example artifactUriOf({ TrainingArtifactUri: 's3://sagebox-hub-models/h/m/1.0.0/' }, 'm') // 's3://sagebox-hub-models/h/m/1.0.0/'
 */
export function artifactUriOf(document: Record<string, unknown>, modelName: string): string {
  const uri = document['TrainingArtifactUri'] ?? document['HostingArtifactUri'];
  if (typeof uri !== 'string' || !(uri.startsWith('s3://') || uri.startsWith(BUILTIN_SCHEME))) {
    throw new Error(`the hub Model ${modelName} has no TrainingArtifactUri (an s3:// folder of Hugging Face weights) that sagebox can read`);
  }
  if (uri.startsWith(BUILTIN_SCHEME) && !BUILTIN_DIRS[uri.slice(BUILTIN_SCHEME.length)]) {
    throw new Error(`the hub Model ${modelName} names ${uri}, which is not a model shipped with sagebox (${Object.keys(BUILTIN_DIRS).join(', ')})`);
  }
  return uri;
}

/**
 * A local folder holding the weights at `uri`: the shipped folder for built-ins, else a copy
 * of the s3:// prefix cached under `<cacheDir>/<sha256(uri)>` (written once, by rename; a hub
 * version's weights do not change, so the cache is never refreshed).
 *
 * @example const dir = await localModelDir(store, 's3://sagebox-hub/models/m/1.0.0/', '/data/.sagebox/models');
 */
export async function localModelDir(store: ObjectStore, uri: string, cacheDir: string): Promise<string> {
  if (uri.startsWith(BUILTIN_SCHEME)) return BUILTIN_DIRS[uri.slice(BUILTIN_SCHEME.length)]!;
  const dir = path.join(cacheDir, createHash('sha256').update(uri).digest('hex').slice(0, 32));
  if (await exists(path.join(dir, 'config.json'))) return dir;
  const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
  await fs.rm(partial, { recursive: true, force: true });
  const stats = await downloadChannel(store, uri, 'S3Prefix', partial);
  if (stats.files === 0) throw new Error(`no model files at ${uri}`);
  try {
    await fs.rename(partial, dir);
  } catch (error) {
    // Another job cached it meanwhile: keep theirs (it may be in use), drop ours.
    if (!(await exists(path.join(dir, 'config.json')))) throw error;
    await fs.rm(partial, { recursive: true, force: true });
  }
  return dir;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}
