/**
 * applyAlgorithm / checkTrainingSpecification: every violation, with its exact message, and
 * what a valid request becomes (image, metric definitions, hyperparameter defaults).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../../../src/aws/service-error.js';
import { applyAlgorithm, checkTrainingSpecification, valueProblem } from '../../../src/sagemaker/algorithms/enforce.js';
import type { CreateTrainingJobRequest, HyperParameterSpecification, TrainingSpecification } from '../../../src/sagemaker/algorithms/shapes.js';
import { IMAGE, completed, jobRequest, trainingSpec } from './fixtures.js';

function refuses(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ServiceError, String(e));
    assert.equal(e.code, 'ValidationException');
    assert.equal(e.message, message);
    return true;
  });
}

const apply = (extra: Partial<CreateTrainingJobRequest>, spec?: TrainingSpecification) => applyAlgorithm(jobRequest(extra), completed(spec));
const s3 = { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: 's3://b/x/' } };

describe('applyAlgorithm: what a valid request becomes', () => {
  it('fills in the image, the metric definitions and the DefaultValues; keeps AlgorithmName', () => {
    const out = apply({});
    assert.deepEqual(out.AlgorithmSpecification, {
      AlgorithmName: 'acme', TrainingInputMode: 'File', TrainingImage: IMAGE, MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }],
    });
    assert.deepEqual(out.HyperParameters, { lr: '0.1', epochs: '3', optimizer: 'adam' });
  });

  it('keeps given values over defaults, and the request\'s own metric definitions with other names', () => {
    const out = apply({
      HyperParameters: { lr: '1e-3', epochs: '10', optimizer: 'sgd', note: 'anything at all' },
      AlgorithmSpecification: { AlgorithmName: 'acme', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'train:loss', Regex: 'x' }, { Name: 'acc', Regex: 'acc=(.*)' }] },
    });
    assert.deepEqual(out.HyperParameters, { lr: '1e-3', epochs: '10', optimizer: 'sgd', note: 'anything at all' });
    assert.deepEqual(out.AlgorithmSpecification!.MetricDefinitions, [{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }, { Name: 'acc', Regex: 'acc=(.*)' }]);
  });

  it('does not change its input', () => {
    const req = jobRequest();
    const copy = structuredClone(req);
    applyAlgorithm(req, completed());
    assert.deepEqual(req, copy);
  });

  it('allows the tuning hyperparameter _tuning_objective_metric, optional channels, Gzip where supported, InstanceGroups', () => {
    const out = apply({
      HyperParameters: { lr: '0.2', _tuning_objective_metric: 'train:loss' },
      InputDataConfig: [
        { ChannelName: 'train', CompressionType: 'Gzip', DataSource: s3 },
        { ChannelName: 'validation', InputMode: 'Pipe', ContentType: 'application/json', DataSource: s3 },
      ],
      ResourceConfig: { InstanceGroups: [{ InstanceGroupName: 'g', InstanceType: 'ml.m5.xlarge', InstanceCount: 1 }], VolumeSizeInGB: 10 },
    });
    assert.equal(out.HyperParameters!._tuning_objective_metric, 'train:loss');
  });

  it('accepts InstanceCount > 1 when SupportsDistributedTraining', () => {
    apply({ ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 4, VolumeSizeInGB: 10 } }, trainingSpec({ SupportsDistributedTraining: true }));
  });

  it('gives no HyperParameters when neither the request nor the specification has any', () => {
    const out = apply({ HyperParameters: undefined }, trainingSpec({ SupportedHyperParameters: undefined }));
    assert.equal(out.HyperParameters, undefined);
  });
});

describe('applyAlgorithm: each violation and its message', () => {
  it('an algorithm that is not Completed', () => {
    for (const status of ['Pending', 'InProgress', 'Failed'] as const) {
      refuses(() => applyAlgorithm(jobRequest(), { ...completed(), status }),
        `Algorithm acme cannot be used for training: its AlgorithmStatus is ${status}. Only an algorithm whose validation has Completed can be used (see DescribeAlgorithm AlgorithmStatusDetails).`);
    }
  });

  it('TrainingImage, ContainerEntrypoint or ContainerArguments next to AlgorithmName', () => {
    refuses(() => apply({ AlgorithmSpecification: { AlgorithmName: 'acme', TrainingImage: 'x', TrainingInputMode: 'File' } }),
      'Both TrainingImage and AlgorithmName are provided in AlgorithmSpecification. Provide exactly one of them.');
    refuses(() => apply({ AlgorithmSpecification: { AlgorithmName: 'acme', TrainingInputMode: 'File', ContainerEntrypoint: ['python3'] } }),
      'AlgorithmSpecification.ContainerEntrypoint cannot be used with AlgorithmName: algorithm acme runs its own training image.');
    refuses(() => apply({ AlgorithmSpecification: { AlgorithmName: 'acme', TrainingInputMode: 'File', ContainerArguments: ['x'] } }),
      'AlgorithmSpecification.ContainerArguments cannot be used with AlgorithmName: algorithm acme runs its own training image.');
  });

  it('an unsupported instance type (InstanceType or an instance group)', () => {
    const msg = 'Instance type ml.p3.2xlarge is not supported by algorithm acme. Supported training instance types: [ml.m5.large, ml.m5.xlarge].';
    refuses(() => apply({ ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 10 } }), msg);
    refuses(() => apply({ ResourceConfig: { InstanceGroups: [{ InstanceGroupName: 'g', InstanceType: 'ml.p3.2xlarge', InstanceCount: 1 }], VolumeSizeInGB: 10 } }), msg);
  });

  it('more than one instance without SupportsDistributedTraining', () => {
    const msg = (n: number) => `Algorithm acme does not support distributed training (SupportsDistributedTraining is false): the instance count must be 1, got ${n}.`;
    refuses(() => apply({ ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 2, VolumeSizeInGB: 10 } }), msg(2));
    refuses(() => apply({
      ResourceConfig: { InstanceGroups: [
        { InstanceGroupName: 'a', InstanceType: 'ml.m5.large', InstanceCount: 1 }, { InstanceGroupName: 'b', InstanceType: 'ml.m5.large', InstanceCount: 2 },
      ], VolumeSizeInGB: 10 },
    }), msg(3));
  });

  it('an unknown channel', () => {
    refuses(() => apply({ InputDataConfig: [{ ChannelName: 'train', DataSource: s3 }, { ChannelName: 'test', DataSource: s3 }] }),
      "Channel 'test' is not supported by algorithm acme. Supported channels: [train, validation].");
  });

  it('a missing required channel (none at all, or only optional ones)', () => {
    const msg = "Channel 'train' is required by algorithm acme but missing from InputDataConfig.";
    refuses(() => apply({ InputDataConfig: undefined }), msg);
    refuses(() => apply({ InputDataConfig: [{ ChannelName: 'validation', DataSource: s3 }] }), msg);
  });

  it('an unsupported input mode, from the channel or from TrainingInputMode', () => {
    const msg = (m: string) => `Input mode ${m} of channel 'train' is not supported by algorithm acme. Supported input modes: [File].`;
    refuses(() => apply({ InputDataConfig: [{ ChannelName: 'train', InputMode: 'Pipe', DataSource: s3 }] }), msg('Pipe'));
    refuses(() => apply({ AlgorithmSpecification: { AlgorithmName: 'acme', TrainingInputMode: 'FastFile' } }), msg('FastFile'));
  });

  it('an unsupported content type', () => {
    refuses(() => apply({ InputDataConfig: [{ ChannelName: 'train', ContentType: 'application/x-parquet', DataSource: s3 }] }),
      "Content type application/x-parquet of channel 'train' is not supported by algorithm acme. Supported content types: [text/csv].");
  });

  it('an unsupported compression type (a channel without SupportedCompressionTypes takes none)', () => {
    refuses(() => apply({ InputDataConfig: [{ ChannelName: 'train', DataSource: s3 }, { ChannelName: 'validation', CompressionType: 'Gzip', DataSource: s3 }] }),
      "Compression type Gzip of channel 'validation' is not supported by algorithm acme. Supported compression types: [].");
  });

  it('an unknown hyperparameter', () => {
    refuses(() => apply({ HyperParameters: { lr: '0.1', batch_size: '32' } }),
      "Hyperparameter 'batch_size' is not supported by algorithm acme. Supported hyperparameters: [epochs, lr, optimizer, note].");
  });

  it('a missing required hyperparameter', () => {
    refuses(() => apply({ HyperParameters: { epochs: '2' } }), "Hyperparameter 'lr' is required by algorithm acme but missing from HyperParameters.");
    refuses(() => apply({ HyperParameters: undefined }), "Hyperparameter 'lr' is required by algorithm acme but missing from HyperParameters.");
  });

  it('a value of the wrong type', () => {
    refuses(() => apply({ HyperParameters: { lr: '0.1', epochs: '2.5' } }), "Hyperparameter 'epochs' of algorithm acme must be an integer (Type Integer), got '2.5'.");
    refuses(() => apply({ HyperParameters: { lr: 'fast' } }), "Hyperparameter 'lr' of algorithm acme must be a number (Type Continuous), got 'fast'.");
  });

  it('a value out of range, or not among the categories', () => {
    refuses(() => apply({ HyperParameters: { lr: '0.1', epochs: '11' } }), "Hyperparameter 'epochs' of algorithm acme must be between 1 and 10, got '11'.");
    refuses(() => apply({ HyperParameters: { lr: '0.1', epochs: '0' } }), "Hyperparameter 'epochs' of algorithm acme must be between 1 and 10, got '0'.");
    refuses(() => apply({ HyperParameters: { lr: '2' } }), "Hyperparameter 'lr' of algorithm acme must be between 0.0001 and 1, got '2'.");
    refuses(() => apply({ HyperParameters: { lr: '0.1', optimizer: 'rmsprop' } }), "Hyperparameter 'optimizer' of algorithm acme must be one of [sgd, adam], got 'rmsprop'.");
  });

  it('reports the first violation: instances, then channels, then hyperparameters', () => {
    refuses(() => apply({ ResourceConfig: { InstanceType: 'ml.c5.xlarge', InstanceCount: 1, VolumeSizeInGB: 1 }, HyperParameters: {} }),
      'Instance type ml.c5.xlarge is not supported by algorithm acme. Supported training instance types: [ml.m5.large, ml.m5.xlarge].');
  });
});

describe('valueProblem', () => {
  const int: HyperParameterSpecification = { Name: 'n', Type: 'Integer' };
  const num: HyperParameterSpecification = { Name: 'x', Type: 'Continuous' };
  it('accepts integers and numbers in the usual spellings', () => {
    for (const v of ['0', '-3', '+7', '42']) assert.equal(valueProblem(int, v), undefined, v);
    for (const v of ['0', '1.5', '.5', '-2e-3', '1E6', '3.']) assert.equal(valueProblem(num, v), undefined, v);
    for (const v of ['', '1.0', '1e3', 'x', '0x10']) assert.ok(valueProblem(int, v), v);
    for (const v of ['', 'nan', 'Infinity', '1,5', '--1']) assert.ok(valueProblem(num, v), v);
  });
  it('FreeText and Categorical without a range take anything', () => {
    assert.equal(valueProblem({ Name: 't', Type: 'FreeText' }, 'anything'), undefined);
    assert.equal(valueProblem({ Name: 'c', Type: 'Categorical' }, 'x'), undefined);
  });
});

describe('checkTrainingSpecification (CreateAlgorithm)', () => {
  const hp = (h: HyperParameterSpecification) => trainingSpec({ SupportedHyperParameters: [h] });
  it('accepts the fixture', () => checkTrainingSpecification(trainingSpec()));

  it('refuses duplicate channel, hyperparameter and metric names', () => {
    const ts = trainingSpec();
    refuses(() => checkTrainingSpecification({ ...ts, TrainingChannels: [...ts.TrainingChannels, ts.TrainingChannels[0]!] }),
      "TrainingSpecification.TrainingChannels: channel name 'train' is given more than once.");
    refuses(() => checkTrainingSpecification({ ...ts, SupportedHyperParameters: [...ts.SupportedHyperParameters!, { Name: 'lr', Type: 'FreeText' }] }),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'lr' is given more than once.");
    refuses(() => checkTrainingSpecification({ ...ts, MetricDefinitions: [{ Name: 'm', Regex: 'a' }, { Name: 'm', Regex: 'b' }] }),
      "TrainingSpecification.MetricDefinitions: metric name 'm' is given more than once.");
  });

  it('refuses a required hyperparameter with a DefaultValue', () => {
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'FreeText', IsRequired: true, DefaultValue: 'x' })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': a hyperparameter with a DefaultValue cannot be required (IsRequired).");
  });

  it('refuses a Range that does not fit the Type, or two ranges', () => {
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'Integer', Range: { ContinuousParameterRangeSpecification: { MinValue: '0', MaxValue: '1' } } })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': Type Integer takes a Range with IntegerParameterRangeSpecification, not ContinuousParameterRangeSpecification.");
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'FreeText', Range: { CategoricalParameterRangeSpecification: { Values: ['a'] } } })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': Type FreeText takes no Range, not CategoricalParameterRangeSpecification.");
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'Integer', Range: {
      IntegerParameterRangeSpecification: { MinValue: '0', MaxValue: '1' }, ContinuousParameterRangeSpecification: { MinValue: '0', MaxValue: '1' } } })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': Range must have exactly one of IntegerParameterRangeSpecification, ContinuousParameterRangeSpecification or CategoricalParameterRangeSpecification.");
  });

  it('refuses unordered or non-numeric bounds', () => {
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'Integer', Range: { IntegerParameterRangeSpecification: { MinValue: '5', MaxValue: '1' } } })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': Range MinValue '5' and MaxValue '1' must be integers with MinValue <= MaxValue.");
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'Continuous', Range: { ContinuousParameterRangeSpecification: { MinValue: 'a', MaxValue: '1' } } })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': Range MinValue 'a' and MaxValue '1' must be numbers with MinValue <= MaxValue.");
  });

  it('refuses a DefaultValue its own specification rejects', () => {
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'Integer', Range: { IntegerParameterRangeSpecification: { MinValue: '1', MaxValue: '3' } }, DefaultValue: '4' })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': DefaultValue must be between 1 and 3, got '4'.");
    refuses(() => checkTrainingSpecification(hp({ Name: 'e', Type: 'Categorical', Range: { CategoricalParameterRangeSpecification: { Values: ['a'] } }, DefaultValue: 'b' })),
      "TrainingSpecification.SupportedHyperParameters: hyperparameter 'e': DefaultValue must be one of [a], got 'b'.");
  });
});
