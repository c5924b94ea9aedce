/**
 * Serverless training jobs (CreateTrainingJob with ServerlessJobConfig, SAGEMAKER-SEMANTICS §3):
 * create-time planning (validate.ts, plan.ts), the attempt the `training-job` work runs for
 * them (attempt.ts, with the customization runtime in a worker thread), their outputs
 * (upload.ts) and their Logged output model package (output-package.ts). The training
 * provider wires them in through TrainingDeps.planServerless and ExecutorDeps.serverless.
 *
 * @example
 *   registerBuiltinModels();
 *   createTrainingHandlers({ ..., planServerless: (input, ctx) => planServerlessJob(store, input, ctx) });
 *   trainingWorkHandler({ ..., serverless: serverlessRunner });
 */
import type { ServerlessRunner } from '../training/executor.js';
import { runServerlessAttempt } from './attempt.js';
import { settleOutputPackage } from './output-package.js';

export const serverlessRunner: ServerlessRunner = { run: runServerlessAttempt, afterFail: settleOutputPackage };
export { planServerlessJob } from './plan.js';
export { registerBuiltinModels } from './models.js';
