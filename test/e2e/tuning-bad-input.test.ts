/**
 * Bad input for the tuning operations, through the real SDK, with the service's messages
 * (SAGEMAKER-SEMANTICS §6, §8; ours where AWS's text is not known).
 */
import { after, before } from 'node:test';
import type * as sm from '@aws-sdk/client-sagemaker';
import { enumSet, many, maxLen, maxVal, minVal, one, pattern, runBadInputCases } from '../helpers/bad-input.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { definition, tuningRequest } from './fixtures/tuning/requests.js';

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox({ env: { SAGEBOX_SANDBOX: 'off' } });
});
after(async () => {
  await sb.close(true);
});

type Req = sm.CreateHyperParameterTuningJobRequest;
const cfg = (c: Partial<sm.HyperParameterTuningJobConfig>, extra: Partial<Req> = {}): Record<string, unknown> =>
  tuningRequest('bad', c, extra) as unknown as Record<string, unknown>;
const ranges = (r: sm.ParameterRanges): Partial<sm.HyperParameterTuningJobConfig> => ({ ParameterRanges: r });
const NOT_FOUND = (name: string): string => `Amazon SageMaker can't find a tuning job called ${name}. Type another name.`;

runBadInputCases(() => sb.client, {
  CreateHyperParameterTuningJob: [
    { what: 'name with an underscore', input: { ...cfg({}), HyperParameterTuningJobName: 'bad_name' },
      message: one(pattern('bad_name', 'hyperParameterTuningJobName', '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}')) },
    { what: 'name longer than 32', input: { ...cfg({}), HyperParameterTuningJobName: 'a'.repeat(33) },
      message: many(maxLen('a'.repeat(33), 'hyperParameterTuningJobName', 32), pattern('a'.repeat(33), 'hyperParameterTuningJobName', '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}')) },
    { what: 'objective metric missing from MetricDefinitions',
      input: cfg({ HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'validation:accuracy' } }),
      message: 'A metric is required for this hyperparameter tuning job objective. Provide a metric in the metric definitions.' },
    { what: 'no objective', input: cfg({ HyperParameterTuningJobObjective: undefined }),
      message: 'A HyperParameterTuningJobObjective is required in the HyperParameterTuningJobConfig.' },
    { what: 'both TrainingJobDefinition and TrainingJobDefinitions', input: cfg({}, { TrainingJobDefinitions: [{ ...definition(), DefinitionName: 'a' }] }),
      message: 'Exactly one of TrainingJobDefinition or TrainingJobDefinitions must be provided.' },
    { what: 'Grid with a continuous range', input: cfg({ Strategy: 'Grid', ResourceLimits: { MaxParallelTrainingJobs: 1 } }),
      message: 'The Grid search strategy supports only categorical parameter ranges; hyperparameter x is Continuous.' },
    { what: 'Grid with MaxNumberOfTrainingJobs other than the number of combinations',
      input: cfg({ Strategy: 'Grid', ResourceLimits: { MaxParallelTrainingJobs: 1, MaxNumberOfTrainingJobs: 5 }, ...ranges({ CategoricalParameterRanges: [{ Name: 'opt', Values: ['a', 'b'] }] }) }),
      message: 'For the Grid search strategy, MaxNumberOfTrainingJobs must be omitted or equal to the number of combinations of the categorical values (2); it is 5.' },
    { what: 'Hyperband with early stopping on', input: cfg({ Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Auto' }, { TrainingJobDefinition: definition({ epochs: '9' }) }),
      message: 'TrainingJobEarlyStoppingType must be Off for the Hyperband strategy: Hyperband has its own early stopping.' },
    { what: 'Hyperband without a maximum resource', input: cfg({ Strategy: 'Hyperband' }),
      message: 'Hyperband needs a maximum resource: set HyperbandStrategyConfig.MaxResource, or one of the static hyperparameters epochs, numepochs, n-epochs, n_epochs or num_epochs.' },
    { what: 'HyperbandStrategyConfig with another strategy', input: cfg({ StrategyConfig: { HyperbandStrategyConfig: { MaxResource: 9 } } }),
      message: 'HyperbandStrategyConfig is allowed only with the Hyperband strategy.' },
    { what: 'MinValue greater than MaxValue', input: cfg(ranges({ ContinuousParameterRanges: [{ Name: 'x', MinValue: '2', MaxValue: '1' }] })),
      message: 'The MinValue (2) of hyperparameter x is greater than its MaxValue (1). MinValue must be less than or equal to MaxValue.' },
    { what: 'an integer range with a fractional bound', input: cfg(ranges({ IntegerParameterRanges: [{ Name: 'n', MinValue: '1.5', MaxValue: '4' }] })),
      message: 'The MinValue 1.5 of hyperparameter n is not an integer.' },
    { what: 'Logarithmic scaling over a range that reaches 0', input: cfg(ranges({ ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1', ScalingType: 'Logarithmic' }] })),
      message: 'Hyperparameter x uses Logarithmic scaling, which requires a range greater than 0 (MinValue is 0).' },
    { what: 'ReverseLogarithmic on an integer range', input: cfg(ranges({ IntegerParameterRanges: [{ Name: 'n', MinValue: '0', MaxValue: '1', ScalingType: 'ReverseLogarithmic' }] })),
      message: 'Hyperparameter n uses ReverseLogarithmic scaling, which is supported only for continuous hyperparameters.' },
    { what: 'ReverseLogarithmic reaching 1', input: cfg(ranges({ ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1', ScalingType: 'ReverseLogarithmic' }] })),
      message: 'Hyperparameter x uses ReverseLogarithmic scaling, which requires a range within 0 <= value < 1 (the range is 0 to 1).' },
    { what: 'a hyperparameter both static and tunable', input: cfg({}, { TrainingJobDefinition: definition({ x: '0.5' }) }),
      message: 'Hyperparameter x is both static and tunable. A hyperparameter can be either static or tunable, not both.' },
    { what: 'the same name in two ranges', input: cfg(ranges({ ContinuousParameterRanges: [{ Name: 'x', MinValue: '0', MaxValue: '1' }], CategoricalParameterRanges: [{ Name: 'x', Values: ['a'] }] })),
      message: 'Hyperparameter x appears in more than one parameter range.' },
    { what: 'Random without MaxNumberOfTrainingJobs', input: cfg({ ResourceLimits: { MaxParallelTrainingJobs: 1 } }),
      message: 'MaxNumberOfTrainingJobs is required in ResourceLimits for the Random strategy.' },
    { what: 'more than 750 Bayesian training jobs', input: cfg({ Strategy: 'Bayesian', ResourceLimits: { MaxParallelTrainingJobs: 1, MaxNumberOfTrainingJobs: 751 } }),
      message: 'MaxNumberOfTrainingJobs (751) exceeds the maximum of 750 training jobs per tuning job for the Bayesian strategy.' },
    { what: 'multiple definitions without DefinitionName', input: cfg({}, { TrainingJobDefinition: undefined, TrainingJobDefinitions: [definition(), definition()] }),
      message: 'Each training job definition must have a DefinitionName when TrainingJobDefinitions is used.' },
    { what: 'multiple definitions with early stopping',
      input: cfg({ TrainingJobEarlyStoppingType: 'Auto' }, { TrainingJobDefinition: undefined, TrainingJobDefinitions: [{ ...definition(), DefinitionName: 'a' }, { ...definition(), DefinitionName: 'b' }] }),
      message: 'Early stopping is not supported for hyperparameter tuning jobs with multiple training job definitions. Set TrainingJobEarlyStoppingType to Off.' },
    { what: 'warm start from a parent that does not exist',
      input: cfg({}, { WarmStartConfig: { WarmStartType: 'TransferLearning', ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'nope' }] } }),
      message: 'The parent hyperparameter tuning job nope does not exist.' },
  ],
  DescribeHyperParameterTuningJob: [
    { what: 'unknown job', input: { HyperParameterTuningJobName: 'ghost' }, code: 'ResourceNotFound', message: NOT_FOUND('ghost') },
  ],
  StopHyperParameterTuningJob: [
    { what: 'unknown job', input: { HyperParameterTuningJobName: 'ghost' }, code: 'ResourceNotFound', message: NOT_FOUND('ghost') },
  ],
  DeleteHyperParameterTuningJob: [
    { what: 'unknown job', input: { HyperParameterTuningJobName: 'ghost' }, code: 'ResourceNotFound', message: NOT_FOUND('ghost') },
  ],
  ListTrainingJobsForHyperParameterTuningJob: [
    { what: 'unknown job', input: { HyperParameterTuningJobName: 'ghost' }, code: 'ResourceNotFound', message: NOT_FOUND('ghost') },
  ],
  ListHyperParameterTuningJobs: [
    { what: 'MaxResults 0', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'MaxResults 101', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
    { what: 'bad SortBy', input: { SortBy: 'Size' }, message: one(enumSet('Size', 'sortBy', ['Name', 'Status', 'CreationTime'])) },
    { what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: /pagination token/i },
  ],
});
