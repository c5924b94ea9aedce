/**
 * The CloudWatch Logs face of sagebox: validation in the service's words, not-found errors,
 * GetLogEvents tokens both ways, FilterLogEvents paging, DescribeLogGroups, and the per-stream
 * cap with its truncation marker (a job that floods stdout).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsJsonCall, AwsCallError } from '../../src/cli/aws-call.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { trainingRequest, waitForJob } from '../helpers/training.js';

const GROUP = '/aws/sagemaker/TrainingJobs';
let sb: TestSagebox;
let stream: string;
before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_MAX_LOG_EVENTS: '100' } });
  await sb.client.send(new sm.CreateTrainingJobCommand(trainingRequest('flood', {}, {
    AlgorithmSpecification: { TrainingImage: 'i:1', TrainingInputMode: 'File', ContainerEntrypoint: ['python3', '-c', 'for i in range(5000): print(f"line {i} loss={i}")'], MetricDefinitions: [{ Name: 'loss', Regex: 'loss=(\\d+)' }] },
  })));
  const d = await waitForJob(sb.client, 'flood');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  assert.deepEqual(d.FinalMetricDataList!.map((m) => m.Value), [4999], 'metrics are parsed past the cap');
  stream = (await call('DescribeLogStreams', { logGroupName: GROUP, logStreamNamePrefix: 'flood/' })).logStreams[0].logStreamName;
});
after(async () => {
  await sb.close(true);
});

function call(op: string, body: Record<string, unknown>, account = '123456789012'): Promise<any> {
  return awsJsonCall({ url: sb.url, region: 'us-east-1', credentials: { accessKeyId: account, secretAccessKey: 'x' } }, 'logs', `Logs_20140328.${op}`, body);
}
async function error(op: string, body: Record<string, unknown>): Promise<AwsCallError> {
  try {
    await call(op, body);
  } catch (e) {
    return e as AwsCallError;
  }
  throw new Error('expected an error');
}

test('a stream keeps at most SAGEBOX_MAX_LOG_EVENTS events, then says it was truncated', async () => {
  const all = await call('GetLogEvents', { logGroupName: GROUP, logStreamName: stream, startFromHead: true });
  assert.equal(all.events.length, 101);
  assert.equal(all.events[0].message, 'line 0 loss=0');
  assert.match(all.events[100].message, /^sagebox: log truncated: this stream keeps at most 100 events \(SAGEBOX_MAX_LOG_EVENTS\)/);
});

test('GetLogEvents: forward and backward tokens, startFromHead false gives the latest', async () => {
  const head = await call('GetLogEvents', { logGroupName: GROUP, logStreamName: stream, startFromHead: true, limit: 10 });
  assert.deepEqual(head.events.map((e: { message: string }) => e.message).slice(0, 2), ['line 0 loss=0', 'line 1 loss=1']);
  const next = await call('GetLogEvents', { logGroupName: GROUP, logStreamName: stream, nextToken: head.nextForwardToken, limit: 10 });
  assert.equal(next.events[0].message, 'line 10 loss=10');
  const back = await call('GetLogEvents', { logGroupName: GROUP, logStreamName: stream, nextToken: next.nextBackwardToken, limit: 5 });
  assert.deepEqual(back.events.map((e: { message: string }) => e.message), ['line 5 loss=5', 'line 6 loss=6', 'line 7 loss=7', 'line 8 loss=8', 'line 9 loss=9']);
  const tail = await call('GetLogEvents', { logGroupName: GROUP, logStreamName: stream, limit: 2 });
  assert.equal(tail.events[0].message, 'line 99 loss=99');
  assert.match(tail.events[1].message, /truncated/);
  assert.ok(tail.events[0].timestamp > 1e12 && tail.events[0].ingestionTime >= tail.events[0].timestamp);
});

test('FilterLogEvents pages with nextToken; DescribeLogGroups', async () => {
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await call('FilterLogEvents', { logGroupName: GROUP, filterPattern: 'loss', limit: 30, ...(token ? { nextToken: token } : {}) });
    seen.push(...page.events.map((e: { message: string; eventId: string; logStreamName: string }) => e.message));
    token = page.nextToken;
  } while (token);
  assert.equal(seen.length, 100);
  assert.equal(new Set(seen).size, 100);
  const groups = await call('DescribeLogGroups', { logGroupNamePrefix: '/aws/sagemaker' });
  assert.equal(groups.logGroups[0].logGroupName, GROUP);
  assert.equal(groups.logGroups[0].arn, `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`);
  assert.deepEqual((await call('DescribeLogGroups', {}, '210987654321')).logGroups, []);
});

test('errors in the service\'s words', async () => {
  let e = await error('GetLogEvents', { logGroupName: GROUP });
  assert.deepEqual([e.code, e.message], ['ValidationException', "ValidationException: 1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"]);
  e = await error('GetLogEvents', { logGroupName: 'bad group!', logStreamName: 'a:b', limit: 0 });
  assert.equal(e.message, 'ValidationException: 3 validation errors detected: ' +
    "Value 'bad group!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+; " +
    "Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*; " +
    "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  e = await error('GetLogEvents', { logGroupName: GROUP, logStreamName: 'nope' });
  assert.deepEqual([e.code, e.message], ['ResourceNotFoundException', 'ResourceNotFoundException: The specified log stream does not exist.']);
  e = await error('DescribeLogStreams', { logGroupName: '/aws/sagemaker/Endpoints' });
  assert.deepEqual([e.code, e.message], ['ResourceNotFoundException', 'ResourceNotFoundException: The specified log group does not exist.']);
  e = await error('DescribeLogStreams', {});
  assert.deepEqual([e.code, e.message], ['InvalidParameterException', 'InvalidParameterException: Should provide either logGroupName or logGroupIdentifier.']);
  e = await error('DescribeLogStreams', { logGroupName: GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: 'x' });
  assert.equal(e.message, 'InvalidParameterException: Cannot order by LastEventTime with a logStreamNamePrefix.');
  e = await error('FilterLogEvents', { logGroupName: GROUP, filterPattern: '{ $.level = "ERROR" }' });
  assert.equal(e.code, 'InvalidParameterException');
  e = await error('GetLogEvents', { logGroupName: GROUP, logStreamName: stream, limit: 'ten' });
  assert.deepEqual([e.code, e.message], ['SerializationException', 'SerializationException: STRING_VALUE can not be converted to an Integer']);
  e = await error('PutLogEvents', { logGroupName: GROUP });
  assert.equal(e.code, 'UnknownOperationException');
});
