/**
 * DescribeTrainingJob (SAGEMAKER-SEMANTICS §2.2, §2.4): the request as stored (defaults
 * filled in), the status machine's transitions, times, final metrics and artifacts.
 * An unknown name answers ValidationException "Requested resource not found." (waiters
 * count that as failure, as against AWS).
 */
import type { RequestContext } from '../../aws/context.js';
import { describedAlgorithmSpecification } from '../algorithms/resolve.js';
import type { TrainingDeps } from './deps.js';
import { findJob, parseRequest, parseState, type JobRow } from './job-store.js';
import { jobNotFound } from './messages.js';
import { observedDescribeFields } from './observer.js';
import type { DescribeTrainingJobRequest, DescribeTrainingJobResponse, SecondaryStatus, TrainingJobStatus } from './shapes.js';

export async function describeTrainingJob(deps: TrainingDeps, input: DescribeTrainingJobRequest, ctx: RequestContext): Promise<DescribeTrainingJobResponse> {
  const row = await findJob(deps.store.db, ctx, input.TrainingJobName.toLowerCase());
  if (!row) throw jobNotFound();
  return { ...describeRow(row), ...(await observedDescribeFields(deps.store, row)) };
}

/** Seconds between two epoch-ms times, at least 1 (the model's minimum). */
function seconds(start: number, end: number): number {
  return Math.max(1, Math.round((end - start) / 1000));
}

export function describeRow(row: JobRow): DescribeTrainingJobResponse {
  const req = parseRequest(row);
  const state = parseState(row);
  const ran = row.training_start_time !== null && row.training_end_time !== null;
  return {
    TrainingJobName: row.name,
    TrainingJobArn: row.arn,
    ModelArtifacts: (state.modelArtifacts ? { S3ModelArtifacts: state.modelArtifacts } : undefined)!,
    TrainingJobStatus: row.status as TrainingJobStatus,
    SecondaryStatus: row.secondary_status as SecondaryStatus,
    FailureReason: row.failure_reason ?? undefined,
    HyperParameters: req.HyperParameters,
    AlgorithmSpecification: describedAlgorithmSpecification(req.AlgorithmSpecification),
    RoleArn: req.RoleArn,
    InputDataConfig: req.InputDataConfig,
    OutputDataConfig: req.OutputDataConfig,
    ResourceConfig: req.ResourceConfig,
    VpcConfig: req.VpcConfig,
    StoppingCondition: req.StoppingCondition ?? { MaxRuntimeInSeconds: 86_400 },
    CreationTime: new Date(row.creation_time),
    TrainingStartTime: row.training_start_time !== null ? new Date(row.training_start_time) : undefined,
    TrainingEndTime: row.training_end_time !== null && row.training_start_time !== null ? new Date(row.training_end_time) : undefined,
    LastModifiedTime: new Date(row.last_modified_time),
    SecondaryStatusTransitions: state.transitions.map((t) => ({
      Status: t.Status, StartTime: new Date(t.StartTime), EndTime: t.EndTime !== undefined ? new Date(t.EndTime) : undefined, StatusMessage: t.StatusMessage,
    })),
    FinalMetricDataList: state.finalMetrics.length > 0
      ? state.finalMetrics.map((m) => ({ MetricName: m.MetricName, Value: m.Value, Timestamp: new Date(m.Timestamp) }))
      : undefined,
    EnableNetworkIsolation: req.EnableNetworkIsolation,
    EnableInterContainerTrafficEncryption: req.EnableInterContainerTrafficEncryption,
    EnableManagedSpotTraining: req.EnableManagedSpotTraining,
    CheckpointConfig: req.CheckpointConfig,
    // Local jobs have no spot savings: billable time is the training time.
    TrainingTimeInSeconds: ran ? seconds(row.training_start_time!, row.training_end_time!) : undefined,
    BillableTimeInSeconds: ran ? seconds(row.training_start_time!, row.training_end_time!) : undefined,
    DebugHookConfig: req.DebugHookConfig,
    ExperimentConfig: req.ExperimentConfig,
    DebugRuleConfigurations: req.DebugRuleConfigurations,
    TensorBoardOutputConfig: req.TensorBoardOutputConfig,
    ProfilerConfig: req.ProfilerConfig,
    ProfilerRuleConfigurations: req.ProfilerRuleConfigurations,
    Environment: req.Environment,
    RetryStrategy: req.RetryStrategy,
    RemoteDebugConfig: req.RemoteDebugConfig,
    InfraCheckConfig: req.InfraCheckConfig,
    ServerlessJobConfig: req.ServerlessJobConfig,
    MlflowConfig: req.MlflowConfig,
    ModelPackageConfig: req.ModelPackageConfig,
    // §3.6: present on serverless jobs from the start, members filled as training progresses.
    ProgressInfo: req.ServerlessJobConfig ? { ...state.serverless?.progress } : undefined,
    BillableTokenCount: state.serverless?.billableTokens,
    OutputModelPackageArn: state.serverless?.outputPackageArn,
  };
}
