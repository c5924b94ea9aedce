/**
 * CreateHyperParameterTuningJob checks beyond the generated shape validation (SAGEMAKER-SEMANTICS
 * §6.1): definitions, objective and metric, ranges and scaling, strategy rules, limits. Warm
 * start parents are checked in warm-start.ts (they need the store).
 */
import type * as T from '../../aws/generated/sagemaker/types.js';
import { SearchSpace } from '../../tuner/index.js';
import { hyperbandResources, resolveDefinitions, type ResolvedDefinition } from './definitions.js';
import { invalid, metricRequired } from './messages.js';

/** §6.1 limits. */
export const LIMITS = {
  tunable: 30,
  hyperparameters: 100,
  categoricalValues: 30,
  trainingJobs: 750,
  randomTrainingJobs: 10_000,
  parallel: 100,
  hyperbandMaxResource: 20_000,
} as const;

/**
 * Throws the ValidationException for the first problem found.
 *
 * @example
 *   const defs = checkCreateTuningRequest(input); // throws ValidationException for the first problem
 */
export function checkCreateTuningRequest(req: T.CreateHyperParameterTuningJobRequest): ResolvedDefinition[] {
  const config = req.HyperParameterTuningJobConfig;
  if ((req.TrainingJobDefinition === undefined) === (req.TrainingJobDefinitions === undefined)) {
    throw invalid('Exactly one of TrainingJobDefinition or TrainingJobDefinitions must be provided.');
  }
  if (req.Autotune) throw invalid('Autotune is not supported by sagebox: give the strategy, ranges and resource limits explicitly.');
  const defs = resolveDefinitions(req);
  const multiple = req.TrainingJobDefinitions !== undefined;
  if (multiple) {
    const names = new Set<string>();
    for (const d of defs) {
      if (!d.name) throw invalid('Each training job definition must have a DefinitionName when TrainingJobDefinitions is used.');
      if (names.has(d.name)) throw invalid(`DefinitionName ${d.name} is used by more than one training job definition. Definition names must be unique.`);
      names.add(d.name);
    }
    if (req.WarmStartConfig) throw invalid('Warm start is not supported for hyperparameter tuning jobs with multiple training job definitions.');
    if ((config.TrainingJobEarlyStoppingType ?? 'Off') !== 'Off') {
      throw invalid('Early stopping is not supported for hyperparameter tuning jobs with multiple training job definitions. Set TrainingJobEarlyStoppingType to Off.');
    }
    const metrics = new Set(defs.map((d) => `${d.objective?.Type}/${d.objective?.MetricName}`));
    if (metrics.size > 1) throw invalid('All training job definitions must use the same tuning objective (Type and MetricName).');
  }
  for (const d of defs) checkDefinition(config, d, multiple);
  checkStrategy(config, defs);
  const env = defs.reduce((n, d) => n + Object.keys(d.def.Environment ?? {}).length, 0);
  if (env > 48) throw invalid(`The training job definitions set ${env} environment variables; at most 48 are allowed over all definitions.`);
  return defs;
}

function label(d: ResolvedDefinition, multiple: boolean): string {
  return multiple ? ` in training job definition ${d.name}` : '';
}

