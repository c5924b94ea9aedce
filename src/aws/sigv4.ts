/**
 * AWS Signature Version 4 on the server side: who is calling (account, region) and,
 * in `verify` mode, whether they hold the secret they claim.
 *
 * Verification re-signs the request with `@smithy/signature-v4` — the same code the
 * JS SDK signs with — using exactly the headers the client listed in `SignedHeaders`,
 * the raw body and the client's `X-Amz-Date`, then compares signatures in constant time.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IncomingHttpHeaders } from 'node:http';
import { ServiceError } from './service-error.js';

/**
 * How strictly the server checks SigV4.
 * - `off`: nothing is checked; account is the default, region the scope's when a header
 *   is present (else the default).
 * - `parse` (default): the credential is read but not verified. Unsigned requests are
 *   accepted with the defaults, so `curl` works. A malformed `Authorization` header is
 *   still rejected.
 * - `verify`: every request must be signed by a configured key pair.
 */
export type AuthMode = 'off' | 'parse' | 'verify';

/** A key pair `verify` mode accepts; `accountId` pins the account the key acts in. */
export interface CredentialConfig {
  accessKeyId: string;
  secretAccessKey: string;
  /** 12-digit account; when absent: the key itself if it is 12 digits, else the default. */
  accountId?: string;
}

/**
 * Authentication settings.
 *
 * @example
 *   const auth: AuthConfig = {
 *     mode: 'verify',
 *     defaultAccountId: '000000000000',
 *     defaultRegion: 'us-east-1',
 *     credentials: [{ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', accountId: '123456789012' }],
 *   };
 */
export interface AuthConfig {
  mode: AuthMode;
  /** Account for callers whose key is neither configured with one nor 12 digits. */
  defaultAccountId: string;
  /** Region for unsigned requests (only `off` and `parse` accept those). */
  defaultRegion: string;
  credentials: CredentialConfig[];
}

/** Defaults: `parse` mode, account `000000000000`, `us-east-1`, no key pairs. */
export const DEFAULT_AUTH: AuthConfig = Object.freeze({
  mode: 'parse',
  defaultAccountId: '000000000000',
  defaultRegion: 'us-east-1',
  credentials: [],
}) as AuthConfig;

/** What authentication established about the caller. */
export interface Caller {
  accountId: string;
  region: string;
  accessKeyId?: string;
}

