/** Lineage ARNs and keys. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityArn, newArtifactKey, parseEntityArn } from '../../../src/sagemaker/lineage/records.js';

const ctx = { accountId: '123456789012', region: 'us-east-1' };

test('ARNs parse back to kind and key, in the caller account and region only', () => {
  assert.deepEqual(parseEntityArn('arn:aws:sagemaker:us-east-1:123456789012:context/My-Ctx', ctx), { kind: 'context', key: 'my-ctx' });
  assert.deepEqual(parseEntityArn(entityArn(ctx, 'action', 'a1'), ctx), { kind: 'action', key: 'a1' });
  assert.equal(parseEntityArn('arn:aws:sagemaker:eu-west-1:123456789012:context/c', ctx), undefined);
  assert.equal(parseEntityArn('arn:aws:sagemaker:us-east-1:210987654321:artifact/abc', ctx), undefined);
  assert.equal(parseEntityArn('arn:aws:sagemaker:us-east-1:123456789012:experiment/e', ctx), undefined);
});

test('artifact keys are 32 hex digits and differ', () => {
  const a = newArtifactKey();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, newArtifactKey());
});

test('lineageArnByName: contexts by name (case-insensitively), the newest artifact of a name', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { openStore } = await import('../../../src/store/database.js');
  const { systemClock } = await import('../../../src/engine/clock.js');
  const { createLineageHandlers, lineageArnByName } = await import('../../../src/sagemaker/lineage/index.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'sagebox-lineage-'));
  const store = await openStore({ dataDir: dir });
  try {
    const h = createLineageHandlers({ store, clock: systemClock });
    const full = { ...ctx, requestId: 'r' };
    const { ContextArn } = await h.CreateContext({ ContextName: 'Ctx-1', ContextType: 'T', Source: { SourceUri: 'u' } }, full);
    await h.CreateArtifact({ ArtifactName: 'w', ArtifactType: 'Model', Source: { SourceUri: 's3://b/1' } }, full);
    await new Promise((r) => setTimeout(r, 5));
    const { ArtifactArn } = await h.CreateArtifact({ ArtifactName: 'w', ArtifactType: 'Model', Source: { SourceUri: 's3://b/2' } }, full);
    assert.equal(await lineageArnByName(store, ctx, 'context', 'ctx-1'), ContextArn);
    assert.equal(await lineageArnByName(store, ctx, 'artifact', 'w'), ArtifactArn);
    assert.equal(await lineageArnByName(store, ctx, 'action', 'w'), undefined);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
