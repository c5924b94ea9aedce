/**
 * Shared set-up of the MLflow tests: a sagebox with one Created tracking server, raw REST calls
 * (to see the wire exactly) and a shape checker over the service.proto fixture.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

export const ROLE = 'arn:aws:iam::123456789012:role/MlflowRole';
const shapes = JSON.parse(readFileSync(new URL('./fixtures/service-proto-shapes.json', import.meta.url), 'utf8')) as Record<string, any>;

/** Polls until `fn` gives a value. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A sagebox with a Created tracking server `name`; returns its REST root too. */
export async function sageboxWithServer(name = 'tests', extra: Partial<sm.CreateMlflowTrackingServerRequest> = {}): Promise<{ sb: TestSagebox; url: string; arn: string }> {
  process.env.SAGEBOX_MLFLOW_TRANSITION_MS = '20';
  const sb = await startTestSagebox();
  const arn = (await sb.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: name, ArtifactStoreUri: 's3://mlflow-artifacts/root', RoleArn: ROLE, ...extra }))).TrackingServerArn!;
  const d = await until('Created', async () => {
    const out = await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: name }));
    return out.TrackingServerStatus === 'Created' ? out : undefined;
  });
  return { sb, url: d.TrackingServerUrl!, arn };
}

/** One raw MLflow REST call: status and parsed body. */
export async function rest(url: string, method: 'GET' | 'POST' | 'DELETE', endpoint: string, body?: Record<string, unknown> | string, query?: Record<string, string | string[]>): Promise<{ status: number; body: any }> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) for (const item of Array.isArray(v) ? v : [v]) q.append(k, item);
  const res = await fetch(`${url}/api/2.0/mlflow/${endpoint}${q.size ? `?${q}` : ''}`, {
    method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Asserts `value` has only the fields (and JSON types) of the proto message `message`, recursively. */
export function assertShape(message: string, value: unknown, where = message): void {
  const spec = shapes[message] as Record<string, string>;
  assert.ok(spec, `no fixture for ${message}`);
  assert.equal(typeof value, 'object', `${where} is an object`);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const type = spec[key];
    assert.ok(type, `${where}.${key} is not a field of ${message}`);
    assert.ok(!(Array.isArray(v) && v.length === 0), `${where}.${key}: empty repeated fields are omitted`);
    if (type === 'array') assert.ok(Array.isArray(v), `${where}.${key} is a list`);
    // protobuf's JSON mapping: a double is a number, or "NaN" / "Infinity" / "-Infinity"
    else if (type === 'double') assert.ok(typeof v === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(v as string), `${where}.${key} is a double`);
    else assert.equal(typeof v, type, `${where}.${key} is a ${type}`);
  }
  if (message === 'Run') {
    const run = value as { info: unknown; data: Record<string, unknown[]> };
    assertShape('RunInfo', run.info, `${where}.info`);
    assertShape('RunData', run.data, `${where}.data`);
    for (const m of run.data.metrics ?? []) assertShape('Metric', m, `${where}.data.metrics[]`);
    for (const p of run.data.params ?? []) assertShape('Param', p, `${where}.data.params[]`);
    for (const t of run.data.tags ?? []) assertShape('RunTag', t, `${where}.data.tags[]`);
    assert.ok(shapes.enums.RunStatus.includes((run.info as { status: string }).status));
  }
  if (message === 'Experiment') for (const t of (value as { tags?: unknown[] }).tags ?? []) assertShape('ExperimentTag', t, `${where}.tags[]`);
}

/** Asserts a response body matches the fixture of its endpoint. */
export function assertResponse(endpoint: string, body: Record<string, unknown>): void {
  const spec = shapes.responses[endpoint] as Record<string, string>;
  assert.ok(spec, `no response fixture for ${endpoint}`);
  for (const [key, v] of Object.entries(body)) {
    const type = spec[key];
    assert.ok(type, `${endpoint}: unexpected field ${key}`);
    if (type.endsWith('[]')) {
      assert.ok(Array.isArray(v) && v.length > 0, `${endpoint}.${key} is a non-empty list`);
      for (const item of v as unknown[]) assertShape(type.slice(0, -2), item, `${endpoint}.${key}[]`);
    } else if (type === 'string' || type === 'number') assert.equal(typeof v, type, `${endpoint}.${key}`);
    else assertShape(type, v, `${endpoint}.${key}`);
  }
}
