/**
 * SAGEBOX_IMAGE_TABLE: a configured row maps an image URI without ContainerEntrypoint to a local
 * command, for training and processing jobs alike (before the built-in rows).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox } from '../helpers/sagebox.js';
import { ROLE, TRAIN_PY, trainingRequest, waitForJob } from '../helpers/training.js';

test('a configured image table row runs training and processing jobs whose image it matches', async (t) => {
  const image = '111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-trainer:3';
  const table = [
    { match: '/acme-trainer:[0-9]+$', command: ['python3', TRAIN_PY, '{userArgs}'] },
    { match: '^acme/processor$', command: ['python3', '-c', 'print("processed by the configured row")'] },
  ];
  const sb = await startTestSagebox({ env: { SAGEBOX_IMAGE_TABLE: JSON.stringify(table), SAGEBOX_SANDBOX: 'off' } });
  t.after(() => sb.close(true));

  const request = trainingRequest('mapped-image', { mode: 'ok' });
  request.AlgorithmSpecification = { ...request.AlgorithmSpecification!, TrainingImage: image, ContainerEntrypoint: undefined };
  await sb.client.send(new sm.CreateTrainingJobCommand(request));
  const job = await waitForJob(sb.client, 'mapped-image');
  assert.equal(job.TrainingJobStatus, 'Completed', job.FailureReason);
  assert.ok(job.FinalMetricDataList?.some((m) => m.MetricName === 'train:loss'), 'the mapped script ran and reported its loss');

  await sb.client.send(new sm.CreateProcessingJobCommand({
    ProcessingJobName: 'mapped-image-processing', RoleArn: ROLE,
    AppSpecification: { ImageUri: 'acme/processor' },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeSizeInGB: 10 } },
  }));
  let status = '';
  for (let i = 0; i < 300 && !['Completed', 'Failed', 'Stopped'].includes(status); i++) {
    await new Promise((r) => setTimeout(r, 100));
    status = (await sb.client.send(new sm.DescribeProcessingJobCommand({ ProcessingJobName: 'mapped-image-processing' }))).ProcessingJobStatus!;
  }
  assert.equal(status, 'Completed', 'acme/processor is in no built-in row: only the configured one can run it');
});
