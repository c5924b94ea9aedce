/**
 * `npm run bench -- hpo`: the tuner on the suite of ../shared/bench/hpo (functions.json), beside
 * Optuna's numbers in results-optuna.json.
 *
 *   1. black box, in process: Random and Bayesian, 60 trials × 10 seeds, median regret [q25, q75]
 *      at 30 and 60 trials, and how many seeds reached the target regret;
 *   2. MaxParallelTrainingJobs 4: synchronous batches of 4 (ask 4, tell 4), Bayesian with its
 *      constant liar, beside Optuna's batch rows;
 *   3. Random vs Optuna Random: Mann–Whitney p-value on the per-seed regrets;
 *   4. multi-fidelity (lc_easy, lc_synth): no stopping vs the median rule vs Hyperband at equal
 *      epoch budgets (30 × 27 and 60 × 27 epochs);
 *   5. the time of one Bayesian suggestion with 500 completed trials;
 *   6. a real tuning job: trials are training jobs running train.mjs through sagebox, checked
 *      against the in-process mode for the same RandomSeed;
 *   7. where Debian's python3-optuna is installed, optuna_bench.py --quick side by side.
 *
 * Environment: BENCH_HPO_SEEDS (default 10), BENCH_HPO_FUNCTIONS (comma list), BENCH_HPO_PARTS
 * (comma list of blackbox,parallel,random,multifidelity,timing,real,optuna; default all),
 * BENCH_HPO_SHARED (default ../shared/bench/hpo beside the checkout).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suggestBayesian } from '../src/tuner/bayesian.js';
import { SearchSpace } from '../src/tuner/space.js';
import { seededRng } from '../src/tuner/rng.js';
import { FUNCTIONS } from './hpo/functions.mjs';
import { paramsOf, runInProcess, type BenchFunction } from './hpo/inprocess.js';
import { runMultiFidelity, type Stopper } from './hpo/multifidelity.js';
import { runRealTuningJob } from './hpo/real.js';
import { mannWhitney, percentile, summary } from './hpo/stats.js';

export const name = 'hpo';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED = process.env.BENCH_HPO_SHARED ?? path.resolve(here, '../../shared/bench/hpo');
const SEEDS = Array.from({ length: Number(process.env.BENCH_HPO_SEEDS ?? 10) }, (_, i) => i + 1);
const PARTS = new Set((process.env.BENCH_HPO_PARTS ?? 'blackbox,parallel,random,multifidelity,timing,real,optuna').split(','));
const TARGETS: Record<string, number> = { hartmann6: 0.01, branin: 0.001, mixed5: 0.001 };

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

function load(): { spec: any; optuna: any; fns: BenchFunction[] } {
  const spec = JSON.parse(fs.readFileSync(path.join(SHARED, 'functions.json'), 'utf8'));
  const optuna = JSON.parse(fs.readFileSync(path.join(SHARED, 'results-optuna.json'), 'utf8'));
  const only = process.env.BENCH_HPO_FUNCTIONS?.split(',');
  const fns = Object.entries<any>(spec.functions)
    .filter(([n]) => n !== 'lc_easy' && (!only || only.includes(n)))
    .map(([n, f]) => ({ name: n, params: paramsOf(f.sagemaker.ParameterRanges), optimum: f.optimum.value, target: f.target_regret as number }));
  return { spec, optuna, fns };
}

function optunaCell(optuna: any, section: 'blackbox' | 'parallel', fn: string, sampler: string, budget: number): string {
  const table = section === 'blackbox' ? optuna.blackbox : optuna.parallel?.results;
  const r = table?.[fn]?.[sampler]?.[String(budget)]?.regret;
  return r ? `${fmt(r.median)} [${fmt(r.q25)}, ${fmt(r.q75)}]` : '-';
}

function fmt(v: number): string {
  return v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(3);
}

export async function run(): Promise<void> {
  const { spec, optuna, fns } = load();
  out(`seeds ${SEEDS[0]}..${SEEDS.at(-1)}; Optuna figures from ${path.join(SHARED, 'results-optuna.json')} (Optuna ${optuna.meta.versions.optuna}, ${optuna.meta.date_utc})`);
  const perSeed: Record<string, Record<string, number[][]>> = {};

  if (PARTS.has('blackbox') || PARTS.has('random')) {
    out('\n## Best-found regret, median [q25, q75] over seeds (black box, in process, 1 trial at a time)\n');
    out('| function | budget | sagebox Random | sagebox Bayesian | Optuna Random | Optuna TPE | Optuna TPE-multivariate | GP-EI (peer) | target met |');
    out('|---|---|---|---|---|---|---|---|---|');
    for (const fn of fns) {
      const strategies = PARTS.has('blackbox') ? (['Random', 'Bayesian'] as const) : (['Random'] as const);
      perSeed[fn.name] = {};
      const ms: number[] = [];
      for (const s of strategies) {
        perSeed[fn.name]![s] = SEEDS.map((seed) => {
          const r = runInProcess(fn, s, seed, 60);
          if (s === 'Bayesian') ms.push(...r.suggestMs);
          return r.regretCurve;
        });
      }
      for (const budget of [30, 60]) {
        const at = (s: string): number[] | undefined => perSeed[fn.name]![s]?.map((c) => c[budget - 1]!);
        const bayes = at('Bayesian');
        const target = TARGETS[fn.name];
        const met = budget === 60 && bayes && target !== undefined ? (percentile(bayes, 50) <= target ? `yes (≤ ${target})` : `NO (> ${target})`) : '';
        out(`| ${fn.name} | ${budget} | ${summary(at('Random')!)} | ${bayes ? summary(bayes) : '-'} | ${optunaCell(optuna, 'blackbox', fn.name, 'Random', budget)} | ${optunaCell(optuna, 'blackbox', fn.name, 'TPE', budget)} | ${optunaCell(optuna, 'blackbox', fn.name, 'TPE-multivariate', budget)} | ${optunaCell(optuna, 'blackbox', fn.name, 'GP-EI(ours)', budget)} | ${met} |`);
      }
      if (ms.length > 0) out(`|  | suggestion ms (Bayesian, median / p90) | ${percentile(ms, 50).toFixed(1)} / ${percentile(ms, 90).toFixed(1)} | | | | | | |`);
    }
    out('\nSeeds reaching the target regret within 60 trials (Bayesian): '
      + fns.filter((f) => perSeed[f.name]?.Bayesian).map((f) => `${f.name} ${perSeed[f.name]!.Bayesian!.filter((c) => c[59]! <= (f as any).target).length}/${SEEDS.length}`).join(', '));
  }

  if (PARTS.has('random')) {
    out('\n## Random vs Optuna Random (Mann–Whitney U on per-seed regrets; p > 0.05: no detectable difference)\n');
    out('| function | budget | sagebox Random | Optuna Random | p |');
    out('|---|---|---|---|---|');
    for (const fn of fns) {
      for (const budget of [30, 60]) {
        const ours = perSeed[fn.name]!.Random!.map((c) => c[budget - 1]!);
        const theirs: number[] | undefined = optuna.blackbox?.[fn.name]?.Random?.[String(budget)]?.regret_per_seed;
        if (!theirs) continue;
        out(`| ${fn.name} | ${budget} | ${summary(ours)} | ${summary(theirs)} | ${mannWhitney(ours, theirs).toFixed(2)} |`);
      }
    }
  }

  if (PARTS.has('parallel')) {
    out('\n## MaxParallelTrainingJobs 4 (synchronous batches of 4), median [q25, q75]\n');
    out('| function | budget | sagebox Bayesian (constant liar) | Optuna TPE-constant-liar | GP-EI (peer, constant liar) | target met |');
    out('|---|---|---|---|---|---|');
    for (const fn of fns.filter((f) => ['branin', 'hartmann6', 'mixed5'].includes(f.name))) {
      const curves = SEEDS.map((seed) => runInProcess(fn, 'Bayesian', seed, 60, 4).regretCurve);
      for (const budget of [30, 60]) {
        const v = curves.map((c) => c[budget - 1]!);
        const met = budget === 60 && fn.name === 'hartmann6' ? (percentile(v, 50) <= 0.08 ? 'yes (≤ 0.08)' : 'NO (> 0.08)') : '';
        out(`| ${fn.name} | ${budget} | ${summary(v)} | ${optunaCell(optuna, 'parallel', fn.name, 'TPE-constant-liar', budget)} | ${optunaCell(optuna, 'parallel', fn.name, 'GP-EI(ours)', budget)} | ${met} |`);
      }
    }
  }

  if (PARTS.has('multifidelity')) {
    out('\n## Multi-fidelity (27 epochs, noise std 0.01; budget B × 27 epochs), Random sampler: regret median [q25, q75] / trials started (median)\n');
    out('| function | stopping | B=30 sagebox | B=30 Optuna | B=60 sagebox | B=60 Optuna |');
    out('|---|---|---|---|---|---|');
    for (const fname of ['lc_easy', 'lc_synth']) {
      const f = spec.functions[fname];
      const fn: BenchFunction = { name: fname, params: paramsOf(f.sagemaker.ParameterRanges), optimum: f.optimum.value };
      for (const stopper of ['none', 'median(sagemaker-rule)', 'hyperband'] as Stopper[]) {
        const optunaKey = stopper === 'hyperband' ? 'hyperband(eta=3)' : stopper;
        const cells: string[] = [];
        for (const B of [30, 60]) {
          const runs = SEEDS.map((seed) => runMultiFidelity(fn, stopper, seed, B));
          cells.push(`${summary(runs.map((r) => r.regret))} / ${percentile(runs.map((r) => r.trials), 50)}`);
          const o = optuna.multifidelity?.results?.[fname]?.Random?.[optunaKey]?.[String(B)];
          cells.push(o ? `${fmt(o.regret.median)} [${fmt(o.regret.q25)}, ${fmt(o.regret.q75)}] / ${o.trials_started_median}` : '-');
        }
        out(`| ${fname} | ${stopper} | ${cells.join(' | ')} |`);
      }
    }
  }

  if (PARTS.has('timing')) {
    out('\n## One Bayesian suggestion with 500 completed trials (hartmann6; GP warm-started from the previous fit, as the driver does)\n');
    const space = new SearchSpace(paramsOf(spec.functions.hartmann6.sagemaker.ParameterRanges));
    const rng = seededRng(99);
    const obs = Array.from({ length: 500 }, () => {
      const c = space.sample(rng);
      return { config: c, value: FUNCTIONS.hartmann6!(c) };
    });
    let theta: Float64Array | undefined;
    const times: number[] = [];
    for (let k = 0; k < 6; k++) {
      const t0 = performance.now();
      const s = suggestBayesian(space, obs, [], { seed: 1, index: 500 + k, warmTheta: theta });
      times.push(performance.now() - t0);
      theta = s?.theta;
    }
    out(`first (cold fit) ${times[0]!.toFixed(0)} ms; warm: median ${percentile(times.slice(1), 50).toFixed(0)} ms, max ${Math.max(...times.slice(1)).toFixed(0)} ms (target < 1000 ms)`);
  }

  if (PARTS.has('optuna')) {
    // Debian's interpreter is the one that sees python3-optuna (a pyenv python3 may shadow it).
    const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import optuna'], { stdio: 'ignore' }).status === 0);
    out('\n## Optuna side by side\n');
    if (!python) {
      out('python3-optuna is not installed here: the Optuna columns above come from results-optuna.json (apt-get install python3-optuna python3-cmaes python3-sklearn python3-scipy python3-numpy to run it live).');
    } else {
      const file = path.join(os.tmpdir(), `optuna-quick-${process.pid}.json`);
      const r = spawnSync(python, ['optuna_bench.py', '--quick', '--out', file], { cwd: SHARED, encoding: 'utf8' });
      if (r.status !== 0) out(`optuna_bench.py --quick failed: ${r.stderr.slice(-500)}`);
      else out(spawnSync(python, ['optuna_bench.py', '--render', file], { cwd: SHARED, encoding: 'utf8' }).stdout);
      fs.rmSync(file, { force: true });
    }
  }

  if (PARTS.has('real')) {
    out('\n## Real tuning jobs (each trial a training job running bench/hpo/train.mjs; MaxParallelTrainingJobs 1)\n');
    for (const [fname, strategy, trials] of [['branin', 'Bayesian', 25], ['mixed5', 'Random', 8]] as const) {
      const r = await runRealTuningJob(spec, fname, strategy, 1, trials);
      const fn = fns.find((f) => f.name === fname) ?? { name: fname, params: paramsOf(spec.functions[fname].sagemaker.ParameterRanges), optimum: spec.functions[fname].optimum.value };
      const local = runInProcess(fn, strategy, 1, trials);
      const same = r.status === 'Completed' && Math.abs(local.regretCurve.at(-1)! - r.regret) <= 1e-9 * Math.max(1, r.regret);
      out(`${fname} ${strategy} seed 1, ${trials} trials: ${r.status}, regret ${fmt(r.regret)} in ${r.seconds.toFixed(1)} s (${(r.seconds / trials).toFixed(2)} s per training job); in-process regret ${fmt(local.regretCurve.at(-1)!)} (${same ? 'identical' : 'DIFFERENT'})`);
    }
  }
}
