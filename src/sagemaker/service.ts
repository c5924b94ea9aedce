import { ServiceError } from '../aws/service-error.js';
import type { AwsJsonService, OperationHandler } from '../aws/service.js';
import { checkShape } from '../aws/validate.js';
import { allOperationNames, metadata, operations } from '../aws/generated/sagemaker/operations.js';
import { shapes } from '../aws/generated/sagemaker/shapes.js';

/**
 * The SageMaker JSON-1.1 service: generated validation in front of the providers'
 * handlers. Validation runs once per request; the cleaned input (unknown members
 * dropped, timestamps as Dates) is handed to the handler through a WeakMap keyed
 * by the parsed body, so the handler never sees raw JSON.
 *
 * @example
 *   const service = createSageMakerService({ ...createRegistryHandlers(store), ...createTagHandlers(store) });
 *   const server = createHttpServer({ services: [service], auth });
 */
export function createSageMakerService(handlers: Record<string, OperationHandler>): AwsJsonService {
  const cleaned = new WeakMap<object, unknown>();
  const wrapped: Record<string, OperationHandler> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    if (!operations[name]) throw new Error(`${name} is not a generated SageMaker operation (add it to scripts/operations.json)`);
    wrapped[name] = (input, ctx) => {
      const value = input !== null && typeof input === 'object' && cleaned.has(input) ? cleaned.get(input) : input;
      return handler(value ?? {}, ctx);
    };
  }
  return {
    targetPrefix: metadata.targetPrefix,
    knownOperations: new Set(allOperationNames),
    handlers: wrapped,
    validate(operation, input) {
      const spec = operations[operation];
      if (!spec?.input) return [];
      const check = checkShape(shapes, spec.input, input ?? {});
      if (check.serializationError) throw new ServiceError('SerializationException', check.serializationError);
      if (input !== null && typeof input === 'object') cleaned.set(input, check.value);
      return check.violations;
    },
  };
}
