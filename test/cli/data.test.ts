/**
 * `sagebox data put|get|ls|rm` as a user runs it: the CLI spawned from the sources, on the file
 * store under --data-dir (the same store `sagebox serve --data-dir` uses), and on moto's S3
 * through SAGEBOX_S3_ENDPOINT. stderr is a pipe here, so only the one-line summary is printed
 * (the live bar is covered in progress.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { motoMissing, MOTO_CREDENTIALS, startMoto } from '../helpers/moto.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sagebox data ...` to the end, with no SAGEBOX_* from the outer environment. */
function data(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SAGEBOX_')));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'data', ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr: stripSdkWarning(stderr) })));
}

/** The AWS SDK's Node 20 deprecation notice is not ours to assert on. */
function stripSdkWarning(stderr: string): string {
  return stderr.replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?to show where the warning was created\)\n/, '');
}

async function workspace(t: { after(fn: () => Promise<void>): void }): Promise<{ dir: string; dataDir: string }> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), 'sagebox-data-cli-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return { dir, dataDir: path.join(dir, 'sb') };
}

/** A tree of files: a.txt, nested/b.bin (200 KiB), nested/deeper/c.csv. */
async function makeTree(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {
    'a.txt': Buffer.from('hello\n'),
    'nested/b.bin': Buffer.alloc(200 * 1024, 7),
    'nested/deeper/c.csv': Buffer.from('x,y\n1,2\n'),
  };
  for (const [rel, body] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), body);
  }
  return files;
}

const SUMMARY = /^(uploaded|downloaded) \d+ files?, [\d.]+ (B|KiB|MiB) in [\d.]+ s \([^)]+\) .+\n$/;

test('a file: put (a URI ending in / takes its name), ls, get, rm', async (t) => {
  const { dir, dataDir } = await workspace(t);
  await fs.writeFile(path.join(dir, 'a.txt'), 'hello\n');

  const put = await data(['put', path.join(dir, 'a.txt'), 's3://bkt/one/', '--data-dir', dataDir]);
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, SUMMARY);
  assert.match(put.stderr, /^uploaded 1 file, 6 B in .* to s3:\/\/bkt\/one\/a\.txt\n$/);
  assert.doesNotMatch(put.stderr, /\r|\x1b/); // not a TTY: no bar, only the summary
  assert.equal(await fs.readFile(path.join(dataDir, 'objects', 'bkt', 'one', 'a.txt'), 'utf8'), 'hello\n');

  const ls = await data(['ls', 's3://bkt/one/', '--data-dir', dataDir]);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2,}6 {2}s3:\/\/bkt\/one\/a\.txt\n$/);

  const get = await data(['get', 's3://bkt/one/a.txt', `${path.join(dir, 'out')}/`, '--data-dir', dataDir]);
  assert.equal(get.code, 0, get.stderr);
  assert.match(get.stderr, /^downloaded 1 file, 6 B in .* from s3:\/\/bkt\/one\/a\.txt to .*\/out\/a\.txt\n$/);
  assert.equal(await fs.readFile(path.join(dir, 'out', 'a.txt'), 'utf8'), 'hello\n');

  const rm = await data(['rm', 's3://bkt/one/a.txt', '--data-dir', dataDir]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.stderr, 'deleted s3://bkt/one/a.txt\n');
  assert.equal(existsSync(path.join(dataDir, 'objects', 'bkt', 'one', 'a.txt')), false);
});

