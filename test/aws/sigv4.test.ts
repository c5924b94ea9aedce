import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyInstance } from 'fastify';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createHttpServer } from '../../src/aws/server.js';
import { Authenticator, DEFAULT_AUTH, formatAmzDate, parseAmzDate, parseAuthorization, type AuthConfig } from '../../src/aws/sigv4.js';
import { ServiceError } from '../../src/aws/service-error.js';
import { fakeSageMaker, listenLocal, post } from './fake-service.js';

const KEY = { accessKeyId: 'AKIDVERIFY', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', accountId: '123456789012' };
const VERIFY: AuthConfig = { ...DEFAULT_AUTH, mode: 'verify', credentials: [KEY] };
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function sdk(endpoint: string, accessKeyId: string, secretAccessKey: string, region = 'us-west-2'): SageMakerClient {
  return new SageMakerClient({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

async function sdkError(client: SageMakerClient): Promise<{ name: string; status?: number; message: string }> {
  try {
    await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'pkg' }));
  } catch (e) {
    const error = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  } finally {
    client.destroy();
  }
  return assert.fail('expected an error');
}

/** Signs a DescribeModelPackage request ourselves, so tests can skew the date or tamper with it. */
async function signedRequest(
  endpoint: string,
  options: { body?: string; signingDate?: Date; secret?: string; extraHeaders?: Record<string, string> } = {},
): Promise<{ headers: Record<string, string>; body: string }> {
  const url = new URL(endpoint);
  const body = options.body ?? '{"ModelPackageName":"pkg"}';
  const signer = new SignatureV4({
    credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: options.secret ?? KEY.secretAccessKey },
    region: 'us-west-2',
    service: 'sagemaker',
    sha256: Sha256,
    // Like the SDK for JSON services: no x-amz-content-sha256 unless a test adds one.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'SageMaker.DescribeModelPackage',
        ...options.extraHeaders,
      },
      body,
    },
    { signingDate: options.signingDate ?? new Date() },
  );
  const headers = { ...(signed.headers as Record<string, string>) };
  delete headers.host; // fetch sets the same Host itself
  return { headers, body };
}

describe('SigV4 header parsing', () => {
  test('reads key, scope and signature', () => {
    const parsed = parseAuthorization(
      'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123',
    );
    assert.deepEqual(parsed, {
      accessKeyId: 'AKID',
      scopeDate: '20250101',
      region: 'us-west-2',
      service: 'sagemaker',
      signedHeaders: ['host', 'x-amz-date'],
      signature: 'abc123',
    });
  });

  test('a malformed header → IncompleteSignatureException (400) naming what is missing', () => {
    const cases: Array<[string, RegExp]> = [
      ['Bearer token', /requires the 'AWS4-HMAC-SHA256' algorithm/],
      ['AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/sagemaker/aws4_request', /requires 'Signature' parameter.*requires 'SignedHeaders' parameter/],
      ['AWS4-HMAC-SHA256 Credential=AKID/us-west-2/sagemaker/aws4_request, SignedHeaders=host, Signature=x', /5 slash-delimited elements/],
    ];
    for (const [header, message] of cases) {
      assert.throws(
        () => parseAuthorization(header),
        (e: unknown) => e instanceof ServiceError && e.code === 'IncompleteSignatureException' && e.status === 400 && message.test(e.message),
        header,
      );
    }
  });

  test('X-Amz-Date round trip', () => {
    const date = parseAmzDate('20250102T030405Z')!;
    assert.equal(date.toISOString(), '2025-01-02T03:04:05.000Z');
    assert.equal(formatAmzDate(date.getTime()), '20250102T030405Z');
    assert.equal(parseAmzDate('2025-01-02'), undefined);
  });
});

