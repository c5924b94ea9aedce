/**
 * Shared pieces of the serverless tests: requests on the built-in base model, data put into
 * the test server's object store, and waiting for a job.
 */
import path from 'node:path';
import * as sm from '@aws-sdk/client-sagemaker';
import { createObjectStore } from '../../../src/artifacts/index.js';
import type { ObjectStore } from '../../../src/artifacts/object-store.js';
import type { TestSagebox } from '../../helpers/sagebox.js';
import { ROLE } from '../../helpers/training.js';

export const BASE_MODEL = 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/sagebox-tiny';
export const BASE_MODEL_V1 = `${BASE_MODEL}/1.0.0`;

/** The file object store of a test sagebox. */
export function objectStore(sb: TestSagebox): ObjectStore {
  return createObjectStore({ driver: 'file', root: path.join(sb.dataDir, 'objects') });
}

/** Writes rows as JSONL at `uri`. */
export async function putJsonl(sb: TestSagebox, uri: string, rows: unknown[]): Promise<void> {
  await objectStore(sb).putBuffer(uri, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

/** Reads a JSON object from the store. */
export async function getJson<T = any>(sb: TestSagebox, uri: string): Promise<T> {
  return JSON.parse((await objectStore(sb).getBuffer(uri)).toString('utf8')) as T;
}

/** The object keys under a prefix (relative to it). */
export async function listKeys(sb: TestSagebox, prefix: string): Promise<string[]> {
  const { listAll } = await import('../../../src/artifacts/index.js');
  const out: string[] = [];
  const base = prefix.replace(/^s3:\/\/[^/]+\//, '');
  for await (const o of listAll(objectStore(sb), prefix)) out.push(o.key.slice(base.length));
  return out.sort();
}

/** Creates a model package group; returns its ARN. */
export async function createGroup(client: sm.SageMakerClient, name: string): Promise<string> {
  const r = await client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: name }));
  return r.ModelPackageGroupArn!;
}

/**
 * A serverless fine-tuning request on the built-in model.
 *
 * @example serverlessRequest('j', { CustomizationTechnique: 'SFT', Peft: 'LORA' }, groupArn, { train: 's3://b/sft/' })
 */
export function serverlessRequest(
  name: string, config: Partial<sm.ServerlessJobConfig>, groupArn: string | undefined, channels: Record<string, string>,
  extra: Partial<sm.CreateTrainingJobRequest> = {},
): sm.CreateTrainingJobRequest {
  return {
    TrainingJobName: name,
    RoleArn: ROLE,
    InputDataConfig: Object.entries(channels).map(([ChannelName, S3Uri]) => ({
      ChannelName, ContentType: 'application/jsonlines', InputMode: 'File',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri, S3DataDistributionType: 'FullyReplicated' } },
    })),
    OutputDataConfig: { S3OutputPath: 's3://bucket/serverless-output/' },
    ServerlessJobConfig: { BaseModelArn: BASE_MODEL, JobType: 'FineTuning', AcceptEula: false, ...config } as sm.ServerlessJobConfig,
    ...(groupArn ? { ModelPackageConfig: { ModelPackageGroupArn: groupArn } } : {}),
    ...extra,
  };
}

const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

/** Polls Describe every 50 ms, recording every answer, until the job is terminal (or `until`). */
export async function watchJob(
  client: sm.SageMakerClient, name: string, until: (d: sm.DescribeTrainingJobCommandOutput) => boolean = (d) => TERMINAL.has(d.TrainingJobStatus!),
  timeoutMs = 60_000,
): Promise<{ last: sm.DescribeTrainingJobCommandOutput; seen: sm.DescribeTrainingJobCommandOutput[] }> {
  const seen: sm.DescribeTrainingJobCommandOutput[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: name }));
    seen.push(d);
    if (until(d)) return { last: d, seen };
    if (Date.now() > deadline) throw new Error(`job ${name} still ${d.TrainingJobStatus}/${d.SecondaryStatus} after ${timeoutMs} ms: ${d.FailureReason ?? ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A job's metric series as stored in training_metrics (name → values in step order), read from the server's SQLite file. */
export async function metricSeries(sb: TestSagebox, jobName: string): Promise<Record<string, number[]>> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(path.join(sb.dataDir, 'sagebox.sqlite'), { readonly: true });
  try {
    const rows = db.prepare(`SELECT m.name, m.value FROM training_metrics m JOIN training_jobs j ON j.id = m.job_id
      WHERE j.name_key = ? AND m.attempt = (SELECT MAX(attempt) FROM training_metrics WHERE job_id = j.id) ORDER BY m.name, m.step`).all(jobName.toLowerCase()) as { name: string; value: number }[];
    const out: Record<string, number[]> = {};
    for (const r of rows) (out[r.name] ??= []).push(r.value);
    return out;
  } finally {
    db.close();
  }
}
