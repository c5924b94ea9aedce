/**
 * The feature for processing jobs, models and lineage records (issue 7): the `processing-job`
 * engine work (registered here, before the engine starts) and the operations of the three
 * families, which pipelines call through `deps.invoke`.
 */
import path from 'node:path';
import { ImageTable } from '../../runtime/image-table.js';
import type { FeatureDeps, SageboxFeature } from '../../feature.js';
import { createLineageHandlers } from '../lineage/index.js';
import { createModelHandlers } from '../models/index.js';
import { createProcessingHandlers, PROCESSING_WORK, processingWorkHandler } from './index.js';

/**
 * @example const feature = processingFeature(deps); // handlers: CreateProcessingJob, CreateModel, CreateArtifact, ...
 */
export function processingFeature(deps: FeatureDeps): SageboxFeature {
  const jobs = deps.config.jobs;
  deps.engine.register(PROCESSING_WORK, processingWorkHandler({
    store: deps.store, objectStore: deps.objectStore, dataDir: path.resolve(deps.config.dataDir), clock: deps.clock,
    maxLogEvents: jobs.maxLogEvents, sandbox: jobs.sandbox, stopGraceMs: jobs.stopGraceSeconds * 1000, logger: deps.logger,
    ...(jobs.imageTable?.length ? { imageTable: new ImageTable(jobs.imageTable) } : {}),
  }), jobs.maxConcurrentJobs);
  const shared = { store: deps.store, engine: deps.engine, clock: deps.clock };
  return {
    handlers: {
      ...createProcessingHandlers(shared),
      ...createModelHandlers(shared),
      ...createLineageHandlers(shared),
    },
  };
}
