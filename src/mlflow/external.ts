/**
 * Attaching existing MLflow servers by configuration. `SAGEBOX_MLFLOW_EXTERNAL` maps tracking
 * server / MLflow App names to MLflow tracking URIs, comma-separated:
 *
 *   SAGEBOX_MLFLOW_EXTERNAL='team-server=http://mlflow.internal:5000,*=http://127.0.0.1:5000'
 *
 * A resource created with a listed name (or any name, with `*`) is that external server: its
 * TrackingServerUrl is the URI, and jobs that log to it go through sagebox's REST client
 * (auth from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD).
 */

/** name → URI (`*` for any name). */
export type ExternalServers = Map<string, string>;

/**
 * @example parseExternalServers('a=http://h:5000') // Map { 'a' => 'http://h:5000' }
 * @throws Error naming the bad entry.
 */
export function parseExternalServers(raw: string | undefined): ExternalServers {
  const out: ExternalServers = new Map();
  for (const entry of (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    const uri = eq > 0 ? entry.slice(eq + 1).trim().replace(/\/+$/, '') : '';
    if (!name || !/^https?:\/\/[^/]+/.test(uri)) {
      throw new Error(`SAGEBOX_MLFLOW_EXTERNAL: '${entry}' is not <name>=<http(s) URI> (e.g. my-server=http://127.0.0.1:5000)`);
    }
    out.set(name, uri);
  }
  return out;
}

/** The external URI a resource of this name stands for, if configured. */
export function externalUriFor(servers: ExternalServers, name: string): string | undefined {
  return servers.get(name) ?? servers.get('*');
}
