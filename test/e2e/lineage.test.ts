/**
 * Lineage records through the real SDK: artifacts, contexts, actions and associations (what a
 * pipeline's Lineage step creates), their tags, lists and deletes, and bad input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { enumSet, maxVal, minVal, notNull, one, pattern, runBadInputCases } from '../helpers/bad-input.js';
import { awsError, startTestSagebox, type TestSagebox } from '../helpers/sagebox.js';

const PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012';
let sb: TestSagebox;
before(async () => {
  sb = await startTestSagebox();
});
after(async () => sb.close(true));

describe('lineage', () => {
  test('artifact, context, action, associations: create, describe, list, delete', async () => {
    const { ArtifactArn } = await sb.client.send(new sm.CreateArtifactCommand({
      ArtifactName: 'llm-demo-weights', ArtifactType: 'Model', Source: { SourceUri: 's3://bucket/model/', SourceTypes: [{ SourceIdType: 'Custom', Value: 'v1' }] },
      Properties: { framework: 'pytorch' }, MetadataProperties: { GeneratedBy: 'test' }, Tags: [{ Key: 'k', Value: 'v' }],
    }));
    assert.match(ArtifactArn!, new RegExp(`^${PREFIX}:artifact/[0-9a-f]{32}$`));
    const { ContextArn } = await sb.client.send(new sm.CreateContextCommand({
      ContextName: 'Endpoint-Ctx', ContextType: 'Endpoint', Source: { SourceUri: `${PREFIX}:endpoint/ep` }, Description: 'the endpoint',
    }));
    assert.equal(ContextArn, `${PREFIX}:context/endpoint-ctx`);
    const { ActionArn } = await sb.client.send(new sm.CreateActionCommand({
      ActionName: 'deploy-1', ActionType: 'ModelDeployment', Source: { SourceUri: 's3://bucket/deploy', SourceType: 'Deploy' }, Status: 'Completed',
    }));
    assert.equal(ActionArn, `${PREFIX}:action/deploy-1`);

    const a = await sb.client.send(new sm.DescribeArtifactCommand({ ArtifactArn }));
    assert.equal(a.ArtifactName, 'llm-demo-weights');
    assert.equal(a.ArtifactType, 'Model');
    assert.deepEqual(a.Source, { SourceUri: 's3://bucket/model/', SourceTypes: [{ SourceIdType: 'Custom', Value: 'v1' }] });
    assert.deepEqual(a.Properties, { framework: 'pytorch' });
    assert.deepEqual(a.MetadataProperties, { GeneratedBy: 'test' });
    assert.ok(a.CreationTime instanceof Date && a.LastModifiedTime instanceof Date);
    const cx = await sb.client.send(new sm.DescribeContextCommand({ ContextName: 'endpoint-ctx' }));
    assert.equal(cx.ContextName, 'Endpoint-Ctx');
    assert.equal(cx.Description, 'the endpoint');
    assert.equal((await sb.client.send(new sm.DescribeContextCommand({ ContextName: ContextArn }))).ContextArn, ContextArn);
    const ac = await sb.client.send(new sm.DescribeActionCommand({ ActionName: ActionArn }));
    assert.equal(ac.Status, 'Completed');
    assert.deepEqual(ac.Source, { SourceUri: 's3://bucket/deploy', SourceType: 'Deploy' });

    assert.deepEqual(await sb.client.send(new sm.AddAssociationCommand({ SourceArn: ArtifactArn, DestinationArn: ContextArn, AssociationType: 'ContributedTo' })).then((r) => [r.SourceArn, r.DestinationArn]), [ArtifactArn, ContextArn]);
    await sb.client.send(new sm.AddAssociationCommand({ SourceArn: ActionArn, DestinationArn: ContextArn, AssociationType: 'AssociatedWith' }));
    // Adding the same edge again is a no-op.
    await sb.client.send(new sm.AddAssociationCommand({ SourceArn: ArtifactArn, DestinationArn: ContextArn, AssociationType: 'ContributedTo' }));
    const toContext = await sb.client.send(new sm.ListAssociationsCommand({ DestinationArn: ContextArn, SortOrder: 'Ascending' }));
    assert.deepEqual(toContext.AssociationSummaries!.map((s) => [s.SourceName, s.SourceType, s.DestinationName, s.DestinationType, s.AssociationType]), [
      ['llm-demo-weights', 'Model', 'Endpoint-Ctx', 'Endpoint', 'ContributedTo'],
      ['deploy-1', 'ModelDeployment', 'Endpoint-Ctx', 'Endpoint', 'AssociatedWith'],
    ]);
    const byType = await sb.client.send(new sm.ListAssociationsCommand({ AssociationType: 'AssociatedWith' }));
    assert.deepEqual(byType.AssociationSummaries!.map((s) => s.SourceArn), [ActionArn]);

    assert.deepEqual((await sb.client.send(new sm.ListTagsCommand({ ResourceArn: ArtifactArn }))).Tags, [{ Key: 'k', Value: 'v' }]);
    await sb.client.send(new sm.AddTagsCommand({ ResourceArn: ContextArn, Tags: [{ Key: 'c', Value: '1' }] }));
    assert.deepEqual((await sb.client.send(new sm.ListTagsCommand({ ResourceArn: ContextArn }))).Tags, [{ Key: 'c', Value: '1' }]);

    assert.deepEqual((await sb.client.send(new sm.DeleteAssociationCommand({ SourceArn: ActionArn, DestinationArn: ContextArn }))).SourceArn, ActionArn);
    const missing = await awsError(() => sb.client.send(new sm.DeleteAssociationCommand({ SourceArn: ActionArn, DestinationArn: ContextArn })));
    assert.equal(missing.name, 'ResourceNotFound');
    assert.equal(missing.message, `Association from '${ActionArn}' to '${ContextArn}' does not exist.`);

    // Deleting an entity deletes the associations it is an end of.
    assert.equal((await sb.client.send(new sm.DeleteContextCommand({ ContextName: 'Endpoint-Ctx' }))).ContextArn, ContextArn);
    assert.deepEqual((await sb.client.send(new sm.ListAssociationsCommand({ SourceArn: ArtifactArn }))).AssociationSummaries, []);
    assert.equal((await sb.client.send(new sm.DeleteActionCommand({ ActionName: 'deploy-1' }))).ActionArn, ActionArn);
    assert.equal((await sb.client.send(new sm.DeleteArtifactCommand({ Source: { SourceUri: 's3://bucket/model/' } }))).ArtifactArn, ArtifactArn);
    const gone = await awsError(() => sb.client.send(new sm.DescribeArtifactCommand({ ArtifactArn })));
    assert.equal(gone.name, 'ResourceNotFound');
    assert.equal(gone.message, `Artifact '${ArtifactArn}' does not exist.`);
  });

  test('lists: type and source filters, newest first by default, Name order and pages', async () => {
    const arns: string[] = [];
    for (const [name, type] of [['ds-b', 'DataSet'], ['ds-a', 'DataSet'], ['img', 'Image']] as const) {
      arns.push((await sb.client.send(new sm.CreateArtifactCommand({ ArtifactName: name, ArtifactType: type, Source: { SourceUri: `s3://bucket/${name}` } }))).ArtifactArn!);
      await sb.client.send(new sm.CreateContextCommand({ ContextName: `ctx-${name}`, ContextType: type, Source: { SourceUri: `s3://bucket/${name}` } }));
      await sb.client.send(new sm.CreateActionCommand({ ActionName: `act-${name}`, ActionType: type, Source: { SourceUri: `s3://bucket/${name}` } }));
      await new Promise((r) => setTimeout(r, 5));
    }
    const datasets = await sb.client.send(new sm.ListArtifactsCommand({ ArtifactType: 'DataSet' }));
    assert.deepEqual(datasets.ArtifactSummaries!.map((s) => s.ArtifactName), ['ds-a', 'ds-b']);
    const bySource = await sb.client.send(new sm.ListArtifactsCommand({ SourceUri: 's3://bucket/img' }));
    assert.deepEqual(bySource.ArtifactSummaries!.map((s) => s.ArtifactArn), [arns[2]]);
    const first = await sb.client.send(new sm.ListContextsCommand({ SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2 }));
    assert.deepEqual(first.ContextSummaries!.map((s) => s.ContextName), ['ctx-ds-a', 'ctx-ds-b']);
    const second = await sb.client.send(new sm.ListContextsCommand({ SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2, NextToken: first.NextToken }));
    assert.deepEqual(second.ContextSummaries!.map((s) => s.ContextName), ['ctx-img']);
    assert.equal(second.NextToken, undefined);
    const actions = await sb.client.send(new sm.ListActionsCommand({ ActionType: 'Image' }));
    assert.deepEqual(actions.ActionSummaries!.map((s) => [s.ActionName, s.Status]), [['act-img', 'Unknown']]);
  });

  test('duplicate context and action names are refused; artifact names need not be unique', async () => {
    await sb.client.send(new sm.CreateContextCommand({ ContextName: 'dup-ctx', ContextType: 'T', Source: { SourceUri: 'u' } }));
    const ctxError = await awsError(() => sb.client.send(new sm.CreateContextCommand({ ContextName: 'DUP-ctx', ContextType: 'T', Source: { SourceUri: 'u' } })));
    assert.equal(ctxError.name, 'ValidationException');
    assert.equal(ctxError.message, `Context names must be unique within an AWS account and region, and a context named 'DUP-ctx' already exists (${PREFIX}:context/dup-ctx).`);
    await sb.client.send(new sm.CreateActionCommand({ ActionName: 'dup-act', ActionType: 'T', Source: { SourceUri: 'u' } }));
    const actError = await awsError(() => sb.client.send(new sm.CreateActionCommand({ ActionName: 'dup-act', ActionType: 'T', Source: { SourceUri: 'u' } })));
    assert.equal(actError.message, `Action names must be unique within an AWS account and region, and an action named 'dup-act' already exists (${PREFIX}:action/dup-act).`);
    const one1 = await sb.client.send(new sm.CreateArtifactCommand({ ArtifactName: 'same', ArtifactType: 'T', Source: { SourceUri: 's3://bucket/same' } }));
    const two = await sb.client.send(new sm.CreateArtifactCommand({ ArtifactName: 'same', ArtifactType: 'T', Source: { SourceUri: 's3://bucket/same' } }));
    assert.notEqual(one1.ArtifactArn, two.ArtifactArn);
    const ambiguous = await awsError(() => sb.client.send(new sm.DeleteArtifactCommand({ Source: { SourceUri: 's3://bucket/same' } })));
    assert.equal(ambiguous.message, "More than one artifact has the source 's3://bucket/same': give ArtifactArn.");
  });
});

const ART = `${PREFIX}:artifact/0123456789abcdef0123456789abcdef`;
const CTX = `${PREFIX}:context/nope`;
runBadInputCases(() => sb.client, {
  CreateArtifact: [
    { what: 'missing members', input: {}, message: /^2 validation errors detected: Value null at 'source' failed to satisfy constraint: Member must not be null; Value null at 'artifactType'/ },
    { what: 'name with an underscore', input: { ArtifactName: 'a_b', ArtifactType: 'T', Source: { SourceUri: 'u' } }, message: one(pattern('a_b', 'artifactName', '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}')) },
    { what: 'bad SourceIdType', input: { ArtifactType: 'T', Source: { SourceUri: 'u', SourceTypes: [{ SourceIdType: 'Sha', Value: 'x' }] } }, message: one(enumSet('Sha', 'source.sourceTypes.1.member.sourceIdType', ['MD5Hash', 'S3ETag', 'S3Version', 'Custom'])) },
  ],
  CreateContext: [
    { what: 'missing name', input: { ContextType: 'T', Source: { SourceUri: 'u' } }, message: one(notNull('contextName')) },
    { what: 'bad name', input: { ContextName: '-x', ContextType: 'T', Source: { SourceUri: 'u' } }, message: one(pattern('-x', 'contextName', '[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,119}')) },
  ],
  CreateAction: [
    { what: 'missing source', input: { ActionName: 'a', ActionType: 'T' }, message: one(notNull('source')) },
    { what: 'bad status', input: { ActionName: 'a', ActionType: 'T', Source: { SourceUri: 'u' }, Status: 'Done' }, message: one(enumSet('Done', 'status', ['Unknown', 'InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'])) },
  ],
  DescribeArtifact: [
    { what: 'not an artifact ARN', input: { ArtifactArn: 'abc' }, message: one(pattern('abc', 'artifactArn', 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:artifact/.*')) },
    { what: 'unknown artifact', input: { ArtifactArn: ART }, code: 'ResourceNotFound', message: `Artifact '${ART}' does not exist.` },
  ],
  DescribeContext: [{ what: 'unknown context', input: { ContextName: 'nope' }, code: 'ResourceNotFound', message: "Context 'nope' does not exist." }],
  DescribeAction: [{ what: 'unknown action', input: { ActionName: 'nope' }, code: 'ResourceNotFound', message: "Action 'nope' does not exist." }],
  DeleteArtifact: [
    { what: 'neither ARN nor source', input: {}, message: 'Either ArtifactArn or Source must be specified.' },
    { what: 'unknown artifact', input: { ArtifactArn: ART }, code: 'ResourceNotFound', message: `Artifact '${ART}' does not exist.` },
    { what: 'unknown source', input: { Source: { SourceUri: 's3://bucket/none' } }, code: 'ResourceNotFound', message: "Artifact 's3://bucket/none' does not exist." },
  ],
  DeleteContext: [{ what: 'unknown context', input: { ContextName: 'nope' }, code: 'ResourceNotFound', message: "Context 'nope' does not exist." }],
  DeleteAction: [{ what: 'unknown action', input: { ActionName: 'nope' }, code: 'ResourceNotFound', message: "Action 'nope' does not exist." }],
  AddAssociation: [
    { what: 'missing ends', input: {}, message: /^2 validation errors detected: Value null at 'sourceArn'/ },
    { what: 'not a lineage ARN', input: { SourceArn: `${PREFIX}:model/m`, DestinationArn: CTX }, message: one(pattern(`${PREFIX}:model/m`, 'sourceArn', 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:(experiment|experiment-trial-component|artifact|action|context)/.*')) },
    { what: 'unknown source', input: { SourceArn: ART, DestinationArn: CTX }, code: 'ResourceNotFound', message: `Lineage entity '${ART}' does not exist.` },
    { what: 'bad AssociationType', input: { SourceArn: ART, DestinationArn: CTX, AssociationType: 'Owns' }, message: one(enumSet('Owns', 'associationType', ['ContributedTo', 'AssociatedWith', 'DerivedFrom', 'Produced', 'SameAs'])) },
  ],
  DeleteAssociation: [{ what: 'unknown association', input: { SourceArn: ART, DestinationArn: CTX }, code: 'ResourceNotFound', message: `Association from '${ART}' to '${CTX}' does not exist.` }],
  ListArtifacts: [
    { what: 'bad SortBy', input: { SortBy: 'Name' }, message: one(enumSet('Name', 'sortBy', ['CreationTime'])) },
    { what: 'MaxResults 101', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
  ],
  ListContexts: [{ what: 'MaxResults 0', input: { MaxResults: 0 }, message: one(minVal('0', 'maxResults', 1)) }],
  ListActions: [{ what: 'garbage NextToken', input: { NextToken: 'zzz' }, message: /pagination token/i }],
  ListAssociations: [{ what: 'bad SortBy', input: { SortBy: 'Name' }, message: one(enumSet('Name', 'sortBy', ['SourceArn', 'DestinationArn', 'SourceType', 'DestinationType', 'CreationTime'])) }],
});
