/**
 * The ObjectStore contract, run against every driver (file here, s3 against moto).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { ObjectNotFoundError, type ObjectStore } from '../../src/artifacts/object-store.js';
import { downloadPrefix, listAll, uploadDirectory } from '../../src/artifacts/sync.js';

const md5 = (b: Buffer | string): string => `"${createHash('md5').update(b).digest('hex')}"`;

/** Registers the contract's subtests; `bucket` must exist and be empty. */
export async function storeContract(t: TestContext, store: ObjectStore, bucket: string): Promise<void> {
  const u = (key: string): string => `s3://${bucket}/${key}`;
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-store-'));
  t.after(() => fs.rm(tmp, { recursive: true, force: true }));

  await t.test('put/get/head round-trips a buffer, a file and a stream', async () => {
    const a = await store.putBuffer(u('rt/a.txt'), 'hello');
    assert.equal(a.size, 5);
    assert.equal(a.etag, md5('hello'));
    assert.equal((await store.getBuffer(u('rt/a.txt'))).toString(), 'hello');

    const big = Buffer.alloc(300_000, 7);
    const src = path.join(tmp, 'big.bin');
    await fs.writeFile(src, big);
    let sent = 0;
    await store.putFile(u('rt/big.bin'), src, { onProgress: (n) => (sent = n) });
    assert.equal(sent, big.length);
    const dest = path.join(tmp, 'out', 'big.bin');
    let received = 0;
    const got = await store.getFile(u('rt/big.bin'), dest, { onProgress: (n) => (received = n) });
    assert.equal(received, big.length);
    assert.equal(got.size, big.length);
    assert.deepEqual(await fs.readFile(dest), big);

    await store.putStream(u('rt/s.txt'), Readable.from([Buffer.from('str'), Buffer.from('eam')]));
    const chunks: Buffer[] = [];
    for await (const c of await store.getStream(u('rt/s.txt'))) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'stream');

    const head = await store.head(u('rt/big.bin'));
    assert.equal(head?.size, big.length);
    assert.equal(head?.etag, md5(big));
    assert.equal(await store.head(u('rt/missing')), undefined);
    await assert.rejects(store.getBuffer(u('rt/missing')), ObjectNotFoundError);
    await assert.rejects(store.getFile(u('rt/missing'), path.join(tmp, 'x')), ObjectNotFoundError);
  });

  await t.test('overwrite replaces, delete removes (and deleting twice is fine)', async () => {
    await store.putBuffer(u('del/x'), 'one');
    await store.putBuffer(u('del/x'), 'two!');
    assert.equal((await store.getBuffer(u('del/x'))).toString(), 'two!');
    await store.delete(u('del/x'));
    await store.delete(u('del/x'));
    assert.equal(await store.head(u('del/x')), undefined);
  });

  await t.test('list pages in S3 key order, with prefixes and the / delimiter', async () => {
    // '.' (0x2e) sorts before '/' (0x2f): 'l/a.b' comes before 'l/a/x'.
    const keys = ['l/a/x', 'l/a.b', 'l/b', 'l/a/y/z', 'l/c-1', 'l/c/d', 'l-other'];
    for (let i = 0; i < 23; i++) keys.push(`l/n/${String(i).padStart(3, '0')}`);
    for (const k of keys) await store.putBuffer(u(k), k);
    const expected = keys.filter((k) => k.startsWith('l/')).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(u('l/'), { maxKeys: 4, ...(token ? { continuationToken: token } : {}) });
      assert.ok(page.objects.length <= 4);
      seen.push(...page.objects.map((o) => o.key));
      token = page.nextToken;
      pages++;
    } while (token);
    assert.deepEqual(seen, expected);
    assert.equal(pages, Math.ceil(expected.length / 4));

    const all: string[] = [];
    for await (const o of listAll(store, u('l/c'))) all.push(o.key);
    assert.deepEqual(all, ['l/c-1', 'l/c/d']);

    const top = await store.list(u('l/'), { delimiter: '/' });
    assert.deepEqual(top.objects.map((o) => o.key), ['l/a.b', 'l/b', 'l/c-1']);
    assert.deepEqual(top.commonPrefixes, [u('l/a/'), u('l/c/'), u('l/n/')]);
    const empty = await store.list(u('nothing-here/'));
    assert.deepEqual(empty.objects, []);
    assert.equal(empty.nextToken, undefined);
  });

  await t.test('a directory goes up to a prefix and comes back down', async () => {
    const src = path.join(tmp, 'up');
    await fs.mkdir(path.join(src, 'sub', 'deep'), { recursive: true });
    await fs.writeFile(path.join(src, 'a.txt'), 'A');
    await fs.writeFile(path.join(src, 'sub', 'deep', 'b.txt'), 'B');
    const seen = new Map<string, string>();
    const up = await uploadDirectory(store, src, u('sync/job/'), { skipUnchanged: seen });
    assert.deepEqual(up, { files: 2, bytes: 2 });
    assert.deepEqual(await uploadDirectory(store, src, u('sync/job'), { skipUnchanged: seen }), { files: 0, bytes: 0 });
    const down = path.join(tmp, 'down');
    assert.deepEqual(await downloadPrefix(store, u('sync/job/'), down), { files: 2, bytes: 2 });
    assert.equal(await fs.readFile(path.join(down, 'sub', 'deep', 'b.txt'), 'utf8'), 'B');
  });
}
