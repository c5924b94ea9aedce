import { fileURLToPath } from 'node:url';
import * as sm from '@aws-sdk/client-sagemaker';

/** Absolute paths of the test training scripts (inside the repo: the sandbox hides /tmp). */
export const TRAIN_PY = fileURLToPath(new URL('../e2e/fixtures/training/train.py', import.meta.url));
export const TRAIN_MJS = fileURLToPath(new URL('../e2e/fixtures/training/train.mjs', import.meta.url));

export const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';

/**
 * A CreateTrainingJob request running `python3 train.py` with the given hyperparameters.
 *
 * @example await client.send(new sm.CreateTrainingJobCommand(trainingRequest('j1', { mode: 'ok' })));
 */
export function trainingRequest(name: string, hps: Record<string, string> = {}, extra: Partial<sm.CreateTrainingJobRequest> = {}): sm.CreateTrainingJobRequest {
  return {
    TrainingJobName: name,
    RoleArn: ROLE,
    AlgorithmSpecification: {
      TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest',
      TrainingInputMode: 'File',
      ContainerEntrypoint: ['python3', TRAIN_PY],
      MetricDefinitions: [
        { Name: 'train:loss', Regex: 'train_loss=([0-9.]+)' },
        { Name: 'validation:error', Regex: 'validation error=([0-9.]+)' },
      ],
    },
    HyperParameters: hps,
    OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ...extra,
  };
}

const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

/** Polls DescribeTrainingJob until the job is terminal (or `until` holds); returns the last answer. */
export async function waitForJob(
  client: sm.SageMakerClient, name: string,
  until: (d: sm.DescribeTrainingJobCommandOutput) => boolean = (d) => TERMINAL.has(d.TrainingJobStatus!), timeoutMs = 60_000,
): Promise<sm.DescribeTrainingJobCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: name }));
    if (until(d)) return d;
    if (Date.now() > deadline) throw new Error(`job ${name} still ${d.TrainingJobStatus}/${d.SecondaryStatus} after ${timeoutMs} ms: ${JSON.stringify(d.SecondaryStatusTransitions)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
