/**
 * The local process runtime: SageMaker's training container contract reproduced for a local
 * process. `runLocalJob` runs one attempt; `packageOutputs`, `downloadChannel`,
 * `prepareSourceDir` and `CheckpointSync` move data; the rest are its parts.
 */
export * from './job-dir.js';
export * from './environment.js';
export * from './image-table.js';
export * from './sandbox.js';
export * from './process.js';
export * from './metrics.js';
export * from './failure.js';
export * from './data-plane.js';
export * from './outputs.js';
export * from './run-local-job.js';
export { LineSplitter, DEFAULT_MAX_LINE_LENGTH } from './line-splitter.js';
