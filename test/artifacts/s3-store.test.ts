/**
 * The s3 driver against moto's S3 server (a real S3 API on loopback). Skipped, with the reason,
 * when `python3 -m moto.server` is not importable.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createObjectStore, S3ObjectStore } from '../../src/artifacts/index.js';
import { motoMissing, MOTO_CREDENTIALS, startMoto } from '../helpers/moto.js';
import { storeContract } from './store-contract.js';

test('s3 driver against moto', { skip: motoMissing, timeout: 60_000 }, async (t) => {
  const moto = await startMoto();
  t.after(() => moto.stop());
  const endpoint = moto.endpoint;
  const store = createObjectStore({
    driver: 's3',
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
    multipartThreshold: 6 * 1024 * 1024,
    partSize: 5 * 1024 * 1024,
  }) as S3ObjectStore;
  await store.client.send(new CreateBucketCommand({ Bucket: 'contract' }));
  await storeContract(t, store, 'contract');

  await t.test('a file over the threshold goes up multipart and comes back intact', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-s3mp-'));
    t.after(() => fs.rm(dir, { recursive: true, force: true }));
    const big = Buffer.alloc(11 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    await fs.writeFile(path.join(dir, 'big'), big);
    let sent = 0;
    const info = await store.putFile('s3://contract/mp/big', path.join(dir, 'big'), { onProgress: (n) => (sent = Math.max(sent, n)) });
    assert.equal(sent, big.length);
    assert.match(info.etag ?? '', /-3"$/); // a multipart ETag: md5-of-md5s, dash, part count
    await store.getFile('s3://contract/mp/big', path.join(dir, 'back'));
    assert.ok(big.equals(await fs.readFile(path.join(dir, 'back'))));
  });
});
