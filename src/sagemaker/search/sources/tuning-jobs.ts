/**
 * Search source for `HyperParameterTuningJob` (the tuning family, issue 8): records are
 * DescribeHyperParameterTuningJob answers (the search entity's members are a subset of them).
 */
import { describedSource } from './described.js';

export const tuningJobSource = describedSource({
  resource: 'HyperParameterTuningJob', recordMember: 'HyperParameterTuningJob', table: 'tuning_jobs',
  shapes: ['HyperParameterTuningJobSearchEntity', 'DescribeHyperParameterTuningJobResponse'], modifiedColumn: 'last_modified_time',
  columns: ['name'], operation: 'DescribeHyperParameterTuningJob', describeInput: (row) => ({ HyperParameterTuningJobName: row.name }),
});
