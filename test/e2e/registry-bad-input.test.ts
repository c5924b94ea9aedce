/**
 * Bad input for every registry and tag operation, sent through the real SDK
 * (casts let us send what the model forbids), asserting the service's error
 * code and its exact message text.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';
import {
  enumSet, many, maxLen, maxVal, minLen, minVal, notNull, one, pattern, runBadInputCases, type BadInputCase,
} from '../helpers/bad-input.js';

const ENTITY = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';
const ARN_OR_NAME = '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)';
const VERSIONED = `${ARN_OR_NAME}(\\/[0-9]{1,9})?`;
const RESOURCE_ARN = 'arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+';
const MP_ARN = 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]{9,16}:[0-9]{12}:model-package/[\\S]{1,2048}';


const ARN = 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g';
const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
const inference = { Containers: [{ Image: 'img' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] };


const cases: Record<string, BadInputCase[]> = {
  CreateModelPackageGroup: [
    { what: 'missing required name', input: {}, message: one(notNull('modelPackageGroupName')) },
    { what: 'bad pattern', input: { ModelPackageGroupName: 'bad_name' }, message: one(pattern('bad_name', 'modelPackageGroupName', ENTITY)) },
    {
      what: 'too long (and so off-pattern too)',
      input: { ModelPackageGroupName: 'a'.repeat(64) },
      message: many(maxLen('a'.repeat(64), 'modelPackageGroupName', 63), pattern('a'.repeat(64), 'modelPackageGroupName', ENTITY)),
    },
    { what: 'too many tags', input: { ModelPackageGroupName: 'g', Tags: tags(51) }, message: /^1 validation error detected: Value '\[.*\]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/ },
    { what: 'wrong type', input: { ModelPackageGroupName: 42 }, code: 'SerializationException', message: 'NUMBER_VALUE can not be converted to a String' },
    { what: 'description too long', input: { ModelPackageGroupName: 'g', ModelPackageGroupDescription: 'd'.repeat(1025) }, message: one(maxLen('d'.repeat(1025), 'modelPackageGroupDescription', 1024)) },
  ],
  DescribeModelPackageGroup: [
    { what: 'missing required name', input: {}, message: one(notNull('modelPackageGroupName')) },
    { what: 'bad pattern', input: { ModelPackageGroupName: 'a_b' }, message: one(pattern('a_b', 'modelPackageGroupName', ARN_OR_NAME)) },
    { what: 'too long', input: { ModelPackageGroupName: 'a'.repeat(171) }, message: many(maxLen('a'.repeat(171), 'modelPackageGroupName', 170), pattern('a'.repeat(171), 'modelPackageGroupName', ARN_OR_NAME)) },
    { what: 'wrong type', input: { ModelPackageGroupName: ['g'] }, code: 'SerializationException', message: 'Start of list found where not expected.' },
    { what: 'unknown group', input: { ModelPackageGroupName: 'nope' }, message: /^Model package group .*nope does not exist\.$/ },
  ],
  ListModelPackageGroups: [
    { what: 'MaxResults below range', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) },
    { what: 'MaxResults above range', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
    { what: 'bad enum', input: { SortBy: 'Size', SortOrder: 'Up' }, message: many(enumSet('Size', 'sortBy', ['Name', 'CreationTime']), enumSet('Up', 'sortOrder', ['Ascending', 'Descending'])) },
    { what: 'bad pattern', input: { NameContains: 'a_b' }, message: one(pattern('a_b', 'nameContains', '[a-zA-Z0-9\\-]+')) },
    { what: 'wrong type', input: { MaxResults: 'ten' }, code: 'SerializationException', message: 'STRING_VALUE can not be converted to an Integer' },
    { what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: /pagination token/i },
  ],
  DeleteModelPackageGroup: [
    { what: 'missing required name', input: {}, message: one(notNull('modelPackageGroupName')) },
    { what: 'trailing hyphen (lookbehind)', input: { ModelPackageGroupName: 'x-' }, message: one(pattern('x-', 'modelPackageGroupName', ARN_OR_NAME)) },
    { what: 'unknown group', input: { ModelPackageGroupName: 'nope' }, message: /does not exist\.$/ },
  ],
  CreateModelPackage: [
    { what: 'bad registration type', input: { ModelPackageGroupName: 'g', ModelPackageRegistrationType: 'Saved' }, message: one(enumSet('Saved', 'modelPackageRegistrationType', ['Logged', 'Registered'])) },
    { what: 'bad approval status', input: { ModelPackageGroupName: 'g', ModelApprovalStatus: 'OK' }, message: one(enumSet('OK', 'modelApprovalStatus', ['Approved', 'Rejected', 'PendingManualApproval'])) },
    { what: 'ClientToken too long', input: { ModelPackageGroupName: 'g', ClientToken: 'a'.repeat(37) }, message: one(maxLen('a'.repeat(37), 'clientToken', 36)) },
    {
      what: 'too many metadata entries',
      input: { ModelPackageGroupName: 'g', CustomerMetadataProperties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      message: /^1 validation error detected: Value '\{k0=v, .*\}' at 'customerMetadataProperties' failed to satisfy constraint: Member must have length less than or equal to 50$/,
    },
    {
      what: 'too many additional inference specifications',
      input: { ModelPackageGroupName: 'g', AdditionalInferenceSpecifications: Array.from({ length: 16 }, (_, i) => ({ Name: `s${i}`, Containers: [{ Image: 'i' }] })) },
      message: /at 'additionalInferenceSpecifications' failed to satisfy constraint: Member must have length less than or equal to 15$/,
    },
    {
      what: 'additional specification without its required Containers, nested path',
      input: { ModelPackageGroupName: 'g', AdditionalInferenceSpecifications: [{ Name: 'a', Containers: [{ Image: 'i' }] }, { Name: 'b' }] },
      message: one(notNull('additionalInferenceSpecifications.2.member.containers')),
    },
    {
      what: 'BaseModel member too long',
      input: { ModelPackageGroupName: 'g', InferenceSpecification: { Containers: [{ Image: 'i', BaseModel: { HubContentName: 'h'.repeat(64) } }] } },
      message: many(
        maxLen('h'.repeat(64), 'inferenceSpecification.containers.1.member.baseModel.hubContentName', 63),
        pattern('h'.repeat(64), 'inferenceSpecification.containers.1.member.baseModel.hubContentName', ENTITY),
      ),
    },
    { what: 'wrong type', input: { ModelPackageGroupName: 'g', CertifyForMarketplace: 'yes' }, code: 'SerializationException', message: 'STRING_VALUE can not be converted to a Boolean' },
    { what: 'IsCheckpoint wrong type', input: { ModelPackageGroupName: 'g', InferenceSpecification: { Containers: [{ Image: 'i', IsCheckpoint: 1 }] } }, code: 'SerializationException', message: 'NUMBER_VALUE can not be converted to a Boolean' },
  ],
  DescribeModelPackage: [
    { what: 'missing required name', input: {}, message: one(notNull('modelPackageName')) },
    { what: 'bad pattern', input: { ModelPackageName: 'g/x' }, message: one(pattern('g/x', 'modelPackageName', VERSIONED)) },
    { what: 'bad enum', input: { ModelPackageName: 'g/1', IncludedData: 'Some' }, message: one(enumSet('Some', 'includedData', ['AllData', 'MetadataOnly'])) },
    { what: 'unknown package', input: { ModelPackageName: 'nope/1' }, message: /^ModelPackage .* does not exist\.$/ },
  ],
  BatchDescribeModelPackage: [
    { what: 'missing list', input: {}, message: one(notNull('modelPackageArnList')) },
    { what: 'empty list', input: { ModelPackageArnList: [] }, message: one(minLen('[]', 'modelPackageArnList', 1)) },
    { what: 'too many items', input: { ModelPackageArnList: Array.from({ length: 101 }, (_, i) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/g/${i + 1}`) }, message: /^1 validation error detected: Value '\[arn:.*\]' at 'modelPackageArnList' failed to satisfy constraint: Member must have length less than or equal to 100$/ },
  ],
  ListModelPackages: [
    { what: 'bad enum', input: { ModelPackageType: 'All' }, message: one(enumSet('All', 'modelPackageType', ['Versioned', 'Unversioned', 'Both'])) },
    { what: 'out of range', input: { MaxResults: 1000 }, message: one(maxVal('1000', 'maxResults', 100)) },
    { what: 'wrong type', input: { MaxResults: true }, code: 'SerializationException', message: 'TRUE_VALUE can not be converted to an Integer' },
  ],
  UpdateModelPackage: [
    { what: 'missing ARN', input: {}, message: one(notNull('modelPackageArn')) },
    { what: 'a name is not an ARN', input: { ModelPackageArn: 'g/1' }, message: one(pattern('g/1', 'modelPackageArn', MP_ARN)) },
    { what: 'bad enum', input: { ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1', ModelApprovalStatus: 'Yes' }, message: one(enumSet('Yes', 'modelApprovalStatus', ['Approved', 'Rejected', 'PendingManualApproval'])) },
    { what: 'description too long', input: { ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1', ApprovalDescription: 'x'.repeat(1025) }, message: one(maxLen('x'.repeat(1025), 'approvalDescription', 1024)) },
    { what: 'unknown package', input: { ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/nope/1', ModelApprovalStatus: 'Approved' }, message: /^ModelPackage .* does not exist\.$/ },
  ],
  DeleteModelPackage: [
    { what: 'missing name', input: {}, message: one(notNull('modelPackageName')) },
    { what: 'bad pattern', input: { ModelPackageName: '-x' }, message: one(pattern('-x', 'modelPackageName', VERSIONED)) },
    { what: 'unknown package', input: { ModelPackageName: 'nope/1' }, message: /^ModelPackage .* does not exist\.$/ },
  ],
  AddTags: [
    { what: 'missing members', input: {}, message: many(notNull('resourceArn'), notNull('tags')) },
    { what: 'not an ARN', input: { ResourceArn: 'g', Tags: [] }, message: one(pattern('g', 'resourceArn', RESOURCE_ARN)) },
    { what: 'too many tags', input: { ResourceArn: ARN, Tags: tags(51) }, message: /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/ },
    { what: 'key too long', input: { ResourceArn: ARN, Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }, message: one(maxLen('k'.repeat(129), 'tags.1.member.key', 128)) },
    { what: 'missing tag value', input: { ResourceArn: ARN, Tags: [{ Key: 'k' }] }, message: one(notNull('tags.1.member.value')) },
  ],
  ListTags: [
    { what: 'missing ARN', input: {}, message: one(notNull('resourceArn')) },
    { what: 'MaxResults below its minimum of 50', input: { ResourceArn: ARN, MaxResults: 10 }, message: one(minVal('10', 'maxResults', 50)) },
  ],
  DeleteTags: [
    { what: 'missing members', input: {}, message: many(notNull('resourceArn'), notNull('tagKeys')) },
    { what: 'empty key list', input: { ResourceArn: ARN, TagKeys: [] }, message: one(minLen('[]', 'tagKeys', 1)) },
  ],
};

let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
  await sb.client.send(new sm.CreateModelPackageGroupCommand({ ModelPackageGroupName: 'g' }));
  await sb.client.send(new sm.CreateModelPackageCommand({ ModelPackageGroupName: 'g', InferenceSpecification: inference }));
});
after(async () => {
  await sb.close(true);
});

runBadInputCases(() => sb.client, cases);

test('the table covers every registry and tag operation', () => {
  assert.deepEqual(Object.keys(cases).sort(), [
    'AddTags', 'BatchDescribeModelPackage', 'CreateModelPackage', 'CreateModelPackageGroup', 'DeleteModelPackage', 'DeleteModelPackageGroup',
    'DeleteTags', 'DescribeModelPackage', 'DescribeModelPackageGroup', 'ListModelPackageGroups', 'ListModelPackages', 'ListTags', 'UpdateModelPackage',
  ]);
});
