/**
 * Bad-input tables for end-to-end tests: the AWS (Coral) validation texts, and one runner that
 * sends each case through the real SDK (casts let a test send what the model forbids) and
 * asserts the error code, HTTP 400 and the exact message.
 *
 * @example
 *   runBadInputCases(() => sb.client, {
 *     DescribeHub: [{ what: 'missing name', input: {}, message: one(notNull('hubName')) }],
 *   });
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsError } from './sagebox.js';

/** One Coral violation text. */
export const v = (value: string | null, path: string, constraint: string): string =>
  `Value ${value === null ? 'null' : `'${value}'`} at '${path}' failed to satisfy constraint: ${constraint}`;
export const one = (violation: string): string => `1 validation error detected: ${violation}`;
export const many = (...violations: string[]): string => `${violations.length} validation errors detected: ${violations.join('; ')}`;
export const notNull = (path: string): string => v(null, path, 'Member must not be null');
export const pattern = (value: string, path: string, p: string): string => v(value, path, `Member must satisfy regular expression pattern: ${p}`);
export const maxLen = (value: string, path: string, n: number): string => v(value, path, `Member must have length less than or equal to ${n}`);
export const minLen = (value: string, path: string, n: number): string => v(value, path, `Member must have length greater than or equal to ${n}`);
export const enumSet = (value: string, path: string, values: string[]): string =>
  v(value, path, `Member must satisfy enum value set: [${values.join(', ')}]`);
export const maxVal = (value: string, path: string, n: number): string => v(value, path, `Member must have value less than or equal to ${n}`);
export const minVal = (value: string, path: string, n: number): string => v(value, path, `Member must have value greater than or equal to ${n}`);

/** One bad request and the error it must get (code defaults to ValidationException). */
export interface BadInputCase {
  what: string;
  input: Record<string, unknown>;
  code?: string;
  message: string | RegExp;
}

/** A suite per operation, a test per case. `client` is read when the tests run (after `before`). */
export function runBadInputCases(client: () => sm.SageMakerClient, cases: Record<string, BadInputCase[]>): void {
  for (const [operation, list] of Object.entries(cases)) {
    describe(`${operation} bad input`, () => {
      for (const c of list) {
        test(c.what, async () => {
          const Command = (sm as unknown as Record<string, new (input: unknown) => sm.DescribeHubCommand>)[`${operation}Command`];
          assert.ok(Command, `the SDK has no ${operation}Command`);
          const error = await awsError(() => client().send(new Command(c.input)));
          assert.equal(error.name, c.code ?? 'ValidationException', error.message);
          assert.equal(error.$metadata?.httpStatusCode, 400);
          if (typeof c.message === 'string') assert.equal(error.message, c.message);
          else assert.match(error.message, c.message);
        });
      }
    });
  }
}
