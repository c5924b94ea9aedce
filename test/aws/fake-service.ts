/**
 * A small stand-in AwsJsonService for protocol tests: it knows a few real SageMaker
 * operation names, validates a marker input, and has handlers that echo, return
 * dates, and throw both kinds of error.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AwsJsonService } from '../../src/aws/service.js';
import { ServiceError } from '../../src/aws/service-error.js';
import type { RequestContext } from '../../src/aws/context.js';

/** `CreationTime` every described package reports: epoch 1700000000.123. */
export const CREATION_TIME = new Date(1700000000123);

export function fakeSageMaker(): AwsJsonService {
  return {
    targetPrefix: 'SageMaker',
    knownOperations: new Set(['DescribeModelPackage', 'DeleteModelPackage', 'ListModelPackages', 'CreateEndpoint']),
    validate(_operation, input) {
      const name = (input as { ModelPackageName?: unknown }).ModelPackageName;
      if (name === 'invalid-one') return [`Value 'invalid-one' at 'modelPackageName' failed to satisfy constraint: Member must have length less than or equal to 5`];
      if (name === 'invalid-two') {
        return [
          `Value 'invalid-two' at 'modelPackageName' failed to satisfy constraint: Member must have length less than or equal to 5`,
          `Value null at 'modelPackageGroupName' failed to satisfy constraint: Member must not be null`,
        ];
      }
      return [];
    },
    handlers: {
      DescribeModelPackage(input: { ModelPackageName: string }, ctx: RequestContext) {
        const name = input.ModelPackageName;
        if (name === 'missing') throw new ServiceError('ResourceNotFound', `Model package ${name} does not exist.`);
        if (name === 'conflict') throw new ServiceError('ConflictException', 'Busy.', 409);
        if (name === 'boom') throw new Error('secret internal detail');
        return {
          ModelPackageName: name,
          ModelPackageArn: `arn:aws:sagemaker:${ctx.region}:${ctx.accountId}:model-package/${name}`,
          CreationTime: CREATION_TIME,
          ModelPackageStatus: 'Completed',
          ModelPackageDescription: undefined,
          ModelPackageGroupName: null,
          ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        };
      },
      /** Echoes what the provider received, for checking context and parsing. */
      Echo(input: unknown, ctx: RequestContext) {
        return { input, ctx };
      },
    },
  };
}

/** Listens on a free port on 127.0.0.1 and returns the endpoint URL. */
export async function listenLocal(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** A raw AWS JSON POST; a header given as '' is left out (e.g. no content type at all). */
export async function post(
  endpoint: string,
  target: string | undefined,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any; text: string }> {
  const all: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    ...(target === undefined ? {} : { 'x-amz-target': target }),
    ...headers,
  };
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== '')),
    // Bytes, not a string: fetch would add `text/plain` to a string body without a type.
    body: body === undefined ? undefined : Buffer.from(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
