/**
 * Where an execution logs to MLflow. DescribePipelineExecution.MLflowConfig reports what the
 * definition and the start-time override set (PIPELINES.md §8.10); the runs need an experiment
 * even when neither names one, and that default is the pipeline's name, so that every execution
 * of a pipeline lands in one experiment (documented in docs/pipelines.md).
 */
import type { ExecutionRow } from './tables.js';

/**
 * The execution's MLflow resource and effective experiment.
 *
 * @example { resourceArn: 'arn:aws:sagemaker:us-east-1:111122223333:mlflow-tracking-server/team', experimentName: 'churn' }
 */
export interface ExecutionMlflow {
  resourceArn: string;
  experimentName: string;
}

/**
 * The MLflow settings an execution logs with, or undefined when it names no MLflow resource
 * (an experiment override alone is reported but logs nowhere).
 *
 * @example executionMlflow({ pipeline_name: 'p', mlflow: '{"MlflowResourceArn":"arn:…"}' }) // { resourceArn: 'arn:…', experimentName: 'p' }
 */
export function executionMlflow(row: Pick<ExecutionRow, 'pipeline_name' | 'mlflow'>): ExecutionMlflow | undefined {
  if (!row.mlflow) return undefined;
  const config = JSON.parse(row.mlflow) as { MlflowResourceArn?: string; MlflowExperimentName?: string };
  if (!config.MlflowResourceArn) return undefined;
  return { resourceArn: config.MlflowResourceArn, experimentName: config.MlflowExperimentName || row.pipeline_name };
}