describe('SigV4 modes without a server', () => {
  const header = (key: string, region = 'eu-west-1'): string =>
    `AWS4-HMAC-SHA256 Credential=${key}/20250101/${region}/sagemaker/aws4_request, SignedHeaders=host, Signature=x`;
  const request = (authorization?: string) => ({
    method: 'POST',
    url: '/',
    headers: authorization === undefined ? {} : { authorization },
    body: Buffer.alloc(0),
  });

  test('parse: a 12-digit key is the account, region from the scope; other keys get the default', async () => {
    const auth = new Authenticator({ ...DEFAULT_AUTH, credentials: [{ accessKeyId: 'PINNED', secretAccessKey: 's', accountId: '222222222222' }] });
    assert.deepEqual(await auth.authenticate(request(header('111111111111'))), { accountId: '111111111111', region: 'eu-west-1', accessKeyId: '111111111111' });
    assert.equal((await auth.authenticate(request(header('AKIDOTHER')))).accountId, '000000000000');
    assert.equal((await auth.authenticate(request(header('PINNED')))).accountId, '222222222222');
  });

  test('parse: unsigned requests get the defaults (so curl works)', async () => {
    const auth = new Authenticator({ ...DEFAULT_AUTH, defaultAccountId: '333333333333', defaultRegion: 'ap-south-1' });
    assert.deepEqual(await auth.authenticate(request()), { accountId: '333333333333', region: 'ap-south-1' });
  });

  test('off: anything goes; region from a readable scope, account always the default', async () => {
    const auth = new Authenticator({ ...DEFAULT_AUTH, mode: 'off' });
    assert.deepEqual(await auth.authenticate(request('garbage')), { accountId: '000000000000', region: 'us-east-1' });
    const caller = await auth.authenticate(request(header('111111111111', 'ca-central-1')));
    assert.equal(caller.region, 'ca-central-1');
    assert.equal(caller.accountId, '000000000000');
  });

  test('verify: clock skew beyond 15 minutes either way, in the AWS words', async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const auth = new Authenticator(VERIFY, () => now);
    const at = (amzDate: string) => ({
      ...request(`AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${amzDate.slice(0, 8)}/us-west-2/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=x`),
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${amzDate.slice(0, 8)}/us-west-2/sagemaker/aws4_request, SignedHeaders=host;x-amz-date, Signature=x`,
        'x-amz-date': amzDate,
        host: 'h',
      },
    });
    await assert.rejects(Promise.resolve().then(() => auth.authenticate(at('20250101T114459Z'))), {
      name: 'InvalidSignatureException',
      message: 'Signature expired: 20250101T114459Z is now earlier than 20250101T114500Z (20250101T120000Z - 15 min.)',
    });
    await assert.rejects(Promise.resolve().then(() => auth.authenticate(at('20250101T121501Z'))), {
      name: 'InvalidSignatureException',
      message: 'Signature not yet current: 20250101T121501Z is still later than 20250101T121500Z (20250101T120000Z + 15 min.)',
    });
    // Within the window the date passes and the (bogus) signature is what fails.
    await assert.rejects(Promise.resolve().then(() => auth.authenticate(at('20250101T114501Z'))), { message: SIGNATURE_MISMATCH });
  });
});

describe('SigV4 verify mode over HTTP', () => {
  let app: FastifyInstance;
  let endpoint: string;
  before(async () => {
    app = createHttpServer({ services: [fakeSageMaker()], auth: VERIFY, logger: false });
    endpoint = await listenLocal(app);
  });
  after(() => app.close());

  test('JS SDK: the right secret passes; account from the key pair, region from the scope', async () => {
    const client = sdk(endpoint, KEY.accessKeyId, KEY.secretAccessKey);
    try {
      const out = await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'pkg' }));
      assert.equal(out.ModelPackageArn, 'arn:aws:sagemaker:us-west-2:123456789012:model-package/pkg');
      assert.equal(out.CreationTime?.getTime(), 1700000000123);
    } finally {
      client.destroy();
    }
  });

  test('JS SDK: a session token is signed along and accepted', async () => {
    const client = new SageMakerClient({
      endpoint,
      region: 'us-west-2',
      credentials: { ...KEY, sessionToken: 'FwoGZXIvYXdzEXAMPLE' },
      maxAttempts: 1,
    });
    try {
      const out = await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'pkg' }));
      assert.equal(out.ModelPackageName, 'pkg');
    } finally {
      client.destroy();
    }
  });

  test('JS SDK: a wrong secret → 403 InvalidSignatureException', async () => {
    const error = await sdkError(sdk(endpoint, KEY.accessKeyId, 'not-the-secret'));
    assert.deepEqual(error, { name: 'InvalidSignatureException', status: 403, message: SIGNATURE_MISMATCH });
  });

  test('JS SDK: an unknown key → 400 UnrecognizedClientException', async () => {
    const error = await sdkError(sdk(endpoint, 'AKIDUNKNOWN', KEY.secretAccessKey));
    assert.deepEqual(error, { name: 'UnrecognizedClientException', status: 400, message: 'The security token included in the request is invalid.' });
  });

  test('no Authorization header → 403 MissingAuthenticationTokenException', async () => {
    const r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{"ModelPackageName":"pkg"}');
    assert.equal(r.status, 403);
    assert.deepEqual(r.json, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  test('a malformed Authorization header → 400 IncompleteSignatureException', async () => {
    const r = await post(endpoint, 'SageMaker.DescribeModelPackage', '{}', { authorization: 'AWS4-HMAC-SHA256 Credential=x' });
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'IncompleteSignatureException');
  });

  test('a hand-signed request passes; the same request skewed by 20 minutes → Signature expired', async () => {
    const fresh = await signedRequest(endpoint);
    assert.equal((await post(endpoint, undefined, fresh.body, fresh.headers)).status, 200);

    const old = await signedRequest(endpoint, { signingDate: new Date(Date.now() - 20 * 60 * 1000) });
    const r = await post(endpoint, undefined, old.body, old.headers);
    assert.equal(r.status, 403);
    assert.equal(r.json.__type, 'InvalidSignatureException');
    assert.match(r.json.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  });

  test('a body changed after signing → InvalidSignatureException; a lying content hash → XAmzContentSHA256Mismatch', async () => {
    const signed = await signedRequest(endpoint);
    let r = await post(endpoint, undefined, '{"ModelPackageName":"other"}', signed.headers);
    assert.equal(r.status, 403);
    assert.equal(r.json.message, SIGNATURE_MISMATCH);

    // Sign with a content-hash header for body A, then send body B: the hash must be checked.
    const hashed = await signedRequest(endpoint, {
      extraHeaders: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      body: '',
    });
    r = await post(endpoint, undefined, '{"ModelPackageName":"evil"}', hashed.headers);
    assert.equal(r.status, 400);
    assert.equal(r.json.__type, 'XAmzContentSHA256Mismatch');
  });

  test('botocore (python3 + boto3): right secret passes, session token passes, wrong secret and unknown key fail', (t) => {
    const script = `
import json, sys, os, boto3, botocore
from botocore.config import Config
def client(secret, key=os.environ['KEY'], token=None):
    return boto3.client('sagemaker', endpoint_url=sys.argv[1], region_name='us-west-2', aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token, config=Config(retries={'max_attempts': 1, 'mode': 'standard'}))
out = {}
r = client(os.environ['SECRET']).describe_model_package(ModelPackageName='pkg')
out['ok'] = {'arn': r['ModelPackageArn'], 'created': r['CreationTime'].timestamp()}
out['token'] = client(os.environ['SECRET'], token='FwoGZXIvYXdzEXAMPLE').describe_model_package(ModelPackageName='pkg')['ModelPackageName']
for label, c in [('wrong', client('not-the-secret')), ('unknown', client(os.environ['SECRET'], key='AKIDUNKNOWN'))]:
    try:
        c.describe_model_package(ModelPackageName='pkg')
        out[label] = 'no error'
    except botocore.exceptions.ClientError as e:
        out[label] = {'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'message': e.response['Error']['Message']}
print(json.dumps(out))
`;
    const env = { ...process.env, KEY: KEY.accessKeyId, SECRET: KEY.secretAccessKey, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true' };
    const probe = spawnSync('python3', ['-c', 'import boto3'], { env });
    if (probe.status !== 0) {
      t.skip('python3 with boto3 is not available here');
      return;
    }
    // Asynchronously: the server answering python lives in this process's event loop.
    return new Promise<void>((resolve, reject) => {
      execFile('python3', ['-c', script, endpoint], { env, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`python3 failed: ${stderr || error.message}`));
        try {
          const out = JSON.parse(stdout);
          assert.deepEqual(out.ok, { arn: 'arn:aws:sagemaker:us-west-2:123456789012:model-package/pkg', created: 1700000000.123 });
          assert.equal(out.token, 'pkg');
          assert.deepEqual(out.wrong, { code: 'InvalidSignatureException', status: 403, message: SIGNATURE_MISMATCH });
          assert.deepEqual(out.unknown, { code: 'UnrecognizedClientException', status: 400, message: 'The security token included in the request is invalid.' });
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
  });
});

describe('SigV4 parse mode over HTTP', () => {
  let app: FastifyInstance;
  let endpoint: string;
  before(async () => {
    app = createHttpServer({ services: [fakeSageMaker()], auth: { ...DEFAULT_AUTH }, logger: false });
    endpoint = await listenLocal(app);
  });
  after(() => app.close());

  test('JS SDK with a 12-digit key: that account, the client region; any secret is fine', async () => {
    const client = sdk(endpoint, '123456789012', 'anything', 'eu-central-1');
    try {
      const out = await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'pkg' }));
      assert.equal(out.ModelPackageArn, 'arn:aws:sagemaker:eu-central-1:123456789012:model-package/pkg');
    } finally {
      client.destroy();
    }
  });

  test('JS SDK with an ordinary key: the default account', async () => {
    const client = sdk(endpoint, 'AKIAIOSFODNN7EXAMPLE', 'anything', 'ap-northeast-1');
    try {
      const out = await client.send(new DescribeModelPackageCommand({ ModelPackageName: 'pkg' }));
      assert.equal(out.ModelPackageArn, 'arn:aws:sagemaker:ap-northeast-1:000000000000:model-package/pkg');
    } finally {
      client.destroy();
    }
  });
});
