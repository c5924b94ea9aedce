/**
 * `sagebox hub import`: a local Hugging Face folder becomes a (gated) hub Model, and a
 * serverless job fine-tunes it from the object store copy; bad folders exit 2.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as sm from '@aws-sdk/client-sagemaker';
import { sftRows } from '../../src/llm/data/synthetic.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { createGroup, listKeys, putJsonl, serverlessRequest, watchJob } from '../sagemaker/serverless/helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
});
after(async () => sb.close(true));

function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root, env: { ...process.env, AWS_ACCESS_KEY_ID: '123456789012', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' },
  }).then((r) => ({ ...r, code: 0 }), (e: { stdout: string; stderr: string; code: number }) => ({ stdout: e.stdout, stderr: e.stderr, code: e.code }));
}

test('hub import: the built-in weights as a gated private Model; a LoRA SFT job on it reads the object store copy', async () => {
  const r = await cli(['hub', 'import', 'models/sagebox-tiny', '--name', 'my-tiny', '--hub', 'my-models', '--version', '2.1.0', '--gated', '--url', sb.url, '--data-dir', sb.dataDir]);
  assert.equal(r.code, 0, r.stderr);
  const arn = 'arn:aws:sagemaker:us-east-1:123456789012:hub-content/my-models/Model/my-tiny/2.1.0';
  assert.equal(r.stdout.trim(), arn);
  const content = await sb.client.send(new sm.DescribeHubContentCommand({ HubName: 'my-models', HubContentType: 'Model', HubContentName: 'my-tiny' }));
  const doc = JSON.parse(content.HubContentDocument!);
  assert.equal(doc.GatedBucket, true);
  assert.equal(doc.TrainingArtifactUri, 's3://sagebox-hub-models/my-models/my-tiny/2.1.0/');
  assert.ok((await listKeys(sb, doc.TrainingArtifactUri)).includes('model.safetensors'));

  const group = await createGroup(sb.client, 'my-tiny-tunes');
  await putJsonl(sb, 's3://bucket/sft/train.jsonl', sftRows(8, 1));
  await sb.client.send(new sm.CreateTrainingJobCommand(serverlessRequest('on-imported', {
    BaseModelArn: arn.replace('/2.1.0', ''), AcceptEula: true, CustomizationTechnique: 'SFT', Peft: 'LORA',
  }, group, { train: 's3://bucket/sft/' })));
  const { last: d } = await watchJob(sb.client, 'on-imported');
  assert.equal(d.TrainingJobStatus, 'Completed', d.FailureReason);
  const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: d.OutputModelPackageArn! }));
  assert.deepEqual(pkg.InferenceSpecification!.Containers![0]!.BaseModel, { HubContentName: 'my-tiny', HubContentVersion: '2.1.0', RecipeName: 'my-tiny-sft-lora' });
});

test('hub import: a folder that is not a Hugging Face model exits 2 and says why', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagebox-notamodel-'));
  writeFileSync(path.join(dir, 'config.json'), '{}');
  const r = await cli(['hub', 'import', dir, '--name', 'x', '--url', sb.url, '--data-dir', sb.dataDir]);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), `sagebox hub import: ${dir} has no tokenizer.json: give a Hugging Face model folder`);
});
