/**
 * What the two background syncs (a training job's run, `job-sync.ts`; a pipeline execution's
 * parent run, `pipeline-runs.ts`) share: finding where a resource ARN logs now, the back-off
 * towards a failing server, and a per-key lock so that a background pass and a hook never
 * create the same run twice in this process.
 */
import type { MlflowDeps } from './deps.js';
import { trackingUrl } from './deps.js';
import { findByArn, isServing } from './resources.js';
import { localTarget, remoteTarget, type TrackingTarget } from './targets.js';

/** Where an MLflow resource logs now, or why it cannot now (`transient`) or ever again (`gone`). */
export type Resolved = { target: TrackingTarget; local: boolean } | { transient: string } | { gone: string };

/** A sync gives up on a server this long after the job or execution it follows ended. */
export const GIVE_UP_MS = 24 * 3600 * 1000;

/**
 * The tracking target of a resource ARN in an account and region.
 *
 * @example const r = await resolveTarget(deps, { account_id: '111122223333', region: 'us-east-1', resource_arn: arn }); if ('target' in r) await r.target.experimentId('churn');
 */
export async function resolveTarget(deps: MlflowDeps, where: { account_id: string; region: string; resource_arn: string }): Promise<Resolved> {
  const row = await findByArn(deps.store.db, { accountId: where.account_id, region: where.region }, where.resource_arn, deps.clock.now());
  if (!row || row.status === 'Deleting') return { gone: `the MLflow resource ${where.resource_arn} was deleted` };
  if (row.external_uri) return { target: remoteTarget(row.external_uri), local: false };
  if (!isServing(row)) return { transient: `the MLflow ${row.kind === 'app' ? 'app' : 'tracking server'} ${row.name} is ${row.status}` };
  return { target: localTarget(deps.store, row.id, trackingUrl(deps, row), () => deps.clock.now()), local: true };
}

/** `SAGEBOX_MLFLOW_RETRY_MAX_MS` (default 60000): the longest wait between retries to a failing server. */
function retryMaxMs(): number {
  const n = Number(process.env.SAGEBOX_MLFLOW_RETRY_MAX_MS ?? '');
  return Number.isFinite(n) && n >= 100 ? n : 60_000;
}

/**
 * The wait before the next try after `failures` failed passes: 1 s doubling, capped.
 *
 * @example retryDelayMs(0) === 1000; retryDelayMs(3) === 8000
 */
export function retryDelayMs(failures: number): number {
  return Math.min(retryMaxMs(), 1000 * 2 ** Math.min(6, failures));
}

/** Makes a queued work item due now and wakes the engine (what it follows started or ended). */
export async function nudgeWork(deps: MlflowDeps, kind: string, resourceKey: string): Promise<void> {
  await deps.store.db.updateTable('work_items').set({ run_after: deps.clock.now() })
    .where('kind', '=', kind).where('resource_key', '=', resourceKey).where('state', '=', 'queued').execute();
  deps.engine.notify();
}

const locks = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Runs `fn` alone for `key` among the calls made with the same deps' store in this process.
 *
 * @example await serialized(deps, `job:${jobId}`, () => pass(deps, jobId));
 */
export function serialized<T>(deps: MlflowDeps, key: string, fn: () => Promise<T>): Promise<T> {
  const held = locks.get(deps.store) ?? new Map<string, Promise<unknown>>();
  locks.set(deps.store, held);
  const prev = held.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  held.set(key, next);
  void next.catch(() => undefined).finally(() => {
    if (held.get(key) === next) held.delete(key);
  });
  return next;
}
