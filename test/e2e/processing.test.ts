/**
 * Processing jobs through the real SDK: a job with inputs (one nested in the other, as the
 * SDK's ScriptProcessor lays out code), an output and Environment runs to Completed with its
 * outputs uploaded; failing scripts, a stop, MaxRuntimeInSeconds, an image sagebox cannot run,
 * and a graceful restart mid-job.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../src/artifacts/index.js';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { IMAGE, PROCESS_PY, processingLogLines, processingRequest, waitForLogLine, waitForProcessingJob } from './fixtures/processing/helpers.js';

const env = { SAGEBOX_STOP_GRACE_SECONDS: '5' };
let sb: TestSagebox;
const store = () => createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') });

before(async () => {
  sb = await startTestSagebox({ env });
  await store().putBuffer('s3://bucket/code/process.py', readFileSync(PROCESS_PY));
  await store().putBuffer('s3://bucket/raw/a.csv', 'x,y\n1,2\n3,4\n');
  await store().putBuffer('s3://bucket/raw/sub/b.csv', 'x,y\n5,6\n');
});
after(async () => sb.close(true));

describe('a processing job with inputs and an output', () => {
  test('runs to Completed and uploads its output', async () => {
    const req = processingRequest('prep-1', { GREETING: 'hello' }, {
      Tags: [{ Key: 'team', Value: 'ml' }],
    });
    req.ProcessingInputs!.unshift({ InputName: 'input-1', S3Input: { S3Uri: 's3://bucket/raw', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix' } });
    req.AppSpecification!.ContainerArguments!.push('--input', '/opt/ml/processing/input', '--output', '/opt/ml/processing/result');
    req.ProcessingOutputConfig = { Outputs: [{ OutputName: 'result', S3Output: { S3Uri: 's3://bucket/out/prep-1', LocalPath: '/opt/ml/processing/result', S3UploadMode: 'EndOfJob' } }] };
    const { ProcessingJobArn } = await sb.client.send(new sm.CreateProcessingJobCommand(req));
    assert.equal(ProcessingJobArn, 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/prep-1');

    const d = await waitForProcessingJob(sb.client, 'prep-1');
    assert.equal(d.ProcessingJobStatus, 'Completed', `${d.FailureReason} ${(await processingLogLines(sb.url, 'prep-1')).join('\n')}`);
    assert.equal(d.FailureReason, undefined);
    assert.ok(d.ProcessingStartTime! >= d.CreationTime! && d.ProcessingEndTime! >= d.ProcessingStartTime!);
    // Defaults echoed as the service fills them in.
    assert.deepEqual(d.ProcessingInputs![0], {
      InputName: 'input-1', AppManaged: false,
      S3Input: { S3Uri: 's3://bucket/raw', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: 'None' },
    });
    assert.equal(d.ProcessingOutputConfig!.Outputs![0]!.AppManaged, false);
    assert.deepEqual(d.Environment, { GREETING: 'hello' });

    const summary = JSON.parse((await store().getBuffer('s3://bucket/out/prep-1/summary.json')).toString()) as Record<string, unknown>;
    assert.deepEqual(summary, {
      files: ['a.csv', 'code/process.py', 'sub/b.csv'], csv_lines: 5, job: 'prep-1', arn: ProcessingJobArn, env: 'hello', outputs: ['result'],
    });
    assert.equal((await store().getBuffer('s3://bucket/out/prep-1/nested/part-0.txt')).toString(), 'ok\n');

    const lines = await processingLogLines(sb.url, 'prep-1');
    assert.ok(lines.includes('job=prep-1 host=algo-1'), lines.join('\n'));
    assert.ok(lines.some((l) => /^sagebox: input 'input-1': 2 file\(s\), 20 bytes from s3:\/\/bucket\/raw into \/opt\/ml\/processing\/input$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^sagebox: output 'result': 2 file\(s\)/.test(l)), lines.join('\n'));

    const tags = await sb.client.send(new sm.ListTagsCommand({ ResourceArn: ProcessingJobArn }));
    assert.deepEqual(tags.Tags, [{ Key: 'team', Value: 'ml' }]);
    const list = await sb.client.send(new sm.ListProcessingJobsCommand({ NameContains: 'PREP-1' }));
    assert.deepEqual(list.ProcessingJobSummaries!.map((s) => [s.ProcessingJobName, s.ProcessingJobStatus]), [['prep-1', 'Completed']]);
  });

  test('a script that exits non-zero fails the job; /opt/ml/output/message is its ExitMessage', async () => {
    await sb.client.send(new sm.CreateProcessingJobCommand(processingRequest('prep-fail', { MODE: 'fail' })));
    const d = await waitForProcessingJob(sb.client, 'prep-fail');
    assert.equal(d.ProcessingJobStatus, 'Failed');
    assert.equal(d.FailureReason, 'AlgorithmError: See job logs for more detail.');
    assert.equal(d.ExitMessage, 'could not parse row 3');
    const lines = await processingLogLines(sb.url, 'prep-fail');
    assert.ok(lines.includes('failing on purpose'), lines.join('\n'));
    assert.ok(lines.includes('sagebox: the processing process exited with code 3'), lines.join('\n'));
    const failed = await sb.client.send(new sm.ListProcessingJobsCommand({ StatusEquals: 'Failed' }));
    assert.ok(failed.ProcessingJobSummaries!.some((s) => s.ProcessingJobName === 'prep-fail' && s.ExitMessage === 'could not parse row 3'));
  });

  test('/opt/ml/output/failure becomes the FailureReason', async () => {
    await sb.client.send(new sm.CreateProcessingJobCommand(processingRequest('prep-failure-file', { MODE: 'failure-file' })));
    const d = await waitForProcessingJob(sb.client, 'prep-failure-file');
    assert.equal(d.ProcessingJobStatus, 'Failed');
    assert.equal(d.FailureReason, 'ClientError: the input has no header row');
  });

  test('an image sagebox cannot run without ContainerEntrypoint fails with a reason that says so', async () => {
    const req = processingRequest('prep-noentry');
    req.AppSpecification = { ImageUri: IMAGE };
    await sb.client.send(new sm.CreateProcessingJobCommand(req));
    const d = await waitForProcessingJob(sb.client, 'prep-noentry');
    assert.equal(d.ProcessingJobStatus, 'Failed');
    assert.match(d.FailureReason!, /^ClientError: sagebox cannot run image .*sagemaker-scikit-learn.* without AppSpecification\.ContainerEntrypoint/);
  });

  test('a missing input fails the job as a ClientError', async () => {
    const req = processingRequest('prep-noinput');
    req.ProcessingInputs![0]!.S3Input!.S3DataType = 'ManifestFile';
    await sb.client.send(new sm.CreateProcessingJobCommand(req));
    const d = await waitForProcessingJob(sb.client, 'prep-noinput');
    assert.equal(d.ProcessingJobStatus, 'Failed');
    assert.match(d.FailureReason!, /^ClientError: could not prepare the input data: manifest s3:\/\/bucket\/code\/process\.py is not valid JSON/);
  });
});

describe('stopping', () => {
  test('StopProcessingJob: Stopping, then Stopped once the process is gone; a second stop is refused', async () => {
    await sb.client.send(new sm.CreateProcessingJobCommand(processingRequest('prep-stop', { MODE: 'sleep' })));
    await waitForLogLine(sb.url, 'prep-stop', /^started$/);
    await sb.client.send(new sm.StopProcessingJobCommand({ ProcessingJobName: 'prep-stop' }));
    const stopping = await sb.client.send(new sm.DescribeProcessingJobCommand({ ProcessingJobName: 'prep-stop' }));
    assert.ok(['Stopping', 'Stopped'].includes(stopping.ProcessingJobStatus!), stopping.ProcessingJobStatus);
    const d = await waitForProcessingJob(sb.client, 'prep-stop');
    assert.equal(d.ProcessingJobStatus, 'Stopped');
    assert.equal(d.FailureReason, undefined);
    assert.ok((await processingLogLines(sb.url, 'prep-stop')).includes('got SIGTERM'));
    const again = await awsError(() => sb.client.send(new sm.StopProcessingJobCommand({ ProcessingJobName: 'prep-stop' })));
    assert.equal(again.name, 'ValidationException');
    assert.equal(again.message, 'The request was rejected because the processing job is in status Stopped.');
  });

  test('MaxRuntimeInSeconds stops the job', async () => {
    await sb.client.send(new sm.CreateProcessingJobCommand(processingRequest('prep-maxrt', { MODE: 'sleep' }, { StoppingCondition: { MaxRuntimeInSeconds: 1 } })));
    const d = await waitForProcessingJob(sb.client, 'prep-maxrt');
    assert.equal(d.ProcessingJobStatus, 'Stopped');
    assert.equal(d.FailureReason, 'MaxRuntimeExceeded: the processing job ran longer than MaxRuntimeInSeconds (1 s) and was stopped.');
  });
});

test('a graceful restart mid-job: the job starts again from the beginning and completes', async () => {
  const dataDir = sb.dataDir;
  await sb.client.send(new sm.CreateProcessingJobCommand(processingRequest('prep-restart', { MODE: 'sleep', SECONDS: '2' })));
  await waitForLogLine(sb.url, 'prep-restart', /^started$/);
  await sb.box.close();
  sb.client.destroy();
  sb = await startTestSagebox({ dataDir, env });
  const d = await waitForProcessingJob(sb.client, 'prep-restart');
  assert.equal(d.ProcessingJobStatus, 'Completed', d.FailureReason);
  const lines = await processingLogLines(sb.url, 'prep-restart');
  assert.equal(lines.filter((l) => l === 'started').length, 2, lines.join('\n'));
  assert.ok(lines.includes('sagebox: the job will start again from the beginning when sagebox starts'), lines.join('\n'));
});
