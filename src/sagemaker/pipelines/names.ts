/**
 * ARNs, execution ids, callback tokens and the names of what a pipeline creates
 * (PIPELINES.md §9.4).
 */
import { randomInt } from 'node:crypto';
import { PARTITION, type RequestContext } from '../../aws/context.js';
import { isOwnArn, parseArn } from '../registry/arns.js';

/**
 * `arn:aws:sagemaker:<region>:<account>:pipeline/<Name>` (the name's case kept).
 *
 * @example pipelineArn(ctx, 'MyPipeline') // 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/MyPipeline'
 */
export function pipelineArn(ctx: RequestContext, name: string): string {
  return `arn:${PARTITION}:sagemaker:${ctx.region}:${ctx.accountId}:pipeline/${name}`;
}

/**
 * `<pipelineArn>/execution/<execId>`.
 *
 * @example executionArn(pipelineArnValue, 'ztefwbnlgoif') // '<pipelineArn>/execution/ztefwbnlgoif'
 */
export function executionArn(pipelineArnValue: string, execId: string): string {
  return `${pipelineArnValue}/execution/${execId}`;
}

function randomFrom(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 12 chars of [a-z0-9], e.g. `ztefwbnlgoif`.
 *
 * @example newExecutionId() // 'ztefwbnlgoif'
 */
export function newExecutionId(): string {
  return randomFrom(LOWER, 12);
}

/**
 * 10 chars of [a-zA-Z0-9].
 *
 * @example newCallbackToken() // '26vcYbeWsZ'
 */
export function newCallbackToken(): string {
  return randomFrom(MIXED, 10);
}

/**
 * `pipelines-<execId>-<StepName cut to 20>-<10 random>`: what the service names the jobs and
 * models its steps create. Characters a job name cannot hold (`_`) become `-`.
 *
 * @example resourceName('8pk6dxn4cfvl', 'Rossmann-Model-Training') // 'pipelines-8pk6dxn4cfvl-Rossmann-Model-Train-bPVYsMzUlc'
 */
export function resourceName(execId: string, stepName: string): string {
  const step = stepName.slice(0, 20).replace(/[^A-Za-z0-9-]/g, '-');
  return `pipelines-${execId}-${step}-${randomFrom(MIXED, 10)}`;
}

/**
 * Tuning job names hold at most 32 chars, so a tuning step's job is `pipelines-<execId>-<9 random>`
 * (the service's form for them is not documented).
 *
 * @example shortResourceName('ztefwbnlgoif') // 'pipelines-ztefwbnlgoif-Ab3dE6gH9'
 */
export function shortResourceName(execId: string): string {
  return `pipelines-${execId}-${randomFrom(MIXED, 9)}`;
}

/**
 * A pipeline "name or ARN" to its name key; undefined for an ARN of another account, region or type.
 *
 * @example pipelineNameKey('arn:aws:sagemaker:us-east-1:123456789012:pipeline/MyPipeline', ctx) // 'mypipeline'
 */
export function pipelineNameKey(nameOrArn: string, ctx: RequestContext): string | undefined {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn.toLowerCase();
  const arn = parseArn(nameOrArn);
  if (!arn || arn.resourceType !== 'pipeline' || !isOwnArn(arn, ctx) || arn.resourceId.includes('/')) return undefined;
  return arn.resourceId.toLowerCase();
}
