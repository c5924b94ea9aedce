/**
 * Search sources for `Pipeline` and `PipelineExecution` (the pipelines family, issue 7): records
 * are DescribePipeline / DescribePipelineExecution answers.
 */
import { describedSource } from './described.js';

export const pipelineSource = describedSource({
  resource: 'Pipeline', recordMember: 'Pipeline', table: 'pipelines',
  shapes: ['Pipeline', 'DescribePipelineResponse'], modifiedColumn: 'last_modified_time',
  operation: 'DescribePipeline', describeInput: (row) => ({ PipelineName: row.arn }),
});

export const pipelineExecutionSource = describedSource({
  resource: 'PipelineExecution', recordMember: 'PipelineExecution', table: 'pipeline_executions',
  shapes: ['PipelineExecution', 'DescribePipelineExecutionResponse'], modifiedColumn: 'last_modified_time',
  operation: 'DescribePipelineExecution', describeInput: (row) => ({ PipelineExecutionArn: row.arn }),
});
