import type { AlgorithmForTraining } from '../../../src/sagemaker/algorithms/enforce.js';
import type {
  AlgorithmValidationProfile, CreateAlgorithmInput, CreateTrainingJobRequest, TrainingSpecification,
} from '../../../src/sagemaker/algorithms/shapes.js';

export const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';
export const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/sagemaker-acme-algo:1.0';

/** A TrainingSpecification with one of everything. */
export function trainingSpec(extra: Partial<TrainingSpecification> = {}): TrainingSpecification {
  return {
    TrainingImage: IMAGE,
    SupportedTrainingInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge'],
    SupportsDistributedTraining: false,
    MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }],
    TrainingChannels: [
      { Name: 'train', IsRequired: true, SupportedContentTypes: ['text/csv'], SupportedInputModes: ['File'], SupportedCompressionTypes: ['None', 'Gzip'] },
      { Name: 'validation', SupportedContentTypes: ['text/csv', 'application/json'], SupportedInputModes: ['File', 'Pipe'] },
    ],
    SupportedHyperParameters: [
      { Name: 'epochs', Type: 'Integer', Range: { IntegerParameterRangeSpecification: { MinValue: '1', MaxValue: '10' } }, IsTunable: true, DefaultValue: '3' },
      { Name: 'lr', Type: 'Continuous', Range: { ContinuousParameterRangeSpecification: { MinValue: '0.0001', MaxValue: '1' } }, IsTunable: true, IsRequired: true },
      { Name: 'optimizer', Type: 'Categorical', Range: { CategoricalParameterRangeSpecification: { Values: ['sgd', 'adam'] } }, DefaultValue: 'adam' },
      { Name: 'note', Type: 'FreeText' },
    ],
    ...extra,
  };
}

export function completed(spec = trainingSpec()): AlgorithmForTraining {
  return { name: 'acme', arn: 'arn:aws:sagemaker:us-east-1:123456789012:algorithm/acme', status: 'Completed', trainingSpecification: spec };
}

/** A CreateTrainingJob request that satisfies `trainingSpec()`. */
export function jobRequest(extra: Partial<CreateTrainingJobRequest> = {}): CreateTrainingJobRequest {
  return {
    TrainingJobName: 'j',
    RoleArn: ROLE,
    AlgorithmSpecification: { AlgorithmName: 'acme', TrainingInputMode: 'File' },
    HyperParameters: { lr: '0.1' },
    InputDataConfig: [{ ChannelName: 'train', ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/train/' } } }],
    OutputDataConfig: { S3OutputPath: 's3://b/out' },
    ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ...extra,
  };
}

/** A validation profile whose definition satisfies `trainingSpec()`. */
export function profile(name = 'p1', extra: Partial<AlgorithmValidationProfile> = {}): AlgorithmValidationProfile {
  const j = jobRequest();
  return {
    ProfileName: name,
    TrainingJobDefinition: {
      TrainingInputMode: 'File', HyperParameters: { lr: '0.5' }, InputDataConfig: j.InputDataConfig!, OutputDataConfig: j.OutputDataConfig,
      ResourceConfig: j.ResourceConfig!, StoppingCondition: j.StoppingCondition!,
    },
    ...extra,
  };
}

export function algorithmInput(name: string, extra: Partial<CreateAlgorithmInput> = {}): CreateAlgorithmInput {
  return { AlgorithmName: name, TrainingSpecification: trainingSpec(), ...extra };
}

export function withValidation(name: string, p: AlgorithmValidationProfile = profile(), extra: Partial<CreateAlgorithmInput> = {}): CreateAlgorithmInput {
  return algorithmInput(name, { ValidationSpecification: { ValidationRole: ROLE, ValidationProfiles: [p] }, ...extra });
}
