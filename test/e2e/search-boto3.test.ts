/**
 * Search from the AWS CLI (the docs/search.md walkthrough command, as written there) and from
 * boto3, including boto3's `search` paginator (NextToken handling on the Python side).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { trainingRequest, waitForJob } from '../helpers/training.js';

const run = promisify(execFile);
let sb: TestSagebox;
const env = () => ({ ...process.env, AWS_ACCESS_KEY_ID: '123456789012', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1' });

before(async () => {
  sb = await startTestSagebox();
  // train:loss is 1/epochs: cli-a 1, cli-b 0.25, cli-c 0.25.
  for (const [name, epochs, team] of [['cli-a', '1', 'a'], ['cli-b', '4', 'a'], ['cli-c', '4', 'b']] as const) {
    await sb.client.send(new sm.CreateTrainingJobCommand({ ...trainingRequest(name, { epochs }), Tags: [{ Key: 'team', Value: team }] }));
  }
  for (const name of ['cli-a', 'cli-b', 'cli-c']) await waitForJob(sb.client, name);
});
after(async () => sb?.close(true));

test('the AWS CLI walkthrough command: best jobs of team a with loss under 0.5', async () => {
  const { stdout } = await run('aws', ['--endpoint-url', sb.url, 'sagemaker', 'search', '--resource', 'TrainingJob',
    '--search-expression', JSON.stringify({ Filters: [
      { Name: 'Metrics.train:loss', Operator: 'LessThan', Value: '0.5' }, { Name: 'Tags.team', Operator: 'Equals', Value: 'a' }] }),
    '--sort-by', 'Metrics.train:loss', '--sort-order', 'Ascending', '--max-results', '10',
    '--query', 'Results[].TrainingJob.[TrainingJobName, FinalMetricDataList[0].Value]'], { env: env() });
  assert.deepEqual(JSON.parse(stdout), [['cli-b', 0.25]]);
});

test('boto3: search and the search paginator', async () => {
  const { stdout } = await run('python3', ['-c', `
import boto3, json, sys
c = boto3.client('sagemaker', endpoint_url=sys.argv[1])
r = c.search(Resource='TrainingJob', SearchExpression={'Filters': [{'Name': 'Tags.team', 'Operator': 'Equals', 'Value': 'a'}]},
             SortBy='TrainingJobName', SortOrder='Ascending')
pages = c.get_paginator('search').paginate(Resource='TrainingJob', SortBy='TrainingJobName', SortOrder='Ascending', PaginationConfig={'PageSize': 1})
print(json.dumps({'names': [x['TrainingJob']['TrainingJobName'] for x in r['Results']], 'total': r['TotalHits'],
                  'tags': r['Results'][0]['TrainingJob']['Tags'],
                  'paged': [x['TrainingJob']['TrainingJobName'] for page in pages for x in page['Results']]}))
`, sb.url], { env: env() });
  const out = JSON.parse(stdout);
  assert.deepEqual(out.names, ['cli-a', 'cli-b']);
  assert.deepEqual(out.total, { Value: 2, Relation: 'EqualTo' });
  assert.deepEqual(out.tags, [{ Key: 'team', Value: 'a' }]);
  assert.deepEqual(out.paged, ['cli-a', 'cli-b', 'cli-c']);
});
