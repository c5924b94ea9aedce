/**
 * FailureReason from the job's failure file (SAGEMAKER-SEMANTICS §2.4): the first 1024
 * characters of /opt/ml/output/failure, read without loading a huge file.
 */
import fs from 'node:fs/promises';

/** DescribeTrainingJob's FailureReason limit. */
export const FAILURE_REASON_MAX = 1024;

/**
 * @example
 *   await readFailureReason(paths.failureFile) // 'ClientError: bad input' or undefined
 * @returns undefined when the file is absent or empty.
 */
export async function readFailureReason(failureFile: string): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(failureFile, 'r');
  } catch {
    return undefined;
  }
  try {
    // 4 bytes per character at most in UTF-8.
    const buffer = Buffer.alloc(FAILURE_REASON_MAX * 4);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = [...buffer.subarray(0, bytesRead).toString('utf8').replace(/\uFFFD$/, '')].slice(0, FAILURE_REASON_MAX).join('');
    return text.trim() === '' ? undefined : text;
  } finally {
    await handle.close();
  }
}
