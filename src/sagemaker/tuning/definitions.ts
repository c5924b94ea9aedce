/**
 * The training job definitions of a tuning job, normalised: one list whether the request used
 * TrainingJobDefinition or TrainingJobDefinitions, each with its objective and ranges resolved
 * (a definition's TuningObjective / HyperParameterRanges replace the config-level ones) and its
 * ranges as the tuner's ParamSpec.
 */
import type { ParamSpec } from '../../tuner/index.js';
import type * as T from '../../aws/generated/sagemaker/types.js';

/** One definition, ready for the driver. */
export interface ResolvedDefinition {
  index: number;
  name: string | undefined;
  def: T.HyperParameterTrainingJobDefinition;
  objective: T.HyperParameterTuningJobObjective | undefined;
  ranges: T.ParameterRanges | undefined;
  params: ParamSpec[];
}

/**
 * The definitions of a request, in order.
 *
 * @example
 *   resolveDefinitions(request)[0]!.params; // the first definition's ranges as ParamSpec
 */
export function resolveDefinitions(req: Pick<T.CreateHyperParameterTuningJobRequest, 'HyperParameterTuningJobConfig' | 'TrainingJobDefinition' | 'TrainingJobDefinitions'>): ResolvedDefinition[] {
  const defs = req.TrainingJobDefinitions ?? (req.TrainingJobDefinition ? [req.TrainingJobDefinition] : []);
  return defs.map((def, index) => {
    const ranges = def.HyperParameterRanges ?? req.HyperParameterTuningJobConfig.ParameterRanges;
    return {
      index, name: def.DefinitionName, def,
      objective: def.TuningObjective ?? req.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective,
      ranges, params: ranges ? paramSpecs(ranges) : [],
    };
  });
}

/**
 * ParameterRanges → ParamSpec (values parsed; validation has checked them).
 *
 * @example paramSpecs({ IntegerParameterRanges: [{ Name: 'n', MinValue: '1', MaxValue: '8' }] })
 *   // [{ name: 'n', type: 'Integer', min: 1, max: 8, scaling: 'Auto' }]
 */
export function paramSpecs(ranges: T.ParameterRanges): ParamSpec[] {
  const out: ParamSpec[] = [];
  for (const r of ranges.ContinuousParameterRanges ?? []) {
    out.push({ name: r.Name, type: 'Continuous', min: Number(r.MinValue), max: Number(r.MaxValue), scaling: r.ScalingType ?? 'Auto' });
  }
  for (const r of ranges.IntegerParameterRanges ?? []) {
    out.push({ name: r.Name, type: 'Integer', min: Number(r.MinValue), max: Number(r.MaxValue), scaling: r.ScalingType ?? 'Auto' });
  }
  for (const r of ranges.CategoricalParameterRanges ?? []) out.push({ name: r.Name, type: 'Categorical', values: [...r.Values] });
  return out;
}

/** Static hyperparameter names that carry the epoch count Hyperband reads (§6.1). */
export const EPOCH_HYPERPARAMETERS = ['epochs', 'numepochs', 'n-epochs', 'n_epochs', 'num_epochs'] as const;

/**
 * Hyperband's (MinResource, MaxResource) for a definition, MaxResource falling back to the static epochs.
 *
 * @example
 *   hyperbandResources(config, { ...def, StaticHyperParameters: { epochs: '27' } }); // { min: 1, max: 27 }
 */
export function hyperbandResources(config: T.HyperParameterTuningJobConfig, def: T.HyperParameterTrainingJobDefinition): { min: number; max: number | undefined } {
  const hb = config.StrategyConfig?.HyperbandStrategyConfig;
  let max = hb?.MaxResource;
  if (max === undefined) {
    for (const key of EPOCH_HYPERPARAMETERS) {
      const v = def.StaticHyperParameters?.[key];
      if (v !== undefined && Number.isInteger(Number(v)) && Number(v) >= 1) {
        max = Number(v);
        break;
      }
    }
  }
  return { min: hb?.MinResource ?? 1, max };
}
