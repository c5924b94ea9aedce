import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseCredentials, resolveConfig } from '../src/config.js';

test('defaults: 127.0.0.1:8086, ./.sagebox, parse auth, info logs', () => {
  const config = resolveConfig({}, {}, '/work/project');
  assert.deepEqual(config, {
    host: '127.0.0.1',
    port: 8086,
    dataDir: '/work/project/.sagebox',
    logLevel: 'info',
    auth: { mode: 'parse', defaultAccountId: '000000000000', defaultRegion: 'us-east-1', credentials: [] },
    jobs: { maxConcurrentJobs: 2, stopGraceSeconds: 120, sandbox: 'auto', maxLogEvents: 100_000, imageTable: [] },
    objectStore: { driver: 'file', root: '/work/project/.sagebox/objects' },
  });
});

test('jobs: SAGEBOX_MAX_CONCURRENT_JOBS, SAGEBOX_STOP_GRACE_SECONDS, SAGEBOX_SANDBOX, SAGEBOX_MAX_LOG_EVENTS', () => {
  const config = resolveConfig({}, { SAGEBOX_MAX_CONCURRENT_JOBS: '4', SAGEBOX_STOP_GRACE_SECONDS: '5', SAGEBOX_SANDBOX: 'off', SAGEBOX_MAX_LOG_EVENTS: '1000' }, '/p');
  assert.deepEqual(config.jobs, { maxConcurrentJobs: 4, stopGraceSeconds: 5, sandbox: 'off', maxLogEvents: 1000, imageTable: [] });
  assert.throws(() => resolveConfig({}, { SAGEBOX_MAX_CONCURRENT_JOBS: '0' }), /SAGEBOX_MAX_CONCURRENT_JOBS must be an integer from 1 to 256, got '0'/);
  assert.throws(() => resolveConfig({}, { SAGEBOX_STOP_GRACE_SECONDS: 'soon' }), /SAGEBOX_STOP_GRACE_SECONDS/);
  assert.throws(() => resolveConfig({}, { SAGEBOX_SANDBOX: 'docker' }), /Unknown sandbox mode \(SAGEBOX_SANDBOX\) 'docker'/);
});

test('environment values are used, and flags win over them', () => {
  const env = {
    SAGEBOX_HOST: '0.0.0.0',
    SAGEBOX_PORT: '9000',
    SAGEBOX_DATA_DIR: 'state',
    SAGEBOX_AUTH: 'verify',
    SAGEBOX_CREDENTIALS: 'AKID1:s1, AKID2:s/2+x:123456789012',
    SAGEBOX_ACCOUNT_ID: '111111111111',
    SAGEBOX_REGION: 'eu-west-1',
    SAGEBOX_LOG_LEVEL: 'debug',
  };
  const fromEnv = resolveConfig({}, env, '/p');
  assert.equal(fromEnv.host, '0.0.0.0');
  assert.equal(fromEnv.port, 9000);
  assert.equal(fromEnv.dataDir, '/p/state');
  assert.equal(fromEnv.logLevel, 'debug');
  assert.deepEqual(fromEnv.auth, {
    mode: 'verify',
    defaultAccountId: '111111111111',
    defaultRegion: 'eu-west-1',
    credentials: [
      { accessKeyId: 'AKID1', secretAccessKey: 's1' },
      { accessKeyId: 'AKID2', secretAccessKey: 's/2+x', accountId: '123456789012' },
    ],
  });
  const fromFlags = resolveConfig({ host: '::1', port: '0', dataDir: '/abs', auth: 'off', logLevel: 'warn' }, env, '/p');
  assert.equal(fromFlags.host, '::1');
  assert.equal(fromFlags.port, 0);
  assert.equal(fromFlags.dataDir, '/abs');
  assert.equal(fromFlags.auth.mode, 'off');
  assert.equal(fromFlags.logLevel, 'warn');
});

