/**
 * Bad input for every pipeline operation through the real SDK: the generated (Coral) validation
 * messages, the definition checks of CreatePipeline / UpdatePipeline, the start-time parameter
 * checks, and the not-found / conflict answers.
 */
import { after, before } from 'node:test';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import { many, maxVal, minLen, minVal, notNull, one, pattern, runBadInputCases, type BadInputCase } from '../helpers/bad-input.js';
import { createPipeline, definition, ROLE, start, token, waitForExecution } from './fixtures/pipelines/helpers.js';

const NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}';
const NAME_OR_ARN = '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:([0-9]{12}|aws):pipeline/.*)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})';
const EXEC_ARN = 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:pipeline\\/.*\\/execution\\/.*';
const TOKEN = 'x'.repeat(32);
const MISSING_EXEC = 'arn:aws:sagemaker:us-east-1:111122223333:pipeline/exists/execution/nope00000000';

let sb: TestSagebox;
let succeeded = '';
before(async () => {
  sb = await startTestSagebox();
  const client = sb.clientFor('111122223333');
  await createPipeline(client, 'exists', definition([{ Name: 'C', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] } }], [{ Name: 'N', Type: 'Integer', DefaultValue: 1 }, { Name: 'Need', Type: 'String' }]));
  succeeded = await start(client, 'exists', { Need: 'x' });
  await waitForExecution(client, succeeded);
});
after(() => sb.close(true));

const create = (def: unknown): Record<string, unknown> => ({ PipelineName: 'p1', RoleArn: ROLE, ClientRequestToken: TOKEN, PipelineDefinition: JSON.stringify(def) });
const cond = { Name: 'C', Type: 'Condition', Arguments: { Conditions: [], IfSteps: [], ElseSteps: [] } };

