/**
 * Pipeline executions in MLflow, through the real SageMaker SDK and MLflow's REST API: an
 * execution with MLflow settings gets one parent run (in the override's, the definition's or
 * else the pipeline's experiment, named after the execution, ended with its status), and each
 * training step's run is its child (`mlflow.parentRunId`, run name = step name), on an embedded
 * tracking server, an MLflow App, and an external server that is down while the execution runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sm from '@aws-sdk/client-sagemaker';
import { MlflowClient } from '../../src/mlflow/client.js';
import type { Run } from '../../src/mlflow/wire.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { createPipeline, definition, ROLE, start, stepMap, trainingStep, waitForExecution } from './fixtures/pipelines/helpers.js';

let sb: TestSagebox;
let client: sm.SageMakerClient;
let serverArn: string;
let team: MlflowClient;
let teamUrl: URL;
let downPort: number;

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const tag = (run: Run, key: string): string | undefined => run.data.tags?.find((t) => t.key === key)?.value;

/** The parent run and its children in an experiment, once the parent has `status` (and passes `accept`) and `children` children ended. */
async function family(
  mlflow: MlflowClient, experiment: string, runName: string, status: string, children: number, accept: (parent: Run) => boolean = () => true,
): Promise<{ experimentId: string; parent: Run; kids: Run[] }> {
  return until(`${runName} ${status} in ${experiment}`, async () => {
    const e = await mlflow.getExperimentByName(experiment);
    if (!e) return undefined;
    const parents = (await mlflow.searchRuns({ experiment_ids: [e.experiment_id], filter: `attributes.run_name = '${runName}'` })).runs ?? [];
    const parent = parents[0];
    if (!parent || parent.info.status !== status || !accept(parent)) return undefined;
    const kids = (await mlflow.searchRuns({ experiment_ids: [e.experiment_id], filter: `tags.mlflow.parentRunId = '${parent.info.run_id}'`, order_by: ['attributes.run_name ASC'] })).runs ?? [];
    if (kids.length !== children || kids.some((k) => k.info.status === 'RUNNING')) return undefined;
    assert.equal(parents.length, 1, 'one parent run per execution');
    return { experimentId: e.experiment_id, parent, kids };
  });
}

/** Two parallel training steps (`fail`: the second one fails). */
function twoSteps(mlflowConfig: Record<string, string>, fail = false): Record<string, unknown> {
  return definition([trainingStep('Prepare', { epochs: '1' }), trainingStep('Fit', { epochs: '2', mode: fail ? 'fail' : 'ok' })],
    [{ Name: 'Alpha', Type: 'Float', DefaultValue: 0.5 }], { MlflowConfig: mlflowConfig });
}

before(async () => {
  downPort = await freePort();
  process.env.SAGEBOX_MLFLOW_EXTERNAL = `outside=http://127.0.0.1:${downPort}`;
  process.env.SAGEBOX_MLFLOW_RETRY_MAX_MS = '300';
  process.env.SAGEBOX_MLFLOW_TRANSITION_MS = '20';
  sb = await startTestSagebox();
  client = sb.clientFor('111122223333');
  serverArn = (await client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'team', ArtifactStoreUri: 's3://mlflow-bucket/team', RoleArn: ROLE }))).TrackingServerArn!;
  const d = await until('team Created', async () => {
    const out = await client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'team' }));
    return out.TrackingServerStatus === 'Created' ? out : undefined;
  });
  teamUrl = new URL(d.TrackingServerUrl!);
  team = new MlflowClient(d.TrackingServerUrl!);
});
after(async () => {
  delete process.env.SAGEBOX_MLFLOW_EXTERNAL;
  await sb.close(true);
});

