/**
 * State survives a clean restart and a `kill -9` of the server process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { sdkClient, startTestSagebox, tempDataDir } from '../helpers/sagebox.js';
import { spawnServe } from '../helpers/cli-process.js';

const inference = { Containers: [{ Image: 'img', BaseModel: { HubContentName: 'm', HubContentVersion: '1.0.0' }, IsCheckpoint: true }] };

test('write, stop, start, read: everything is still there', async () => {
  const dataDir = tempDataDir();
  try {
    const first = await startTestSagebox({ dataDir });
    await first.client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'persist' }));
    const { ModelPackageArn } = await first.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'persist', InferenceSpecification: inference }));
    await first.client.send(new UpdateModelPackageCommand({ ModelPackageArn, ModelApprovalStatus: 'Approved' }));
    await first.close();

    const second = await startTestSagebox({ dataDir });
    const d = await second.client.send(new DescribeModelPackageCommand({ ModelPackageName: ModelPackageArn }));
    assert.equal(d.ModelApprovalStatus, 'Approved');
    assert.equal(d.InferenceSpecification?.Containers?.[0]?.IsCheckpoint, true);
    const next = await second.client.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'persist', InferenceSpecification: inference }));
    assert.match(next.ModelPackageArn!, /\/persist\/2$/, 'the version counter survived too');
    await second.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('kill -9 mid-stream loses no acknowledged write', async () => {
  const dataDir = tempDataDir();
  try {
    const server = await spawnServe(['--data-dir', dataDir]);
    const client = sdkClient(server.url);
    await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'crashy' }));
    const acknowledged: string[] = [];
    for (let i = 0; i < 25; i++) {
      const out = await client.send(new CreateModelPackageCommand({ ModelPackageGroupName: 'crashy', InferenceSpecification: inference }));
      acknowledged.push(out.ModelPackageArn!);
    }
    server.child.kill('SIGKILL');
    assert.equal((await server.exited()).signal, 'SIGKILL');
    client.destroy();

    const again = await spawnServe(['--data-dir', dataDir]);
    const client2 = sdkClient(again.url);
    const listed = await client2.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'crashy', MaxResults: 100 }));
    assert.deepEqual(listed.ModelPackageSummaryList?.map((s) => s.ModelPackageArn), acknowledged);
    client2.destroy();
    again.child.kill('SIGTERM');
    assert.equal((await again.exited()).code, 0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
