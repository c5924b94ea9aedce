/**
 * The HTTP face of sagebox: AWS JSON 1.0/1.1 over `POST /`, dispatched by `X-Amz-Target`.
 *
 * Order of checks on one request (each failure answers in the AWS JSON error shape):
 *   content type → authentication → target → JSON body → validation → handler.
 * The protocol layer knows nothing of what the operations mean; providers know nothing
 * of HTTP.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyBaseLogger } from 'fastify';
import { pino, type Logger } from 'pino';
import { serializeOutput } from './codec.js';
import type { RequestContext } from './context.js';
import type { AwsJsonService } from './service.js';
import { ServiceError } from './service-error.js';
import { Authenticator, type AuthConfig } from './sigv4.js';
import { formatViolations } from './validate.js';

/**
 * @example
 *   const app = createHttpServer({ services: [sagemaker], auth: { ...DEFAULT_AUTH } });
 *   await app.listen({ host: '127.0.0.1', port: 0 });
 */
export interface HttpServerOptions {
  /** AWS JSON services, each answering for its own `X-Amz-Target` prefix. */
  services: AwsJsonService[];
  auth: AuthConfig;
  /** A pino logger to log with; `false` for none; absent: pino at `info` on stdout. */
  logger?: Logger | false;
  /** Largest accepted body in bytes; default 16 MiB. */
  bodyLimit?: number;
}

const AMZ_JSON_1_1 = 'application/x-amz-json-1.1';
const AMZ_JSON_1_0 = 'application/x-amz-json-1.0';
const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/** Codes for Fastify's own client errors (body too large, bad media type, ...). */
const FASTIFY_STATUS_CODES: Record<number, string> = {
  400: 'SerializationException',
  404: 'UnknownOperationException',
  413: 'RequestEntityTooLargeException',
  415: 'UnsupportedMediaTypeException',
};

/** Whether a Content-Type header names AWS JSON 1.0 or 1.1 (parameters such as charset allowed). */
export function isAwsJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === AMZ_JSON_1_1 || type === AMZ_JSON_1_0;
}

