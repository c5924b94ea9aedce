/**
 * A minimal signed AWS JSON-1.1 call for the CLI's own commands (`sagebox logs`): SigV4 with
 * the caller's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (so a 12-digit key selects its account,
 * as with any SDK), unsigned when none is set.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Who calls, and where. */
export interface AwsCallOptions {
  url: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** An error answered by the server: `__type` and message. */
export class AwsCallError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

/**
 * Calls `<target>` (e.g. `Logs_20140328.GetLogEvents`) and returns the parsed JSON answer.
 *
 * @example
 *   await awsJsonCall({ url: 'http://127.0.0.1:8086', region: 'us-east-1' }, 'logs', 'Logs_20140328.DescribeLogStreams', { logGroupName: '/aws/sagemaker/TrainingJobs' })
 * @throws AwsCallError for an AWS error answer.
 */
export async function awsJsonCall<T = Record<string, unknown>>(options: AwsCallOptions, service: string, target: string, body: unknown): Promise<T> {
  const url = new URL(options.url);
  const payload = JSON.stringify(body ?? {});
  let headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': target,
    host: url.host,
  };
  if (options.credentials) {
    const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service, sha256: Sha256 });
    const request = new HttpRequest({ method: 'POST', protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: '/', headers, body: payload });
    headers = (await signer.sign(request)).headers as Record<string, string>;
  }
  const { host: _host, ...send } = headers;
  const response = await fetch(new URL('/', url), { method: 'POST', headers: send, body: payload });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) throw new AwsCallError(String(json.__type ?? response.status), String(json.message ?? text), response.status);
  return json as T;
}

/** Credentials and region from the usual AWS environment variables. */
export function awsEnv(env: NodeJS.ProcessEnv = process.env): Pick<AwsCallOptions, 'region' | 'credentials'> {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return { region };
  return {
    region,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  };
}
