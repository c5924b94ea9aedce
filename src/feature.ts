/**
 * What a family of operations plugs into sagebox with. app.ts builds every feature from the same
 * FeatureDeps (one store, one engine, one ObjectStore), merges their handlers into the SageMaker
 * service, lets them add HTTP routes (e.g. the MLflow REST API) before the server listens, and
 * starts / stops them around the engine.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ObjectStore } from './artifacts/object-store.js';
import type { RequestContext } from './aws/context.js';
import type { OperationHandler } from './aws/service.js';
import type { SageboxConfig } from './config.js';
import type { Clock } from './engine/clock.js';
import type { Engine } from './engine/engine.js';
import type { TrainingSetup } from './sagemaker/training/setup.js';
import type { Store } from './store/database.js';

/**
 * Calls a SageMaker operation in process, exactly as over HTTP: the generated validation runs
 * first (ValidationException with Coral's message), then the handler. Pipelines and tuning use
 * it to create the jobs, models and packages their steps and trials stand for.
 *
 * @example
 *   const { TrainingJobArn } = await deps.invoke('CreateTrainingJob', request, ctx);
 */
export type Invoke = <T = any>(operation: string, input: unknown, ctx: RequestContext) => Promise<T>;

/** What every feature is built from. */
export interface FeatureDeps {
  config: SageboxConfig;
  store: Store;
  /** The one durable engine: register work kinds in the feature's constructor (before start). */
  engine: Engine;
  clock: Clock;
  logger: Logger;
  objectStore: ObjectStore;
  training: TrainingSetup;
  invoke: Invoke;
  /** sagebox's own base URL (`http://127.0.0.1:8086`); known once the server listens. */
  baseUrl(): string;
}

/**
 * A family of operations (and whatever else it serves).
 *
 * @example
 *   export function tuningFeature(deps: FeatureDeps): SageboxFeature {
 *     deps.engine.register('tuning-job', handler, 1);
 *     return { handlers: { CreateHyperParameterTuningJob: (input, ctx) => create(deps, input, ctx) } };
 *   }
 */
export interface SageboxFeature {
  /** SageMaker operations by name (each must be a generated operation). */
  handlers?: Record<string, OperationHandler>;
  /** Adds HTTP routes to the server before it listens. */
  routes?(app: FastifyInstance): void;
  /** After the server listens and the engine has started. */
  start?(): Promise<void>;
  /** Before the engine stops and the store closes. */
  stop?(): Promise<void>;
}
