import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createObjectStore, InvalidObjectKeyError, FileObjectStore } from '../../src/artifacts/index.js';
import { storeContract } from './store-contract.js';

async function fileStore(t: { after: (fn: () => Promise<void>) => void }): Promise<{ store: FileObjectStore; root: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-objects-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  return { store: createObjectStore({ driver: 'file', root }) as FileObjectStore, root };
}

test('file driver: the ObjectStore contract', async (t) => {
  const { store } = await fileStore(t);
  await storeContract(t, store, 'bucket-1');
});

test('file driver: objects are plain files under <root>/<bucket>/<key>, no temp files left', async (t) => {
  const { store, root } = await fileStore(t);
  await store.putBuffer('s3://b/out/job/output/model.tar.gz', 'x');
  assert.equal(await fs.readFile(path.join(root, 'b', 'out', 'job', 'output', 'model.tar.gz'), 'utf8'), 'x');
  assert.equal(store.pathOf('s3://b/k'), path.join(root, 'b', 'k'));
  assert.deepEqual(await fs.readdir(path.join(root, '.tmp')), []);
});

test('file driver: path traversal and aliasing keys are refused', async (t) => {
  const { store, root } = await fileStore(t);
  for (const key of ['../escape', 'a/../../escape', 'a/./b', 'a//b', '/abs', '..']) {
    await assert.rejects(store.putBuffer(`s3://b/${key}`, 'x'), InvalidObjectKeyError, key);
    await assert.rejects(store.getBuffer(`s3://b/${key}`), InvalidObjectKeyError, key);
  }
  await assert.rejects(store.putBuffer('s3://../x', 'x'));
  assert.deepEqual((await fs.readdir(root)).filter((n) => n !== '.tmp'), []);
  assert.deepEqual((await fs.readdir(path.dirname(root))).includes('escape'), false);
});

test('file driver: delete prunes empty directories so the key can become an object', async (t) => {
  const { store, root } = await fileStore(t);
  await store.putBuffer('s3://b/a/b/c', '1');
  await store.delete('s3://b/a/b/c');
  assert.deepEqual(await fs.readdir(path.join(root, 'b')).catch(() => []), []);
  await store.putBuffer('s3://b/a', '2');
  assert.equal((await store.getBuffer('s3://b/a')).toString(), '2');
  await assert.rejects(store.putBuffer('s3://b/a/child', '3'), /cannot hold both an object and keys below it/);
  await store.putBuffer('s3://b/dir/child', '4');
  await assert.rejects(store.putBuffer('s3://b/dir', '5'), /cannot hold both/);
});
