/**
 * Follows a tuning job's running trials: reads each training job's objective series (the
 * `training_metrics` rows of its latest attempt), applies the early-stopping rule
 * (TrainingJobEarlyStoppingType Auto: the median rule; Hyperband: its rungs) and records each
 * trial's end with its final objective.
 *
 * The objective of a trial is the last value of its objective metric series, or, failing that,
 * the metric in its FinalMetricDataList. An early-stopped job keeps its last value as its
 * objective (ObjectiveStatus Succeeded; it ends Stopped, so it is never the BestTrainingJob).
 */
import type { Kysely } from 'kysely';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { Database } from '../../store/schema.js';
import { hyperbandPlan, hyperbandStops, medianRuleStops } from '../../tuner/index.js';
import { TERMINAL } from '../training/job-store.js';
import { jobContext } from './children.js';
import { hyperbandResources, type ResolvedDefinition } from './definitions.js';
import type { TuningDeps } from './deps.js';
import type { TrialRow, TuningJobRow } from './tables.js';

/** Per-driver memory: curves of trials that ended Completed or Stopped (they never change) and what the rules already checked. */
export interface SyncCache {
  endedCurves: Map<number, number[]>;
  /** Trial id → epochs the stopping rule has looked at. */
  checked: Map<number, number>;
}

/** The objective series of a training job (latest attempt), as reported. */
export async function objectiveSeries(db: Kysely<Database>, jobId: number, metric: string): Promise<number[]> {
  const rows = await db.selectFrom('training_metrics').select(['attempt', 'step', 'value'])
    .where('job_id', '=', jobId).where('name', '=', metric).orderBy('attempt').orderBy('step').execute();
  const last = rows.at(-1)?.attempt;
  return rows.filter((r) => r.attempt === last).map((r) => r.value);
}

/**
 * Syncs every running trial; returns true when anything changed.
 *
 * @example
 *   await syncTrials(deps, job, await loadTrials(db, job.id), defs, config, cache);
 */
export async function syncTrials(
  deps: TuningDeps, job: TuningJobRow, trials: TrialRow[], defs: ResolvedDefinition[], config: T.HyperParameterTuningJobConfig, cache: SyncCache,
): Promise<boolean> {
  const db = deps.store.db;
  const objective = defs[0]!.objective!;
  const orient = (v: number): number => (objective.Type === 'Minimize' ? v : -v);
  const live = new Map<number, number[]>();
  let changed = false;
  for (const t of trials) {
    if (t.state !== 'running' || t.training_job_id === null) continue;
    const tj = await db.selectFrom('training_jobs').select(['status', 'state', 'failure_reason', 'training_end_time'])
      .where('id', '=', t.training_job_id).executeTakeFirst();
    const series = await objectiveSeries(db, t.training_job_id, objective.MetricName);
    if (!tj || TERMINAL.has(tj.status)) {
      let value = series.at(-1);
      if (value === undefined && tj) {
        const final = (JSON.parse(tj.state) as { finalMetrics?: { MetricName: string; Value: number }[] }).finalMetrics ?? [];
        value = final.find((m) => m.MetricName === objective.MetricName)?.Value;
      }
      const status = tj?.status ?? 'Failed';
      const state = status === 'Completed' ? 'completed' : status === 'Stopped' ? 'stopped' : 'failed';
      const ok = state !== 'failed' && value !== undefined && Number.isFinite(value);
      await db.updateTable('tuning_trials').set({
        state, objective: ok ? value! : null, objective_status: ok ? 'Succeeded' : 'Failed',
        // Internal errors (a sagebox fault mid-run) are retryable; the job's own failures are not.
        retryable: state === 'failed' && (tj?.failure_reason ?? '').startsWith('InternalServerError') ? 1 : 0,
        end_time: tj?.training_end_time ?? deps.clock.now(),
      }).where('id', '=', t.id).where('state', '=', 'running').execute();
      if (state !== 'failed') cache.endedCurves.set(t.id, series.map(orient));
      changed = true;
      continue;
    }
    live.set(t.id, series.map(orient));
  }
  if (job.status !== 'InProgress') return changed;
  const early = config.TrainingJobEarlyStoppingType ?? 'Off';
  if (early === 'Off' && config.Strategy !== 'Hyperband') return changed;
  for (const t of trials) {
    const curve = live.get(t.id);
    if (!curve || curve.length === 0) continue;
    const from = cache.checked.get(t.id) ?? 0;
    if (curve.length <= from) continue;
    // What the rule compares against does not change from one epoch to the next: built once per trial.
    let stopsAt: (prefix: number[]) => boolean;
    if (config.Strategy === 'Hyperband') {
      const def = defs.find((d) => (d.name ?? null) === t.definition_name) ?? defs[0]!;
      const { min, max } = hyperbandResources(config, def.def);
      const plan = hyperbandPlan(min, max!);
      const others = trials.filter((o) => o.id !== t.id && o.bracket === t.bracket)
        .map((o) => ({ bracket: o.bracket ?? 0, curve: cache.endedCurves.get(o.id) ?? live.get(o.id) ?? [] }));
      stopsAt = (prefix) => hyperbandStops(plan, { bracket: t.bracket ?? 0, curve: prefix }, others);
    } else {
      // Earlier jobs: those that ended Completed or Stopped (early-stopped included).
      const earlier = [...cache.endedCurves.entries()].filter(([id]) => id !== t.id).map(([, c]) => c);
      stopsAt = (prefix) => medianRuleStops(prefix, earlier);
    }
    let stop = false;
    for (let e = from + 1; e <= curve.length && !stop; e++) stop = stopsAt(curve.slice(0, e));
    cache.checked.set(t.id, curve.length);
    if (stop) {
      await db.updateTable('tuning_trials').set({ early_stopped: 1 }).where('id', '=', t.id).execute();
      try {
        await deps.invoke('StopTrainingJob', { TrainingJobName: t.training_job_name }, jobContext(job));
      } catch {
        // it ended meanwhile: the next sync records how
      }
      changed = true;
    }
  }
  return changed;
}

/** Curves of trials that ended before this driver started (after a restart), for the stopping rules. */
export async function loadEndedCurves(deps: TuningDeps, trials: TrialRow[], metric: string, type: T.HyperParameterTuningJobObjectiveType, cache: SyncCache): Promise<void> {
  for (const t of trials) {
    if (cache.endedCurves.has(t.id) || t.training_job_id === null || (t.state !== 'completed' && t.state !== 'stopped')) continue;
    const series = await objectiveSeries(deps.store.db, t.training_job_id, metric);
    cache.endedCurves.set(t.id, series.map((v) => (type === 'Minimize' ? v : -v)));
  }
}
