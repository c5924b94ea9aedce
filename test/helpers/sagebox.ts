import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { startSagebox, type RunningSagebox } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

/** A sagebox started in-process on a free port, with a real SDK client pointed at it. */
export interface TestSagebox {
  box: RunningSagebox;
  url: string;
  dataDir: string;
  client: SageMakerClient;
  /** A client for another account (12-digit access key = account id in parse mode) or region. */
  clientFor(accessKeyId: string, region?: string): SageMakerClient;
  /** Stops the server; keeps the data dir unless `removeData`. */
  close(removeData?: boolean): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'sagebox-test-'));
}

export function sdkClient(url: string, accessKeyId = '123456789012', region = 'us-east-1'): SageMakerClient {
  return new SageMakerClient({
    endpoint: url,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: 'test-secret' },
  });
}

/**
 * @example
 *   const sb = await startTestSagebox();
 *   await sb.client.send(new ListModelPackageGroupsCommand({}));
 *   await sb.close(true);
 */
export async function startTestSagebox(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestSagebox> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = resolveConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, options.env ?? {});
  const box = await startSagebox(config);
  const clients: SageMakerClient[] = [];
  const clientFor = (key: string, region?: string): SageMakerClient => {
    const c = sdkClient(box.url, key, region);
    clients.push(c);
    return c;
  };
  return {
    box,
    url: box.url,
    dataDir,
    client: clientFor('123456789012'),
    clientFor,
    async close(removeData = false) {
      for (const c of clients) c.destroy();
      await box.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn`, expecting an AWS error; returns it (fails the test if none is thrown). */
export async function awsError(fn: () => Promise<unknown>): Promise<{ name: string; message: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected an AWS error, the call succeeded');
}
