import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openStore, SQLITE_FILE } from '../../src/store/database.js';
import { allMigrations } from '../../src/store/migrations/index.js';
import { isUniqueViolation } from '../../src/store/errors.js';
import { createRegistryHandlers } from '../../src/sagemaker/registry/index.js';
import { createTagHandlers } from '../../src/sagemaker/tags/index.js';

const ctx = { accountId: '123456789012', region: 'us-east-1', requestId: 'r' };

describe('openStore', () => {
  const dirs: string[] = [];
  const tempDir = () => { const d = mkdtempSync(join(tmpdir(), 'sagebox-store-')); dirs.push(d); return d; };
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('creates the data dir and file, runs the migrations, and sets the connection pragmas', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = await openStore({ dataDir: dir });
    try {
      assert.equal(store.dialect, 'sqlite');
      const pragma = async (name: string) => Object.values((await sql.raw(`PRAGMA ${name}`).execute(store.db)).rows[0] as object)[0];
      assert.equal(String(await pragma('journal_mode')), 'wal');
      assert.equal(Number(await pragma('synchronous')), 1); // NORMAL
      assert.equal(Number(await pragma('foreign_keys')), 1);
      assert.ok(Number(await pragma('busy_timeout')) >= 1000);
      const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      assert.deepEqual(migrations.rows.map((r) => r.name), Object.keys(allMigrations('sqlite')).sort());
    } finally {
      await store.close();
    }
  });

  it('reopens an existing store without re-running migrations, and everything written survives', async () => {
    const dir = tempDir();
    let store = await openStore({ dataDir: dir });
    const registry = createRegistryHandlers(store);
    await registry.CreateModelPackageGroup({ ModelPackageGroupName: 'Persist', Tags: [{ Key: 'k', Value: 'v' }] }, ctx);
    const { ModelPackageArn } = await registry.CreateModelPackage({ ModelPackageGroupName: 'Persist',
      InferenceSpecification: { Containers: [{ Image: 'i', BaseModel: { RecipeName: 'r' }, IsCheckpoint: false }] } }, ctx);
    await store.close();

    store = await openStore({ dataDir: dir });
    try {
      const again = createRegistryHandlers(store);
      const d = await again.DescribeModelPackage({ ModelPackageName: ModelPackageArn }, ctx);
      assert.deepEqual(d.InferenceSpecification!.Containers[0], { Image: 'i', BaseModel: { RecipeName: 'r' }, IsCheckpoint: false });
      const g = await again.DescribeModelPackageGroup({ ModelPackageGroupName: 'persist' }, ctx);
      assert.deepEqual((await createTagHandlers(store).ListTags({ ResourceArn: g.ModelPackageGroupArn }, ctx)).Tags, [{ Key: 'k', Value: 'v' }]);
      // The version counter survived too: the next version is 2.
      assert.match((await again.CreateModelPackage({ ModelPackageGroupName: 'Persist' }, ctx)).ModelPackageArn, /\/persist\/2$/);
    } finally {
      await store.close();
    }
  });

  it('keeps every acknowledged write across a kill -9 of the process', async () => {
    const dir = tempDir();
    // A child writes 25 groups, reports each acknowledged create, then waits to be killed.
    const script = `
      import { openStore } from ${JSON.stringify(new URL('../../src/store/database.ts', import.meta.url).pathname)};
      import { createRegistryHandlers } from ${JSON.stringify(new URL('../../src/sagemaker/registry/index.ts', import.meta.url).pathname)};
      const store = await openStore({ dataDir: ${JSON.stringify(dir)} });
      const registry = createRegistryHandlers(store);
      for (let i = 0; i < 25; i++) {
        await registry.CreateModelPackageGroup({ ModelPackageGroupName: 'g' + i }, ${JSON.stringify(ctx)});
        process.stdout.write('ack ' + i + '\\n');
      }
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        acked += (chunk.toString().match(/ack/g) ?? []).length;
        if (acked === 25) { child.kill('SIGKILL'); resolve(); }
      });
      child.on('exit', (code, signal) => { if (signal !== 'SIGKILL') reject(new Error(`child exited early: ${code}`)); });
    });
    await new Promise((r) => child.once('close', r));
    const store = await openStore({ dataDir: dir });
    try {
      const groups = await store.db.selectFrom('model_package_groups').select('name').execute();
      assert.equal(groups.length, 25);
    } finally {
      await store.close();
    }
  });

  it('opens in-memory stores that are independent of each other', async () => {
    const a = await openStore({ sqlitePath: ':memory:' });
    const b = await openStore({ sqlitePath: ':memory:' });
    await createRegistryHandlers(a).CreateModelPackageGroup({ ModelPackageGroupName: 'only-a' }, ctx);
    assert.equal((await b.db.selectFrom('model_package_groups').selectAll().execute()).length, 0);
    await a.close();
    await b.close();
  });

  it('recognises a UNIQUE violation from the driver', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const row = { account_id: '1', region: 'r', resource_key: 'k', resource_arn: 'a', tag_key: 't', tag_value: 'v' };
    await store.db.insertInto('tags').values(row).execute();
    const err = await store.db.insertInto('tags').values(row).execute().catch((e: unknown) => e);
    assert.ok(isUniqueViolation(err));
    assert.equal(isUniqueViolation(new Error('other')), false);
    await store.close();
  });
});

describe('sqlite file name', () => {
  it('is stable (operators back it up by name)', () => assert.equal(SQLITE_FILE, 'sagebox.sqlite'));
});
