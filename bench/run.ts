/**
 * `npm run bench [-- name...]`: runs the named benchmarks (default: all registered), one
 * after another, each printing its own report. A benchmark is a module exporting
 * `{ name, run }`; register it in BENCHMARKS below (loaded lazily, so one benchmark's
 * imports never slow down or break another).
 *
 * @example
 *   npm run bench                      # all
 *   npm run bench -- registry          # just the model registry benchmark
 *   BENCH_SECONDS=1 npm run bench -- registry
 */

/** What a benchmark module exports. */
export interface Benchmark {
  /** The name `npm run bench -- <name>` selects it by. */
  name: string;
  /** Runs it, printing its report to stdout; throws on failure. */
  run(): Promise<void>;
}

/** Name → loader. Keep in the order `npm run bench` runs them. */
const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  registry: () => import('./registry.js'),
  'training-overhead': () => import('./training-overhead.js'),
  'training-api': () => import('./training-api.js'),
  'lora-step': () => import('./llm/lora-step.js'),
  processing: () => import('./processing.js'),
  serverless: () => import('./serverless.js'),
  mlflow: () => import('./mlflow.js'),
  pipelines: () => import('./pipelines.js'),
  hpo: () => import('./hpo.js'),
  search: () => import('./search.js'),
};

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: npm run bench [-- name...]\nbenchmarks: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    return 0;
  }
  const names = argv.length > 0 ? argv : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !Object.prototype.hasOwnProperty.call(BENCHMARKS, n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    return 2;
  }
  let failed = 0;
  for (const name of names) {
    const started = Date.now();
    process.stdout.write(`\n=== bench ${name} ===\n`);
    try {
      const bench = await BENCHMARKS[name]!();
      await bench.run();
      process.stdout.write(`=== bench ${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`);
    } catch (error) {
      failed++;
      process.stderr.write(`=== bench ${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
