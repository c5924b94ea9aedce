/**
 * moto's S3 server (a real S3 API on loopback) for tests of the s3 ObjectStore driver.
 * `motoMissing` is the reason to skip when `python3 -m moto.server` is not importable.
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

/** Why moto tests are skipped, or false when moto is available. */
export const motoMissing: string | false =
  spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0
    ? false
    : 'moto is not installed for the first python3 on PATH (pip install "moto[server]")';

/** Credentials moto accepts (any will do). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** A running moto server. */
export interface Moto {
  endpoint: string;
  /** A path-style client for it. */
  client: S3Client;
  /** Kills the server (its whole process group). */
  stop(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts `python3 -m moto.server` on a free port and waits until it answers.
 *
 * @example
 *   const moto = await startMoto();
 *   t.after(() => moto.stop());
 *   await moto.client.send(new CreateBucketCommand({ Bucket: 'b' }));
 */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: MOTO_CREDENTIALS });
  const stop = (): void => {
    client.destroy();
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(endpoint);
      return { endpoint, client, stop };
    } catch {
      if (exited || Date.now() > deadline) {
        stop();
        throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms${exited ? ' (it exited)' : ''}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
