/**
 * Algorithm validation (SAGEMAKER-SEMANTICS §5), for real: each ValidationProfile's
 * TrainingJobDefinition runs as an ordinary sagebox training job, and the algorithm's status
 * follows it: Pending (queued) → InProgress (its validation job created) → Completed (every
 * profile's job Completed) or Failed (a job Failed or was Stopped; the profile's FailureReason
 * says which job and why).
 *
 * The validation training job of a profile is named
 * `<algorithm>-validation-<profile>-<8 hex>` (the first part cut to 54 characters so the name
 * fits 63), runs the algorithm's TrainingImage with its MetricDefinitions and the DefaultValues
 * of its hyperparameters, uses the ValidationRole as RoleArn, and is tagged
 * `sagebox:algorithm-validation` = `<algorithm ARN>/<profile>`. It is a normal training job:
 * DescribeTrainingJob, its log, and StopTrainingJob (which fails the validation) all work.
 *
 * Transform definitions: sagebox does not run transform jobs. A profile with a
 * TransformJobDefinition is validated by its training job only, and its status item says so
 * in FailureReason (the only free-text member of AlgorithmStatusItem) — it is never reported
 * as a transform that ran.
 *
 * Durability: validation is engine work (kind `algorithm-validation`), enqueued in the
 * CreateAlgorithm transaction. Each run advances the state and requeues itself to poll the
 * training job, so it holds no slot while the job trains. The job name is saved before the job
 * is created, and creating it again after a crash is harmless (a name that exists is the job
 * we created), so a restarted sagebox picks the validation up where it was: an algorithm is
 * never left InProgress by a restart. A run that keeps throwing fails the algorithm with the
 * error (the engine's `fail`).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { RequestContext } from '../../aws/context.js';
import { ServiceError } from '../../aws/service-error.js';
import type { Clock } from '../../engine/clock.js';
import type { Engine, WorkHandler, WorkOutcome } from '../../engine/engine.js';
import type { Store } from '../../store/database.js';
import { enforceTrainingSpecification } from './enforce.js';
import { FINAL_STATUSES, loadAlgorithm, parseDoc, parseValidation, saveValidation, type AlgorithmRow, type ValidationState } from './rows.js';
import type { AlgorithmValidationProfile, CreateTrainingJobRequest, TrainingSpecification } from './shapes.js';

export const ALGORITHM_VALIDATION_WORK = 'algorithm-validation';

/** The tag every validation training job carries: `<algorithm ARN>/<profile>`. */
export const VALIDATION_TAG = 'sagebox:algorithm-validation';

/** What validation needs of the training provider. */
export interface ValidationTrainingApi {
  /** Creates (and so starts) a training job; a ServiceError is a refusal of the request. */
  createTrainingJob(request: CreateTrainingJobRequest, ctx: RequestContext): Promise<void>;
  /** The job's status, or undefined when there is no job of that name. */
  describeTrainingJob(name: string, ctx: RequestContext): Promise<{ status: string; failureReason?: string } | undefined>;
}

/** The training provider's handlers, as far as validation uses them. */
export interface TrainingHandlersForValidation {
  CreateTrainingJob(input: CreateTrainingJobRequest, ctx: RequestContext): Promise<unknown>;
  DescribeTrainingJob(input: { TrainingJobName: string }, ctx: RequestContext): Promise<{ TrainingJobStatus?: string; FailureReason?: string }>;
}

/**
 * Adapts `createTrainingHandlers(...)` to what validation needs.
 *
 * @example createAlgorithmHandlers({ store, engine, training: trainingApiFromHandlers(training.handlers) })
 */
export function trainingApiFromHandlers(handlers: TrainingHandlersForValidation): ValidationTrainingApi {
  return {
    async createTrainingJob(request, ctx) {
      await handlers.CreateTrainingJob(request, ctx);
    },
    async describeTrainingJob(name, ctx) {
      try {
        const d = await handlers.DescribeTrainingJob({ TrainingJobName: name }, ctx);
        return { status: d.TrainingJobStatus ?? 'InProgress', ...(d.FailureReason !== undefined ? { failureReason: d.FailureReason } : {}) };
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'ValidationException' && error.message === 'Requested resource not found.') return undefined;
        throw error;
      }
    },
  };
}

