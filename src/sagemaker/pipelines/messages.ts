/** Error messages of the pipeline operations (docs/pipelines.md lists the ones sagebox chose). */
import { conflict, resourceNotFound, validation } from '../../aws/service-error.js';

export const pipelineNotFound = (arnOrName: string) => resourceNotFound(`Pipeline ${arnOrName} does not exist.`);
export const executionNotFound = (arn: string) => resourceNotFound(`Pipeline execution ${arn} does not exist.`);
export const pipelineExists = (name: string) => validation(`Pipeline names must be unique within an AWS account and region. Pipeline with name ${name} already exists.`);
export const versionNotFound = (name: string, version: number) => resourceNotFound(`Pipeline version ${version} of pipeline ${name} does not exist.`);
export const tokenReused = () => conflict('ClientRequestToken was already used by a request with different parameters.');
/** The execution-level FailureReason the service reports whenever a step failed. */
export const STEP_FAILURE = 'Step failure: One or multiple steps failed.';
