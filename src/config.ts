/**
 * sagebox's configuration: command-line flags over environment variables over defaults.
 * Every value is checked here, once, so the rest of the code can trust it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ObjectStoreConfig } from './artifacts/index.js';
import type { ImageTableEntry } from './runtime/image-table.js';
import { DEFAULT_AUTH, type AuthConfig, type AuthMode, type CredentialConfig } from './aws/sigv4.js';

/** pino's level names. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Everything `sagebox serve` needs.
 *
 * @example
 *   const config: SageboxConfig = {
 *     host: '127.0.0.1', port: 8086, dataDir: '/home/me/project/.sagebox', logLevel: 'info',
 *     auth: { mode: 'parse', defaultAccountId: '000000000000', defaultRegion: 'us-east-1', credentials: [] },
 *     jobs: { maxConcurrentJobs: 2, stopGraceSeconds: 120, sandbox: 'auto', maxLogEvents: 100000 },
 *     objectStore: { driver: 'file', root: '/home/me/project/.sagebox/objects' },
 *   };
 */
export interface SageboxConfig {
  /** Interface to listen on; default `127.0.0.1` (nothing outside the machine). */
  host: string;
  /** TCP port; default 8086; `0` picks a free one. */
  port: number;
  /** Absolute path of the data directory; default `./.sagebox` in the working directory. */
  dataDir: string;
  auth: AuthConfig;
  logLevel: LogLevel;
  jobs: JobsConfig;
  /** Where `s3://` URIs live: `createObjectStore(config.objectStore)` builds it. */
  objectStore: ObjectStoreConfig;
}

/**
 * How training jobs run.
 *
 * @example { maxConcurrentJobs: 2, stopGraceSeconds: 120, sandbox: 'auto', maxLogEvents: 100000 }
 */
export interface JobsConfig {
  /** `SAGEBOX_MAX_CONCURRENT_JOBS` (1–256, default 2): jobs running at once; the rest wait as Pending. */
  maxConcurrentJobs: number;
  /** `SAGEBOX_STOP_GRACE_SECONDS` (0–3600, default 120): SIGTERM → SIGKILL grace on stop (`docker stop -t`). */
  stopGraceSeconds: number;
  /** `SAGEBOX_SANDBOX` (`auto` default: bubblewrap when usable; `required`; `off`: plain processes). */
  sandbox: 'auto' | 'required' | 'off';
  /** `SAGEBOX_MAX_LOG_EVENTS` (100–10000000, default 100000): log lines kept per job attempt. */
  maxLogEvents: number;
  /**
   * `SAGEBOX_IMAGE_TABLE`: image URI → local command rows consulted before the built-ins (see
   * src/runtime/image-table.ts), as JSON (`[{"match": "regex", "command": ["python3", "/srv/x.py", "{userArgs}"]}]`)
   * or the path of a file holding it. Default: none.
   */
  imageTable: ImageTableEntry[];
}

/** Flags as the CLI hands them over (strings, all optional). */
export interface ConfigFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
  auth?: string;
  logLevel?: string;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8086;
export const DEFAULT_DATA_DIR = '.sagebox';

const AUTH_MODES: readonly AuthMode[] = ['off', 'parse', 'verify'];
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** A configuration value sagebox cannot use; the message says which and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Builds the configuration from flags over the environment.
 *
 * Environment: `SAGEBOX_HOST`, `SAGEBOX_PORT`, `SAGEBOX_DATA_DIR`, `SAGEBOX_AUTH`
 * (`off|parse|verify`), `SAGEBOX_CREDENTIALS` (`AKID:SECRET[:ACCOUNT],...`),
 * `SAGEBOX_ACCOUNT_ID` (default account, 12 digits), `SAGEBOX_REGION`, `SAGEBOX_LOG_LEVEL`, the jobs
 * settings ({@link resolveJobsConfig}) and the object store's ({@link resolveObjectStoreConfig}).
 *
 * @example
 *   resolveConfig({ port: '0' }, { SAGEBOX_AUTH: 'verify', SAGEBOX_CREDENTIALS: 'AKID:secret:123456789012' })
 *   // { host: '127.0.0.1', port: 0, dataDir: '<cwd>/.sagebox', logLevel: 'info',
 *   //   auth: { mode: 'verify', credentials: [{ accessKeyId: 'AKID', ... }], ... } }
 * @throws ConfigError naming the bad value.
 */
