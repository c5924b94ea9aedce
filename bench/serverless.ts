/**
 * The serverless fine-tuning example of docs/serverless.md, end to end: CreateTrainingJob
 * (SFT with LoRA on the built-in sagebox-tiny, the 50-row "Double N." data set, 3 epochs)
 * through the real SDK against an in-process sagebox, until Completed and the output package
 * is registered. Reports wall time (target < 2 min), the Training phase, tokens/s
 * (BillableTokenCount / Training seconds) and, as the baseline measured in the same process,
 * `runCustomization` called directly on the same data: the ratio is what the service around
 * the runtime costs (downloads, worker thread, states, uploads, the package).
 *
 *   npx tsx bench/serverless.ts          # or: npm run bench -- serverless
 *
 * Environment: BENCH_RUNS (default 3); SAGEBOX_LLM_THREADS (default 1, as jobs use).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../src/artifacts/index.js';
import { startSagebox } from '../src/app.js';
import { resolveConfig } from '../src/config.js';

export const name = 'serverless';

/** The docs' data set: `{"prompt":"Double i.","completion":"2i"}` for i = 0..49. */
export function exampleRows(): string {
  return Array.from({ length: 50 }, (_, i) => JSON.stringify({ prompt: `Double ${i}.`, completion: String(2 * i) })).join('\n') + '\n';
}

/** The docs' hyperparameters. */
export const EXAMPLE_HYPERPARAMETERS = { num_epochs: '3', learning_rate: '3e-3', global_batch_size: '8' };

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  // The baseline uses the BLAS threads the job's worker uses (one, unless SAGEBOX_LLM_THREADS says otherwise).
  process.env.SAGEBOX_LLM_THREADS ??= '1';
  const { runCustomization } = await import('../src/llm/customize.js');
  const { backendInfo } = await import('../src/llm/tensor/backend.js');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-bench-serverless-'));
  const box = await startSagebox(resolveConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, {}));
  const client = new sm.SageMakerClient({ endpoint: box.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  const walls: number[] = [];
  const trainings: number[] = [];
  const rates: number[] = [];
  const directs: number[] = [];
  const phases: Record<string, number[]> = {};
  let tokens = 0;
  try {
    const store = createObjectStore({ driver: 'file', root: path.join(dataDir, 'objects') });
    await store.putBuffer('s3://my-bucket/double/train.jsonl', exampleRows());
    const local = path.join(dataDir, 'train.jsonl');
    await fs.writeFile(local, exampleRows());
    const { ModelPackageGroupArn } = await client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: 'my-tiny-models' }));
    for (let i = 0; i < runs; i++) {
      // Baseline: the runtime alone, same data and recipe (the job adds the recipe defaults below).
      let t0 = performance.now();
      const direct = await runCustomization({
        technique: 'SFT', trainData: local, outputDir: path.join(dataDir, `direct-${i}`), peft: 'LORA',
        hyperparameters: { ...EXAMPLE_HYPERPARAMETERS, lora_target_modules: 'all-linear', lora_dropout: '0' },
      });
      directs.push(performance.now() - t0);
      // The job, as the docs run it.
      const job = `double-${i}`;
      t0 = performance.now();
      await client.send(new sm.CreateTrainingJobCommand({
        TrainingJobName: job, RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
        InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://my-bucket/double/' } } }],
        OutputDataConfig: { S3OutputPath: 's3://my-bucket/output/' },
        ServerlessJobConfig: {
          BaseModelArn: 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/sagebox-tiny',
          JobType: 'FineTuning', CustomizationTechnique: 'SFT', Peft: 'LORA', AcceptEula: false,
        },
        ModelPackageConfig: { ModelPackageGroupArn },
        HyperParameters: EXAMPLE_HYPERPARAMETERS,
      }));
      let d: sm.DescribeTrainingJobCommandOutput;
      for (;;) {
        d = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: job }));
        if (['Completed', 'Failed', 'Stopped'].includes(d.TrainingJobStatus!)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      walls.push(performance.now() - t0);
      if (d.TrainingJobStatus !== 'Completed') throw new Error(`${job} ended ${d.TrainingJobStatus}: ${d.FailureReason}`);
      for (const t of d.SecondaryStatusTransitions!) {
        if (t.EndTime && t.Status !== 'Completed') (phases[t.Status!] ??= []).push(t.EndTime.getTime() - t.StartTime!.getTime());
      }
      const training = d.SecondaryStatusTransitions!.find((t) => t.Status === 'Training')!;
      const seconds = (training.EndTime!.getTime() - training.StartTime!.getTime()) / 1000;
      trainings.push(seconds * 1000);
      rates.push(d.BillableTokenCount! / seconds);
      tokens = d.BillableTokenCount!;
      if (direct.tokens !== tokens) throw new Error(`the job billed ${tokens} tokens, the runtime alone processed ${direct.tokens}`);
    }
  } finally {
    client.destroy();
    await box.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
  const b = backendInfo();
  const wall = quantile(walls, 0.5);
  const direct = quantile(directs, 0.5);
  process.stdout.write(`serverless SFT LoRA on sagebox-tiny, 50 rows x 3 epochs (${tokens} tokens), ${runs} runs, ${os.cpus().length} CPUs, kernels ${b.kernels}\n`);
  process.stdout.write(`job end to end (Create → Completed, package registered)  p50 ${(wall / 1000).toFixed(2)} s  max ${(Math.max(...walls) / 1000).toFixed(2)} s\n`);
  process.stdout.write(`  Training phase                                        p50 ${(quantile(trainings, 0.5) / 1000).toFixed(2)} s  ${quantile(rates, 0.5).toFixed(0)} tokens/s\n`);
  process.stdout.write(`  phases (p50): ${Object.entries(phases).map(([k, v]) => `${k} ${(quantile(v, 0.5) / 1000).toFixed(2)} s`).join(', ')}\n`);
  process.stdout.write(`runCustomization alone (baseline, same process)           p50 ${(direct / 1000).toFixed(2)} s  ${(tokens / (direct / 1000)).toFixed(0)} tokens/s\n`);
  process.stdout.write(`ratio job / runtime alone: ${(wall / direct).toFixed(2)}x (service overhead ${((wall - direct) / 1000).toFixed(2)} s)\n`);
  process.stdout.write(`target < 120 s end to end: ${wall < 120_000 ? 'met' : 'MISSED'}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await run();
