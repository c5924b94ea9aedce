import { resourceInUse, resourceNotFound, validation, type ServiceError } from '../../aws/service-error.js';
import { PUBLIC_HUB_NAME } from './arns.js';

/**
 * The hub provider's error messages, in one place so the wording stays the
 * same across operations (and tests can match it). The service's exact texts
 * for hubs are not documented; these follow its style (SAGEMAKER-SEMANTICS §8:
 * `Hub content <arn> does not exist.`). The codes are the ones the model lists
 * for the hub operations: ResourceNotFound for unknown hubs and contents,
 * ResourceInUse for duplicates and for deleting a hub that still holds content.
 */

/** ResourceNotFound `Hub <name> does not exist.` */
export const hubNotFound = (name: string): ServiceError => resourceNotFound(`Hub ${name} does not exist.`);

/** ResourceNotFound `Hub content <arn> does not exist.` (the ARN without a version when none was asked for). */
export const contentNotFound = (arn: string): ServiceError => resourceNotFound(`Hub content ${arn} does not exist.`);

/** ResourceInUse `Hub already exists: <arn>` */
export const hubAlreadyExists = (arn: string): ServiceError => resourceInUse(`Hub already exists: ${arn}`);

/** ResourceInUse `Hub content already exists: <arn>` (the same name, type and version). */
export const contentAlreadyExists = (arn: string): ServiceError => resourceInUse(`Hub content already exists: ${arn}`);

/** ResourceInUse: DeleteHub while content remains. */
export const hubNotEmpty = (name: string, versions: number): ServiceError =>
  resourceInUse(
    `Hub ${name} cannot be deleted: it still holds ${versions} hub content version(s). Delete its content first.`,
  );

/** ValidationException: a write to the read-only public hub. */
export const publicHubReadOnly = (operation: string): ServiceError =>
  validation(`${PUBLIC_HUB_NAME} is the read-only SageMaker public hub: ${operation} cannot change it.`);

/** ResourceInUse: CreateHub with the public hub's name. */
export const publicHubNameReserved = (arn: string): ServiceError =>
  resourceInUse(`Hub already exists: ${arn} (${PUBLIC_HUB_NAME} is the SageMaker public hub; choose another name).`);

/** ValidationException: a bad HubContentDocument. */
export const badDocument = (type: string, reason: string): ServiceError =>
  validation(`Invalid HubContentDocument for HubContentType ${type}: ${reason}`);
