/** Byte counting for progress bars (the CLI's put/get of large files). */
import { Transform } from 'node:stream';

/** Called with the bytes transferred so far. */
export type ProgressCallback = (bytesSoFar: number) => void;

/**
 * A pass-through stream that reports the running byte count, at most every 64 KiB chunk.
 *
 * @example pipeline(createReadStream(file), progressTap((n) => bar.update(n), 0), sink)
 */
export function progressTap(onProgress: ProgressCallback, start = 0): Transform {
  let total = start;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onProgress(total);
      callback(null, chunk);
    },
  });
}
