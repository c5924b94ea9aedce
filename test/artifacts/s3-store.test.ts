/**
 * The s3 driver against moto's S3 server (a real S3 API on loopback). Skipped, with the reason,
 * when `python3 -m moto.server` is not importable.
 */
import { spawn, spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createObjectStore, S3ObjectStore } from '../../src/artifacts/index.js';
import { storeContract } from './store-contract.js';

const motoMissing = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status !== 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`moto did not answer on ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test('s3 driver against moto', { skip: motoMissing ? 'moto is not installed for python3 (pip install "moto[server]")' : false, timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  t.after(() => {
    try {
      process.kill(-moto.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForHttp(endpoint, 20_000);
  const store = createObjectStore({
    driver: 's3',
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
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
