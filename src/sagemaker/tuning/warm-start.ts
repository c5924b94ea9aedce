/**
 * WarmStartConfig (SAGEMAKER-SEMANTICS §6.1, DG-HPO-warm-start): checks the parents and takes
 * what the new job learns from them.
 *
 * Rules (documented): parents exist and are terminal (Completed, Stopped or Failed); the
 * objective (metric and type) is the parents'; the total number of static plus tunable
 * hyperparameters is unchanged; no hyperparameter changes type (Continuous / Integer /
 * Categorical / static); tunable→static changes plus changed static values total at most 10 (a
 * categorical turned static counts its number of values); not recursive (a parent's own parents
 * are not used). IdenticalDataAndAlgorithm also keeps the training image / algorithm and the
 * input data; TransferLearning may change them.
 * Ours: the parents' trials count toward the 750 training jobs a tuning job may have; a parent
 * trial whose values fall outside this job's ranges is not used.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import type { Database } from '../../store/schema.js';
import type { ResolvedDefinition } from './definitions.js';
import { resolveDefinitions } from './definitions.js';
import { invalid } from './messages.js';
import { findTuningJob, loadTrials, parseTuningRequest, TERMINAL_TUNING, type ParentObservation, type StoredSummary } from './store.js';
import { trialSummaries } from './summaries.js';
import { LIMITS } from './validate.js';

/** What warm start hands to the new job. */
export interface WarmStartResult {
  observations: ParentObservation[];
  parentBest?: StoredSummary;
}

function kindOf(def: ResolvedDefinition, name: string): string {
  const p = def.params.find((q) => q.name === name);
  if (p) return p.type;
  return name in (def.def.StaticHyperParameters ?? {}) ? 'Static' : 'Absent';
}

/**
 * @throws ValidationException / ResourceNotFound for a parent that breaks a rule.
 *
 * @example
 *   state.warmStart = await checkWarmStart(db, ctx, input, defs[0]!);
 */
export async function checkWarmStart(
  db: Kysely<Database>, ctx: RequestContext, req: T.CreateHyperParameterTuningJobRequest, def: ResolvedDefinition,
): Promise<WarmStartResult> {
  const warm = req.WarmStartConfig!;
  const observations: ParentObservation[] = [];
  let parentBest: StoredSummary | undefined;
  let parentJobs = 0;
  const objective = def.objective!;
  for (const parentRef of warm.ParentHyperParameterTuningJobs) {
    const name = parentRef.HyperParameterTuningJobName ?? '';
    const parent = await findTuningJob(db, ctx, name.toLowerCase());
    if (!parent) throw invalid(`The parent hyperparameter tuning job ${name} does not exist.`);
    if (!TERMINAL_TUNING.has(parent.status)) {
      throw invalid(`The parent hyperparameter tuning job ${name} is in status ${parent.status}. A parent job for warm start must be Completed, Stopped or Failed.`);
    }
    const preq = parseTuningRequest(parent);
    if (preq.TrainingJobDefinitions) throw invalid(`The parent hyperparameter tuning job ${name} has multiple training job definitions; warm start supports only parents with one TrainingJobDefinition.`);
    const [pdef] = resolveDefinitions(preq);
    if (!pdef) throw invalid(`The parent hyperparameter tuning job ${name} has no training job definition.`);
    if (pdef.objective?.MetricName !== objective.MetricName || pdef.objective?.Type !== objective.Type) {
      throw invalid(`The tuning objective (${objective.Type} ${objective.MetricName}) must be the same as that of the parent hyperparameter tuning job ${name} (${pdef.objective?.Type} ${pdef.objective?.MetricName}).`);
    }
    const names = (d: ResolvedDefinition): Set<string> => new Set([...d.params.map((p) => p.name), ...Object.keys(d.def.StaticHyperParameters ?? {})]);
    const mine = names(def);
    const theirs = names(pdef);
    if (mine.size !== theirs.size) {
      throw invalid(`The total number of static and tunable hyperparameters (${mine.size}) must be the same as in the parent hyperparameter tuning job ${name} (${theirs.size}).`);
    }
    let changes = 0;
    for (const hp of theirs) {
      const was = kindOf(pdef, hp);
      const is = kindOf(def, hp);
      if (is === 'Absent') throw invalid(`Hyperparameter ${hp} of the parent hyperparameter tuning job ${name} is missing. Warm start keeps every hyperparameter of the parent.`);
      if (was === 'Static' && is === 'Static') {
        if (pdef.def.StaticHyperParameters![hp] !== def.def.StaticHyperParameters![hp]) changes++;
      } else if (is === 'Static') {
        const p = pdef.params.find((q) => q.name === hp)!;
        changes += p.type === 'Categorical' ? p.values.length : 1;
      } else if (was !== 'Static' && was !== is) {
        throw invalid(`Hyperparameter ${hp} is ${was} in the parent hyperparameter tuning job ${name} and ${is} here. Warm start does not allow a hyperparameter to change type.`);
      }
      // static → tunable is allowed (the parent's value becomes one point of the range)
    }
    if (changes > 10) {
      throw invalid(`Warm start allows at most 10 changes from the parent hyperparameter tuning job ${name} (tunable hyperparameters made static, counting each value of a categorical, plus changed static values); there are ${changes}.`);
    }
    if (warm.WarmStartType === 'IdenticalDataAndAlgorithm') {
      const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      const pa = pdef.def.AlgorithmSpecification;
      const a = def.def.AlgorithmSpecification;
      if (!same(pa.TrainingImage, a.TrainingImage) || !same(pa.AlgorithmName, a.AlgorithmName) || !same(pdef.def.InputDataConfig, def.def.InputDataConfig)) {
        throw invalid('Only the following fields in TrainingJobDefinition are allowed to change for an IdenticalDataAndAlgorithm warm start: HyperParameterRanges, StaticHyperParameters, ResourceConfig, StoppingCondition, OutputDataConfig, Environment, CheckpointConfig, RetryStrategy. The training image or algorithm and the input data must be the same as the parent\'s; use TransferLearning to change them.');
      }
    }
    const trials = await loadTrials(db, parent.id);
    parentJobs += trials.length;
    for (const t of trials) {
      if (t.objective === null || t.objective_status !== 'Succeeded') continue;
      observations.push({ values: { ...(pdef.def.StaticHyperParameters ?? {}), ...(JSON.parse(t.tuned) as Record<string, string>) }, objective: t.objective });
    }
    if (warm.WarmStartType === 'IdenticalDataAndAlgorithm') {
      const summaries = await trialSummaries(db, parent, trials, pdef.objective);
      for (const s of summaries) {
        if (s.TrainingJobStatus !== 'Completed' || s.ObjectiveStatus !== 'Succeeded' || !s.FinalHyperParameterTuningJobObjectiveMetric) continue;
        const v = s.FinalHyperParameterTuningJobObjectiveMetric.Value;
        const b = parentBest?.FinalHyperParameterTuningJobObjectiveMetric?.Value;
        if (b === undefined || (objective.Type === 'Minimize' ? v < b : v > b)) parentBest = s;
      }
    }
  }
  const max = req.HyperParameterTuningJobConfig.ResourceLimits.MaxNumberOfTrainingJobs ?? 0;
  if (parentJobs + max > LIMITS.trainingJobs) {
    throw invalid(`The parent hyperparameter tuning jobs launched ${parentJobs} training jobs; with MaxNumberOfTrainingJobs ${max} that exceeds the maximum of ${LIMITS.trainingJobs} training jobs for a warm start tuning job.`);
  }
  return { observations, ...(parentBest ? { parentBest } : {}) };
}
