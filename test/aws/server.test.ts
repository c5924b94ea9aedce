import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { DescribeModelPackageCommand, SageMakerClient, SageMakerServiceException } from '@aws-sdk/client-sagemaker';
import { createHttpServer } from '../../src/aws/server.js';
import { DEFAULT_AUTH } from '../../src/aws/sigv4.js';
import { CREATION_TIME, fakeSageMaker, listenLocal, post } from './fake-service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('AWS JSON server', () => {
  let app: FastifyInstance;
  let endpoint: string;
  const logLines: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = createHttpServer({ services: [fakeSageMaker()], auth: { ...DEFAULT_AUTH }, logger: pino({ level: 'info' }, sink) });
    endpoint = await listenLocal(app);
  });
  after(() => app.close());

  test('success: 200, exact content type, request id, absent members omitted, epoch-second timestamps', async () => {
    const r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"pkg"}');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.match(r.headers.get('x-amzn-requestid') ?? '', UUID);
    assert.equal(r.json.CreationTime, 1700000000.123);
    assert.ok(!('ModelPackageDescription' in r.json) && !('ModelPackageGroupName' in r.json));
    assert.equal(r.json.ModelPackageArn, 'arn:aws:sagemaker:us-east-1:000000000000:model-package/pkg');
  });

  test('an empty body is {} and the provider gets the request context', async () => {
    const r = await post(endpoint, 'SageMaker.Echo', '');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.input, {});
    assert.equal(r.json.ctx.accountId, '000000000000');
    assert.equal(r.json.ctx.region, 'us-east-1');
    assert.equal(r.json.ctx.requestId, r.headers.get('x-amzn-requestid'));
  });

  test('content type with a charset parameter and JSON 1.0 are accepted', async () => {
    for (const type of ['application/x-amz-json-1.1; charset=utf-8', 'application/x-amz-json-1.0']) {
      const r = await post(endpoint, 'SageMaker.Echo', '{"a":1}', { 'content-type': type });
      assert.equal(r.status, 200, type);
      assert.deepEqual(r.json.input, { a: 1 });
    }
  });

  test('a __proto__ member stays plain data', async () => {
    const r = await post(endpoint, 'SageMaker.Echo', '{"__proto__":{"polluted":true},"a":1}');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.input, { a: 1 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('malformed JSON → 400 SerializationException', async () => {
    const r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":');
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'SerializationException');
    assert.match(r.json.message, /not valid JSON/);
    assert.equal(r.headers.get('x-amzn-errortype'), 'SerializationException');
    assert.match(r.headers.get('x-amzn-requestid') ?? '', UUID);
  });

  test('a JSON body that is not an object → 400 SerializationException naming what it got', async () => {
    for (const [body, kind] of [['[1]', 'an array'], ['42', 'a number'], ['null', 'null'], ['"s"', 'a string']]) {
      const r = await post(endpoint, 'SageMaker.Echo', body);
      assert.equal(r.status, 400);
      assert.equal(r.json.__type, 'SerializationException');
      assert.equal(r.json.message, `The request body must be a JSON object, got ${kind}.`);
    }
  });

  test('wrong or missing content type → 415 UnsupportedMediaTypeException naming the expected type', async () => {
    for (const type of ['application/json', 'text/plain', '']) {
      const r = await post(endpoint, 'SageMaker.Echo', '{}', { 'content-type': type });
      assert.equal(r.status, 415, type);
      assert.equal(r.json.__type, 'UnsupportedMediaTypeException');
      assert.match(r.json.message, /expected 'application\/x-amz-json-1\.1'/);
      assert.match(r.headers.get('x-amzn-requestid') ?? '', UUID);
    }
    // Malformed JSON under application/json is still a media-type problem, not a JSON one.
    const r = await post(endpoint, 'SageMaker.Echo', '{', { 'content-type': 'application/json' });
    assert.equal(r.status, 415);
    assert.equal(r.json.__type, 'UnsupportedMediaTypeException');
  });

  test('missing or unknown target → 400 UnknownOperationException naming what was received', async () => {
    let r = await post(endpoint, undefined, '{}');
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'UnknownOperationException');
    assert.match(r.json.message, /Missing X-Amz-Target/);

    r = await post(endpoint, 'Nope.DescribeModelPackage', '{}');
    assert.equal(r.json.__type, 'UnknownOperationException');
    assert.match(r.json.message, /'Nope\.DescribeModelPackage'.*prefix 'Nope'/);

    r = await post(endpoint, 'SageMaker.NoSuchOperation', '{}');
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'UnknownOperationException');
    assert.match(r.json.message, /Unknown operation 'NoSuchOperation'/);

    r = await post(endpoint, 'SageMaker.constructor', '{}');
    assert.equal(r.json.__type, 'UnknownOperationException');
  });

  test('a real operation sagebox does not serve → 400 saying so', async () => {
    const r = await post(endpoint, 'SageMaker.CreateEndpoint', '{}');
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'UnknownOperationException');
    assert.equal(r.json.message, 'SageMaker.CreateEndpoint is a real operation, but sagebox does not serve SageMaker.CreateEndpoint yet.');
  });

  test('validation: 1 and N violations in the service words', async () => {
    let r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"invalid-one"}');
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'ValidationException');
    assert.equal(
      r.json.message,
      "1 validation error detected: Value 'invalid-one' at 'modelPackageName' failed to satisfy constraint: Member must have length less than or equal to 5",
    );
    r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"invalid-two"}');
    assert.equal(
      r.json.message,
      "2 validation errors detected: Value 'invalid-two' at 'modelPackageName' failed to satisfy constraint: Member must have length less than or equal to 5; " +
        "Value null at 'modelPackageGroupName' failed to satisfy constraint: Member must not be null",
    );
  });

  test('a ServiceError keeps its code and status', async () => {
    let r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"missing"}');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { __type: 'ResourceNotFound', message: 'Model package missing does not exist.' });
    assert.equal(r.headers.get('x-amzn-errortype'), 'ResourceNotFound');
    r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"conflict"}');
    assert.equal(r.status, 409);
    assert.equal(r.json.__type, 'ConflictException');
  });

  test('any other error → 500 InternalFailure with the request id, logged with the stack, detail not leaked', async () => {
    const r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"boom"}');
    assert.equal(r.status, 500);
    assert.equal(r.json.__type, 'InternalFailure');
    const requestId = r.headers.get('x-amzn-requestid')!;
    assert.ok(r.json.message.includes(requestId));
    assert.ok(!r.text.includes('secret internal detail'));
    const logged = logLines.find((line) => line.includes(requestId));
    assert.ok(logged, 'the failure is logged with the request id');
    assert.match(logged, /secret internal detail/);
    assert.match(logged, /"stack"/);
    // The server is still serving.
    assert.equal((await post(endpoint, 'SageMaker.Echo', '{}')).status, 200);
  });

  test('successful requests are not logged at info level', () => {
    assert.ok(!logLines.some((line) => line.includes('"aws request"') || line.includes('incoming request')));
  });

  test('GET /health → 200 {"status":"ok"}; unknown routes → 404 in the AWS error shape', async () => {
    const health = await fetch(`${endpoint}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const missing = await fetch(`${endpoint}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { __type: string }).__type, 'UnknownOperationException');
    assert.match(missing.headers.get('x-amzn-requestid') ?? '', UUID);
  });

  test('the JS SDK gets parsed output, Dates, and errors named by their code', async () => {
    const client = new SageMakerClient({
      endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    try {
      const out = await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'pkg' }));
      assert.equal(out.ModelPackageName, 'pkg');
      assert.ok(out.CreationTime instanceof Date);
      assert.equal(out.CreationTime.getTime(), CREATION_TIME.getTime());
      assert.equal(out.ModelPackageArn, 'arn:aws:sagemaker:us-west-2:000000000000:model-package/pkg');
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.$metadata.requestId?.length, 36);

      for (const [name, code] of [['missing', 'ResourceNotFound'], ['invalid-one', 'ValidationException']]) {
        const error = await client.send(new DescribeModelPackageCommand({ ModelPackageName: name })).then(
          () => assert.fail('expected an error'),
          (e: unknown) => e as SageMakerServiceException,
        );
        assert.equal(error.name, code);
        assert.equal(error.$metadata.httpStatusCode, 400);
        assert.ok(error.message.length > 0);
      }
    } finally {
      client.destroy();
    }
  });
});

