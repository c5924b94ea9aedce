/**
 * Load generation for benchmarks: the real SDK client, a lean SigV4 client for seeding and
 * for measuring a server without the SDK's client-side cost, and a closed-loop driver that
 * keeps N requests in flight and records latencies.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Sha256 } from '@aws-crypto/sha256-js';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { cpuSeconds, selfCpuSeconds } from './processes.js';

export const ACCOUNT = '123456789012';

export function makeClient(endpoint: string): SageMakerClient {
  return new SageMakerClient({
    endpoint,
    region: 'us-east-1',
    // A 12-digit access key is the account for both sagebox (parse mode) and moto.
    credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'bench-secret-key' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
    }),
  });
}

/**
 * A lean SigV4-signed AWS JSON client (node:http + @smithy/signature-v4), used only to seed
 * the large store: the SDK spends far more CPU per call, CPU the server under test shares.
 * The timed workloads all go through the real SDK.
 */
export class RawSageMaker {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly signer = new SignatureV4({
    credentials: { accessKeyId: ACCOUNT, secretAccessKey: 'bench-secret-key' },
    region: 'us-east-1',
    service: 'sagemaker',
    sha256: Sha256,
  });
  private readonly endpoint: URL;

  constructor(url: string) {
    this.endpoint = new URL(url);
  }

  /** Signs and sends one call; resolves with the parsed JSON body (rejects on non-200). */
  async call(operation: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    return this.send(operation, body, await this.sign(operation, body));
  }

  /**
   * Sends a request signed once and then replayed byte for byte, as a load generator such as
   * `wrk` replays a fixed request: the client costs next to nothing, so what is measured is
   * the server. (Neither server under test rejects a replayed signature: sagebox in `parse`
   * mode does not verify, moto never does; the signature stays within the 15-minute window.)
   */
  async replay(operation: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    const key = `${operation}\n${body}`;
    let headers = this.replayCache.get(key);
    if (!headers) {
      headers = await this.sign(operation, body);
      this.replayCache.set(key, headers);
    }
    return this.send(operation, body, headers);
  }

  private readonly replayCache = new Map<string, Record<string, string>>();

  private async sign(operation: string, body: string): Promise<Record<string, string>> {
    const request = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: this.endpoint.hostname,
      port: Number(this.endpoint.port),
      path: '/',
      headers: {
        host: this.endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `SageMaker.${operation}`,
      },
      body,
    });
    return (await this.signer.sign(request)).headers as Record<string, string>;
  }

  private send(operation: string, body: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { agent: this.agent, host: this.endpoint.hostname, port: this.endpoint.port, method: 'POST', path: '/', headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) {
              reject(new Error(`${operation}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
              return;
            }
            try {
              resolve(JSON.parse(text) as Record<string, unknown>);
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}

export interface Sample {
  count: number;
  errors: number;
  firstError?: string;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  /** CPU used during the run, as a percentage of one core. */
  serverCpu?: number;
  clientCpu: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

/** Runs `op` from `concurrency` loops for `seconds`; latency in ms of each successful call. */
export async function drive(concurrency: number, seconds: number, op: (seq: number) => Promise<unknown>, serverPid?: number): Promise<Sample> {
  let latencies = new Float64Array(1 << 14);
  let count = 0;
  let errors = 0;
  let firstError: string | undefined;
  let seq = 0;
  const serverCpu0 = serverPid === undefined ? undefined : cpuSeconds(serverPid);
  const clientCpu0 = selfCpuSeconds();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const n = seq++;
      const t0 = performance.now();
      try {
        await op(n);
      } catch (error) {
        errors++;
        firstError ??= describeError(error);
        continue;
      }
      const ms = performance.now() - t0;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = ms;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const serverCpu1 = serverPid === undefined ? undefined : cpuSeconds(serverPid);
  const sorted = latencies.subarray(0, count).sort();
  return {
    count,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: elapsed,
    throughput: count / elapsed,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    ...(serverCpu0 !== undefined && serverCpu1 !== undefined ? { serverCpu: ((serverCpu1 - serverCpu0) / elapsed) * 100 } : {}),
    clientCpu: ((selfCpuSeconds() - clientCpu0) / elapsed) * 100,
  };
}

/** `concurrency` loops issue `total` calls of `op` in all (seeding). */
export async function issue(total: number, concurrency: number, op: (seq: number) => Promise<unknown>, onProgress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const n = next++;
      await op(n);
      done++;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

