import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../../src/aws/service-error.js';
import { decodePageToken, encodePageToken, fingerprint } from '../../src/store/page-token.js';

const expect = { sortKey: 'CreationTime', order: 'Ascending', filters: fingerprint({ a: 1 }) };
const invalid = (fn: () => unknown) =>
  assert.throws(fn, (e: unknown) => e instanceof ServiceError && e.code === 'ValidationException' && /Invalid pagination token/.test(e.message));

describe('page tokens', () => {
  it('round-trip a cursor', () => {
    const token = encodePageToken({ ...expect, value: 1_700_000_000_123, id: 42 });
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodePageToken(token, expect), { ...expect, value: 1_700_000_000_123, id: 42 });
    const named = encodePageToken({ ...expect, value: 'my-model', id: 7 });
    assert.equal(decodePageToken(named, expect).value, 'my-model');
  });

  it('reject tampering, garbage and tokens of another sort, order or filter set', () => {
    const token = encodePageToken({ ...expect, value: 5, id: 5 });
    const [body, mac] = token.split('.') as [string, string];
    invalid(() => decodePageToken(`${body}A.${mac}`, expect));
    invalid(() => decodePageToken(`${body}.${mac.slice(1)}`, expect));
    invalid(() => decodePageToken('not-a-token', expect));
    invalid(() => decodePageToken(`${token}.extra`, expect));
    invalid(() => decodePageToken(token, { ...expect, sortKey: 'Name' }));
    invalid(() => decodePageToken(token, { ...expect, order: 'Descending' }));
    invalid(() => decodePageToken(token, { ...expect, filters: fingerprint({ a: 2 }) }));
  });

  it('fingerprint filters independently of key order, ignoring undefined', () => {
    assert.equal(fingerprint({ a: 1, b: 'x' }), fingerprint({ b: 'x', a: 1, c: undefined }));
    assert.notEqual(fingerprint({ a: 1 }), fingerprint({ a: 2 }));
  });
});
