/**
 * Search's bad input through the real SDK, with the exact messages: the generated Coral
 * validation (missing / out-of-range members), then Search's own checks of the expression
 * against the resource's properties.
 */
import { after, before } from 'node:test';
import { shapes } from '../../src/aws/generated/sagemaker/shapes.js';
import { SEARCH_SOURCES } from '../../src/sagemaker/search/sources/index.js';
import { enumSet, maxVal, minVal, notNull, one, runBadInputCases, type BadInputCase } from '../helpers/bad-input.js';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

let sb: TestSagebox;
before(async () => { sb = await startTestSagebox(); });
after(async () => sb?.close(true));

const TJ = 'TrainingJob';
const filter = (Name: string, Operator?: string, Value?: string) => ({ Resource: TJ, SearchExpression: { Filters: [{ Name, Operator, Value }] } });
const cases: Record<string, BadInputCase[]> = {
  Search: [
    { what: 'missing Resource', input: {}, message: one(notNull('resource')) },
    { what: 'unknown Resource', input: { Resource: 'Bogus' }, message: one(enumSet('Bogus', 'resource', shapes.ResourceType!.enum!)) },
    { what: 'MaxResults 0', input: { Resource: TJ, MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'MaxResults 101', input: { Resource: TJ, MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
    {
      what: 'a resource type sagebox does not search', input: { Resource: 'Endpoint' },
      message: `Search on resource type Endpoint is not supported by sagebox; it searches ${SEARCH_SOURCES.map((s) => s.resource).join(', ')}.`,
    },
    {
      what: 'unknown property', input: filter('TrainingJobNam', 'Equals', 'x'),
      message: "Unknown property name 'TrainingJobNam' for resource type TrainingJob. Use a member of the TrainingJob search record (dotted paths such as ResourceConfig.InstanceType), Tags.<key>, or a map entry such as HyperParameters.<name>.",
    },
    {
      what: 'a property of another resource type', input: { Resource: 'ModelPackageGroup', SearchExpression: { Filters: [{ Name: 'TrainingJobName', Value: 'x' }] } },
      message: /^Unknown property name 'TrainingJobName' for resource type ModelPackageGroup\./,
    },
    {
      what: 'GreaterThan on text', input: filter('TrainingJobStatus', 'GreaterThan', 'Completed'),
      message: "Operator 'GreaterThan' is not supported for text property 'TrainingJobStatus'. Supported operators: Equals, NotEquals, Contains, In, Exists, NotExists.",
    },
    {
      what: 'Contains on a number', input: filter('ResourceConfig.InstanceCount', 'Contains', '1'),
      message: "Operator 'Contains' is not supported for numeric property 'ResourceConfig.InstanceCount'. Supported operators: Equals, NotEquals, GreaterThan, GreaterThanOrEqualTo, LessThan, LessThanOrEqualTo, Exists, NotExists.",
    },
    {
      what: 'Equals on a structure', input: filter('ResourceConfig', 'Equals', 'x'),
      message: "Operator 'Equals' is not supported for structured property 'ResourceConfig'. Supported operators: Exists, NotExists.",
    },
    { what: 'a number that is not one', input: filter('Metrics.loss', 'LessThan', 'low'), message: "Value 'low' for numeric property 'Metrics.loss' is not a number." },
    {
      what: 'a timestamp that is not one', input: filter('CreationTime', 'GreaterThan', 'last week'),
      message: "Value 'last week' for timestamp property 'CreationTime' is not an ISO 8601 date-time of the form YYYY-mm-dd'T'HH:MM:SS.",
    },
    { what: 'an operator without its Value', input: filter('Metrics.loss', 'LessThan'), message: "The filter on 'Metrics.loss' with operator 'LessThan' requires a Value." },
    {
      what: 'an empty expression', input: { Resource: TJ, SearchExpression: {} },
      message: 'A SearchExpression must contain at least one Filter, NestedFilter or SubExpression.',
    },
    {
      what: 'two Contains', input: { Resource: TJ, SearchExpression: { Filters: [
        { Name: 'TrainingJobName', Operator: 'Contains', Value: 'a' }, { Name: 'RoleArn', Operator: 'Contains', Value: 'b' }] } },
      message: "'CONTAINS' operator usage limit of 1 exceeded.",
    },
    {
      what: 'more than 50 elements', input: { Resource: TJ, SearchExpression: {
        SubExpressions: Array.from({ length: 10 }, () => ({ Filters: Array.from({ length: 5 }, () => ({ Name: 'TrainingJobName', Value: 'a' })) })) } },
      message: 'A SearchExpression can contain at most 50 SubExpressions, NestedFilters and Filters in all; this one has 60.',
    },
    {
      what: 'NestedPropertyName that is not a list', input: { Resource: TJ, SearchExpression: { NestedFilters: [
        { NestedPropertyName: 'ResourceConfig', Filters: [{ Name: 'ResourceConfig.InstanceCount', Value: '1' }] }] } },
      message: "NestedPropertyName 'ResourceConfig' is not a list property of TrainingJob (for example InputDataConfig).",
    },
    {
      what: 'a nested filter outside its list', input: { Resource: TJ, SearchExpression: { NestedFilters: [
        { NestedPropertyName: 'InputDataConfig', Filters: [{ Name: 'TrainingJobName', Value: 'x' }] }] } },
      message: "The nested filter on 'TrainingJobName' must name a property of NestedPropertyName 'InputDataConfig' (such as InputDataConfig.<member>).",
    },
    { what: 'unknown SortBy', input: { Resource: TJ, SortBy: 'Loss' }, message: "Invalid SortBy 'Loss': TrainingJob has no such property." },
    {
      what: 'SortBy a structure', input: { Resource: TJ, SortBy: 'ResourceConfig' },
      message: "Invalid SortBy 'ResourceConfig': it is a structure, list or map; sort by one of its members instead.",
    },
    {
      what: 'a NextToken that is not one', input: { Resource: TJ, NextToken: 'garbage' },
      message: 'Invalid pagination token: the NextToken is malformed or was issued for a different request.',
    },
  ],
};

runBadInputCases(() => sb.client, cases);