test('a directory: put recursively, ls one level and --recursive, get a prefix into a directory, rm --recursive', async (t) => {
  const { dir, dataDir } = await workspace(t);
  const files = await makeTree(path.join(dir, 'tree'));

  const put = await data(['put', path.join(dir, 'tree'), 's3://bkt/data', '--data-dir', dataDir]);
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, /^uploaded 3 files, 200\.0 KiB in .* to s3:\/\/bkt\/data\n$/);

  const ls = await data(['ls', 's3://bkt/data/', '--data-dir', dataDir]);
  assert.equal(ls.code, 0, ls.stderr);
  const lines = ls.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2, ls.stdout);
  assert.match(lines[0]!, /^ +PRE {2}s3:\/\/bkt\/data\/nested\/$/);
  assert.match(lines[1]!, / 6 {2}s3:\/\/bkt\/data\/a\.txt$/);

  const lsr = await data(['ls', '-r', 's3://bkt/', '--data-dir', dataDir]);
  assert.deepEqual(lsr.stdout.trimEnd().split('\n').map((l) => l.split(/ +/).slice(2)), [
    ['6', 's3://bkt/data/a.txt'],
    [String(200 * 1024), 's3://bkt/data/nested/b.bin'],
    ['8', 's3://bkt/data/nested/deeper/c.csv'],
  ]);

  // `data` without a slash is a directory prefix: `data-old.csv` would not be included.
  const get = await data(['get', 's3://bkt/data', path.join(dir, 'copy'), '--data-dir', dataDir]);
  assert.equal(get.code, 0, get.stderr);
  assert.match(get.stderr, /^downloaded 3 files, 200\.0 KiB in .* from s3:\/\/bkt\/data\/ to .*copy\n$/);
  for (const [rel, body] of Object.entries(files)) assert.ok(body.equals(await fs.readFile(path.join(dir, 'copy', rel))), rel);

  const rm = await data(['rm', '--recursive', 's3://bkt/data', '--data-dir', dataDir]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.stderr, 'deleted 3 objects under s3://bkt/data/\n');
  assert.deepEqual(await fs.readdir(path.join(dataDir, 'objects', 'bkt')), []); // emptied directories pruned
});

test('bad input: a clear one-line message, a non-zero exit, no stack trace', async (t) => {
  const { dir, dataDir } = await workspace(t);
  await fs.writeFile(path.join(dir, 'a.txt'), 'x');
  const cases: Array<[string[], Record<string, string>, number, RegExp]> = [
    [['put', path.join(dir, 'a.txt'), 'bkt/key'], {}, 2, /^sagebox data put: not an s3:\/\/bucket\/key URI: 'bkt\/key'\n$/],
    [['put', path.join(dir, 'missing.txt'), 's3://bkt/key'], {}, 2, /^sagebox data put: no such file or directory: .*missing\.txt\n$/],
    [['get', 's3://bkt/nothing', path.join(dir, 'o')], {}, 1, /^sagebox data get: nothing at s3:\/\/bkt\/nothing: no such object, and no objects under s3:\/\/bkt\/nothing\/\n$/],
    [['ls', 's3://bkt/'], { SAGEBOX_S3_ENDPOINT: 'localhost:9000' }, 2, /^sagebox data ls: SAGEBOX_S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL/],
  ];
  for (const [args, env, code, message] of cases) {
    const run = await data([...args, '--data-dir', dataDir], env);
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
});

test('with SAGEBOX_S3_ENDPOINT the CLI puts into and gets out of S3 (moto)', { skip: motoMissing, timeout: 60_000 }, async (t) => {
  const { dir } = await workspace(t);
  const files = await makeTree(path.join(dir, 'tree'));
  const moto = await startMoto();
  t.after(() => moto.stop());
  await moto.client.send(new CreateBucketCommand({ Bucket: 'cli-bucket' }));
  const env = {
    SAGEBOX_S3_ENDPOINT: moto.endpoint,
    SAGEBOX_S3_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    SAGEBOX_S3_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    SAGEBOX_DATA_DIR: path.join(dir, 'unused'),
  };

  const put = await data(['put', path.join(dir, 'tree'), 's3://cli-bucket/in/'], env);
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stderr, /^uploaded 3 files, 200\.0 KiB .* to s3:\/\/cli-bucket\/in\/\n$/);
  const got = await moto.client.send(new GetObjectCommand({ Bucket: 'cli-bucket', Key: 'in/nested/deeper/c.csv' }));
  assert.equal(await got.Body!.transformToString(), 'x,y\n1,2\n');
  assert.equal(existsSync(path.join(dir, 'unused')), false); // the file store was not touched

  const get = await data(['get', 's3://cli-bucket/in/', path.join(dir, 'back')], env);
  assert.equal(get.code, 0, get.stderr);
  for (const [rel, body] of Object.entries(files)) assert.ok(body.equals(await fs.readFile(path.join(dir, 'back', rel))), rel);

  const noBucket = await data(['put', path.join(dir, 'tree', 'a.txt'), 's3://no-such-bucket/a.txt'], env);
  assert.equal(noBucket.code, 1);
  // (The SDK may print its own 'An error was encountered in a non-retryable streaming request.' first.)
  assert.match(noBucket.stderr, /^sagebox data put: NoSuchBucket: The specified bucket does not exist \(S3 at http:\/\/127\.0\.0\.1:\d+\)\n$/m);
  assert.doesNotMatch(noBucket.stderr, /\n\s+at /);
});
