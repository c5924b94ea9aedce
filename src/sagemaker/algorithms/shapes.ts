/**
 * The botocore shapes the algorithm provider reads and writes, re-exported from the generated
 * types (named exactly as the model names them).
 */
export type {
  AlgorithmSortBy, AlgorithmSpecification, AlgorithmStatus, AlgorithmStatusDetails, AlgorithmStatusItem, AlgorithmSummary,
  AlgorithmValidationProfile, AlgorithmValidationSpecification, Channel, ChannelSpecification, CreateAlgorithmInput,
  CreateAlgorithmOutput, CreateTrainingJobRequest, DeleteAlgorithmInput, DescribeAlgorithmInput, DescribeAlgorithmOutput,
  DetailedAlgorithmStatus, HyperParameterSpecification, InferenceSpecification, ListAlgorithmsInput, ListAlgorithmsOutput,
  MetricDefinition, ResourceConfig, Tag, TrainingJobDefinition, TrainingSpecification,
} from '../../aws/generated/sagemaker/types.js';