test('bad values are rejected with a message naming them', () => {
  const cases: Array<[Parameters<typeof resolveConfig>[0], NodeJS.ProcessEnv, RegExp]> = [
    [{ port: 'abc' }, {}, /Port .* got 'abc'/],
    [{ port: '-1' }, {}, /Port/],
    [{}, { SAGEBOX_PORT: '65536' }, /Port .* got '65536'/],
    [{ auth: 'strict' }, {}, /Unknown auth mode .* 'strict': use one of off, parse, verify/],
    [{ logLevel: 'loud' }, {}, /Unknown log level .* 'loud'/],
    [{}, { SAGEBOX_ACCOUNT_ID: '123' }, /SAGEBOX_ACCOUNT_ID must be 12 digits/],
    [{}, { SAGEBOX_REGION: 'mars' }, /SAGEBOX_REGION/],
    [{ auth: 'verify' }, {}, /verify needs at least one key pair/],
    [{}, { SAGEBOX_CREDENTIALS: 'AKID:secret:12' }, /account must be 12 digits/],
    [{}, { SAGEBOX_CREDENTIALS: 'AKID' }, /not AKID:SECRET\[:ACCOUNT\]/],
    [{}, { SAGEBOX_CREDENTIALS: 'A:s,A:t' }, /twice/],
  ];
  for (const [flags, env, message] of cases) {
    assert.throws(() => resolveConfig(flags, env, '/p'), (e: unknown) => e instanceof ConfigError && message.test(e.message), message.source);
  }
});

test('a bad credentials entry does not echo the secret', () => {
  assert.throws(() => parseCredentials('AKID:topsecret:x:y'), (e: unknown) => e instanceof ConfigError && !e.message.includes('topsecret'));
});

test('objectStore: the file driver under the data dir by default (the --data-dir flag moves it)', () => {
  assert.deepEqual(resolveConfig({ dataDir: 'state' }, {}, '/p').objectStore, { driver: 'file', root: '/p/state/objects' });
  assert.deepEqual(resolveConfig({}, { SAGEBOX_S3: 'off' }, '/p').objectStore, { driver: 'file', root: '/p/.sagebox/objects' });
});

test('objectStore: SAGEBOX_S3_ENDPOINT picks the s3 driver, path-style, region from SAGEBOX_REGION, SDK credential chain', () => {
  assert.deepEqual(resolveConfig({}, { SAGEBOX_S3_ENDPOINT: 'http://127.0.0.1:9000/', SAGEBOX_REGION: 'eu-west-1' }, '/p').objectStore, {
    driver: 's3', endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', forcePathStyle: true,
  });
  const env = {
    SAGEBOX_S3_ENDPOINT: 'https://minio.local:9000',
    SAGEBOX_S3_REGION: 'ap-south-1',
    SAGEBOX_S3_ACCESS_KEY_ID: 'minioadmin',
    SAGEBOX_S3_SECRET_ACCESS_KEY: 'minio/secret',
    SAGEBOX_S3_SESSION_TOKEN: 'tok',
    SAGEBOX_S3_FORCE_PATH_STYLE: 'false',
  };
  assert.deepEqual(resolveConfig({}, env, '/p').objectStore, {
    driver: 's3', endpoint: 'https://minio.local:9000', region: 'ap-south-1', forcePathStyle: false,
    credentials: { accessKeyId: 'minioadmin', secretAccessKey: 'minio/secret', sessionToken: 'tok' },
  });
});

test('objectStore: SAGEBOX_S3=aws uses AWS endpoints with virtual-hosted addressing', () => {
  assert.deepEqual(resolveConfig({}, { SAGEBOX_S3: 'aws', SAGEBOX_S3_REGION: 'us-west-2' }, '/p').objectStore, {
    driver: 's3', region: 'us-west-2', forcePathStyle: false,
  });
  assert.equal((resolveConfig({}, { SAGEBOX_S3: 'aws', SAGEBOX_S3_FORCE_PATH_STYLE: '1' }, '/p').objectStore as { forcePathStyle: boolean }).forcePathStyle, true);
});

