/**
 * Search source for `ModelPackageGroup`: records are DescribeModelPackageGroup's answer, got by
 * calling the operation in process (groups are few; this keeps the record identical to
 * Describe whatever the registry adds to it). Groups never change after creation (only their
 * version counter does), so their modification time is their CreationTime.
 */
import { describedSource } from './described.js';

export const modelPackageGroupSource = describedSource({
  resource: 'ModelPackageGroup', recordMember: 'ModelPackageGroup', table: 'model_package_groups',
  shapes: ['ModelPackageGroup', 'DescribeModelPackageGroupOutput'], modifiedColumn: 'creation_time',
  operation: 'DescribeModelPackageGroup', describeInput: (row) => ({ ModelPackageGroupName: row.arn }),
});
