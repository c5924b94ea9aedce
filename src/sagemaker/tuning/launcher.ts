/**
 * Launches new trials while the tuning job has room (MaxParallelTrainingJobs running,
 * MaxNumberOfTrainingJobs in all): asks the tuner for the next configuration of a definition,
 * records the trial, then creates its training job.
 *
 * Choices where the docs are silent: with several training job definitions the trials go to
 * the definitions in turn (Grid: one definition's grid after the other), and each definition
 * has its own search (its own ranges, its own GP); a trial that failed with a retryable
 * (internal) error is launched again with the same values as a new training job, and does not
 * count toward MaxNumberOfTrainingJobs.
 */
import { createHash } from 'node:crypto';
import type * as T from '../../aws/generated/sagemaker/types.js';
import {
  bracketOf, configFromStrings, configToStrings, hyperbandPlan, SearchSpace, suggestNext, type Config, type History, type StrategyName,
} from '../../tuner/index.js';
import { childJobName } from './arns.js';
import { launchTrial } from './children.js';
import { hyperbandResources, type ResolvedDefinition } from './definitions.js';
import type { TuningDeps } from './deps.js';
import { updateTuningJob, type TuningState } from './store.js';
import type { TrialRow, TuningJobRow } from './tables.js';

/** What a driver remembers between launches (GP hyperparameters, as a warm start). */
export interface LaunchMemory {
  theta: Map<number, Float64Array>;
}

/** The RandomSeed, or one derived from the job (so a restart suggests the same). */
export function jobSeed(job: TuningJobRow, config: T.HyperParameterTuningJobConfig): number {
  if (config.RandomSeed !== undefined) return config.RandomSeed;
  return createHash('sha256').update(`${job.arn}\n${job.creation_time}`).digest().readUInt32BE(0);
}

/** How many trials the job may launch in all (Grid: every combination). */
export function maxTrainingJobs(config: T.HyperParameterTuningJobConfig, defs: ResolvedDefinition[]): number {
  if (config.ResourceLimits.MaxNumberOfTrainingJobs !== undefined) return config.ResourceLimits.MaxNumberOfTrainingJobs;
  return defs.reduce((n, d) => n + new SearchSpace(d.params).size(), 0);
}

/** Trials that count toward MaxNumberOfTrainingJobs (not the retryable failures). */
export function countedTrials(trials: TrialRow[]): number {
  return trials.filter((t) => !(t.state === 'failed' && t.retryable === 1)).length;
}

function inRange(def: ResolvedDefinition, config: Config): boolean {
  return def.params.every((p) => {
    const v = config[p.name];
    if (v === undefined) return false;
    if (p.type === 'Categorical') return p.values.includes(String(v));
    return typeof v === 'number' && Number.isFinite(v) && v >= p.min && v <= p.max && (p.type !== 'Integer' || Number.isInteger(v));
  });
}

/** The definition's history, oriented for minimisation; warm-start parents' trials included. */
function historyOf(def: ResolvedDefinition, trials: TrialRow[], state: TuningState, type: T.HyperParameterTuningJobObjectiveType): History {
  const orient = (v: number): number => (type === 'Minimize' ? v : -v);
  const mine = trials.filter((t) => (t.definition_name ?? null) === (def.name ?? null));
  const config = (t: TrialRow): Config => configFromStrings(def.params, JSON.parse(t.tuned) as Record<string, string>);
  const completed = mine.filter((t) => t.objective !== null && (t.state === 'completed' || t.state === 'stopped'))
    .map((t) => ({ config: config(t), value: orient(t.objective!) }));
  for (const o of state.warmStart?.observations ?? []) {
    const c = configFromStrings(def.params, o.values);
    if (inRange(def, c)) completed.push({ config: c, value: orient(o.objective) });
  }
  return {
    completed,
    pending: mine.filter((t) => t.state === 'creating' || t.state === 'running').map(config),
    failed: mine.filter((t) => t.state === 'failed' || (t.state !== 'creating' && t.state !== 'running' && t.objective === null)).map(config),
  };
}

/**
 * Launches as many trials as fit; returns true when the search space is exhausted (nothing
 * new can be suggested).
 *
 * @example
 *   const exhausted = await launchMore(deps, job, trials, defs, config, state, tags, memory);
 */
export async function launchMore(
  deps: TuningDeps, job: TuningJobRow, trials: TrialRow[], defs: ResolvedDefinition[], config: T.HyperParameterTuningJobConfig,
  state: TuningState, tags: T.Tag[], memory: LaunchMemory,
): Promise<boolean> {
  const db = deps.store.db;
  const parallel = config.ResourceLimits.MaxParallelTrainingJobs;
  const max = maxTrainingJobs(config, defs);
  const seed = jobSeed(job, config);
  const type = defs[0]!.objective!.Type;
  const retried = new Set(state.retried ?? []);
  for (;;) {
    const active = trials.filter((t) => t.state === 'creating' || t.state === 'running').length;
    if (active >= parallel) return false;
    const retry = trials.find((t) => t.state === 'failed' && t.retryable === 1 && !retried.has(t.id));
    if (!retry && countedTrials(trials) >= max) return false;
    const seq = trials.reduce((m, t) => Math.max(m, t.seq), 0) + 1;
    let def: ResolvedDefinition | undefined;
    let tuned: Record<string, string> | undefined;
    let bracket: number | null = null;
    if (retry) {
      def = defs.find((d) => (d.name ?? null) === retry.definition_name) ?? defs[0]!;
      tuned = JSON.parse(retry.tuned) as Record<string, string>;
      bracket = retry.bracket;
      retried.add(retry.id);
      await updateTuningJob(db, job.id, { patch: (s) => void (s.retried = [...retried]) }, deps.clock.now());
    } else {
      const order = config.Strategy === 'Grid' ? defs : [...defs.slice((seq - 1) % defs.length), ...defs.slice(0, (seq - 1) % defs.length)];
      for (const d of order) {
        const space = new SearchSpace(d.params);
        const s = suggestNext(config.Strategy as StrategyName, space, historyOf(d, trials, state, type), { seed, index: seq - 1, warmTheta: memory.theta.get(d.index) });
        if (!s) continue;
        if (s.theta) memory.theta.set(d.index, s.theta);
        def = d;
        tuned = configToStrings(d.params, s.config);
        break;
      }
      if (!def || !tuned) return true;
      if (config.Strategy === 'Hyperband') {
        const { min, max: maxResource } = hyperbandResources(config, def.def);
        bracket = bracketOf(hyperbandPlan(min, maxResource!), seed, seq - 1);
      }
    }
    const name = childJobName(job.name, job.arn, job.creation_time, seq);
    const now = deps.clock.now();
    const values: Omit<TrialRow, 'id'> = {
      tuning_job_id: job.id, seq, training_job_name: name, training_job_id: null, definition_name: def.name ?? null,
      tuned: JSON.stringify(tuned), state: 'creating', objective_status: 'Pending', objective: null,
      retryable: 0, early_stopped: 0, bracket, creation_time: now, failure_reason: null, end_time: null,
    };
    const inserted = await db.insertInto('tuning_trials').values(values).returning('id').executeTakeFirstOrThrow();
    const trial: TrialRow = { id: Number(inserted.id), ...values };
    trials.push(trial);
    await launchTrial(deps, job, trial, def, tags);
    const after = await db.selectFrom('tuning_trials').selectAll().where('id', '=', trial.id).executeTakeFirstOrThrow();
    Object.assign(trial, after);
  }
}