/** The request as the verifier needs it: raw, as received. */
export interface SignedRequest {
  method: string;
  /** Path plus query string, as on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface ParsedAuthorization {
  accessKeyId: string;
  /** `YYYYMMDD` from the scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const TWELVE_DIGITS = /^\d{12}$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** `400 IncompleteSignatureException`: the Authorization header is not a usable SigV4 header. */
const incomplete = (message: string): ServiceError => new ServiceError('IncompleteSignatureException', message, 400);
/** `403 InvalidSignatureException`. */
const invalidSignature = (message: string): ServiceError => new ServiceError('InvalidSignatureException', message, 403);

/**
 * Parses a SigV4 `Authorization` header; throws `IncompleteSignatureException` naming
 * what is missing when it is not one.
 *
 * @example
 *   parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/sagemaker/aws4_request, ' +
 *     'SignedHeaders=host;x-amz-date, Signature=abc')
 *   // { accessKeyId: 'AKID', scopeDate: '20250101', region: 'us-west-2', service: 'sagemaker', ... }
 */
export function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Authorization header requires the '${ALGORITHM}' algorithm. Authorization=${header}`);
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 'Credential') credential = value;
    else if (name === 'SignedHeaders') signedHeaders = value;
    else if (name === 'Signature') signature = value;
  }
  const missing: string[] = [];
  if (!credential) missing.push("Authorization header requires 'Credential' parameter.");
  if (!signature) missing.push("Authorization header requires 'Signature' parameter.");
  if (!signedHeaders) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (missing.length > 0) throw incomplete(`${missing.join(' ')} Authorization=${header}`);

  // AKID/YYYYMMDD/region/service/aws4_request; an access key never contains '/'.
  const scope = credential!.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !scope[0] || !/^\d{8}$/.test(scope[1]!) || !scope[2] || !scope[3]) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  return {
    accessKeyId: scope[0],
    scopeDate: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: signedHeaders!.split(';'),
    signature: signature!,
  };
}

/**
 * Establishes the caller of one request under the configured mode; throws the AWS
 * authentication errors (`MissingAuthenticationTokenException`, `IncompleteSignatureException`,
 * `UnrecognizedClientException`, `InvalidSignatureException`).
 *
 * @example
 *   const auth = new Authenticator({ ...DEFAULT_AUTH, mode: 'parse' });
 *   await auth.authenticate({ method: 'POST', url: '/', headers, body }) // { accountId, region, accessKeyId }
 */
export class Authenticator {
  private readonly keys: Map<string, CredentialConfig>;
  /** One signer per key pair; each caches its derived signing keys per day/region/service. */
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    readonly config: AuthConfig,
    /** Injectable clock for skew tests. */
    private readonly now: () => number = Date.now,
  ) {
    this.keys = new Map(config.credentials.map((c) => [c.accessKeyId, c]));
  }

  /** Resolves the caller; async only because `verify` re-signs. */
  authenticate(request: SignedRequest): Caller | Promise<Caller> {
    const header = request.headers.authorization;
    const mode = this.config.mode;
    if (mode === 'off') return this.callerFromOptionalHeader(header);
    if (header === undefined || header === '') {
      if (mode === 'parse') return { accountId: this.config.defaultAccountId, region: this.config.defaultRegion };
      throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    }
    const parsed = parseAuthorization(header);
    const caller: Caller = { accountId: this.accountFor(parsed.accessKeyId), region: parsed.region, accessKeyId: parsed.accessKeyId };
    if (mode === 'parse') return caller;
    return this.verify(request, parsed).then(() => caller);
  }

  /** `off` mode: never fails; uses the scope's region when a readable header is there. */
  private callerFromOptionalHeader(header: string | undefined): Caller {
    if (header) {
      try {
        const parsed = parseAuthorization(header);
        return { accountId: this.config.defaultAccountId, region: parsed.region, accessKeyId: parsed.accessKeyId };
      } catch {
        // Deliberately ignored: `off` accepts anything.
      }
    }
    return { accountId: this.config.defaultAccountId, region: this.config.defaultRegion };
  }

  /** Configured account for the key, else the key itself when it is 12 digits, else the default. */
  private accountFor(accessKeyId: string): string {
    const configured = this.keys.get(accessKeyId)?.accountId;
    if (configured) return configured;
    return TWELVE_DIGITS.test(accessKeyId) ? accessKeyId : this.config.defaultAccountId;
  }

  private async verify(request: SignedRequest, auth: ParsedAuthorization): Promise<void> {
    const key = this.keys.get(auth.accessKeyId);
    if (!key) {
      throw new ServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    }
    const amzDate = headerValue(request.headers['x-amz-date']);
    if (!amzDate) {
      throw incomplete(
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${request.headers.authorization}`,
      );
    }
    const signingDate = parseAmzDate(amzDate);
    if (!signingDate) throw incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    if (auth.scopeDate !== amzDate.slice(0, 8)) {
      throw invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
    }
    this.checkSkew(signingDate, amzDate);
    this.checkPayloadHash(request);

    const expected = await this.expectedSignature(request, auth, key, signingDate);
    const given = Buffer.from(auth.signature);
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalidSignature(SIGNATURE_MISMATCH);
  }

  /** AWS allows 15 minutes either way and words each side differently. */
  private checkSkew(signingDate: Date, amzDate: string): void {
    const now = this.now();
    const t = signingDate.getTime();
    if (t < now - MAX_SKEW_MS) {
      throw invalidSignature(
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`,
      );
    }
    if (t > now + MAX_SKEW_MS) {
      throw invalidSignature(
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`,
      );
    }
  }

  /**
   * The signer trusts an `X-Amz-Content-SHA256` header as the payload hash, so a
   * client-supplied one must match the body or the body would go unverified.
   */
  private checkPayloadHash(request: SignedRequest): void {
    const claimed = headerValue(request.headers['x-amz-content-sha256']);
    if (claimed === undefined || claimed === 'UNSIGNED-PAYLOAD') return;
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (claimed !== actual) {
      throw new ServiceError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    }
  }

  private async expectedSignature(
    request: SignedRequest,
    auth: ParsedAuthorization,
    key: CredentialConfig,
    signingDate: Date,
  ): Promise<string> {
    const signed = new Set(auth.signedHeaders);
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = headerValue(request.headers[name]);
      if (value !== undefined) headers[name] = value;
    }
    const q = request.url.indexOf('?');
    const path = q < 0 ? request.url : request.url.slice(0, q);
    const query = q < 0 ? {} : parseQuery(request.url.slice(q + 1));

    // The signer adds these itself; keep them out unless the client signed them.
    const unsignable = new Set(['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'].filter((h) => !signed.has(h)));
    const result = await this.signerFor(key).sign(
      { method: request.method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers, body: request.body },
      { signingDate, signingRegion: auth.region, signingService: auth.service, signableHeaders: signed, unsignableHeaders: unsignable },
    );
    const authorization = String(result.headers.authorization ?? '');
    return authorization.slice(authorization.lastIndexOf('Signature=') + 'Signature='.length);
  }

  private signerFor(key: CredentialConfig): SignatureV4 {
    let signer = this.signers.get(key.accessKeyId);
    if (!signer) {
      signer = new SignatureV4({
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
        region: this.config.defaultRegion,
        service: 'sagemaker',
        sha256: Sha256,
        // Never add x-amz-content-sha256: the canonical request must list only what the client signed.
        applyChecksum: false,
      });
      this.signers.set(key.accessKeyId, signer);
    }
    return signer;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20250101T120000Z` → Date, or undefined when not in that form. */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Epoch ms → `20250101T120000Z`. */
export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[name] = [existing, value];
  }
  return query;
}