export function resolveConfig(
  flags: ConfigFlags = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): SageboxConfig {
  const pick = (flag: string | number | undefined, name: string): string | undefined => {
    if (flag !== undefined) return String(flag);
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  const host = pick(flags.host, 'SAGEBOX_HOST') ?? DEFAULT_HOST;
  const port = parsePort(pick(flags.port, 'SAGEBOX_PORT'));
  const dataDir = path.resolve(cwd, pick(flags.dataDir, 'SAGEBOX_DATA_DIR') ?? DEFAULT_DATA_DIR);
  const logLevel = oneOf(pick(flags.logLevel, 'SAGEBOX_LOG_LEVEL') ?? 'info', LOG_LEVELS, 'log level (--log-level / SAGEBOX_LOG_LEVEL)');

  const mode = oneOf(pick(flags.auth, 'SAGEBOX_AUTH') ?? DEFAULT_AUTH.mode, AUTH_MODES, 'auth mode (--auth / SAGEBOX_AUTH)');
  const defaultAccountId = env.SAGEBOX_ACCOUNT_ID || DEFAULT_AUTH.defaultAccountId;
  if (!ACCOUNT_ID.test(defaultAccountId)) {
    throw new ConfigError(`SAGEBOX_ACCOUNT_ID must be 12 digits, got '${defaultAccountId}'.`);
  }
  const defaultRegion = env.SAGEBOX_REGION || DEFAULT_AUTH.defaultRegion;
  if (!REGION.test(defaultRegion)) {
    throw new ConfigError(`SAGEBOX_REGION must look like an AWS region (e.g. us-east-1), got '${defaultRegion}'.`);
  }
  const credentials = parseCredentials(env.SAGEBOX_CREDENTIALS ?? '');
  if (mode === 'verify' && credentials.length === 0) {
    throw new ConfigError('Auth mode verify needs at least one key pair in SAGEBOX_CREDENTIALS (AKID:SECRET[:ACCOUNT],...).');
  }
  return {
    host, port, dataDir, logLevel,
    auth: { mode, defaultAccountId, defaultRegion, credentials },
    jobs: resolveJobsConfig(env),
    objectStore: resolveObjectStoreConfig(env, dataDir, defaultRegion),
  };
}

const S3_SETTINGS = [
  'SAGEBOX_S3_REGION', 'SAGEBOX_S3_ACCESS_KEY_ID', 'SAGEBOX_S3_SECRET_ACCESS_KEY', 'SAGEBOX_S3_SESSION_TOKEN', 'SAGEBOX_S3_FORCE_PATH_STYLE',
] as const;

/**
 * The `objectStore` section: the file driver under `<dataDir>/objects` unless S3 is configured.
 *
 * - `SAGEBOX_S3_ENDPOINT` (`http(s)://host[:port]`, e.g. MinIO or moto): the s3 driver against it,
 *   path-style addressing by default.
 * - `SAGEBOX_S3=aws`: the s3 driver against AWS's own endpoints, virtual-hosted addressing by
 *   default. `SAGEBOX_S3=off` forces the file driver. Either one with an endpoint is a contradiction.
 * - `SAGEBOX_S3_REGION` (default: `SAGEBOX_REGION`), `SAGEBOX_S3_ACCESS_KEY_ID` +
 *   `SAGEBOX_S3_SECRET_ACCESS_KEY` (+ `SAGEBOX_S3_SESSION_TOKEN`); without keys the AWS SDK's
 *   default chain (`AWS_ACCESS_KEY_ID`..., `AWS_PROFILE`, instance role). `SAGEBOX_S3_FORCE_PATH_STYLE`
 *   (`true`/`false`).
 *
 * @example
 *   resolveObjectStoreConfig({ SAGEBOX_S3_ENDPOINT: 'http://127.0.0.1:9000' }, '/p/.sagebox', 'us-east-1')
 *   // { driver: 's3', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', forcePathStyle: true }
 * @throws ConfigError naming the bad value (never echoing a secret).
 */
export function resolveObjectStoreConfig(env: NodeJS.ProcessEnv, dataDir: string, defaultRegion: string): ObjectStoreConfig {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const mode = get('SAGEBOX_S3');
  if (mode !== undefined) oneOf(mode, ['off', 'aws'] as const, 'S3 mode (SAGEBOX_S3)');
  const rawEndpoint = get('SAGEBOX_S3_ENDPOINT');
  if (rawEndpoint !== undefined && mode !== undefined) {
    throw new ConfigError(
      `SAGEBOX_S3=${mode} contradicts SAGEBOX_S3_ENDPOINT: set SAGEBOX_S3_ENDPOINT alone for an S3-compatible endpoint, or SAGEBOX_S3=aws alone for AWS.`,
    );
  }
  if (rawEndpoint === undefined && mode !== 'aws') {
    const stray = S3_SETTINGS.find((name) => get(name) !== undefined);
    if (stray) {
      throw new ConfigError(
        `${stray} is set but the object store is the local file driver: set SAGEBOX_S3_ENDPOINT (MinIO, moto...) or SAGEBOX_S3=aws to use S3.`,
      );
    }
    return { driver: 'file', root: path.join(dataDir, 'objects') };
  }

  const endpoint = rawEndpoint === undefined ? undefined : parseEndpoint(rawEndpoint);
  const region = get('SAGEBOX_S3_REGION') ?? defaultRegion;
  if (!REGION.test(region)) {
    throw new ConfigError(`SAGEBOX_S3_REGION must look like an AWS region (e.g. us-east-1), got '${region}'.`);
  }
  const accessKeyId = get('SAGEBOX_S3_ACCESS_KEY_ID');
  const secretAccessKey = get('SAGEBOX_S3_SECRET_ACCESS_KEY');
  const sessionToken = get('SAGEBOX_S3_SESSION_TOKEN');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError('SAGEBOX_S3_ACCESS_KEY_ID and SAGEBOX_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS SDK default credential chain.');
  }
  if (sessionToken !== undefined && accessKeyId === undefined) {
    throw new ConfigError('SAGEBOX_S3_SESSION_TOKEN needs SAGEBOX_S3_ACCESS_KEY_ID and SAGEBOX_S3_SECRET_ACCESS_KEY.');
  }
  const pathStyle = get('SAGEBOX_S3_FORCE_PATH_STYLE');
  let forcePathStyle = endpoint !== undefined;
  if (pathStyle !== undefined) {
    const flag = pathStyle.toLowerCase();
    if (!['true', 'false', '1', '0'].includes(flag)) {
      throw new ConfigError(`SAGEBOX_S3_FORCE_PATH_STYLE must be true or false, got '${pathStyle}'.`);
    }
    forcePathStyle = flag === 'true' || flag === '1';
  }
  return {
    driver: 's3',
    ...(endpoint === undefined ? {} : { endpoint }),
    region,
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) } }
      : {}),
    forcePathStyle,
  };
}

