/**
 * A real training job whose data plane is S3: sagebox configured with SAGEBOX_S3_ENDPOINT
 * pointing at moto's S3 server (a real S3 API on loopback). The channel is uploaded with
 * @aws-sdk/client-s3, the job reads it, and model.tar.gz is read back from moto with
 * @aws-sdk/client-s3 at `<S3OutputPath>/<job>/output/model.tar.gz`. Nothing touches the
 * file driver's `<dataDir>/objects`. Skipped, with the reason, when moto is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import * as sm from '@aws-sdk/client-sagemaker';
import { extractTarGz } from '../../src/artifacts/index.js';
import { startMoto, motoMissing, MOTO_CREDENTIALS } from '../helpers/moto.js';
import { startTestSagebox } from '../helpers/sagebox.js';
import { trainingRequest, waitForJob } from '../helpers/training.js';

// Writes every file of the `train` channel into the model, so the model proves which bytes the job saw.
const ECHO_CHANNELS = fileURLToPath(new URL('./fixtures/training/echo_channels.py', import.meta.url));

test('a training job reads its channel from S3 (moto) and writes model.tar.gz back to it', { skip: motoMissing, timeout: 120_000 }, async (t) => {
  const moto = await startMoto();
  t.after(() => moto.stop());
  const s3 = moto.client;
  await s3.send(new CreateBucketCommand({ Bucket: 'sb-data' }));
  await s3.send(new PutObjectCommand({ Bucket: 'sb-data', Key: 'data/train/part-0.csv', Body: 'a,b\n1,2\n' }));
  await s3.send(new PutObjectCommand({ Bucket: 'sb-data', Key: 'data/train/more/part-1.csv', Body: 'a,b\n3,4\n5,6\n' }));

  const sb = await startTestSagebox({
    env: {
      SAGEBOX_S3_ENDPOINT: moto.endpoint,
      SAGEBOX_S3_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      SAGEBOX_S3_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      SAGEBOX_STOP_GRACE_SECONDS: '2',
    },
  });
  t.after(() => sb.close(true));

  const base = trainingRequest('s3-job', { epochs: '1' });
  await sb.client.send(new sm.CreateTrainingJobCommand({
    ...base,
    AlgorithmSpecification: { ...base.AlgorithmSpecification!, ContainerEntrypoint: ['python3', ECHO_CHANNELS] },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://sb-data/data/train/' } } }],
    OutputDataConfig: { S3OutputPath: 's3://sb-data/output/' },
  }));
  const d = await waitForJob(sb.client, 's3-job');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  assert.equal(d.ModelArtifacts?.S3ModelArtifacts, 's3://sb-data/output/s3-job/output/model.tar.gz');
  assert.deepEqual(d.FinalMetricDataList!.map((m) => [m.MetricName, m.Value]), [['train:loss', 0.25]]);

  // Read the model back from moto with the real S3 client.
  const dir = await fs.mkdtemp(path.join(sb.dataDir, 'model-'));
  const got = await s3.send(new GetObjectCommand({ Bucket: 'sb-data', Key: 'output/s3-job/output/model.tar.gz' }));
  await fs.writeFile(path.join(dir, 'model.tar.gz'), await got.Body!.transformToByteArray());
  await extractTarGz(path.join(dir, 'model.tar.gz'), path.join(dir, 'out'));
  const model = JSON.parse(await fs.readFile(path.join(dir, 'out', 'model.json'), 'utf8'));
  assert.deepEqual(model, { job: 's3-job', files: { 'part-0.csv': 'a,b\n1,2\n', 'more/part-1.csv': 'a,b\n3,4\n5,6\n' } });

  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sb-data', Prefix: 'output/s3-job/' }));
  assert.deepEqual(listed.Contents!.map((o) => o.Key).sort(), ['output/s3-job/output/model.tar.gz', 'output/s3-job/output/output.tar.gz']);
  // The file driver was not used.
  assert.equal(existsSync(path.join(sb.dataDir, 'objects', 'sb-data')), false);
});
