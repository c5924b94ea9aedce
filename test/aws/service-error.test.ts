import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conflict, resourceInUse, resourceLimitExceeded, resourceNotFound, ServiceError, validation } from '../../src/aws/service-error.js';
import * as generated from '../../src/aws/generated/sagemaker/errors.js';

test('the helpers build the generated error classes with the model spelling of each code', () => {
  const cases: Array<[ServiceError, new (m: string) => ServiceError, string]> = [
    [validation('v'), generated.ValidationExceptionError, 'ValidationException'],
    [resourceNotFound('n'), generated.ResourceNotFoundError, 'ResourceNotFound'],
    [resourceInUse('u'), generated.ResourceInUseError, 'ResourceInUse'],
    [resourceLimitExceeded('l'), generated.ResourceLimitExceededError, 'ResourceLimitExceeded'],
    [conflict('c'), generated.ConflictExceptionError, 'ConflictException'],
  ];
  for (const [error, cls, code] of cases) {
    assert.ok(error instanceof cls);
    assert.ok(error instanceof ServiceError);
    assert.equal(error.code, code);
    assert.equal(error.status, 400);
    assert.ok((generated.errorCodes as readonly string[]).includes(code));
  }
});
