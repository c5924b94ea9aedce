/**
 * Wires sagebox together: the store, the SageMaker providers behind the generated
 * validation, and the HTTP server. The CLI and the tests start sagebox through here.
 */
import { pino } from 'pino';
import type { SageboxConfig } from './config.js';
import { createHttpServer } from './aws/server.js';
import { openStore } from './store/database.js';
import { createSageMakerService } from './sagemaker/service.js';
import { createRegistryHandlers } from './sagemaker/registry/index.js';
import { createHubHandlers } from './sagemaker/hub/index.js';
import { createTagHandlers } from './sagemaker/tags/index.js';
import { setUpTraining } from './sagemaker/training/setup.js';
import { createAlgorithmHandlers, createAlgorithmResolver, trainingApiFromHandlers, withAlgorithm } from './sagemaker/algorithms/index.js';
import { systemClock } from './engine/clock.js';
import { createLogsService } from './logs/service.js';
import { createObjectStore } from './artifacts/index.js';
import type { AwsJsonService } from './aws/service.js';
import { validationError } from './aws/server.js';
import type { FeatureDeps, Invoke, SageboxFeature } from './feature.js';
import { tuningFeature } from './sagemaker/tuning/feature.js';
import { processingFeature } from './sagemaker/processing/feature.js';
import { pipelinesFeature } from './sagemaker/pipelines/feature.js';
import { mlflowFeature } from './mlflow/feature.js';
import { searchFeature } from './sagemaker/search/feature.js';

/** A running sagebox. */
export interface RunningSagebox {
  /** e.g. `http://127.0.0.1:8086`. */
  url: string;
  port: number;
  host: string;
  /** Stops accepting requests, finishes those in flight, closes the store. */
  close(): Promise<void>;
}

/**
 * Starts sagebox with the given configuration.
 *
 * @example
 *   const box = await startSagebox(resolveConfig({ port: 0 }));
 *   console.log(box.url);
 *   await box.close();
 */
export async function startSagebox(config: SageboxConfig): Promise<RunningSagebox> {
  // Logs go to stderr so stdout carries only what the CLI prints (the listening line).
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  const store = await openStore({ dataDir: config.dataDir });
  const objectStore = createObjectStore(config.objectStore);
  const resolveAlgorithm = createAlgorithmResolver(store);
  const training = setUpTraining({
    store, dataDir: config.dataDir, jobs: config.jobs, logger, objectStore,
    applyAlgorithm: (input, ctx) => withAlgorithm(resolveAlgorithm, input, ctx),
  });
  // Registers the `algorithm-validation` work with the engine, so before engine.start() below.
  const algorithms = createAlgorithmHandlers({
    store, engine: training.engine, clock: systemClock, training: trainingApiFromHandlers(training.handlers), logger,
  });
  // The service exists only after every feature has handed in its handlers; invoke binds late.
  let sagemaker: AwsJsonService | undefined;
  const invoke: Invoke = async (operation, input, ctx) => {
    const service = sagemaker;
    const handler = service?.handlers[operation];
    if (!service || !handler) throw new Error(`sagebox does not serve ${operation}`);
    const violations = service.validate(operation, input);
    if (violations.length > 0) throw validationError(violations);
    return (await handler(input, ctx)) as any;
  };
  let url = '';
  const featureDeps: FeatureDeps = {
    config, store, engine: training.engine, clock: systemClock, logger, objectStore, training, invoke, baseUrl: () => url,
  };
  // Each feature registers its engine work kinds here, before engine.start() below.
  const features: SageboxFeature[] = [
    tuningFeature(featureDeps),
    processingFeature(featureDeps),
    pipelinesFeature(featureDeps),
    mlflowFeature(featureDeps),
    searchFeature(featureDeps),
  ];
  sagemaker = createSageMakerService({
    ...createRegistryHandlers(store),
    ...createHubHandlers(store),
    ...createTagHandlers(store),
    ...training.handlers,
    ...algorithms,
    ...Object.assign({}, ...features.map((f) => f.handlers ?? {})),
  });
  const app = createHttpServer({ services: [sagemaker, createLogsService(store)], auth: config.auth, logger });
  for (const feature of features) feature.routes?.(app);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    objectStore.close();
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Jobs start (and a crashed predecessor's jobs are recovered) once the API answers.
  await training.engine.start();
  for (const feature of features) await feature.start?.();
  const objects = config.objectStore.driver === 'file' ? config.objectStore.root : (config.objectStore.endpoint ?? `AWS S3 (${config.objectStore.region})`);
  logger.info({ url, dataDir: config.dataDir, auth: config.auth.mode, objectStore: `${config.objectStore.driver}: ${objects}` }, 'sagebox started');
  return {
    url,
    port,
    host,
    async close() {
      await app.close();
      for (const feature of [...features].reverse()) await feature.stop?.();
      // Running jobs are stopped and requeued (they start again on the next start).
      await training.engine.stop();
      objectStore.close();
      await store.close();
    },
  };
}
