/**
 * Presigned MLflow UI URLs (CreatePresignedMlflowTrackingServerUrl / AppUrl). The URL opens
 * sagebox's overview page of the resource and carries an HMAC token that expires after
 * ExpiresInSeconds (default 300, as the API documents); the page refuses an expired or forged
 * token. The signing key lives in memory, so URLs do not outlive the sagebox process.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { trackingUrl, type MlflowDeps } from './deps.js';
import type { MlflowResourceRow } from './tables.js';

const KEY = randomBytes(32);

function sign(publicId: string, expires: number): string {
  return createHmac('sha256', KEY).update(`${publicId}:${expires}`).digest('base64url');
}

/** A URL for the resource's UI page, valid for `expiresIn` seconds. */
export function presignedUrl(deps: MlflowDeps, row: MlflowResourceRow, expiresIn = 300): string {
  const expires = Math.floor(deps.clock.now() / 1000) + expiresIn;
  return `${trackingUrl(deps, row)}/?expires=${expires}&token=${sign(row.public_id, expires)}`;
}

/** Whether a presigned token is valid for the resource now. */
export function checkPresigned(publicId: string, expires: string | undefined, token: string | undefined, nowMs: number): 'ok' | 'expired' | 'invalid' {
  if (!expires || !token || !/^\d+$/.test(expires)) return 'invalid';
  const want = Buffer.from(sign(publicId, Number(expires)));
  const got = Buffer.from(token);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid';
  return Number(expires) * 1000 < nowMs ? 'expired' : 'ok';
}