/** What the validation work handler needs. */
export interface ValidationDeps {
  store: Store;
  training: ValidationTrainingApi;
  clock: Clock;
  /** How often a running validation job is looked at; default 500 ms. */
  pollMs?: number;
  logger?: Logger;
  /** Name suffixes (tests make them predictable); default 8 random hex digits. */
  suffix?: () => string;
}

/**
 * The validation training job's name for a profile.
 *
 * @example validationJobName('my-algo', 'p1', 'a1b2c3d4') // 'my-algo-validation-p1-a1b2c3d4'
 */
export function validationJobName(algorithm: string, profile: string, suffix: string): string {
  const head = `${algorithm}-validation-${profile}`.slice(0, 63 - 1 - suffix.length).replace(/-+$/, '');
  return `${head}-${suffix}`;
}

/**
 * The CreateTrainingJob request of a profile: the definition, the algorithm's image, metrics
 * and hyperparameter defaults, the ValidationRole. Throws the ValidationException of the first
 * way the definition breaks the algorithm's specification (CreateAlgorithm checks this first).
 */
export function validationJobRequest(
  algorithm: { name: string; arn: string; trainingSpecification: TrainingSpecification; validationRole: string },
  profile: AlgorithmValidationProfile, jobName: string,
): CreateTrainingJobRequest {
  const def = profile.TrainingJobDefinition;
  const ts = algorithm.trainingSpecification;
  const hyperParameters = enforceTrainingSpecification(ts, algorithm.name, {
    trainingInputMode: def.TrainingInputMode, hyperParameters: def.HyperParameters, inputDataConfig: def.InputDataConfig, resourceConfig: def.ResourceConfig,
  });
  return {
    TrainingJobName: jobName,
    RoleArn: algorithm.validationRole,
    AlgorithmSpecification: {
      TrainingImage: ts.TrainingImage, TrainingInputMode: def.TrainingInputMode,
      ...(ts.MetricDefinitions?.length ? { MetricDefinitions: ts.MetricDefinitions } : {}),
    },
    ...(hyperParameters ? { HyperParameters: hyperParameters } : {}),
    InputDataConfig: def.InputDataConfig,
    OutputDataConfig: def.OutputDataConfig,
    ResourceConfig: def.ResourceConfig,
    StoppingCondition: def.StoppingCondition,
    Tags: [{ Key: VALIDATION_TAG, Value: `${algorithm.arn}/${profile.ProfileName}` }],
  };
}

/** The note a profile with a TransformJobDefinition carries once its training job completed. */
export const transformNotRun = (jobName: string): string =>
  `Validation training job ${jobName} Completed. The profile's TransformJobDefinition was not run: ` +
  'sagebox does not run transform jobs, so only the training part of this profile is validated.';

/** Registers the `algorithm-validation` work kind (before `engine.start()`). */
export function registerAlgorithmValidation(engine: Engine, deps: ValidationDeps, slots = 4): void {
  engine.register(ALGORITHM_VALIDATION_WORK, algorithmValidationHandler(deps), slots);
}

/** The `algorithm-validation` WorkHandler (payload `{ algorithmId }`). */
export function algorithmValidationHandler(deps: ValidationDeps): WorkHandler<{ algorithmId: number }> {
  return {
    run: (item, wctx) => advance(deps, item.payload.algorithmId, wctx.signal),
    async fail(item, reason) {
      const row = await loadAlgorithm(deps.store.db, item.payload.algorithmId);
      if (!row || FINAL_STATUSES.has(row.status)) return;
      const state = parseValidation(row);
      for (const p of state.profiles) {
        if (p.status !== 'Completed' && p.status !== 'Failed') {
          p.status = 'Failed';
          p.failureReason = `sagebox could not run the validation: ${reason}`.slice(0, 1024);
        }
      }
      await saveValidation(deps.store.db, row.id, 'Failed', state, deps.clock.now());
    },
  };
}

