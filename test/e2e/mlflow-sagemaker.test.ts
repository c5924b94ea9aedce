/**
 * The SageMaker side of MLflow through the real SDK: tracking servers and MLflow Apps with
 * their status machines, lists, tags, presigned URLs, automatic model registration into the
 * model registry, and bad input for every operation (Coral's validation messages and
 * sagebox's documented not-found / conflict messages).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as sm from '@aws-sdk/client-sagemaker';
import { awsError, type TestSagebox } from '../helpers/sagebox.js';
import { enumSet, maxVal, minVal, notNull, one, pattern, runBadInputCases } from '../helpers/bad-input.js';
import { rest, sageboxWithServer, until, ROLE } from '../mlflow/helpers.js';

let sb: TestSagebox;
before(async () => {
  ({ sb } = await sageboxWithServer('first'));
  // Long enough to see each transitional status between two calls (read at every change).
  process.env.SAGEBOX_MLFLOW_TRANSITION_MS = '400';
});
after(async () => {
  await sb.close(true);
});

const status = async (name: string) => (await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: name }))).TrackingServerStatus;
const settled = (name: string, want: string) => until(`${name} ${want}`, async () => ((await status(name)) === want ? true : undefined));

describe('tracking servers', () => {
  test('create → Created, describe echoes defaults, stop → Stopped (MLflow answers 503), start, update, delete', async () => {
    const arn = (await sb.client.send(new sm.CreateMlflowTrackingServerCommand({
      TrackingServerName: 'Lifecycle', ArtifactStoreUri: 's3://bucket/lc', RoleArn: ROLE, Tags: [{ Key: 'team', Value: 'ml' }],
    }))).TrackingServerArn!;
    assert.equal(arn, 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/Lifecycle');
    assert.equal(await status('lifecycle'), 'Creating', 'names are case-insensitive; the status starts transitional');
    await settled('Lifecycle', 'Created');
    const d = await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' }));
    assert.equal(d.TrackingServerSize, 'Small');
    assert.equal(d.MlflowVersion, '3.0.0');
    assert.equal(d.IsActive, 'Active');
    assert.equal(d.AutomaticModelRegistration, false);
    assert.equal(d.WeeklyMaintenanceWindowStart, 'Tue:03:30');
    assert.match(d.TrackingServerUrl!, /^http:\/\/127\.0\.0\.1:\d+\/mlflow\/t-[0-9a-f]{12}$/);
    assert.equal(d.CreatedBy?.IamIdentity?.Arn, 'arn:aws:iam::123456789012:root');
    assert.deepEqual((await sb.client.send(new sm.ListTagsCommand({ ResourceArn: arn }))).Tags, [{ Key: 'team', Value: 'ml' }]);

    await sb.client.send(new sm.StopMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' }));
    await settled('Lifecycle', 'Stopped');
    assert.equal((await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' }))).IsActive, 'Inactive');
    const stopped = await rest(d.TrackingServerUrl!, 'GET', 'experiments/get', undefined, { experiment_id: '0' });
    assert.equal(stopped.status, 503);
    assert.equal(stopped.body.error_code, 'TEMPORARILY_UNAVAILABLE');
    const again = await awsError(() => sb.client.send(new sm.StopMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' })));
    assert.equal(again.name, 'ConflictException');
    assert.equal(again.message, 'Tracking server Lifecycle cannot be stopped while its status is Stopped.');
    await sb.client.send(new sm.StartMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' }));
    assert.equal(await status('Lifecycle'), 'Starting');
    await settled('Lifecycle', 'Started');
    assert.equal((await rest(d.TrackingServerUrl!, 'GET', 'experiments/get', undefined, { experiment_id: '0' })).status, 200);

    await sb.client.send(new sm.UpdateMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle', TrackingServerSize: 'Large', AutomaticModelRegistration: true }));
    assert.equal(await status('Lifecycle'), 'Updating');
    await settled('Lifecycle', 'Updated');
    const u = await sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' }));
    assert.equal(u.TrackingServerSize, 'Large');
    assert.equal(u.AutomaticModelRegistration, true);

    const url = await sb.client.send(new sm.CreatePresignedMlflowTrackingServerUrlCommand({ TrackingServerName: 'Lifecycle', ExpiresInSeconds: 60 }));
    assert.ok(url.AuthorizedUrl!.startsWith(`${d.TrackingServerUrl}/?expires=`));
    const page = await fetch(url.AuthorizedUrl!);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /MLflow tracking server Lifecycle/);
    assert.equal((await fetch(url.AuthorizedUrl!.replace(/token=.*/, 'token=forged'))).status, 403);

    await sb.client.send(new sm.DeleteMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' }));
    assert.equal(await status('Lifecycle'), 'Deleting');
    const gone = await until('deleted', async () => {
      const e = await awsError(() => sb.client.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'Lifecycle' })));
      return e.name === 'ResourceNotFound' ? e : undefined;
    });
    assert.equal(gone.message, 'Tracking server Lifecycle does not exist.');
    assert.equal((await awsError(() => sb.client.send(new sm.ListTagsCommand({ ResourceArn: arn })))).name, 'ValidationException');
  });

  test('duplicate names and operations on unknown servers', async () => {
    const dup = await awsError(() => sb.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: 'FIRST', ArtifactStoreUri: 's3://b/x', RoleArn: ROLE })));
    assert.equal(dup.name, 'ValidationException');
    assert.equal(dup.message, 'Tracking server with name FIRST already exists in this account and region (arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/first).');
    for (const Command of [sm.DescribeMlflowTrackingServerCommand, sm.DeleteMlflowTrackingServerCommand, sm.StartMlflowTrackingServerCommand,
      sm.StopMlflowTrackingServerCommand, sm.UpdateMlflowTrackingServerCommand, sm.CreatePresignedMlflowTrackingServerUrlCommand]) {
      const e = await awsError(() => sb.client.send(new (Command as typeof sm.DescribeMlflowTrackingServerCommand)({ TrackingServerName: 'ghost' })));
      assert.equal(e.name, 'ResourceNotFound', Command.name);
      assert.equal(e.message, 'Tracking server ghost does not exist.');
    }
    const started = await awsError(() => sb.client.send(new sm.StartMlflowTrackingServerCommand({ TrackingServerName: 'first' })));
    assert.equal(started.name, 'ConflictException');
    assert.equal(started.message, 'Tracking server first cannot be started while its status is Created.');
    const other = sb.clientFor('210987654321');
    assert.equal((await awsError(() => other.send(new sm.DescribeMlflowTrackingServerCommand({ TrackingServerName: 'first' })))).name, 'ResourceNotFound', 'accounts are apart');
  });

  test('list: filters, sort, pages', async () => {
    for (const name of ['list-b', 'list-a', 'list-c']) {
      await sb.client.send(new sm.CreateMlflowTrackingServerCommand({ TrackingServerName: name, ArtifactStoreUri: 's3://b/l', RoleArn: ROLE, MlflowVersion: '2.16.2' }));
    }
    const byName = await sb.client.send(new sm.ListMlflowTrackingServersCommand({ SortBy: 'Name', SortOrder: 'Ascending', MlflowVersion: '2.16.2' }));
    assert.deepEqual(byName.TrackingServerSummaries!.map((s) => s.TrackingServerName), ['list-a', 'list-b', 'list-c']);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await sb.client.send(new sm.ListMlflowTrackingServersCommand({ MaxResults: 2, SortBy: 'Name', SortOrder: 'Descending', ...(token ? { NextToken: token } : {}) }));
      names.push(...page.TrackingServerSummaries!.map((s) => s.TrackingServerName!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(names.filter((n) => n.startsWith('list-')), ['list-c', 'list-b', 'list-a']);
    await until('settled', async () => ((await status('list-a')) === 'Created' ? true : undefined));
    const created = await sb.client.send(new sm.ListMlflowTrackingServersCommand({ TrackingServerStatus: 'Created' }));
    assert.ok(created.TrackingServerSummaries!.every((s) => s.TrackingServerStatus === 'Created' && s.IsActive === 'Active'));
    const future = await sb.client.send(new sm.ListMlflowTrackingServersCommand({ CreatedAfter: new Date(Date.now() + 60_000) }));
    assert.deepEqual(future.TrackingServerSummaries, []);
  });
});

