export { Tensor, backward, noGrad, needsGrad, clearTape, isGradEnabled } from './tensor.js';
export * as ops from './ops.js';
export { AdamW, scheduledLr, type Schedule, type AdamWOptions } from './optim.js';
export { K, useKernels, nativeAvailable, backendInfo, setThreads } from './backend.js';
export type { Kernels } from './kernels.js';