/**
 * Builds the Fastify instance serving `POST /` for the given services and `GET /health`.
 * It does not listen; the caller does. Others may add routes (e.g. an MLflow REST root)
 * to the returned instance before it listens.
 *
 * @example
 *   const app = createHttpServer({ services: [sagemaker], auth: DEFAULT_AUTH, logger: false });
 *   await app.listen({ host: '127.0.0.1', port: 8086 });
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const services = new Map<string, AwsJsonService>();
  for (const service of options.services) {
    if (services.has(service.targetPrefix)) throw new Error(`Two services claim the target prefix ${service.targetPrefix}`);
    services.set(service.targetPrefix, service);
  }
  const authenticator = new Authenticator(options.auth);
  const logger = options.logger === undefined ? pino({ level: 'info' }) : options.logger;

  const app = Fastify({
    ...(logger === false ? { logger: false } : { loggerInstance: logger as FastifyBaseLogger }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Logging every request costs throughput; the AWS route logs each call at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });

  // Keep the raw bytes: SigV4 verification hashes the body exactly as sent.
  app.addContentTypeParser([AMZ_JSON_1_1, AMZ_JSON_1_0], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get('/health', async (_request, reply) => {
    reply.header('x-amzn-RequestId', _request.id).type('application/json');
    return '{"status":"ok"}';
  });

  app.post('/', async (request, reply) => {
    const requestId = request.id;
    if (!isAwsJsonContentType(request.headers['content-type'])) return sendError(reply, requestId, unsupportedMediaType(request));

    let ctx: RequestContext;
    try {
      const caller = await authenticator.authenticate({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: rawBody(request),
      });
      ctx = { accountId: caller.accountId, region: caller.region, requestId, accessKeyId: caller.accessKeyId };
    } catch (error) {
      return handleError(request, reply, error);
    }

    const target = request.headers['x-amz-target'];
    const resolved = resolveTarget(services, typeof target === 'string' ? target : undefined);
    if (resolved instanceof ServiceError) return sendError(reply, requestId, resolved);
    const { service, operation } = resolved;

    const input = parseBody(rawBody(request));
    if (input instanceof ServiceError) return sendError(reply, requestId, input);

    let violations: string[];
    try {
      violations = service.validate(operation, input);
    } catch (error) {
      return handleError(request, reply, error); // e.g. SerializationException for a wrongly typed value
    }
    if (violations.length > 0) return sendError(reply, requestId, validationError(violations));

    request.log.debug({ requestId, target, accountId: ctx.accountId, region: ctx.region }, 'aws request');
    let output: unknown;
    try {
      output = await service.handlers[operation]!(input, ctx);
    } catch (error) {
      return handleError(request, reply, error);
    }
    reply.code(200).header('x-amzn-RequestId', requestId).header('content-type', AMZ_JSON_1_1);
    // A Buffer, not a string: Fastify appends `; charset=utf-8` to JSON types for strings,
    // and AWS sends the bare media type.
    return Buffer.from(serializeOutput(output));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new ServiceError('UnknownOperationException', `sagebox has no route for ${request.method} ${request.url}.`, 404);
    return sendError(reply, request.id, error);
  });

  // Errors Fastify raises itself (body too large, unparseable media type) and anything a
  // route added by another module throws.
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (request.method === 'POST' && request.url.split('?', 1)[0] === '/' && status !== 413 &&
      !isAwsJsonContentType(request.headers['content-type'])) {
      return sendError(reply, request.id, unsupportedMediaType(request));
    }
    if (typeof status === 'number' && status >= 400 && status < 500 && !(error instanceof ServiceError)) {
      const code = FASTIFY_STATUS_CODES[status] ?? 'InvalidRequestException';
      return sendError(reply, request.id, new ServiceError(code, (error as Error).message, status));
    }
    return handleError(request, reply, error);
  });

  return app;
}

function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : EMPTY;
}
const EMPTY = Buffer.alloc(0);

/** `SageMaker.DescribeModelPackage` → the service and operation, or the error to answer. */
function resolveTarget(
  services: Map<string, AwsJsonService>,
  target: string | undefined,
): { service: AwsJsonService; operation: string } | ServiceError {
  if (!target) return new ServiceError('UnknownOperationException', 'Missing X-Amz-Target header: expected <ServicePrefix>.<Operation>.');
  const dot = target.indexOf('.');
  const prefix = dot < 0 ? target : target.slice(0, dot);
  const operation = dot < 0 ? '' : target.slice(dot + 1);
  const service = services.get(prefix);
  if (!service) {
    return new ServiceError('UnknownOperationException', `Unknown X-Amz-Target '${target}': sagebox serves no service with prefix '${prefix}'.`);
  }
  if (Object.prototype.hasOwnProperty.call(service.handlers, operation)) return { service, operation };
  if (service.knownOperations.has(operation)) {
    return new ServiceError(
      'UnknownOperationException',
      `${prefix}.${operation} is a real operation, but sagebox does not serve ${prefix}.${operation} yet.`,
    );
  }
  return new ServiceError('UnknownOperationException', `Unknown operation '${operation}' in X-Amz-Target '${target}'.`);
}

/** The JSON body as an object; an empty body is `{}`. */
function parseBody(body: Buffer): Record<string, unknown> | ServiceError {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  let value: unknown;
  try {
    // A `__proto__` member must stay plain data, never a prototype a provider could pick up.
    value = text.includes('"__proto__"') ? JSON.parse(text, dropProtoKey) : JSON.parse(text);
  } catch (error) {
    return new ServiceError('SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return new ServiceError('SerializationException', `The request body must be a JSON object, got ${kind}.`);
  }
  return value as Record<string, unknown>;
}

function dropProtoKey(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/** `1 validation error detected: a` / `2 validation errors detected: a; b` (the service's words). */
export function validationError(violations: string[]): ServiceError {
  return new ServiceError('ValidationException', formatViolations(violations));
}

function unsupportedMediaType(request: FastifyRequest): ServiceError {
  const got = request.headers['content-type'];
  return new ServiceError(
    'UnsupportedMediaTypeException',
    `Unsupported Content-Type ${got === undefined ? '(none)' : `'${got}'`}: expected '${AMZ_JSON_1_1}' (or '${AMZ_JSON_1_0}').`,
    415,
  );
}

/** A ServiceError is the caller's fault and answered as is; anything else is ours: 500, logged. */
function handleError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof ServiceError) return sendError(reply, request.id, error);
  request.log.error({ err: error, requestId: request.id, target: request.headers['x-amz-target'] }, 'internal failure');
  return sendError(
    reply,
    request.id,
    new ServiceError('InternalFailure', `The request processing has failed because of an unknown error (request id ${request.id}).`, 500),
  );
}

function sendError(reply: FastifyReply, requestId: string, error: ServiceError): FastifyReply {
  return reply
    .code(error.status)
    .header('x-amzn-RequestId', requestId)
    .header('x-amzn-ErrorType', error.code)
    .header('content-type', AMZ_JSON_1_1)
    .send(Buffer.from(JSON.stringify({ __type: error.code, message: error.message })));
}
