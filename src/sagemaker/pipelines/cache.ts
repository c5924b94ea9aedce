/**
 * Step caching (PIPELINES.md §8.8): the key is a hash of the resolved values of the attributes
 * the developer guide lists per step type (never outputs, instance types or counts); a hit is the
 * latest Succeeded run of the same step of the same pipeline within ExpireAfter.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { StepDef } from './definition.js';
import { parseDuration } from './durations.js';
import type { StepRow } from './tables.js';

const KEY_ATTRIBUTES: Record<string, string[]> = {
  Processing: ['AppSpecification', 'Environment', 'ProcessingInputs'],
  Training: ['AlgorithmSpecification', 'CheckpointConfig', 'DebugHookConfig', 'DebugRuleConfigurations', 'Environment', 'HyperParameters', 'InputDataConfig'],
  Tuning: ['HyperParameterTuningJobConfig', 'TrainingJobDefinition', 'TrainingJobDefinitions'],
  AutoML: ['AutoMLJobConfig', 'AutoMLJobObjective', 'InputDataConfig', 'ProblemType'],
  Transform: ['DataProcessing', 'Environment', 'ModelName', 'TransformInput'],
  EMR: ['ClusterId', 'StepConfig'],
};

/** Types whose results are never reused: they create a new record each time (or decide nothing). */
const NEVER_CACHED = new Set(['Model', 'RegisterModel', 'Condition', 'Fail', 'InferenceComponent', 'Lineage']);

/** Sorted-key JSON, so equal values hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The step's cache lifetime in ms when caching applies to it, else undefined.
 *
 * @example cacheLifetime({ Name: 'T', Type: 'Training', CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' } }) === 3_600_000
 */
export function cacheLifetime(def: StepDef): number | undefined {
  const c = def.CacheConfig;
  if (!c || c.Enabled !== true || NEVER_CACHED.has(def.Type)) return undefined;
  return c.ExpireAfter === undefined ? Number.POSITIVE_INFINITY : parseDuration(c.ExpireAfter);
}

/**
 * The cache key of a step from its resolved request (and resolved extra top-level fields).
 *
 * @example cacheKey('Training', { HyperParameters: { a: '1' }, ResourceConfig: {...} }) // ignores ResourceConfig
 */
export function cacheKey(type: string, request: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const attrs = KEY_ATTRIBUTES[type];
  const picked: Record<string, unknown> = { type };
  if (attrs) for (const a of attrs) picked[a] = request[a];
  else Object.assign(picked, request, extra);
  return createHash('sha256').update(canonical(picked)).digest('hex');
}

/**
 * The latest Succeeded run of the step with this key, started within the lifetime, in another execution.
 *
 * @example const hit = await findCacheHit(db, pipelineId, executionId, 'Train', key, 3_600_000, Date.now());
 */
export async function findCacheHit(
  db: Kysely<Database>, pipelineId: number, executionId: number, step: string, key: string, lifetimeMs: number, now: number,
): Promise<StepRow | undefined> {
  let q = db.selectFrom('pipeline_execution_steps').selectAll().where('pipeline_id', '=', pipelineId).where('step_name', '=', step)
    .where('cache_key', '=', key).where('status', '=', 'Succeeded').where('execution_id', '!=', executionId);
  if (Number.isFinite(lifetimeMs)) q = q.where('start_time', '>=', now - lifetimeMs);
  return q.orderBy('start_time', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}