/** `http(s)://host[:port][/path]` without credentials, query or fragment; the trailing `/` dropped. */
function parseEndpoint(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new ConfigError(`SAGEBOX_S3_ENDPOINT must be an http:// or https:// URL (e.g. http://127.0.0.1:9000), got '${value}'.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('SAGEBOX_S3_ENDPOINT must not carry credentials: use SAGEBOX_S3_ACCESS_KEY_ID and SAGEBOX_S3_SECRET_ACCESS_KEY.');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`SAGEBOX_S3_ENDPOINT must not have a query or fragment, got '${value}'.`);
  }
  return url.href.replace(/\/+$/, '');
}

/** The `jobs` section from `SAGEBOX_MAX_CONCURRENT_JOBS`, `SAGEBOX_STOP_GRACE_SECONDS`, `SAGEBOX_SANDBOX`, `SAGEBOX_MAX_LOG_EVENTS`. */
export function resolveJobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'.`);
    }
    return value;
  };
  return {
    maxConcurrentJobs: int('SAGEBOX_MAX_CONCURRENT_JOBS', 2, 1, 256),
    stopGraceSeconds: int('SAGEBOX_STOP_GRACE_SECONDS', 120, 0, 3600),
    sandbox: oneOf(env.SAGEBOX_SANDBOX || 'auto', ['auto', 'required', 'off'] as const, 'sandbox mode (SAGEBOX_SANDBOX)'),
    maxLogEvents: int('SAGEBOX_MAX_LOG_EVENTS', 100_000, 100, 10_000_000),
    imageTable: parseImageTable(env.SAGEBOX_IMAGE_TABLE ?? ''),
  };
}

