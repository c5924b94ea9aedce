/**
 * CreateModel's rules after the generated shape validation, and the model errors. [D] marks
 * the real service's text (quoted in public reports and client code that matches on it); [I]
 * ours, in its style (see docs/processing.md).
 */
import { validation, type ServiceError } from '../../aws/service-error.js';
import type { ContainerDefinition, CreateModelInput } from '../../aws/generated/sagemaker/types.js';

/** [D] CreateModel with a name already taken. */
export const modelAlreadyExists = (arn: string): ServiceError => validation(`Cannot create already existing model "${arn}".`);

/** [D] DescribeModel / DeleteModel on an unknown model. */
export const modelNotFound = (arn: string): ServiceError => validation(`Could not find model "${arn}".`);

function checkContainer(c: ContainerDefinition, where: string): void {
  if (!c.Image && !c.ModelPackageName) throw validation(`${where}: either Image or ModelPackageName must be specified.`);
  if (c.ModelDataUrl && c.ModelDataSource) throw validation(`${where}: ModelDataUrl and ModelDataSource cannot both be specified.`);
}

/**
 * Throws the service's ValidationException for a model the shapes allow but the rules refuse.
 *
 * @example checkCreateModel({ ModelName: 'm' }) // throws: no container
 */
export function checkCreateModel(input: CreateModelInput): void {
  if (input.PrimaryContainer && input.Containers) throw validation('PrimaryContainer and Containers cannot both be specified.');
  if (!input.PrimaryContainer && (!input.Containers || input.Containers.length === 0)) {
    throw validation('Either PrimaryContainer or Containers must be specified.');
  }
  if (input.PrimaryContainer) checkContainer(input.PrimaryContainer, 'PrimaryContainer');
  input.Containers?.forEach((c, i) => checkContainer(c, `Containers[${i}]`));
  if (input.InferenceExecutionConfig && !input.Containers) {
    throw validation('InferenceExecutionConfig can only be specified with Containers.');
  }
  const hostnames = (input.Containers ?? []).map((c) => c.ContainerHostname).filter((h): h is string => h !== undefined);
  if (new Set(hostnames).size !== hostnames.length) throw validation('ContainerHostname must be unique within Containers.');
}