function checkDefinition(config: T.HyperParameterTuningJobConfig, d: ResolvedDefinition, multiple: boolean): void {
  const where = label(d, multiple);
  if (!d.objective) {
    throw invalid(multiple
      ? `A TuningObjective is required in training job definition ${d.name} (or a HyperParameterTuningJobObjective in the HyperParameterTuningJobConfig).`
      : 'A HyperParameterTuningJobObjective is required in the HyperParameterTuningJobConfig.');
  }
  const algo = d.def.AlgorithmSpecification;
  if ((algo.TrainingImage === undefined) === (algo.AlgorithmName === undefined)) {
    throw invalid(`Exactly one of TrainingImage or AlgorithmName must be provided in the AlgorithmSpecification${where}.`);
  }
  // A built-in algorithm brings its own metrics; for a BYO image the metric must be defined.
  if (algo.TrainingImage !== undefined && !(algo.MetricDefinitions ?? []).some((m) => m.Name === d.objective!.MetricName)) {
    throw metricRequired();
  }
  if (d.def.ResourceConfig && d.def.HyperParameterTuningResourceConfig) {
    throw invalid(`Provide either ResourceConfig or HyperParameterTuningResourceConfig${where}, not both.`);
  }
  if (!d.def.ResourceConfig && !d.def.HyperParameterTuningResourceConfig) {
    throw invalid(`A ResourceConfig or HyperParameterTuningResourceConfig is required${where}.`);
  }
  if (!d.ranges) throw invalid(`ParameterRanges are required${where}: give HyperParameterRanges in the definition or ParameterRanges in the HyperParameterTuningJobConfig.`);
  if ((d.ranges.AutoParameters ?? []).length > 0) throw invalid('AutoParameters are not supported by sagebox: give Integer, Continuous or Categorical parameter ranges.');
  checkRanges(d.ranges, where);
  const statics = d.def.StaticHyperParameters ?? {};
  const tunable = d.params.map((p) => p.name);
  if (tunable.length === 0) throw invalid(`At least one hyperparameter range is required${where}.`);
  if (tunable.length > LIMITS.tunable) {
    throw invalid(`The number of tunable hyperparameters (${tunable.length}) exceeds the maximum of ${LIMITS.tunable}${where}.`);
  }
  for (const name of tunable) {
    if (name in statics) throw invalid(`Hyperparameter ${name} is both static and tunable${where}. A hyperparameter can be either static or tunable, not both.`);
  }
  if ('_tuning_objective_metric' in statics) throw invalid('The static hyperparameter _tuning_objective_metric is reserved: the tuning job sets it on every training job.');
  const total = tunable.length + Object.keys(statics).length + 1;
  if (total > LIMITS.hyperparameters) {
    throw invalid(`The number of static and tunable hyperparameters, including _tuning_objective_metric, is ${total}; the maximum is ${LIMITS.hyperparameters}${where}.`);
  }
  if (config.Strategy === 'Hyperband') {
    const { min, max } = hyperbandResources(config, d.def);
    if (max === undefined) {
      throw invalid('Hyperband needs a maximum resource: set HyperbandStrategyConfig.MaxResource, or one of the static hyperparameters epochs, numepochs, n-epochs, n_epochs or num_epochs.');
    }
    if (max > LIMITS.hyperbandMaxResource) throw invalid(`MaxResource (${max}) exceeds the maximum of ${LIMITS.hyperbandMaxResource}.`);
    if (min > max) throw invalid(`MinResource (${min}) must be less than or equal to MaxResource (${max}).`);
  }
}

