/**
 * The botocore shapes the training provider reads and writes, re-exported from the generated
 * types (named exactly as the model names them).
 */
export type {
  AlgorithmSpecification, Channel, CheckpointConfig, CreateTrainingJobRequest, CreateTrainingJobResponse,
  DescribeTrainingJobRequest, DescribeTrainingJobResponse, ListTrainingJobsRequest, ListTrainingJobsResponse,
  MetricData, MetricDefinition, OutputDataConfig, ResourceConfig, SecondaryStatus, SecondaryStatusTransition,
  StopTrainingJobRequest, StoppingCondition, Tag, TrainingJobStatus, TrainingJobSummary,
} from '../../aws/generated/sagemaker/types.js';
