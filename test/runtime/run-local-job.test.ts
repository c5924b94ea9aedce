/**
 * runLocalJob end to end with real processes (python3, node, sh), plain and, where bubblewrap
 * is usable, sandboxed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createObjectStore, type ObjectStore } from '../../src/artifacts/index.js';
import { downloadChannel } from '../../src/runtime/data-plane.js';
import { packageOutputs } from '../../src/runtime/outputs.js';
import { isProcessAlive, type OutputLine, type ProcessIdentity } from '../../src/runtime/process.js';
import { runLocalJob, type LocalJobResult, type LocalJobSpec } from '../../src/runtime/run-local-job.js';
import { detectSandbox } from '../../src/runtime/sandbox.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const support = await detectSandbox();
const MODES = [
  { name: 'plain', sandbox: 'off' as const, skip: false as string | false },
  { name: 'sandboxed', sandbox: 'required' as const, skip: support.available ? (false as const) : `bubblewrap is not usable here: ${support.reason}` },
];

interface Harness {
  dir: string;
  store: ObjectStore;
  run(spec: Partial<LocalJobSpec>, onLine?: (line: OutputLine, stop: () => void) => void): Promise<{ result: LocalJobResult; lines: OutputLine[] }>;
}

async function harness(t: TestContext, sandbox: 'off' | 'required'): Promise<Harness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-run-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const store = createObjectStore({ driver: 'file', root: path.join(dir, 'objects') });
  let n = 0;
  return {
    dir,
    store,
    async run(spec, onLine) {
      const lines: OutputLine[] = [];
      const stop = new AbortController();
      const name = `job-${++n}`;
      const result = await runLocalJob({
        jobName: name,
        jobArn: `arn:aws:sagemaker:us-east-1:000000000000:training-job/${name}`,
        region: 'us-east-1',
        root: path.join(dir, 'jobs', name),
        resource: { instanceType: 'ml.m5.large', instanceCount: 1 },
        sandbox,
        signal: stop.signal,
        onLine: (line) => {
          if (lines.length < 10_000) lines.push(line);
          onLine?.(line, () => stop.abort());
        },
        ...spec,
      });
      return { result, lines };
    },
  };
}

const texts = (lines: OutputLine[]): string[] => lines.filter((l) => l.stream !== 'system').map((l) => l.text);

for (const mode of MODES) {
  test(`${mode.name}: a Python script-mode job reads the contract, prints metrics, and its outputs are packaged`, { skip: mode.skip }, async (t) => {
    const h = await harness(t, mode.sandbox);
    await h.store.putBuffer('s3://data/train/data.csv', 'a,b\n1,2\n3,4\n');
    const { result, lines } = await h.run({
      trainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-cpu-py311',
      hyperParameters: { epochs: '3', sagemaker_program: '"train.py"' },
      channels: [{ name: 'train' }],
      metricDefinitions: [
        { Name: 'train:loss', Regex: 'loss=([0-9.]+)' },
        { Name: 'validation:acc', Regex: 'val_acc=(\\S+)' },
        { Name: 'never', Regex: 'accuracy: (\\S+)' },
      ],
      prepare: async (paths) => {
        await downloadChannel(h.store, 's3://data/train/', 'S3Prefix', paths.channel('train'));
        await fs.copyFile(path.join(FIXTURES, 'train.py'), path.join(paths.code, 'train.py'));
      },
    });
    assert.equal(result.outcome, 'completed', JSON.stringify({ result, lines }));
    assert.equal(result.exitCode, 0);
    assert.equal(result.sandboxed, mode.sandbox === 'required');
    const out = texts(lines);
    assert.ok(out.includes(`model_dir=${mode.sandbox === 'required' ? '/opt/ml/model' : result.paths.model}`), out.join('\n'));
    assert.ok(out.includes('argv=["--epochs", "3"]'), out.join('\n'));
    assert.ok(out.includes('host=algo-1 job=job-1'));
    assert.ok(lines.some((l) => l.stream === 'stderr' && l.text === 'val_acc=0.75'));
    assert.deepEqual(result.finalMetrics.map((m) => [m.name, m.value, m.step]), [['train:loss', 0.25, 2], ['validation:acc', 0.75, 0]]);

    const packaged = await packageOutputs(result.paths, h.store, 's3://out/training/', 'job-1', 'GZIP');
    assert.equal(packaged.modelArtifacts, 's3://out/training/job-1/output/model.tar.gz');
    assert.equal(packaged.outputArtifacts, 's3://out/training/job-1/output/output.tar.gz');
    const tarball = path.join(h.dir, 'model.tar.gz');
    await h.store.getFile(packaged.modelArtifacts, tarball);
    assert.equal(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }), 'model.json\n');
    assert.equal(execFileSync('tar', ['-xzOf', tarball, 'model.json'], { encoding: 'utf8' }), '{"rows": 3, "epochs": 3}');
    const none = await packageOutputs(result.paths, h.store, 's3://out/raw', 'job-1', 'NONE');
    assert.equal(none.modelArtifacts, 's3://out/raw/job-1/output/model');
    assert.equal((await h.store.getBuffer('s3://out/raw/job-1/output/output/report.txt')).toString(), 'done\n');
  });

  test(`${mode.name}: a Node job given by ContainerEntrypoint`, { skip: mode.skip }, async (t) => {
    const h = await harness(t, mode.sandbox);
    const { result, lines } = await h.run({
      containerEntrypoint: ['node', 'train.mjs'],
      hyperParameters: { epochs: '2' },
      channels: [{ name: 'train' }],
      metricDefinitions: [{ Name: 'loss', Regex: 'loss=([0-9.]+)' }],
      prepare: async (paths) => {
        await fs.writeFile(path.join(paths.channel('train'), 'data.csv'), '1\n2\n');
        await fs.copyFile(path.join(FIXTURES, 'train.mjs'), path.join(paths.code, 'train.mjs'));
      },
    });
    assert.equal(result.outcome, 'completed', JSON.stringify(lines));
    assert.deepEqual(result.finalMetrics.map((m) => m.value), [1 / 3]);
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(result.paths.model, 'model.json'), 'utf8')), { rows: 2, epochs: 2 });
  });

  test(`${mode.name}: a failing job's /opt/ml/output/failure becomes the FailureReason`, { skip: mode.skip }, async (t) => {
    const h = await harness(t, mode.sandbox);
    const { result } = await h.run({
      trainingImage: 'sagebox/python',
      containerArguments: ['train.py'],
      hyperParameters: { fail: 'yes' },
      channels: [{ name: 'train' }],
      prepare: async (paths) => {
        await fs.writeFile(path.join(paths.channel('train'), 'data.csv'), '1\n');
        await fs.copyFile(path.join(FIXTURES, 'train.py'), path.join(paths.code, 'train.py'));
      },
    });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.exitCode, 3);
    assert.equal(result.failureReason?.length, 1024);
    assert.match(result.failureReason!, /^ClientError: the data had 1 rows, need 1000\nxxx/);

    const bare = await h.run({ trainingImage: 'sagebox/shell', containerArguments: ['echo oops >&2; exit 2'] });
    assert.equal(bare.result.outcome, 'failed');
    assert.equal(bare.result.failureReason, "AlgorithmError: the training process exited with code 2; see the job's log");
  });

  test(`${mode.name}: stop: a SIGTERM handler runs and its model is kept`, { skip: mode.skip }, async (t) => {
    const h = await harness(t, mode.sandbox);
    const script = [
      'import os, signal, sys, time',
      'def on_term(*_):',
      '    open(os.path.join(os.environ["SM_MODEL_DIR"], "stopped.txt"), "w").write("saved")',
      '    print("got SIGTERM", flush=True)',
      '    sys.exit(0)',
      'signal.signal(signal.SIGTERM, on_term)',
      'print("ready", flush=True)',
      'time.sleep(30)',
    ].join('\n');
    const started = Date.now();
    let identity: ProcessIdentity | undefined;
    let aliveWhileRunning = false;
    const { result, lines } = await h.run(
      { containerEntrypoint: ['python3', '-c', script], stopGraceMs: 10_000, onStarted: (id) => (identity = id) },
      (line, stop) => {
        if (line.text === 'ready') {
          void (async () => {
            aliveWhileRunning = identity !== undefined && (await isProcessAlive(identity));
            stop();
          })();
        }
      },
    );
    assert.equal(result.outcome, 'stopped', JSON.stringify(lines));
    assert.equal(result.stoppedBy, 'user');
    assert.equal(result.exitCode, 0);
    assert.equal(result.killedAfterGrace, false);
    assert.ok(texts(lines).includes('got SIGTERM'));
    assert.equal(await fs.readFile(path.join(result.paths.model, 'stopped.txt'), 'utf8'), 'saved');
    assert.ok(Date.now() - started < 8000);
    assert.equal(aliveWhileRunning, true);
    assert.equal(await isProcessAlive(result.identity!), false);
  });

  test(`${mode.name}: stop: SIGTERM ignored → SIGKILL after the grace period`, { skip: mode.skip }, async (t) => {
    const h = await harness(t, mode.sandbox);
    const started = Date.now();
    const { result } = await h.run(
      { trainingImage: 'sagebox/shell', containerArguments: ["trap '' TERM; echo ready; while :; do sleep 0.05; done"], stopGraceMs: 300 },
      (line, stop) => line.text === 'ready' && stop(),
    );
    assert.equal(result.outcome, 'stopped');
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.killedAfterGrace, true);
    assert.ok(Date.now() - started < 5000);
  });

  test(`${mode.name}: MaxRuntimeInSeconds stops the job`, { skip: mode.skip }, async (t) => {
    const h = await harness(t, mode.sandbox);
    const { result, lines } = await h.run({ trainingImage: 'sagebox/shell', containerArguments: ['echo start; sleep 30'], maxRuntimeSeconds: 1, stopGraceMs: 2000 });
    assert.equal(result.outcome, 'stopped');
    assert.equal(result.stoppedBy, 'max-runtime');
    assert.equal(result.signal, 'SIGTERM');
    assert.ok(result.durationMs >= 900 && result.durationMs < 4000, String(result.durationMs));
    assert.ok(lines.some((l) => l.stream === 'system' && /MaxRuntimeInSeconds reached/.test(l.text)));
  });

  test(`${mode.name}: a 50 MB stdout flood (and a 20 MB line) is streamed with bounded memory`, { skip: mode.skip, timeout: 120_000 }, async (t) => {
    const h = await harness(t, mode.sandbox);
    // Warm up first (tsx, the heap's young generation), so the baseline is not the cold start.
    await h.run({ trainingImage: 'sagebox/shell', containerArguments: ["yes 'warm up line' | head -c 10000000"] });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    let count = 0;
    let bytes = 0;
    let longest = 0;
    let partials = 0;
    const flood =
      "yes 'epoch=1 loss=0.125 padding padding padding padding padding padding padding padding' | head -c 50000000; " +
      "head -c 20000000 /dev/zero | tr '\\0' x; echo; echo last";
    const { result } = await runFlood();
    async function runFlood(): Promise<{ result: LocalJobResult }> {
      return h.run({ trainingImage: 'sagebox/shell', containerArguments: [flood], metricDefinitions: [{ Name: 'loss', Regex: 'loss=([0-9.]+)' }] }, (line) => {
        if (line.stream === 'system') return;
        count++;
        bytes += line.text.length;
        longest = Math.max(longest, line.text.length);
        if (line.partial) partials++;
      });
    }
    clearInterval(sampler);
    assert.equal(result.outcome, 'completed');
    assert.equal(longest, 256 * 1024);
    assert.equal(partials, Math.floor(20_000_000 / (256 * 1024)));
    assert.ok(bytes > 69_000_000, String(bytes));
    assert.ok(count > 500_000, String(count));
    assert.deepEqual(result.finalMetrics.map((m) => m.value), [0.125]);
    const growthMiB = (peak - baseline) / 1024 / 1024;
    t.diagnostic(`peak RSS growth ${growthMiB.toFixed(1)} MiB for 70 MB of output`);
    assert.ok(growthMiB < 64, `RSS grew ${growthMiB.toFixed(1)} MiB`);
  });
}

test('sandboxed: EnableNetworkIsolation leaves only lo; without it the host network is visible', { skip: support.networkIsolation ? false : `bubblewrap cannot unshare the network here: ${support.reason}` }, async (t) => {
  const h = await harness(t, 'required');
  const ifaces = async (isolated: boolean): Promise<string[]> => {
    const { result, lines } = await h.run({ trainingImage: 'sagebox/shell', containerArguments: ["tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"], enableNetworkIsolation: isolated });
    assert.equal(result.outcome, 'completed');
    assert.equal(result.networkIsolated, isolated);
    return texts(lines);
  };
  assert.deepEqual(await ifaces(true), ['lo']);
  const host = (await fs.readFile('/proc/net/dev', 'utf8')).split('\n').slice(2).filter(Boolean).map((l) => l.split(':')[0]!.trim());
  assert.deepEqual((await ifaces(false)).sort(), host.sort());
});

test('sandboxed: the job cannot write outside its directory', { skip: MODES[1]!.skip }, async (t) => {
  const h = await harness(t, 'required');
  const target = path.join(h.dir, 'outside.txt');
  const { result, lines } = await h.run({
    trainingImage: 'sagebox/shell',
    containerArguments: [`echo x > ${target} || echo refused; echo x > /var/tmp/sagebox-escape-test || echo refused; echo y > /tmp/inside && echo tmp-ok; echo z > /opt/ml/model/m && echo model-ok`],
  });
  assert.equal(result.outcome, 'completed');
  assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.text), ['refused', 'refused', 'tmp-ok', 'model-ok']);
  await assert.rejects(fs.stat('/var/tmp/sagebox-escape-test'));
  await assert.rejects(fs.stat(target));
  assert.equal(await fs.readFile(path.join(result.paths.tmp, 'inside'), 'utf8'), 'y\n');
});

test('plain: EnableNetworkIsolation without a sandbox is reported in the log, not silently ignored', async (t) => {
  const h = await harness(t, 'off');
  const { result, lines } = await h.run({ trainingImage: 'sagebox/shell', containerArguments: ['true'], enableNetworkIsolation: true });
  assert.equal(result.outcome, 'completed');
  assert.equal(result.networkIsolated, false);
  assert.ok(lines.some((l) => l.stream === 'system' && /EnableNetworkIsolation is NOT enforced/.test(l.text)));
});

test('setup failures come back as failed jobs with a ClientError, nothing is run', async (t) => {
  const h = await harness(t, 'off');
  const unmapped = await h.run({ trainingImage: 'docker.io/me/custom:1' });
  assert.equal(unmapped.result.outcome, 'failed');
  assert.match(unmapped.result.failureReason!, /^ClientError: sagebox cannot run image docker.io\/me\/custom:1: add it to the image table/);
  const missing = await h.run({ containerEntrypoint: ['definitely-not-a-command-xyz'] });
  assert.equal(missing.result.outcome, 'failed');
  assert.match(missing.result.failureReason!, /^ClientError: cannot start the training process 'definitely-not-a-command-xyz': spawn definitely-not-a-command-xyz ENOENT/);
  const badData = await h.run({ trainingImage: 'sagebox/shell', containerArguments: ['true'], prepare: (paths) => downloadChannel(h.store, 's3://nope/manifest', 'ManifestFile', paths.channel('train')).then(() => {}) });
  assert.equal(badData.result.outcome, 'failed');
  assert.match(badData.result.failureReason!, /^ClientError: could not prepare the input data: /);
  const stopped = new AbortController();
  stopped.abort();
  const early = await h.run({ trainingImage: 'sagebox/shell', containerArguments: ['echo never'], signal: stopped.signal });
  assert.equal(early.result.outcome, 'stopped');
  assert.deepEqual(texts(early.lines), []);
});

test('auto: sandboxed exactly when bubblewrap is usable, and the paths follow', async (t) => {
  const h = await harness(t, 'off');
  const { result, lines } = await h.run({ sandbox: 'auto', trainingImage: 'sagebox/shell', containerArguments: ['echo "$SM_MODEL_DIR"; pwd'] });
  assert.equal(result.outcome, 'completed');
  assert.equal(result.sandboxed, support.available);
  const expected = support.available ? ['/opt/ml/model', '/opt/ml/code'] : [result.paths.model, result.paths.code];
  assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.text), expected);
});

test('a script kept under the host /tmp runs sandboxed; the job still gets a private /tmp', { skip: MODES[1]!.skip }, async (t) => {
  const h = await harness(t, 'required');
  // The harness dir is under os.tmpdir() (/tmp here), like a CI checkout under /tmp.
  const scriptDir = path.join(h.dir, 'scripts');
  await fs.mkdir(scriptDir, { recursive: true });
  await fs.writeFile(path.join(scriptDir, 'helper.sh'), 'echo from-helper\n');
  await fs.writeFile(path.join(scriptDir, 'main.sh'), 'echo from-main; . "$(dirname "$0")/helper.sh"; echo private > /tmp/mine; cat /tmp/mine; ls /tmp\n');
  const { result, lines } = await h.run({ containerEntrypoint: ['sh', path.join(scriptDir, 'main.sh')] });
  assert.equal(result.outcome, 'completed', JSON.stringify(lines.map((l) => l.text)));
  const text = lines.map((l) => l.text);
  assert.ok(text.includes('from-main') && text.includes('from-helper') && text.includes('private'), JSON.stringify(text));
  // The write went to the job's own tmp/, not the host's /tmp.
  assert.equal(await fs.readFile(path.join(h.dir, 'jobs', 'job-1', 'tmp', 'mine'), 'utf8'), 'private\n');
  await assert.rejects(fs.access('/tmp/mine'));
});