test('an execution logs one FINISHED parent run with a child run per training step; the start-time override moves it', async () => {
  await createPipeline(client, 'churn-pipeline', twoSteps({ MlflowResourceArn: serverArn, MlflowExperimentName: 'churn' }));
  const arn = await start(client, 'churn-pipeline', { Alpha: '0.7' }, { PipelineExecutionDisplayName: 'first-run' });
  const d = await waitForExecution(client, arn);
  assert.equal(d.PipelineExecutionStatus, 'Succeeded');
  assert.deepEqual(d.MLflowConfig, { MlflowResourceArn: serverArn, MlflowExperimentName: 'churn' });

  const { experimentId, parent, kids } = await family(team, 'churn', 'first-run', 'FINISHED', 2);
  assert.equal(tag(parent, 'sagemaker.pipeline_execution_arn'), arn);
  assert.equal(tag(parent, 'mlflow.source.type'), 'JOB');
  assert.equal(tag(parent, 'mlflow.parentRunId'), undefined, 'the parent is a top-level run');
  assert.deepEqual(parent.data.params, [{ key: 'Alpha', value: '0.7' }], 'the execution\'s parameters are its params');
  assert.ok(parent.info.end_time! >= parent.info.start_time!);
  assert.deepEqual(kids.map((k) => k.info.run_name), ['Fit', 'Prepare'], 'child runs are named after their steps');
  const steps = await stepMap(client, arn);
  for (const kid of kids) {
    assert.equal(kid.info.experiment_id, experimentId, 'children share the parent\'s experiment');
    assert.equal(kid.info.status, 'FINISHED');
    assert.equal(tag(kid, 'mlflow.parentRunId'), parent.info.run_id);
    const jobName = steps.get(kid.info.run_name!)!.Metadata!.TrainingJob!.Arn!.split('/')[1]!;
    const job = await client.send(new sm.DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    assert.deepEqual(job.MlflowDetails, { MlflowExperimentId: experimentId, MlflowRunId: kid.info.run_id }, 'the step job points at its child run');
    assert.equal(job.MlflowConfig?.MlflowRunName, kid.info.run_name);
  }

  const moved = await start(client, 'churn-pipeline', {}, { MlflowExperimentName: 'churn-override', PipelineExecutionDisplayName: 'second-run' });
  const d2 = await waitForExecution(client, moved);
  assert.equal(d2.PipelineExecutionStatus, 'Succeeded');
  assert.equal(d2.MLflowConfig?.MlflowExperimentName, 'churn-override');
  const second = await family(team, 'churn-override', 'second-run', 'FINISHED', 2);
  assert.notEqual(second.experimentId, experimentId);
  assert.deepEqual(second.parent.data.params, [{ key: 'Alpha', value: '0.5' }]);
  const inChurn = (await team.searchRuns({ experiment_ids: [experimentId] })).runs ?? [];
  assert.equal(inChurn.length, 3, 'the overridden execution logged nothing in the definition\'s experiment');
});

test('on an MLflow App, without an experiment name, runs go to the pipeline\'s experiment; a failed execution ends its run FAILED, a retry reopens it', async () => {
  const appArn = (await client.send(new sm.CreateMlflowAppCommand({ Name: 'pipelines-app', ArtifactStoreUri: 's3://mlflow-bucket/app', RoleArn: ROLE }))).Arn!;
  await until('app Created', async () => ((await client.send(new sm.DescribeMlflowAppCommand({ Arn: appArn }))).Status === 'Created' ? true : undefined));
  const app = new MlflowClient(`${sb.url}/mlflow/${appArn.split('/').pop()}`);
  await createPipeline(client, 'app-pipeline', twoSteps({ MlflowResourceArn: appArn }, true));
  const arn = await start(client, 'app-pipeline', {}, { PipelineExecutionDisplayName: 'failing-run' });
  assert.equal((await waitForExecution(client, arn)).PipelineExecutionStatus, 'Failed');
  const { parent, kids } = await family(app, 'app-pipeline', 'failing-run', 'FAILED', 2);
  assert.deepEqual(kids.map((k) => [k.info.run_name, k.info.status]), [['Fit', 'FAILED'], ['Prepare', 'FINISHED']]);

  // The retried step's new job is one more child of the same parent run, which ends again.
  await client.send(new sm.RetryPipelineExecutionCommand({ PipelineExecutionArn: arn, ClientRequestToken: `retry-${Date.now()}`.padEnd(32, 'x') }));
  assert.equal((await waitForExecution(client, arn, (d) => d.PipelineExecutionStatus === 'Failed')).PipelineExecutionStatus, 'Failed');
  const again = await family(app, 'app-pipeline', 'failing-run', 'FAILED', 3, (p) => p.info.end_time! > parent.info.end_time!);
  assert.equal(again.parent.info.run_id, parent.info.run_id);
  assert.deepEqual(again.kids.map((k) => k.info.run_name), ['Fit', 'Fit', 'Prepare']);
});

test('an external server that is down never holds the execution; the runs arrive, nested, when it answers', async () => {
  const outsideArn = (await client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'outside', ArtifactStoreUri: 's3://mlflow-bucket/out', RoleArn: ROLE }))).TrackingServerArn!;
  await until('outside Created', async () =>
    ((await client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'outside' }))).TrackingServerStatus === 'Created' ? true : undefined));
  await createPipeline(client, 'offline-pipeline', definition([trainingStep('Only', { epochs: '1' })], [], { MlflowConfig: { MlflowResourceArn: outsideArn, MlflowExperimentName: 'offline' } }));
  const arn = await start(client, 'offline-pipeline', {}, { PipelineExecutionDisplayName: 'offline-run' });
  assert.equal((await waitForExecution(client, arn)).PipelineExecutionStatus, 'Succeeded', 'the execution does not wait for MLflow');

  // The "external" server comes up: a forwarder on the configured port to sagebox's own server 'team'.
  const proxy = http.createServer((req, res) => {
    const upstream = http.request({ host: teamUrl.hostname, port: teamUrl.port, path: `${teamUrl.pathname}${req.url}`, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(downPort, '127.0.0.1', r));
  try {
    const { parent, kids } = await family(team, 'offline', 'offline-run', 'FINISHED', 1);
    assert.equal(tag(kids[0]!, 'mlflow.parentRunId'), parent.info.run_id);
    assert.equal(kids[0]!.info.run_name, 'Only');
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  }
});
