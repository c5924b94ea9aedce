import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { createObjectStore, InvalidObjectKeyError, writeTarGz, type ObjectStore } from '../../src/artifacts/index.js';
import { CheckpointSync, downloadChannel, prepareSourceDir, UnsupportedChannelError } from '../../src/runtime/data-plane.js';
import { runLocalJob } from '../../src/runtime/run-local-job.js';

async function setup(t: TestContext): Promise<{ dir: string; store: ObjectStore }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-data-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return { dir, store: createObjectStore({ driver: 'file', root: path.join(dir, 'objects') }) };
}

test('downloadChannel: S3Prefix keeps the layout below the prefix; ManifestFile fetches the listed keys', async (t) => {
  const { dir, store } = await setup(t);
  await store.putBuffer('s3://d/train/a.csv', 'a');
  await store.putBuffer('s3://d/train/sub/b.csv', 'b');
  await store.putBuffer('s3://d/train-other.csv', 'not mine');
  const prefix = await downloadChannel(store, 's3://d/train', 'S3Prefix', path.join(dir, 'ch1'));
  assert.deepEqual(prefix, { files: 3, bytes: 10 });
  assert.equal(await fs.readFile(path.join(dir, 'ch1', 'sub', 'b.csv'), 'utf8'), 'b');
  assert.equal(await fs.readFile(path.join(dir, 'ch1', 'train-other.csv'), 'utf8'), 'not mine'); // S3Prefix is a raw key prefix
  const exact = await downloadChannel(store, 's3://d/train/', 'S3Prefix', path.join(dir, 'ch2'));
  assert.deepEqual(exact, { files: 2, bytes: 2 });

  await store.putBuffer('s3://d/manifest.json', JSON.stringify([{ prefix: 's3://d/train/' }, 'a.csv', 'sub/b.csv']));
  assert.deepEqual(await downloadChannel(store, 's3://d/manifest.json', 'ManifestFile', path.join(dir, 'ch3')), { files: 2, bytes: 2 });
  assert.equal(await fs.readFile(path.join(dir, 'ch3', 'sub', 'b.csv'), 'utf8'), 'b');

  await store.putBuffer('s3://d/evil.json', JSON.stringify([{ prefix: 's3://d/' }, '../../outside']));
  await assert.rejects(downloadChannel(store, 's3://d/evil.json', 'ManifestFile', path.join(dir, 'ch4')), InvalidObjectKeyError);
  await store.putBuffer('s3://d/bad.json', '{"no": "list"}');
  await assert.rejects(downloadChannel(store, 's3://d/bad.json', 'ManifestFile', path.join(dir, 'ch5')), UnsupportedChannelError);
  await assert.rejects(downloadChannel(store, 's3://d/x', 'AugmentedManifestFile', path.join(dir, 'ch6')), /Pipe mode/);
});

test('prepareSourceDir: the SDK\'s sourcedir.tar.gz, an S3 prefix, or a local directory', async (t) => {
  const { dir, store } = await setup(t);
  await fs.mkdir(path.join(dir, 'src', 'lib'), { recursive: true });
  await fs.writeFile(path.join(dir, 'src', 'train.py'), 'print(1)');
  await fs.writeFile(path.join(dir, 'src', 'lib', 'util.py'), '');
  await writeTarGz(path.join(dir, 'src'), path.join(dir, 'sourcedir.tar.gz'));
  await store.putFile('s3://b/job/source/sourcedir.tar.gz', path.join(dir, 'sourcedir.tar.gz'));
  await fs.mkdir(path.join(dir, 'tmp'));
  for (const [n, from] of [['1', 's3://b/job/source/sourcedir.tar.gz'], ['2', path.join(dir, 'src')], ['3', `file://${path.join(dir, 'sourcedir.tar.gz')}`]] as const) {
    const code = path.join(dir, `code${n}`);
    await prepareSourceDir(store, from, code, path.join(dir, 'tmp'));
    assert.equal(await fs.readFile(path.join(code, 'train.py'), 'utf8'), 'print(1)', from);
    assert.ok((await fs.stat(path.join(code, 'lib', 'util.py'))).isFile());
  }
  assert.deepEqual(await fs.readdir(path.join(dir, 'tmp')), []);
});

test('checkpoints: restored at start, uploaded while training and at the end (only what changed)', async (t) => {
  const { dir, store } = await setup(t);
  await store.putBuffer('s3://ck/job/epoch-0.ckpt', 'from a previous run');
  const result = await runLocalJob({
    jobName: 'ck',
    jobArn: 'arn:aws:sagemaker:us-east-1:000000000000:training-job/ck',
    region: 'us-east-1',
    root: path.join(dir, 'job'),
    resource: { instanceType: 'ml.m5.large' },
    sandbox: 'off',
    checkpoint: { store, s3Uri: 's3://ck/job', intervalMs: 100 },
    trainingImage: 'sagebox/shell',
    containerArguments: ['cat /dev/null; ls "$SM_MODEL_DIR/../checkpoints"; echo 1 > "$SM_MODEL_DIR/../checkpoints/epoch-1.ckpt"; sleep 0.4; echo 2 > "$SM_MODEL_DIR/../checkpoints/epoch-2.ckpt"'],
    onLine: (l) => void (l.stream === 'stdout' && assert.equal(l.text, 'epoch-0.ckpt')),
  });
  assert.equal(result.outcome, 'completed');
  assert.equal((await store.getBuffer('s3://ck/job/epoch-1.ckpt')).toString(), '1\n');
  assert.equal((await store.getBuffer('s3://ck/job/epoch-2.ckpt')).toString(), '2\n');
  assert.equal((await store.getBuffer('s3://ck/job/epoch-0.ckpt')).toString(), 'from a previous run');

  // The sync uploads only changed files.
  const local = path.join(dir, 'ck2');
  await fs.mkdir(local);
  const sync = new CheckpointSync(store, local, 's3://ck/two');
  await fs.writeFile(path.join(local, 'a'), 'A');
  await sync.sync();
  const first = await store.head('s3://ck/two/a');
  await new Promise((r) => setTimeout(r, 20));
  await sync.stop();
  assert.deepEqual((await store.head('s3://ck/two/a'))?.lastModified, first?.lastModified);
});