describe('AWS JSON server limits and wiring', () => {
  test('a body over the limit → 413 in the AWS error shape', async () => {
    const app = createHttpServer({ services: [fakeSageMaker()], auth: { ...DEFAULT_AUTH }, logger: false, bodyLimit: 1024 });
    try {
      const endpoint = await listenLocal(app);
      const r = await post(endpoint, 'SageMaker.Echo', JSON.stringify({ x: 'y'.repeat(2048) }));
      assert.equal(r.status, 413);
      assert.equal(r.json.__type, 'RequestEntityTooLargeException');
      assert.match(r.headers.get('x-amzn-requestid') ?? '', UUID);
    } finally {
      await app.close();
    }
  });

  test('several services are dispatched by prefix, and other routes can be added', async () => {
    const logs = { ...fakeSageMaker(), targetPrefix: 'Logs_20140328', handlers: { Echo: () => ({ service: 'logs' }) } };
    const app = createHttpServer({ services: [fakeSageMaker(), logs], auth: { ...DEFAULT_AUTH }, logger: false });
    app.get('/api/2.0/mlflow/ping', async () => ({ ok: true }));
    try {
      const endpoint = await listenLocal(app);
      assert.deepEqual((await post(endpoint, 'Logs_20140328.Echo', '{}')).json, { service: 'logs' });
      assert.equal((await post(endpoint, 'SageMaker.Echo', '{}')).json.ctx.accountId, '000000000000');
      assert.deepEqual(await (await fetch(`${endpoint}/api/2.0/mlflow/ping`)).json(), { ok: true });
    } finally {
      await app.close();
    }
  });

  test('two services with one prefix are refused at build time', () => {
    assert.throws(() => createHttpServer({ services: [fakeSageMaker(), fakeSageMaker()], auth: { ...DEFAULT_AUTH }, logger: false }), /SageMaker/);
  });
});
