/**
 * `s3://bucket/key` URIs: parsing, formatting and joining. Every ObjectStore driver and the
 * runtime speak these URIs, so SageMaker request fields (`S3OutputPath`, `S3Uri`) pass through
 * unchanged.
 */

/** A parsed `s3://bucket/key` URI. `key` may be empty (the bucket itself) or a prefix. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** A URI that is not `s3://bucket[/key]`. */
export class InvalidS3UriError extends Error {
  override name = 'InvalidS3UriError';
}

// S3's own bucket rules are stricter (3-63 lower-case chars); moto and MinIO accept a little
// more, so sagebox accepts the common superset and leaves the rest to the driver.
const BUCKET = /^[a-z0-9][a-z0-9._-]{0,254}$/i;

/**
 * Parses `s3://bucket/key`.
 *
 * @example
 *   parseS3Uri('s3://my-bucket/out/job-1/output/model.tar.gz')
 *   // { bucket: 'my-bucket', key: 'out/job-1/output/model.tar.gz' }
 * @throws InvalidS3UriError when the scheme or bucket is wrong.
 */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(uri);
  if (!match || !BUCKET.test(match[1]!)) {
    throw new InvalidS3UriError(`not an s3://bucket/key URI: '${uri}'`);
  }
  return { bucket: match[1]!, key: match[2] ?? '' };
}

/** Formats a location back to `s3://bucket/key`. */
export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/**
 * Joins path parts onto an S3 URI with exactly one `/` between them (the way SageMaker builds
 * `<S3OutputPath>/<job>/output/model.tar.gz` whether or not S3OutputPath ends with `/`).
 *
 * @example
 *   uriJoin('s3://b/out/', 'job-1', 'output', 'model.tar.gz') // 's3://b/out/job-1/output/model.tar.gz'
 *   uriJoin('s3://b', 'x')                                     // 's3://b/x'
 */
export function uriJoin(base: string, ...parts: string[]): string {
  let out = base.replace(/\/+$/, '');
  for (const part of parts) {
    const trimmed = part.replace(/^\/+|\/+$/g, '');
    if (trimmed !== '') out += `/${trimmed}`;
  }
  return out;
}
