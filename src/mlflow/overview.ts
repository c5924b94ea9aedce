/**
 * The page a presigned URL opens: sagebox does not bundle MLflow's web UI, so the root of a
 * tracking server shows its experiments and latest runs as a plain HTML table (the console
 * issue draws charts from the same REST API).
 */
import type { MlflowDeps } from './deps.js';
import type { MlflowResourceRow } from './tables.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function overviewPage(deps: MlflowDeps, row: MlflowResourceRow): Promise<string> {
  const db = deps.store.db;
  const experiments = await db.selectFrom('mlflow_experiments').selectAll().where('tracking_id', '=', row.id).where('lifecycle_stage', '=', 'active')
    .orderBy('experiment_id').execute();
  const runs = await db.selectFrom('mlflow_runs').selectAll().where('tracking_id', '=', row.id).where('lifecycle_stage', '=', 'active')
    .orderBy('start_time', 'desc').limit(200).execute();
  const expName = new Map(experiments.map((e) => [Number(e.experiment_id), e.name]));
  const rows = runs.map((r) => `<tr><td>${esc(expName.get(Number(r.experiment_id)) ?? String(r.experiment_id))}</td><td>${esc(r.name)}</td>`
    + `<td><code>${r.run_uuid}</code></td><td>${esc(r.status)}</td><td>${new Date(Number(r.start_time)).toISOString()}</td></tr>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>MLflow: ${esc(row.name)}</title></head><body>
<h1>MLflow ${row.kind === 'app' ? 'App' : 'tracking server'} ${esc(row.name)}</h1>
<p>REST API root: <code>${esc(`${deps.baseUrl()}/mlflow/${row.public_id}`)}</code> (set <code>MLFLOW_TRACKING_URI</code> to it).</p>
<h2>Experiments (${experiments.length})</h2><ul>${experiments.map((e) => `<li>${esc(e.name)} (id ${e.experiment_id})</li>`).join('')}</ul>
<h2>Latest runs</h2><table border="1" cellpadding="4"><tr><th>Experiment</th><th>Run</th><th>Run id</th><th>Status</th><th>Started</th></tr>
${rows}</table></body></html>`;
}