const cases: Record<string, BadInputCase[]> = {
  CreatePipeline: [
    { what: 'missing name and role', input: { ClientRequestToken: TOKEN }, message: many(notNull('pipelineName'), notNull('roleArn')) },
    { what: 'bad name', input: { ...create(definition([cond])), PipelineName: 'bad_name' }, message: one(pattern('bad_name', 'pipelineName', NAME)) },
    { what: 'no definition', input: { PipelineName: 'p1', RoleArn: ROLE, ClientRequestToken: TOKEN }, message: 'Either PipelineDefinition or PipelineDefinitionS3Location must be specified.' },
    { what: 'a name that exists', input: { ...create(definition([cond])), PipelineName: 'EXISTS' }, message: 'Pipeline names must be unique within an AWS account and region. Pipeline with name EXISTS already exists.' },
    { what: 'not JSON', input: { ...create({}), PipelineDefinition: '{nope' }, message: /^Pipeline definition is not valid JSON: / },
    { what: 'wrong version', input: create({ Version: '2019-01-01', Steps: [] }), message: "Pipeline definition Version '2019-01-01' is not supported; the supported version is 2020-12-01." },
    { what: 'unknown step type', input: create(definition([{ Name: 'M', Type: 'CreateModel', Arguments: {} }])), message: "Step M has an unknown Type 'CreateModel'." },
    { what: 'duplicate step name in a branch', input: create(definition([{ ...cond, Arguments: { Conditions: [], IfSteps: [{ ...cond }], ElseSteps: [] } }])), message: 'Step names must be unique across the pipeline (branch steps included): C appears more than once.' },
    { what: 'undefined step reference', input: create(definition([{ Name: 'M', Type: 'Model', Arguments: { X: { Get: 'Steps.Nope.ModelName' } } }])), message: 'M refers to step Nope, which is undefined.' },
    { what: 'undefined DependsOn', input: create(definition([{ ...cond, DependsOn: ['Nope'] }])), message: 'Step C depends on step Nope, which is undefined.' },
    { what: 'undeclared parameter', input: create(definition([{ Name: 'M', Type: 'Model', Arguments: { X: { Get: 'Parameters.P' } } }])), message: 'All parameters used in step definitions must be defined in the pipeline: M uses Parameters.P, which is not declared.' },
    { what: 'a cycle', input: create(definition([{ ...cond, Name: 'A', DependsOn: ['B'] }, { ...cond, Name: 'B', DependsOn: ['A'] }])), message: /^Pipeline definition has a cyclic dependency: (A -> B -> A|B -> A -> B)\.$/ },
    { what: 'DependsOn a Fail step', input: create(definition([{ Name: 'F', Type: 'Fail', Arguments: { ErrorMessage: '' } }, { ...cond, DependsOn: ['F'] }])), message: 'C can not depends on FailStep' },
    { what: 'a bad retry policy', input: create(definition([{ Name: 'M', Type: 'Model', Arguments: {}, RetryPolicies: [{ ExceptionType: ['SageMaker.CAPACITY_ERROR'], MaxAttempts: 3 }] }])), message: 'Step M: a Model step does not accept SageMaker job retry policies (SageMaker.CAPACITY_ERROR).' },
    { what: 'an unknown exception type', input: create(definition([{ Name: 'M', Type: 'Training', Arguments: {}, RetryPolicies: [{ ExceptionType: ['Step.OOPS'] }] }])), message: /^Step M: retry policy exception type 'Step.OOPS' is not one of / },
    { what: 'a bad cache duration', input: create(definition([{ Name: 'T', Type: 'Training', Arguments: {}, CacheConfig: { Enabled: true, ExpireAfter: 'soon' } }])), message: "Step T: CacheConfig ExpireAfter 'soon' is not an ISO 8601 duration." },
    { what: 'a default of the wrong type', input: create(definition([cond], [{ Name: 'N', Type: 'Integer', DefaultValue: '1' }])), message: 'Parameter N of type Integer has a DefaultValue of another type: "1".' },
    { what: 'an unreadable S3 definition', input: { PipelineName: 'p1', RoleArn: ROLE, ClientRequestToken: TOKEN, PipelineDefinitionS3Location: { Bucket: 'no-such-bucket', ObjectKey: 'missing.json' } }, message: /^Unable to read the pipeline definition from s3:\/\/no-such-bucket\/missing.json: / },
  ],
  UpdatePipeline: [
    { what: 'unknown pipeline', input: { PipelineName: 'nope' }, code: 'ResourceNotFound', message: 'Pipeline arn:aws:sagemaker:us-east-1:111122223333:pipeline/nope does not exist.' },
    { what: 'a bad definition', input: { PipelineName: 'exists', PipelineDefinition: '{"Version":"2020-12-01"}' }, message: 'Pipeline definition must contain a Steps list.' },
  ],
  DescribePipeline: [
    { what: 'missing name', input: {}, message: one(notNull('pipelineName')) },
    { what: 'bad name', input: { PipelineName: '-x' }, message: one(pattern('-x', 'pipelineName', NAME_OR_ARN)) },
    { what: 'unknown pipeline', input: { PipelineName: 'nope' }, code: 'ResourceNotFound', message: 'Pipeline arn:aws:sagemaker:us-east-1:111122223333:pipeline/nope does not exist.' },
    { what: 'unknown version', input: { PipelineName: 'exists', PipelineVersionId: 9 }, code: 'ResourceNotFound', message: 'Pipeline version 9 of pipeline exists does not exist.' },
  ],
  DeletePipeline: [
    { what: 'bad name', input: { PipelineName: 'a_b', ClientRequestToken: TOKEN }, message: one(pattern('a_b', 'pipelineName', NAME)) },
    { what: 'unknown pipeline', input: { PipelineName: 'nope', ClientRequestToken: TOKEN }, code: 'ResourceNotFound', message: 'Pipeline arn:aws:sagemaker:us-east-1:111122223333:pipeline/nope does not exist.' },
  ],
  ListPipelines: [
    { what: 'MaxResults too large', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
  ],
  StartPipelineExecution: [
    { what: 'short token', input: { PipelineName: 'exists', ClientRequestToken: 'short' }, message: one(minLen('short', 'clientRequestToken', 32)) },
    { what: 'unknown pipeline', input: { PipelineName: 'nope', ClientRequestToken: TOKEN }, code: 'ResourceNotFound', message: 'Pipeline arn:aws:sagemaker:us-east-1:111122223333:pipeline/nope does not exist.' },
    { what: 'a parameter without value', input: { PipelineName: 'exists', ClientRequestToken: token() }, message: "Parameter 'Need' is undefined." },
    { what: 'an unknown parameter', input: { PipelineName: 'exists', ClientRequestToken: token(), PipelineParameters: [{ Name: 'Need', Value: 'x' }, { Name: 'Z', Value: '1' }] }, message: "Unknown parameter 'Z'" },
    { what: 'a value of the wrong type', input: { PipelineName: 'exists', ClientRequestToken: token(), PipelineParameters: [{ Name: 'Need', Value: 'x' }, { Name: 'N', Value: 'one' }] }, message: "Value 'one' of parameter 'N' is not a valid Integer." },
    { what: 'zero parallelism', input: { PipelineName: 'exists', ClientRequestToken: token(), ParallelismConfiguration: { MaxParallelExecutionSteps: 0 } }, message: one(minVal('0', 'parallelismConfiguration.maxParallelExecutionSteps', 1)) },
    { what: 'selecting an unknown step', input: { PipelineName: 'exists', ClientRequestToken: token(), PipelineParameters: [{ Name: 'Need', Value: 'x' }], SelectiveExecutionConfig: { SelectedSteps: [{ StepName: 'Nope' }] } }, message: 'Selected step Nope is not a step of pipeline exists.' },
  ],
  DescribePipelineExecution: [
    { what: 'not an execution ARN', input: { PipelineExecutionArn: 'arn:x' }, message: one(pattern('arn:x', 'pipelineExecutionArn', EXEC_ARN)) },
    { what: 'unknown execution', input: { PipelineExecutionArn: MISSING_EXEC }, code: 'ResourceNotFound', message: `Pipeline execution ${MISSING_EXEC} does not exist.` },
  ],
  ListPipelineExecutions: [
    { what: 'unknown pipeline', input: { PipelineName: 'nope' }, code: 'ResourceNotFound', message: 'Pipeline arn:aws:sagemaker:us-east-1:111122223333:pipeline/nope does not exist.' },
  ],
  ListPipelineExecutionSteps: [
    { what: 'unknown execution', input: { PipelineExecutionArn: MISSING_EXEC }, code: 'ResourceNotFound', message: `Pipeline execution ${MISSING_EXEC} does not exist.` },
  ],
  StopPipelineExecution: [
    { what: 'unknown execution', input: { PipelineExecutionArn: MISSING_EXEC, ClientRequestToken: TOKEN }, code: 'ResourceNotFound', message: `Pipeline execution ${MISSING_EXEC} does not exist.` },
  ],
  RetryPipelineExecution: [
    { what: 'unknown execution', input: { PipelineExecutionArn: MISSING_EXEC, ClientRequestToken: TOKEN }, code: 'ResourceNotFound', message: `Pipeline execution ${MISSING_EXEC} does not exist.` },
  ],
  DescribePipelineDefinitionForExecution: [
    { what: 'unknown execution', input: { PipelineExecutionArn: MISSING_EXEC }, code: 'ResourceNotFound', message: `Pipeline execution ${MISSING_EXEC} does not exist.` },
  ],
  ListPipelineParametersForExecution: [
    { what: 'missing ARN', input: {}, message: one(notNull('pipelineExecutionArn')) },
  ],
  SendPipelineExecutionStepSuccess: [
    { what: 'bad token', input: { CallbackToken: 'short' }, message: one(minLen('short', 'callbackToken', 10)) },
    { what: 'unknown token', input: { CallbackToken: 'AAAAAAAAAA' }, code: 'ResourceNotFound', message: 'Callback token AAAAAAAAAA does not exist.' },
  ],
  SendPipelineExecutionStepFailure: [
    { what: 'unknown token', input: { CallbackToken: 'AAAAAAAAAA', FailureReason: 'x' }, code: 'ResourceNotFound', message: 'Callback token AAAAAAAAAA does not exist.' },
  ],
};

runBadInputCases(() => sb.clientFor('111122223333'), cases);

// Conflicts that need state: stopping or retrying a Succeeded execution.
runBadInputCases(() => sb.clientFor('111122223333'), {
  StopPipelineExecution: [{ what: 'an ended execution', get input() { return { PipelineExecutionArn: succeeded, ClientRequestToken: TOKEN }; }, code: 'ConflictException', message: /is Succeeded; only an Executing execution can be stopped\.$/ }],
  RetryPipelineExecution: [{ what: 'a Succeeded execution', get input() { return { PipelineExecutionArn: succeeded, ClientRequestToken: TOKEN }; }, code: 'ConflictException', message: /is Succeeded; only a Failed or Stopped execution can be retried\.$/ }],
});
