/**
 * The docs/pipelines.md walkthrough through the AWS CLI (botocore's serialization of the
 * pipeline operations, `--pipeline-parameters` shorthand included): create, start, describe,
 * list steps. Skipped when `aws` is not on PATH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestSagebox } from '../helpers/sagebox.js';
import { TRAIN_PY, waitForExecution } from './fixtures/pipelines/helpers.js';

const hasAwsCli = spawnSync('bash', ['-c', 'command -v aws'], { stdio: 'ignore' }).status === 0;

test('the pipeline walkthrough runs with the AWS CLI', { skip: !hasAwsCli && 'the AWS CLI (`aws`) is not on PATH', timeout: 120_000 }, async (t) => {
  const sb = await startTestSagebox();
  const dir = mkdtempSync(join(tmpdir(), 'sagebox-pipeline-cli-'));
  t.after(async () => {
    await sb.close(true);
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, AWS_ACCESS_KEY_ID: '111122223333', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1' };
  const aws = async (...args: string[]): Promise<any> => {
    const { stdout } = await promisify(execFile)('aws', ['--endpoint-url', sb.url, '--output', 'json', 'sagemaker', ...args], { env, timeout: 60_000 });
    return stdout.trim() ? JSON.parse(stdout) : {};
  };
  writeFileSync(join(dir, 'def.json'), JSON.stringify({
    Version: '2020-12-01',
    Parameters: [{ Name: 'Epochs', Type: 'Integer', DefaultValue: 2 }],
    Steps: [
      {
        Name: 'Train', Type: 'Training', Arguments: {
          AlgorithmSpecification: { TrainingImage: 'sagebox/python', TrainingInputMode: 'File', ContainerEntrypoint: ['python3', TRAIN_PY] },
          HyperParameters: { epochs: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Epochs' }] } } },
          OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
          ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
          StoppingCondition: { MaxRuntimeInSeconds: 600 },
        },
      },
      {
        Name: 'Enough', Type: 'Condition', Arguments: {
          Conditions: [{ Type: 'GreaterThanOrEqualTo', LeftValue: { Get: 'Parameters.Epochs' }, RightValue: 2 }],
          IfSteps: [], ElseSteps: [{ Name: 'TooFew', Type: 'Fail', Arguments: { ErrorMessage: 'too few epochs' } }],
        },
      },
    ],
  }));
  const created = await aws('create-pipeline', '--pipeline-name', 'demo', '--role-arn', 'arn:aws:iam::111122223333:role/R', '--pipeline-definition', `file://${join(dir, 'def.json')}`);
  assert.equal(created.PipelineArn, 'arn:aws:sagemaker:us-east-1:111122223333:pipeline/demo');
  const { PipelineExecutionArn: arn } = await aws('start-pipeline-execution', '--pipeline-name', 'demo', '--pipeline-parameters', 'Name=Epochs,Value=3');
  // Waiting polls through the SDK (each CLI call costs a Python start); the answer is read with the CLI.
  await waitForExecution(sb.clientFor('111122223333'), arn);
  assert.equal((await aws('describe-pipeline-execution', '--pipeline-execution-arn', arn)).PipelineExecutionStatus, 'Succeeded');
  const listed = await aws('list-pipeline-execution-steps', '--pipeline-execution-arn', arn);
  assert.deepEqual(listed.PipelineExecutionSteps.map((s: any) => s.StepName), ['Enough', 'Train']);
  const params = await aws('list-pipeline-parameters-for-execution', '--pipeline-execution-arn', arn);
  assert.deepEqual(params.PipelineParameters, [{ Name: 'Epochs', Value: '3' }]);
});
