/**
 * The HTTP side of the embedded MLflow servers: every tracking server / app is served at
 * `<sagebox>/mlflow/<id>` (its TrackingServerUrl), with MLflow's paths below it:
 * `/api/2.0/mlflow/…` and `/ajax-api/2.0/mlflow/…` (rest-api.ts), the artifact proxy
 * `/api/2.0/mlflow-artifacts/artifacts/…` (artifacts.ts), `/health`, and an overview page at
 * the root for presigned URLs. Errors are MLflow's `{"error_code","message"}` with its HTTP
 * statuses; sagebox's AWS error handler never sees these routes (own Fastify scope).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { artifactRoutes } from './artifacts.js';
import type { MlflowDeps } from './deps.js';
import { checkPresigned } from './presign.js';
import { overviewPage } from './overview.js';
import { trackingEndpoints, type EndpointContext, type Params } from './rest-api.js';
import { findByPublicId, isServing } from './resources.js';
import type { MlflowResourceRow } from './tables.js';
import { MlflowError, invalidParameter } from './wire.js';

/** Builds the per-request context of a namespace (e.g. the auto-registration hook). */
export type ContextFor = (row: MlflowResourceRow) => Partial<EndpointContext>;

/** Sends an MLflow error. */
export function sendMlflowError(reply: FastifyReply, error: MlflowError): FastifyReply {
  return reply.code(error.httpStatus).type('application/json').send(JSON.stringify(error.toJSON()));
}

/** The resource of a request's `:id`, serving now; otherwise the error to answer. */
export async function servingResource(deps: MlflowDeps, publicId: string): Promise<MlflowResourceRow> {
  const row = await findByPublicId(deps.store.db, publicId, deps.clock.now());
  if (!row) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No MLflow tracking server or app is served at /mlflow/${publicId}.`, 404);
  if (row.external_uri) {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `${row.name} is an external MLflow server at ${row.external_uri}; sagebox does not serve it.`, 404);
  }
  if (!isServing(row)) {
    throw new MlflowError('TEMPORARILY_UNAVAILABLE', `The MLflow ${row.kind === 'app' ? 'app' : 'tracking server'} ${row.name} is not available: its status is ${row.status}.`, 503);
  }
  return row;
}

/** POST bodies must be JSON (MLflow's `_validate_content_type`); unknown fields are ignored. */
function bodyParams(request: FastifyRequest): Params {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new MlflowError('MALFORMED_REQUEST', `Failed to parse request body as JSON: ${(error as Error).message}`, 400);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new MlflowError('MALFORMED_REQUEST', 'Request body must be a JSON object.', 400);
  return parsed as Params;
}

/**
 * Registers the routes in their own scope.
 *
 * @example mlflowRoutes(app, deps, (row) => ({ onModelVersion: autoRegister(deps, row) }));
 */
export function mlflowRoutes(app: FastifyInstance, deps: MlflowDeps, contextFor: ContextFor): void {
  const endpoints = trackingEndpoints();
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((error, _request, reply) => {
      if (error instanceof MlflowError) return sendMlflowError(reply, error);
      const status = (error as { statusCode?: number }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) return sendMlflowError(reply, new MlflowError('BAD_REQUEST', (error as Error).message, status));
      deps.logger.error({ err: error }, 'mlflow request failed');
      return sendMlflowError(reply, new MlflowError('INTERNAL_ERROR', `Internal error: ${(error as Error).message}`));
    });
    scope.setNotFoundHandler((request, reply) =>
      sendMlflowError(reply, new MlflowError('ENDPOINT_NOT_FOUND', `No MLflow endpoint ${request.method} ${request.url.split('?')[0]}.`, 404)));

    const api = async (request: FastifyRequest<{ Params: { id: string; '*': string } }>, reply: FastifyReply): Promise<unknown> => {
      const row = await servingResource(deps, request.params.id);
      const path = request.params['*'].replace(/\/+$/, '');
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      const endpoint = endpoints[`${method} ${path}`] ?? (method === 'GET' || method === 'POST' ? endpoints[`${method === 'GET' ? 'POST' : 'GET'} ${path}`] : undefined);
      if (!endpoint) {
        const exists = Object.keys(endpoints).some((k) => k.endsWith(` ${path}`));
        throw new MlflowError('ENDPOINT_NOT_FOUND', exists ? `Method ${request.method} is not allowed for /api/2.0/mlflow/${path}.` : `No MLflow endpoint /api/2.0/mlflow/${path}.`, exists ? 405 : 404);
      }
      const params = method === 'GET' || (method === 'DELETE' && !request.body) ? (request.query as Params) : bodyParams(request);
      const ctx: EndpointContext = { store: deps.store, trackingId: row.id, now: deps.clock.now(), ...contextFor(row) };
      const out = await endpoint(ctx, params);
      return reply.code(200).type('application/json').send(JSON.stringify(out ?? {}));
    };
    for (const root of ['api', 'ajax-api']) {
      scope.route({ method: ['GET', 'POST', 'DELETE', 'PATCH', 'HEAD'], url: `/:id/${root}/2.0/mlflow/*`, handler: api });
    }
    artifactRoutes(scope, deps);

    scope.get('/:id/health', async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      await servingResource(deps, request.params.id);
      return reply.type('text/plain').send('OK');
    });
    const overview = async (request: FastifyRequest<{ Params: { id: string }; Querystring: { expires?: string; token?: string } }>, reply: FastifyReply) => {
      const row = await servingResource(deps, request.params.id);
      const check = checkPresigned(row.public_id, request.query.expires, request.query.token, deps.clock.now());
      if (check !== 'ok') {
        return reply.code(403).type('text/plain').send(check === 'expired'
          ? 'This presigned URL has expired: create a new one (CreatePresignedMlflowTrackingServerUrl / CreatePresignedMlflowAppUrl).'
          : 'Open this page through a presigned URL (CreatePresignedMlflowTrackingServerUrl / CreatePresignedMlflowAppUrl).');
      }
      return reply.type('text/html; charset=utf-8').send(await overviewPage(deps, row));
    };
    scope.get('/:id', overview);
    scope.get('/:id/', overview);
  }, { prefix: '/mlflow' });
}
