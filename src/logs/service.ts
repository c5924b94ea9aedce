/**
 * The CloudWatch Logs JSON-1.1 service (`X-Amz-Target: Logs_20140328.<Operation>`) on the same
 * endpoint as SageMaker, so `aws logs ...`, boto3's `logs` client and the SageMaker Python
 * SDK's log streaming (`logs_for_job`: DescribeLogStreams + GetLogEvents) work unchanged.
 */
import type { AwsJsonService } from '../aws/service.js';
import type { Store } from '../store/database.js';
import { describeLogGroups, describeLogStreams, filterLogEvents, getLogEvents } from './handlers.js';
import { groupIdentifier, groupName, oneOf, range, str, streamName, token, validateInput, type MemberRule } from './validate.js';

/** Every operation of the Logs model sagebox knows by name (so an unserved one says so). */
const KNOWN = [
  'AssociateKmsKey', 'CreateLogGroup', 'CreateLogStream', 'DeleteLogGroup', 'DeleteLogStream', 'DeleteRetentionPolicy',
  'DescribeLogGroups', 'DescribeLogStreams', 'DescribeMetricFilters', 'DescribeQueries', 'DescribeSubscriptionFilters',
  'FilterLogEvents', 'GetLogEvents', 'GetQueryResults', 'ListTagsForResource', 'ListTagsLogGroup', 'PutLogEvents',
  'PutRetentionPolicy', 'StartLiveTail', 'StartQuery', 'StopQuery', 'TagResource', 'UntagResource',
];

const group: Record<string, MemberRule> = {
  logGroupName: { type: 'string', check: groupName },
  logGroupIdentifier: { type: 'string', check: groupIdentifier },
};

const RULES: Record<string, Record<string, MemberRule>> = {
  DescribeLogGroups: {
    logGroupNamePrefix: { type: 'string', check: groupName },
    logGroupNamePattern: { type: 'string', check: str(0, 512) },
    nextToken: { type: 'string', check: token },
    limit: { type: 'integer', check: range(1, 50) },
  },
  DescribeLogStreams: {
    ...group,
    logStreamNamePrefix: { type: 'string', check: streamName },
    orderBy: { type: 'string', check: oneOf(['LogStreamName', 'LastEventTime']) },
    descending: { type: 'boolean' },
    nextToken: { type: 'string', check: token },
    limit: { type: 'integer', check: range(1, 50) },
  },
  GetLogEvents: {
    ...group,
    logStreamName: { type: 'string', required: true, check: streamName },
    startTime: { type: 'long', check: range(0) },
    endTime: { type: 'long', check: range(0) },
    nextToken: { type: 'string', check: token },
    limit: { type: 'integer', check: range(1, 10_000) },
    startFromHead: { type: 'boolean' },
    unmask: { type: 'boolean' },
  },
  FilterLogEvents: {
    ...group,
    logStreamNames: { type: 'list', item: streamName, maxItems: 100 },
    logStreamNamePrefix: { type: 'string', check: streamName },
    startTime: { type: 'long', check: range(0) },
    endTime: { type: 'long', check: range(0) },
    filterPattern: { type: 'string', check: str(0, 1024) },
    nextToken: { type: 'string', check: token },
    limit: { type: 'integer', check: range(1, 10_000) },
    interleaved: { type: 'boolean' },
    unmask: { type: 'boolean' },
  },
};

/**
 * @example
 *   createHttpServer({ services: [sagemaker, createLogsService(store)], auth });
 */
export function createLogsService(store: Store): AwsJsonService {
  return {
    targetPrefix: 'Logs_20140328',
    knownOperations: new Set(KNOWN),
    validate: (operation, input) => validateInput(RULES[operation] ?? {}, (input ?? {}) as Record<string, unknown>),
    handlers: {
      DescribeLogGroups: (input, ctx) => describeLogGroups(store.db, input, ctx),
      DescribeLogStreams: (input, ctx) => describeLogStreams(store.db, input, ctx),
      GetLogEvents: (input, ctx) => getLogEvents(store.db, input, ctx),
      FilterLogEvents: (input, ctx) => filterLogEvents(store.db, input, ctx),
    },
  };
}
