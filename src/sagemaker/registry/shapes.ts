/**
 * The botocore shapes the registry provider reads and writes, re-exported
 * from the generated types (named exactly as the model names them).
 */
export type {
  AdditionalInferenceSpecificationDefinition, BaseModel, BatchDescribeModelPackageError,
  BatchDescribeModelPackageInput, BatchDescribeModelPackageOutput, BatchDescribeModelPackageSummary,
  CreateModelPackageGroupInput, CreateModelPackageGroupOutput, CreateModelPackageInput, CreateModelPackageOutput,
  DeleteModelPackageGroupInput, DeleteModelPackageInput, DescribeModelPackageGroupInput,
  DescribeModelPackageGroupOutput, DescribeModelPackageInput, DescribeModelPackageOutput, InferenceSpecification,
  ListModelPackageGroupsInput, ListModelPackageGroupsOutput, ListModelPackagesInput, ListModelPackagesOutput,
  ManagedConfiguration, ModelApprovalStatus, ModelLifeCycle, ModelPackageContainerDefinition,
  ModelPackageGroupStatus, ModelPackageGroupSummary, ModelPackageModelCard, ModelPackageRegistrationType, ModelPackageStatus,
  ModelPackageStatusDetails, ModelPackageStatusItem, ModelPackageSummary, ModelPackageType, SortOrder, Tag,
  UpdateModelPackageInput, UpdateModelPackageOutput, UserContext,
} from '../../aws/generated/sagemaker/types.js';
