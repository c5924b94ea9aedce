/**
 * The worker thread of one serverless job attempt: runs runCustomization / runEvaluation
 * (src/llm) with the spec the server prepared, and reports log lines, per-step progress and
 * the result as WorkerMessages. A stop is a flag in shared memory (the trainer never yields to
 * the worker's event loop mid-run, so a message could not reach it).
 */
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { runCustomization, runEvaluation } from '../../llm/customize.js';
import { DatasetError } from '../../llm/data/datasets.js';
import { backendInfo } from '../../llm/tensor/backend.js';
import { presetReward, type RewardFunction, type RewardSample } from '../../llm/train/rewards.js';
import type { RewardSpec, WorkerData, WorkerMessage, WorkerResult } from './worker-protocol.js';

/** An error the job's own input caused (ClientError). */
class InputError extends Error {}

const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
const log = (text: string): void => post({ t: 'log', text });

/** Python wrapper: loads the file, calls lambda_handler(event, None) with the samples from stdin. */
const PY_WRAPPER = [
  'import importlib.util, json, sys',
  'spec = importlib.util.spec_from_file_location("reward", sys.argv[1])',
  'mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)',
  'print(json.dumps(mod.lambda_handler(json.load(sys.stdin), None)))',
].join('\n');

async function rewardFunction(spec: RewardSpec | undefined): Promise<RewardFunction | undefined> {
  if (!spec) return undefined;
  if (spec.kind === 'preset') {
    try {
      return presetReward(spec.name);
    } catch (error) {
      throw new InputError((error as Error).message);
    }
  }
  if (spec.kind === 'python') {
    return (samples: RewardSample[]) => {
      const r = spawnSync('python3', ['-c', PY_WRAPPER, spec.file], { input: JSON.stringify(samples), encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.error) throw new InputError(`the reward function could not be run with python3: ${r.error.message}`);
      if (r.status !== 0) throw new InputError(`the reward function failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}`);
      try {
        return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
      } catch {
        throw new InputError('the reward function did not print its result as JSON');
      }
    };
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(spec.file).href) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`the reward function module could not be loaded: ${(error as Error).message}`);
  }
  const fn = (mod.lambda_handler ?? mod.handler ?? mod.default) as ((event: unknown, context: unknown) => unknown) | undefined;
  if (typeof fn !== 'function') throw new InputError('the reward function module exports no lambda_handler, handler or default function');
  return async (samples: RewardSample[]) => {
    try {
      return await fn(samples, {});
    } catch (error) {
      throw new InputError(`the reward function threw: ${(error as Error).message}`);
    }
  };
}

/** Errors the job's input causes (data, hyperparameters, reward function, model files), by type or by the runtime's wording. */
function isClientError(error: unknown): boolean {
  if (error instanceof InputError || error instanceof DatasetError) return true;
  const message = (error as Error)?.message ?? '';
  return /^hyperparameter |reward function|unknown preset_reward_function|: no evaluation rows|needs at least \d+ training rows|unsupported architecture|tokenizer/.test(message);
}

async function main(): Promise<void> {
  const { spec, stopFlag } = workerData as WorkerData;
  const stop = new Int32Array(stopFlag);
  post({ t: 'ready' });
  const backend = backendInfo();
  log(`sagebox: runtime kernels ${backend.kernels}${backend.kernels === 'native' ? ` (${backend.threads} thread(s))` : backend.nativeError ? ` (${backend.nativeError})` : ''}`);
  const reward = await rewardFunction(spec.reward);
  let result: WorkerResult;
  if (spec.kind === 'FineTuning') {
    const r = await runCustomization({
      technique: spec.technique, baseModelDir: spec.modelDir, ...(spec.adapterDir ? { adapterDir: spec.adapterDir } : {}),
      trainData: spec.trainData, ...(spec.validationData ? { validationData: spec.validationData } : {}),
      hyperparameters: spec.hyperparameters, peft: spec.peft, outputDir: spec.outputDir,
      ...(reward ? { rewardFunction: reward } : {}),
      ...(spec.judgeTemplate ? { judgeTemplate: spec.judgeTemplate } : {}),
      ...(spec.judgeModelDir ? { judgeModelDir: spec.judgeModelDir } : {}),
      hooks: {
        onProgress: (p) => post({ t: 'progress', p }),
        shouldStop: () => Atomics.load(stop, 0) === 1,
        log,
      },
    });
    const finalMetrics: Record<string, number> = {};
    if (r.losses.length > 0) finalMetrics.train_loss = r.losses.at(-1)!;
    for (const [k, v] of Object.entries(r.metrics.at(-1) ?? {})) finalMetrics[k] = v;
    for (const [k, v] of Object.entries(r.validation ?? {})) finalMetrics[k] = v;
    result = {
      tokens: r.tokens, finalMetrics, stopped: r.stopped, steps: r.steps,
      adapter: r.adapterDir !== undefined, merged: r.mergedDir !== undefined && r.adapterDir !== undefined,
    };
  } else {
    const r = await runEvaluation({
      type: spec.evaluationType, modelDir: spec.modelDir, ...(spec.adapterDir ? { adapterDir: spec.adapterDir } : {}),
      data: spec.data, hyperparameters: spec.hyperparameters, outputDir: spec.outputDir,
      ...(reward ? { rewardFunction: reward } : {}),
      ...(spec.judgeTemplate ? { judgeTemplate: spec.judgeTemplate } : {}),
      ...(spec.judgeModelDir ? { judgeModelDir: spec.judgeModelDir } : {}),
      onProgress: (done, total, tokens) => post({ t: 'eval-progress', done, total, tokens }),
    });
    const finalMetrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(r.results.all ?? {})) if (typeof v === 'number' && Number.isFinite(v)) finalMetrics[k] = v;
    result = { tokens: r.tokens, finalMetrics, stopped: false, resultsFile: relative(spec.outputDir, r.resultsFile) };
  }
  post({ t: 'done', result });
}

main().catch((error: unknown) => {
  post({ t: 'fail', message: (error as Error)?.message ?? String(error), client: isClientError(error) });
});