/** `SAGEBOX_IMAGE_TABLE`: inline JSON (starts with `[` or `{`) or a file path; every row checked here, so a bad one stops start-up. */
function parseImageTable(raw: string): ImageTableEntry[] {
  const text = raw.trim();
  if (text === '') return [];
  let json: string;
  try {
    json = text.startsWith('[') || text.startsWith('{') ? text : readFileSync(text, 'utf8');
  } catch (error) {
    throw new ConfigError(`SAGEBOX_IMAGE_TABLE: cannot read ${text}: ${(error as Error).message}`);
  }
  let rows: unknown;
  try {
    rows = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`SAGEBOX_IMAGE_TABLE is not valid JSON: ${(error as Error).message}`);
  }
  const shape = 'an array of {"match": "<regular expression>", "command": ["<program>", "<arg or {entryPoint}|{program}|{userArgs}|{args}>", ...]}';
  if (!Array.isArray(rows)) throw new ConfigError(`SAGEBOX_IMAGE_TABLE must be ${shape}.`);
  return rows.map((row: unknown, i) => {
    const r = row as { match?: unknown; command?: unknown };
    if (typeof r?.match !== 'string' || !Array.isArray(r.command) || r.command.length === 0 || !r.command.every((c) => typeof c === 'string')) {
      throw new ConfigError(`SAGEBOX_IMAGE_TABLE row ${i + 1} is not ${shape.slice(shape.indexOf('{'))}.`);
    }
    try {
      new RegExp(r.match);
    } catch (error) {
      throw new ConfigError(`SAGEBOX_IMAGE_TABLE row ${i + 1}: '${r.match}' is not a valid regular expression: ${(error as Error).message}`);
    }
    return { match: r.match, command: r.command as string[] };
  });
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`Port (--port / SAGEBOX_PORT) must be an integer from 0 to 65535 (0 picks a free port), got '${value}'.`);
  }
  return port;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`Unknown ${what} '${value}': use one of ${allowed.join(', ')}.`);
}

/**
 * `AKID:SECRET[:ACCOUNT],...` → key pairs. Secrets are base64-like and never contain `:` or `,`.
 *
 * @example
 *   parseCredentials('AKID1:s1,AKID2:s2:123456789012')
 */
export function parseCredentials(spec: string): CredentialConfig[] {
  const credentials: CredentialConfig[] = [];
  const seen = new Set<string>();
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const parts = entry.split(':');
    const [accessKeyId, secretAccessKey, accountId] = parts;
    if (parts.length < 2 || parts.length > 3 || !accessKeyId || !secretAccessKey) {
      throw new ConfigError(`SAGEBOX_CREDENTIALS entry '${redact(entry)}' is not AKID:SECRET[:ACCOUNT].`);
    }
    if (accountId !== undefined && !ACCOUNT_ID.test(accountId)) {
      throw new ConfigError(`SAGEBOX_CREDENTIALS entry for ${accessKeyId}: account must be 12 digits, got '${accountId}'.`);
    }
    if (seen.has(accessKeyId)) throw new ConfigError(`SAGEBOX_CREDENTIALS lists access key ${accessKeyId} twice.`);
    seen.add(accessKeyId);
    credentials.push(accountId === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, accountId });
  }
  return credentials;
}

/** Keeps secrets out of error messages: shows the key id only. */
function redact(entry: string): string {
  const [id] = entry.split(':');
  return entry.includes(':') ? `${id}:***` : entry;
}