test('objectStore: bad or contradictory S3 settings are rejected, secrets never echoed', () => {
  const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ SAGEBOX_S3: 'minio' }, /Unknown S3 mode \(SAGEBOX_S3\) 'minio': use one of off, aws/],
    [{ SAGEBOX_S3_ENDPOINT: '127.0.0.1:9000' }, /SAGEBOX_S3_ENDPOINT must be an http:\/\/ or https:\/\/ URL .*'127\.0\.0\.1:9000'/],
    [{ SAGEBOX_S3_ENDPOINT: 'ftp://host' }, /SAGEBOX_S3_ENDPOINT must be an http/],
    [{ SAGEBOX_S3_ENDPOINT: 'http://host:9000/?x=1' }, /must not have a query/],
    [{ SAGEBOX_S3_ENDPOINT: 'http://AKID:topsecret@host:9000' }, /must not carry credentials/],
    [{ SAGEBOX_S3_ENDPOINT: 'http://h:9000', SAGEBOX_S3: 'off' }, /SAGEBOX_S3=off contradicts SAGEBOX_S3_ENDPOINT/],
    [{ SAGEBOX_S3_ENDPOINT: 'http://h:9000', SAGEBOX_S3: 'aws' }, /SAGEBOX_S3=aws contradicts SAGEBOX_S3_ENDPOINT/],
    [{ SAGEBOX_S3_ENDPOINT: 'http://h:9000', SAGEBOX_S3_REGION: 'moon' }, /SAGEBOX_S3_REGION must look like an AWS region .*'moon'/],
    [{ SAGEBOX_S3_ENDPOINT: 'http://h:9000', SAGEBOX_S3_ACCESS_KEY_ID: 'AKID' }, /go together/],
    [{ SAGEBOX_S3: 'aws', SAGEBOX_S3_SECRET_ACCESS_KEY: 'topsecret' }, /go together/],
    [{ SAGEBOX_S3: 'aws', SAGEBOX_S3_SESSION_TOKEN: 'topsecret' }, /SESSION_TOKEN needs/],
    [{ SAGEBOX_S3: 'aws', SAGEBOX_S3_FORCE_PATH_STYLE: 'yes' }, /SAGEBOX_S3_FORCE_PATH_STYLE must be true or false, got 'yes'/],
    [{ SAGEBOX_S3_ACCESS_KEY_ID: 'AKID', SAGEBOX_S3_SECRET_ACCESS_KEY: 'topsecret' }, /SAGEBOX_S3_ACCESS_KEY_ID is set but the object store is the local file driver/],
    [{ SAGEBOX_S3: 'off', SAGEBOX_S3_REGION: 'us-east-1' }, /SAGEBOX_S3_REGION is set but/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => resolveConfig({}, env, '/p'),
      (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('topsecret'),
      message.source,
    );
  }
});

test('jobs.imageTable: SAGEBOX_IMAGE_TABLE as inline JSON or a file; bad rows stop start-up with a message', async () => {
  const row = { match: '^acme/trainer:', command: ['python3', '/srv/train.py', '{userArgs}'] };
  assert.deepEqual(resolveConfig({}, { SAGEBOX_IMAGE_TABLE: JSON.stringify([row]) }, '/p').jobs.imageTable, [row]);
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const file = `${mkdtempSync(`${tmpdir()}/sagebox-images-`)}/images.json`;
  writeFileSync(file, JSON.stringify([row]));
  assert.deepEqual(resolveConfig({}, { SAGEBOX_IMAGE_TABLE: file }, '/p').jobs.imageTable, [row]);
  assert.deepEqual(resolveConfig({}, {}, '/p').jobs.imageTable, []);
  for (const [value, message] of [
    ['[{"match": "(", "command": ["x"]}]', /row 1: '\(' is not a valid regular expression/],
    ['[{"match": "a", "command": []}]', /row 1 is not/],
    ['{"match": "a"}', /must be an array/],
    ['[oops', /not valid JSON/],
    ['/no/such/file.json', /cannot read \/no\/such\/file.json/],
  ] as const) {
    assert.throws(() => resolveConfig({}, { SAGEBOX_IMAGE_TABLE: value }, '/p'), (e: unknown) => e instanceof ConfigError && message.test(e.message), message.source);
  }
});