describe('MLflow Apps', () => {
  test('create, describe, list, update, presign, delete; one account default at a time', async () => {
    const arn = (await sb.client.send(new sm.CreateMlflowAppCommand({ Name: 'app-one', ArtifactStoreUri: 's3://b/app', RoleArn: ROLE, AccountDefaultStatus: 'ENABLED' }))).Arn!;
    assert.match(arn, /^arn:aws:sagemaker:us-east-1:123456789012:mlflow-app\/app-[A-Z0-9]{12}$/);
    const arn2 = (await sb.client.send(new sm.CreateMlflowAppCommand({ Name: 'app-two', ArtifactStoreUri: 's3://b/app2', RoleArn: ROLE, AccountDefaultStatus: 'ENABLED' }))).Arn!;
    await until('Created', async () => ((await sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn }))).Status === 'Created' ? true : undefined));
    const d = await sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn }));
    assert.equal(d.Name, 'app-one');
    assert.equal(d.ModelRegistrationMode, 'AutoModelRegistrationDisabled');
    assert.equal(d.AccountDefaultStatus, 'DISABLED', 'app-two became the default');
    const defaults = await sb.client.send(new sm.ListMlflowAppsCommand({ AccountDefaultStatus: 'ENABLED' }));
    assert.deepEqual(defaults.Summaries!.map((s) => s.Arn), [arn2]);
    await sb.client.send(new sm.UpdateMlflowAppCommand({ Arn: arn, ModelRegistrationMode: 'AutoModelRegistrationEnabled', Name: 'app-renamed' }));
    assert.equal((await sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn }))).Status, 'Updating');
    await until('Updated', async () => ((await sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn }))).Status === 'Updated' ? true : undefined));
    const u = await sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn }));
    assert.equal(u.Name, 'app-renamed');
    assert.equal(u.ModelRegistrationMode, 'AutoModelRegistrationEnabled');
    const url = (await sb.client.send(new sm.CreatePresignedMlflowAppUrlCommand({ Arn: arn }))).AuthorizedUrl!;
    assert.equal((await fetch(url)).status, 200);
    await sb.client.send(new sm.DeleteMlflowAppCommand({ Arn: arn2 }));
    await until('deleted', async () => ((await awsError(() => sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn2 })))).name === 'ResourceNotFound' ? true : undefined));
    const e = await awsError(() => sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn2 })));
    assert.equal(e.message, `MLflow App ${arn2} does not exist.`);
  });

  test('automatic model registration turns MLflow model versions into Registered model packages', async () => {
    const arn = (await sb.client.send(new sm.CreateMlflowAppCommand({ Name: 'registry-app', ArtifactStoreUri: 's3://b/reg', RoleArn: ROLE, ModelRegistrationMode: 'AutoModelRegistrationEnabled' }))).Arn!;
    await until('Created', async () => ((await sb.client.send(new sm.DescribeMlflowAppCommand({ Arn: arn }))).Status === 'Created' ? true : undefined));
    const base = `${sb.url}/mlflow/${arn.split('/').pop()}`;
    await rest(base, 'POST', 'registered-models/create', { name: 'fraud_detector' });
    const v = await rest(base, 'POST', 'model-versions/create', { name: 'fraud_detector', source: 'mlflow-artifacts:/0/r/artifacts/model', run_id: 'abc' });
    assert.equal(v.status, 200);
    const packages = await sb.client.send(new sm.ListModelPackagesCommand({ ModelPackageGroupName: 'fraud-detector' }));
    assert.equal(packages.ModelPackageSummaryList!.length, 1);
    const pkg = await sb.client.send(new sm.DescribeModelPackageCommand({ ModelPackageName: packages.ModelPackageSummaryList![0]!.ModelPackageArn! }));
    assert.equal(pkg.ModelPackageRegistrationType, 'Registered');
    assert.equal(pkg.CustomerMetadataProperties?.['mlflow.model_version'], '1');
    assert.equal(pkg.CustomerMetadataProperties?.['mlflow.resource_arn'], arn);
  });
});

const NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}';
const APP_ARN = 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:mlflow-app/.*';
runBadInputCases(() => sb.client, {
  CreateMlflowTrackingServer: [
    { what: 'missing everything', input: {}, message: '3 validation errors detected: ' + [notNull('trackingServerName'), notNull('artifactStoreUri'), notNull('roleArn')].join('; ') },
    { what: 'bad name', input: { TrackingServerName: 'a_b', ArtifactStoreUri: 's3://b/x', RoleArn: ROLE }, message: one(pattern('a_b', 'trackingServerName', NAME)) },
    { what: 'bad size', input: { TrackingServerName: 'ok', ArtifactStoreUri: 's3://b/x', RoleArn: ROLE, TrackingServerSize: 'Huge' }, message: one(enumSet('Huge', 'trackingServerSize', ['Small', 'Medium', 'Large'])) },
    { what: 'https artifact store', input: { TrackingServerName: 'ok', ArtifactStoreUri: 'https://b/x', RoleArn: ROLE }, message: 'Invalid ArtifactStoreUri https://b/x: sagebox keeps MLflow artifacts in its object store and needs an s3:// URI.' },
  ],
  DescribeMlflowTrackingServer: [{ what: 'missing name', input: {}, message: one(notNull('trackingServerName')) }],
  ListMlflowTrackingServers: [
    { what: 'bad status', input: { TrackingServerStatus: 'Sleeping' }, message: /^1 validation error detected: Value 'Sleeping' at 'trackingServerStatus' failed to satisfy constraint: Member must satisfy enum value set/ },
    { what: 'MaxResults too big', input: { MaxResults: 101 }, message: one(maxVal('101', 'maxResults', 100)) },
    { what: 'bad token', input: { NextToken: 'garbage' }, message: /pagination token|NextToken/i },
  ],
  UpdateMlflowTrackingServer: [{ what: 'missing name', input: {}, message: one(notNull('trackingServerName')) }],
  DeleteMlflowTrackingServer: [{ what: 'missing name', input: {}, message: one(notNull('trackingServerName')) }],
  StartMlflowTrackingServer: [{ what: 'missing name', input: {}, message: one(notNull('trackingServerName')) }],
  StopMlflowTrackingServer: [{ what: 'missing name', input: {}, message: one(notNull('trackingServerName')) }],
  CreatePresignedMlflowTrackingServerUrl: [
    { what: 'expiry too short', input: { TrackingServerName: 'first', ExpiresInSeconds: 1 }, message: one(minVal('1', 'expiresInSeconds', 5)) },
  ],
  CreateMlflowApp: [
    { what: 'missing everything', input: {}, message: '3 validation errors detected: ' + [notNull('name'), notNull('artifactStoreUri'), notNull('roleArn')].join('; ') },
    { what: 'bad mode', input: { Name: 'a', ArtifactStoreUri: 's3://b/x', RoleArn: ROLE, ModelRegistrationMode: 'Sometimes' }, message: one(enumSet('Sometimes', 'modelRegistrationMode', ['AutoModelRegistrationEnabled', 'AutoModelRegistrationDisabled'])) },
  ],
  DescribeMlflowApp: [
    { what: 'not an app ARN', input: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:model/x' }, message: one(pattern('arn:aws:sagemaker:us-east-1:123456789012:model/x', 'arn', APP_ARN)) },
    { what: 'unknown app', input: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-app/app-NONE' }, code: 'ResourceNotFound', message: 'MLflow App arn:aws:sagemaker:us-east-1:123456789012:mlflow-app/app-NONE does not exist.' },
  ],
  UpdateMlflowApp: [{ what: 'unknown app', input: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-app/app-NONE' }, code: 'ResourceNotFound', message: 'MLflow App arn:aws:sagemaker:us-east-1:123456789012:mlflow-app/app-NONE does not exist.' }],
  DeleteMlflowApp: [{ what: 'missing arn', input: {}, message: one(notNull('arn')) }],
  ListMlflowApps: [{ what: 'bad sort', input: { SortBy: 'Size' }, message: one(enumSet('Size', 'sortBy', ['Name', 'CreationTime', 'Status'])) }],
  CreatePresignedMlflowAppUrl: [{ what: 'unknown app', input: { Arn: 'arn:aws:sagemaker:us-east-1:123456789012:mlflow-app/app-NONE' }, code: 'ResourceNotFound', message: 'MLflow App arn:aws:sagemaker:us-east-1:123456789012:mlflow-app/app-NONE does not exist.' }],
});
