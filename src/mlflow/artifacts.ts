/**
 * MLflow's artifact proxy (`mlflow server --serve-artifacts`), backed by sagebox's ObjectStore:
 * `mlflow-artifacts:/<path>` is the object `<ArtifactStoreUri>/<path>`. Runs get
 * `artifact_uri = mlflow-artifacts:/<experiment>/<run>/artifacts`, so MLflow clients upload and
 * download through these routes and the bytes land in the resource's ArtifactStoreUri.
 *
 *   GET    …/api/2.0/mlflow-artifacts/artifacts?path=<dir>   list   {"files":[{path,is_dir,file_size}]}
 *   GET    …/api/2.0/mlflow-artifacts/artifacts/<path>       download
 *   PUT    …/api/2.0/mlflow-artifacts/artifacts/<path>       upload (raw body)   {}
 *   DELETE …/api/2.0/mlflow-artifacts/artifacts/<path>       delete   {}
 *   GET    …/api/2.0/mlflow/artifacts/list?run_id=&path=     {"root_uri","files"}
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ObjectNotFoundError } from '../artifacts/object-store.js';
import { uriJoin } from '../artifacts/s3-uri.js';
import type { MlflowDeps } from './deps.js';
import { parseDoc } from './resources.js';
import { servingResource } from './routes.js';
import { runRow } from './runs.js';
import type { MlflowResourceRow } from './tables.js';
import { doesNotExist, invalidParameter } from './wire.js';

interface FileInfo { path: string; is_dir: boolean; file_size?: number }

function cleanPath(path: string | undefined): string {
  const p = (path ?? '').replace(/^\/+|\/+$/g, '');
  if (p.split('/').some((s) => s === '..' || s === '.')) throw invalidParameter(`Invalid path: '${path}'. Paths must not contain '.' or '..' segments.`);
  return p;
}

function objectUri(row: MlflowResourceRow, path: string): string {
  return path === '' ? parseDoc(row).ArtifactStoreUri.replace(/\/+$/, '') : uriJoin(parseDoc(row).ArtifactStoreUri, path);
}

/** Lists one directory level below `dir` (relative to the artifact root). */
async function listDir(deps: MlflowDeps, row: MlflowResourceRow, dir: string, relativeTo: string): Promise<FileInfo[]> {
  const prefix = `${objectUri(row, dir)}/`;
  const files: FileInfo[] = [];
  let token: string | undefined;
  do {
    const page = await deps.objectStore.list(prefix, { delimiter: '/', ...(token ? { continuationToken: token } : {}) });
    const rel = (uri: string): string => {
      const full = uri.slice(prefix.length).replace(/\/$/, '');
      const base = dir.slice(relativeTo.length).replace(/^\/+/, '');
      return base ? `${base}/${full}` : full;
    };
    for (const p of page.commonPrefixes) files.push({ path: rel(p), is_dir: true });
    for (const o of page.objects) if (o.uri !== prefix) files.push({ path: rel(o.uri), is_dir: false, file_size: o.size });
    token = page.nextToken;
  } while (token);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Adds the artifact routes to the MLflow scope. */
export function artifactRoutes(scope: FastifyInstance, deps: MlflowDeps): void {
  const send = (reply: FastifyReply, body: unknown) => reply.code(200).type('application/json').send(JSON.stringify(body));
  for (const root of ['api', 'ajax-api']) {
    scope.get(`/:id/${root}/2.0/mlflow-artifacts/artifacts`, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { path?: string } }>, reply) => {
      const row = await servingResource(deps, request.params.id);
      const dir = cleanPath(request.query.path);
      const files = await listDir(deps, row, dir, '');
      return send(reply, files.length ? { files: files.map((f) => ({ ...f, path: f.path.split('/').pop()! })) } : {});
    });
    scope.route({
      method: ['GET', 'PUT', 'DELETE'],
      url: `/:id/${root}/2.0/mlflow-artifacts/artifacts/*`,
      handler: async (request: FastifyRequest<{ Params: { id: string; '*': string } }>, reply) => {
        const row = await servingResource(deps, request.params.id);
        const path = cleanPath(decodeURIComponent(request.params['*']));
        if (path === '') throw invalidParameter('An artifact path is required.');
        const uri = objectUri(row, path);
        if (request.method === 'PUT') {
          await deps.objectStore.putBuffer(uri, Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
          return send(reply, {});
        }
        if (request.method === 'DELETE') {
          await deps.objectStore.delete(uri);
          return send(reply, {});
        }
        try {
          const body = await deps.objectStore.getBuffer(uri);
          return reply.code(200).type('application/octet-stream').send(body);
        } catch (error) {
          if (error instanceof ObjectNotFoundError) throw doesNotExist(`Artifact '${path}' does not exist.`);
          throw error;
        }
      },
    });
    scope.get(`/:id/${root}/2.0/mlflow/artifacts/list`, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { run_id?: string; run_uuid?: string; path?: string } }>, reply) => {
      const row = await servingResource(deps, request.params.id);
      const run = await runRow(deps.store.db, row.id, request.query.run_id ?? request.query.run_uuid);
      const runRoot = run.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
      const sub = cleanPath(request.query.path);
      const files = await listDir(deps, row, sub ? `${runRoot}/${sub}` : runRoot, runRoot);
      return send(reply, { root_uri: run.artifact_uri, ...(files.length ? { files } : {}) });
    });
  }
}
