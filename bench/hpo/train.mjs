#!/usr/bin/env node
// A training job for the HPO benchmark functions: the Node twin of ../shared/bench/hpo/bench_train.py
// (passes its check_spec.py). Hyperparameters (strings, as SageMaker passes them) come from
// /opt/ml/input/config/hyperparameters.json (or $SM_HYPERPARAMETERS_FILE / the SageMaker
// container directory sagebox gives the job), then $SM_HPS, then `--name value` / `name=value`
// arguments (and `-k value` for one-letter names, as the training toolkit passes them). Prints `objective=<value>` (per epoch, `epoch=<t> objective=<value>`, for the
// learning-curve functions). Exit 2 on bad hyperparameters.
import fs from 'node:fs';
import path from 'node:path';
import { FUNCTIONS, LC_VARIANT, LC_EPOCHS, lcCurve } from './functions.mjs';

function strip(v) {
  return typeof v === 'string' && v.length >= 2 && v[0] === '"' && v.at(-1) === '"' ? v.slice(1, -1) : v;
}

function readHyperparameters(argv) {
  const hp = {};
  const args = [...argv];
  const root = process.env.SM_INPUT_DIR ?? (process.env.SM_INPUT_CONFIG_DIR ? path.dirname(process.env.SM_INPUT_CONFIG_DIR) : '/opt/ml/input');
  let file = process.env.SM_HYPERPARAMETERS_FILE ?? path.join(root, 'config', 'hyperparameters.json');
  const i = args.indexOf('--hyperparameters-file');
  if (i >= 0) {
    file = args[i + 1];
    args.splice(i, 2);
  }
  if (fs.existsSync(file)) Object.assign(hp, JSON.parse(fs.readFileSync(file, 'utf8')));
  if (process.env.SM_HPS) Object.assign(hp, JSON.parse(process.env.SM_HPS));
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a.startsWith('--') && a.includes('=')) {
      const [n, ...v] = a.slice(2).split('=');
      hp[n] = v.join('=');
    } else if (a.startsWith('--')) {
      if (k + 1 >= args.length) throw new Error(`missing value for ${a}`);
      hp[a.slice(2)] = args[++k];
    } else if (/^-[A-Za-z]$/.test(a)) {
      // The training toolkit passes one-letter hyperparameters as `-k value` (SM_USER_ARGS).
      if (k + 1 >= args.length) throw new Error(`missing value for ${a}`);
      hp[a.slice(1)] = args[++k];
    } else if (a.includes('=')) {
      const [n, ...v] = a.split('=');
      hp[n] = v.join('=');
    } else throw new Error(`cannot parse argument ${a}`);
  }
  return Object.fromEntries(Object.entries(hp).map(([k, v]) => [k, strip(v)]));
}

const PARAMS = {
  branin: ['x1', 'x2'], hartmann6: ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'], rosenbrock4_log: ['x1', 'x2', 'x3', 'x4'],
  mixed5: ['x', 'lr', 'n', 'opt', 'act'], lc_synth: ['learning_rate', 'dropout', 'width'], lc_easy: ['learning_rate', 'dropout', 'width'],
};

async function main(argv) {
  let name, curve, hp;
  try {
    hp = readHyperparameters(argv);
    name = hp.function;
    if (!(name in FUNCTIONS)) throw new Error(`static hyperparameter 'function' must be one of ${Object.keys(FUNCTIONS).sort().join(', ')}`);
    const params = {};
    for (const n of PARAMS[name]) {
      if (!(n in hp)) throw new Error(`missing hyperparameter '${n}'`);
      params[n] = hp[n];
    }
    curve = name in LC_VARIANT
      ? lcCurve(params, { epochs: Math.trunc(Number(hp.epochs ?? LC_EPOCHS)), noiseStd: Number(hp.noise_std ?? 0), noiseSeed: Math.trunc(Number(hp.noise_seed ?? 0)), variant: LC_VARIANT[name] })
      : [FUNCTIONS[name](params)];
    if (curve.some((v) => !Number.isFinite(v))) throw new Error('hyperparameters give a non-finite objective');
  } catch (error) {
    process.stderr.write(`bad hyperparameters: ${error.message}\n`);
    return 2;
  }
  const epochMs = Number(hp.epoch_seconds ?? 0) * 1000;
  if (name in LC_VARIANT) {
    for (let t = 1; t <= curve.length; t++) {
      if (epochMs > 0) await new Promise((r) => setTimeout(r, epochMs));
      process.stdout.write(`epoch=${t} objective=${repr(curve[t - 1])}\n`);
    }
  } else process.stdout.write(`objective=${repr(curve[0])}\n`);
  return 0;
}

/** Full precision, in a form the metric regex reads (no 'e+' without digits, etc.). */
function repr(v) {
  return String(v);
}

process.exitCode = await main(process.argv.slice(2));
