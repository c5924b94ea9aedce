/**
 * The real-tuning-job mode of the HPO benchmark: a sagebox in this process runs
 * CreateHyperParameterTuningJob over one suite function, each trial a training job running
 * train.mjs (the Node twin of bench_train.py), and reads the best job back through the SDK.
 * With MaxParallelTrainingJobs 1 the service's trials must be exactly those of the in-process
 * mode for the same RandomSeed: the benchmark checks that too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sm from '@aws-sdk/client-sagemaker';
import { startSagebox } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { FUNCTIONS } from './functions.mjs';

const TRAIN = fileURLToPath(new URL('./train.mjs', import.meta.url));

/** Runs one tuning job; returns the best job's objective, the regret, the trials' values in launch order and the wall time. */
export async function runRealTuningJob(
  spec: any, fname: string, strategy: 'Bayesian' | 'Random', seed: number, trials: number,
): Promise<{ regret: number; values: number[]; seconds: number; status: string }> {
  const f = spec.functions[fname];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagebox-hpo-'));
  const box = await startSagebox(resolveConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, { SAGEBOX_SANDBOX: 'off', SAGEBOX_MAX_CONCURRENT_JOBS: '2' }));
  const client = new sm.SageMakerClient({ endpoint: box.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  const name = `hpo-${fname.replace(/_/g, '-')}-${seed}`.slice(0, 32);
  const started = Date.now();
  try {
    await client.send(new sm.CreateHyperParameterTuningJobCommand({
      HyperParameterTuningJobName: name,
      HyperParameterTuningJobConfig: {
        Strategy: strategy, RandomSeed: seed,
        HyperParameterTuningJobObjective: f.sagemaker.HyperParameterTuningJobObjective,
        ResourceLimits: { MaxNumberOfTrainingJobs: trials, MaxParallelTrainingJobs: 1 },
        ParameterRanges: f.sagemaker.ParameterRanges,
      },
      TrainingJobDefinition: {
        StaticHyperParameters: { ...f.sagemaker.StaticHyperParameters, sagemaker_program: TRAIN },
        AlgorithmSpecification: {
          TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310', TrainingInputMode: 'File',
          MetricDefinitions: f.sagemaker.MetricDefinitions,
        },
        RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
        OutputDataConfig: { S3OutputPath: 's3://hpo-bench/out' },
        ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 300 },
      },
    }));
    let d: sm.DescribeHyperParameterTuningJobCommandOutput;
    for (;;) {
      d = await client.send(new sm.DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
      if (['Completed', 'Failed', 'Stopped'].includes(d.HyperParameterTuningJobStatus!)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const jobs: sm.HyperParameterTrainingJobSummary[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new sm.ListTrainingJobsForHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name, SortBy: 'Name', MaxResults: 100, NextToken: token }));
      jobs.push(...page.TrainingJobSummaries!);
      token = page.NextToken;
    } while (token);
    const best = d.BestTrainingJob;
    const truth = best ? FUNCTIONS[fname]!(best.TunedHyperParameters as Record<string, string>) : Number.POSITIVE_INFINITY;
    return {
      regret: Math.max(0, truth - f.optimum.value),
      values: jobs.map((j) => j.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? Number.NaN),
      seconds: (Date.now() - started) / 1000,
      status: d.HyperParameterTuningJobStatus!,
    };
  } finally {
    client.destroy();
    await box.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
