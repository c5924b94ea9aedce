/**
 * The service's messages for tuning jobs (SAGEMAKER-SEMANTICS §6, §8). Where AWS's text is
 * documented it is copied; the others say what is wrong and what to do, in the same voice.
 */
import { resourceInUse, resourceNotFound, validation, type ServiceError } from '../../aws/service-error.js';

export const tuningJobExists = (name: string): ServiceError =>
  resourceInUse(`A hyperparameter tuning job with the name, ${name}, already exists. Choose a different name.`);

export const tuningJobNotFound = (name: string): ServiceError =>
  resourceNotFound(`Amazon SageMaker can't find a tuning job called ${name}. Type another name.`);

export const metricRequired = (): ServiceError =>
  validation('A metric is required for this hyperparameter tuning job objective. Provide a metric in the metric definitions.');

/** §8: when the first trials all fail. */
export const noJobSucceeded = (attempts: number): string =>
  `No training job succeeded after ${attempts} attempts. Please take a look at the training job failures to get more details.`;

export const invalid = (message: string): ServiceError => validation(message);