function checkRanges(ranges: T.ParameterRanges, where: string): void {
  const seen = new Set<string>();
  const name = (n: string): void => {
    if (seen.has(n)) throw invalid(`Hyperparameter ${n} appears in more than one parameter range${where}.`);
    seen.add(n);
  };
  const numeric = (r: T.ContinuousParameterRange | T.IntegerParameterRange, type: 'Continuous' | 'Integer'): void => {
    name(r.Name);
    const min = Number(r.MinValue);
    const max = Number(r.MaxValue);
    const isNum = (s: string, v: number): boolean => s.trim() !== '' && Number.isFinite(v) && (type === 'Continuous' || Number.isInteger(v));
    const kind = type === 'Integer' ? 'an integer' : 'a number';
    if (!isNum(r.MinValue, min)) throw invalid(`The MinValue ${r.MinValue} of hyperparameter ${r.Name} is not ${kind}${where}.`);
    if (!isNum(r.MaxValue, max)) throw invalid(`The MaxValue ${r.MaxValue} of hyperparameter ${r.Name} is not ${kind}${where}.`);
    if (min > max) throw invalid(`The MinValue (${r.MinValue}) of hyperparameter ${r.Name} is greater than its MaxValue (${r.MaxValue})${where}. MinValue must be less than or equal to MaxValue.`);
    const scaling = r.ScalingType ?? 'Auto';
    if (scaling === 'Logarithmic' && !(min > 0)) {
      throw invalid(`Hyperparameter ${r.Name} uses Logarithmic scaling, which requires a range greater than 0 (MinValue is ${r.MinValue})${where}.`);
    }
    if (scaling === 'ReverseLogarithmic') {
      if (type === 'Integer') throw invalid(`Hyperparameter ${r.Name} uses ReverseLogarithmic scaling, which is supported only for continuous hyperparameters${where}.`);
      if (!(min >= 0 && max < 1)) {
        throw invalid(`Hyperparameter ${r.Name} uses ReverseLogarithmic scaling, which requires a range within 0 <= value < 1 (the range is ${r.MinValue} to ${r.MaxValue})${where}.`);
      }
    }
  };
  for (const r of ranges.ContinuousParameterRanges ?? []) numeric(r, 'Continuous');
  for (const r of ranges.IntegerParameterRanges ?? []) numeric(r, 'Integer');
  for (const r of ranges.CategoricalParameterRanges ?? []) {
    name(r.Name);
    if (r.Values.length === 0) throw invalid(`Categorical hyperparameter ${r.Name} needs at least one value${where}.`);
    if (new Set(r.Values).size !== r.Values.length) throw invalid(`Categorical hyperparameter ${r.Name} lists a value more than once${where}.`);
  }
}

function checkStrategy(config: T.HyperParameterTuningJobConfig, defs: ResolvedDefinition[]): void {
  const limits = config.ResourceLimits;
  const early = config.TrainingJobEarlyStoppingType ?? 'Off';
  if (config.StrategyConfig?.HyperbandStrategyConfig && config.Strategy !== 'Hyperband') {
    throw invalid('HyperbandStrategyConfig is allowed only with the Hyperband strategy.');
  }
  if (limits.MaxParallelTrainingJobs > LIMITS.parallel) {
    throw invalid(`MaxParallelTrainingJobs (${limits.MaxParallelTrainingJobs}) exceeds the maximum of ${LIMITS.parallel} parallel training jobs per tuning job.`);
  }
  if (config.Strategy === 'Hyperband' && early !== 'Off') {
    throw invalid('TrainingJobEarlyStoppingType must be Off for the Hyperband strategy: Hyperband has its own early stopping.');
  }
  if (config.Strategy === 'Grid') {
    let combinations = 0;
    for (const d of defs) {
      const bad = d.params.find((p) => p.type !== 'Categorical');
      if (bad) throw invalid(`The Grid search strategy supports only categorical parameter ranges; hyperparameter ${bad.name} is ${bad.type}.`);
      combinations += new SearchSpace(d.params).size();
    }
    if (limits.MaxNumberOfTrainingJobs !== undefined && limits.MaxNumberOfTrainingJobs !== combinations) {
      throw invalid(`For the Grid search strategy, MaxNumberOfTrainingJobs must be omitted or equal to the number of combinations of the categorical values (${combinations}); it is ${limits.MaxNumberOfTrainingJobs}.`);
    }
    if (combinations > LIMITS.trainingJobs) throw invalid(`The grid has ${combinations} combinations; at most ${LIMITS.trainingJobs} training jobs are allowed per tuning job.`);
    return;
  }
  if (limits.MaxNumberOfTrainingJobs === undefined) {
    throw invalid(`MaxNumberOfTrainingJobs is required in ResourceLimits for the ${config.Strategy} strategy.`);
  }
  const max = config.Strategy === 'Random' ? LIMITS.randomTrainingJobs : LIMITS.trainingJobs;
  if (limits.MaxNumberOfTrainingJobs > max) {
    throw invalid(`MaxNumberOfTrainingJobs (${limits.MaxNumberOfTrainingJobs}) exceeds the maximum of ${max} training jobs per tuning job for the ${config.Strategy} strategy.`);
  }
}