/**
 * One step of an algorithm's validation: creates the next profile's training job, or looks at
 * the running one, and requeues itself until every profile has ended; then sets the algorithm
 * Completed or Failed.
 */
async function advance(deps: ValidationDeps, algorithmId: number, signal: AbortSignal): Promise<WorkOutcome> {
  const db = deps.store.db;
  const row = await loadAlgorithm(db, algorithmId);
  if (!row || FINAL_STATUSES.has(row.status)) return { kind: 'done' };
  const doc = parseDoc(row);
  const state = parseValidation(row);
  const spec = doc.ValidationSpecification;
  const ctx: RequestContext = { accountId: row.account_id, region: row.region, requestId: `algorithm-validation-${row.id}` };
  const poll: WorkOutcome = { kind: 'requeue', afterMs: deps.pollMs ?? 500, countAttempt: false };
  const save = (status: 'InProgress' | 'Completed' | 'Failed'): Promise<void> => saveValidation(db, row.id, status, state, deps.clock.now());

  for (const p of state.profiles) {
    if (p.status === 'Completed' || p.status === 'Failed') continue;
    if (signal.aborted) return { kind: 'requeue', countAttempt: false, reason: 'shutdown' };
    const profile = spec?.ValidationProfiles.find((x) => x.ProfileName === p.name);
    if (!spec || !profile) {
      p.status = 'Failed';
      p.failureReason = `The validation profile ${p.name} is not in the algorithm's ValidationSpecification.`;
      continue;
    }
    if (!p.jobName) {
      // Named (and saved) before it is created: after a crash the next run finds it by this name.
      p.jobName = validationJobName(row.name, p.name, deps.suffix?.() ?? randomBytes(4).toString('hex'));
      p.status = 'InProgress';
      await save('InProgress');
    }
    const job = await deps.training.describeTrainingJob(p.jobName, ctx);
    if (!job) {
      const refused = await create(deps, row, doc.TrainingSpecification, spec.ValidationRole, profile, p.jobName, ctx);
      if (refused) {
        p.status = 'Failed';
        p.failureReason = refused;
        await save('InProgress');
        continue;
      }
      return poll;
    }
    if (job.status === 'Completed') {
      p.status = 'Completed';
      if (profile.TransformJobDefinition) p.failureReason = transformNotRun(p.jobName);
      await save('InProgress');
      continue;
    }
    if (job.status === 'Failed' || job.status === 'Stopped') {
      p.status = 'Failed';
      p.failureReason = `Validation training job ${p.jobName} ${job.status}${job.failureReason ? `: ${job.failureReason}` : '.'}`.slice(0, 1024);
      await save('InProgress');
      continue;
    }
    return poll;
  }
  const passed = state.profiles.every((p) => p.status === 'Completed');
  await save(passed ? 'Completed' : 'Failed');
  deps.logger?.info({ algorithm: row.arn, status: passed ? 'Completed' : 'Failed' }, 'algorithm validation ended');
  return { kind: 'done' };
}

/** Creates the profile's training job; returns the reason when the training provider refuses it. */
async function create(
  deps: ValidationDeps, row: AlgorithmRow, trainingSpecification: TrainingSpecification, validationRole: string,
  profile: AlgorithmValidationProfile, jobName: string, ctx: RequestContext,
): Promise<string | undefined> {
  try {
    const request = validationJobRequest({ name: row.name, arn: row.arn, trainingSpecification, validationRole }, profile, jobName);
    await deps.training.createTrainingJob(request, ctx);
    return undefined;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error; // a fault, not a refusal: the engine retries, then fails the algorithm
    if (error.code === 'ResourceInUse') return undefined; // created by a run that crashed right after
    return `The validation training job ${jobName} could not be created: ${error.code}: ${error.message}`.slice(0, 1024);
  }
}

export type { ValidationState };
