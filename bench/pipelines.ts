/**
 * Pipeline scheduling overhead per step: a 50-step chain and a 100-wide fan-out of trivial steps
 * (Condition steps with no conditions and empty branches: no job, so what is measured is the
 * executor's planning, its step rows and the engine hand-off), from StartPipelineExecution to
 * Succeeded, divided by the number of steps. The baseline is one DescribePipelineExecution
 * round trip through the SDK in the same process, so the ratio reads "a step costs N API calls".
 * Target: p50 < 20 ms per step.
 *
 *   npm run bench -- pipelines
 *
 * Environment: BENCH_RUNS (default 5) executions per shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as sm from '@aws-sdk/client-sagemaker';
import { startSagebox } from '../src/app.js';
import { resolveConfig } from '../src/config.js';

export const name = 'pipelines';

const trivial = (stepName: string, dependsOn?: string): Record<string, unknown> => ({
  Name: stepName, Type: 'Condition', ...(dependsOn ? { DependsOn: [dependsOn] } : {}), Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] },
});

function chain(n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => trivial(`S${i}`, i > 0 ? `S${i - 1}` : undefined));
}

function fanOut(width: number): unknown[] {
  return [trivial('Root'), ...Array.from({ length: width }, (_, i) => trivial(`F${i}`, 'Root'))];
}

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let tokenCounter = 0;
const token = (): string => `bench-${process.pid}-${++tokenCounter}`.padEnd(32, '0');

async function runOnce(client: sm.SageMakerClient, pipeline: string): Promise<number> {
  const started = performance.now();
  const { PipelineExecutionArn } = await client.send(new sm.StartPipelineExecutionCommand({ PipelineName: pipeline, ClientRequestToken: token() }));
  for (;;) {
    const d = await client.send(new sm.DescribePipelineExecutionCommand({ PipelineExecutionArn }));
    if (d.PipelineExecutionStatus === 'Succeeded') return performance.now() - started;
    if (d.PipelineExecutionStatus !== 'Executing') throw new Error(`bench execution ended ${d.PipelineExecutionStatus}: ${d.FailureReason}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function run(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sagebox-bench-pipelines-'));
  const box = await startSagebox(resolveConfig({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, {}));
  const client = new sm.SageMakerClient({ endpoint: box.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
  try {
    const shapes: [string, unknown[]][] = [['chain-50', chain(50)], ['fanout-100', fanOut(100)]];
    for (const [pipeline, steps] of shapes) {
      await client.send(new sm.CreatePipelineCommand({
        PipelineName: pipeline, RoleArn: 'arn:aws:iam::123456789012:role/R', ClientRequestToken: token(),
        PipelineDefinition: JSON.stringify({ Version: '2020-12-01', Parameters: [], Steps: steps }),
      }));
    }
    const probe = await client.send(new sm.StartPipelineExecutionCommand({ PipelineName: 'chain-50', ClientRequestToken: token() }));
    const baseline: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      await client.send(new sm.DescribePipelineExecutionCommand({ PipelineExecutionArn: probe.PipelineExecutionArn }));
      baseline.push(performance.now() - t0);
    }
    const call = p50(baseline);
    process.stdout.write(`baseline: DescribePipelineExecution round trip p50 ${call.toFixed(2)} ms\n`);
    for (const [pipeline, steps] of shapes) {
      await runOnce(client, pipeline); // warm-up
      const perStep: number[] = [];
      for (let i = 0; i < runs; i++) perStep.push((await runOnce(client, pipeline)) / steps.length);
      const median = p50(perStep);
      process.stdout.write(
        `${pipeline}: ${steps.length} steps, per-step overhead p50 ${median.toFixed(2)} ms (min ${Math.min(...perStep).toFixed(2)}, max ${Math.max(...perStep).toFixed(2)}) ` +
        `= ${(median / call).toFixed(1)}x an API round trip; target < 20 ms: ${median < 20 ? 'met' : 'NOT met'}\n`,
      );
    }
  } finally {
    client.destroy();
    await box.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
