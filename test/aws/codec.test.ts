import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochSeconds, serializeOutput } from '../../src/aws/codec.js';

test('absent members (undefined and null) are omitted at every depth', () => {
  const json = serializeOutput({ A: 'a', B: undefined, C: null, D: { E: null, F: 1, G: { H: undefined } } });
  assert.equal(json, '{"A":"a","D":{"F":1,"G":{}}}');
});

test('Dates become epoch seconds with fractional milliseconds, in objects, lists and maps', () => {
  const d = new Date(1700000000123);
  const json = serializeOutput({ T: d, L: [d, new Date(1700000000000)], M: { k: d } });
  assert.equal(json, '{"T":1700000000.123,"L":[1700000000.123,1700000000],"M":{"k":1700000000.123}}');
});

test('epochSeconds is exact to the millisecond', () => {
  assert.equal(epochSeconds(new Date(1700000000123)), 1700000000.123);
  assert.equal(epochSeconds(new Date(0)), 0);
  assert.equal(String(epochSeconds(new Date(1700000000001))), '1700000000.001');
});

test('no output is an empty object; falsy values that are present are kept', () => {
  assert.equal(serializeOutput(undefined), '{}');
  assert.equal(serializeOutput(null), '{}');
  assert.equal(serializeOutput({ Zero: 0, Empty: '', No: false, List: [] }), '{"Zero":0,"Empty":"","No":false,"List":[]}');
});

test('blobs are base64, non-finite doubles are strings, nulls in lists stay positional', () => {
  assert.equal(serializeOutput({ B: new Uint8Array([1, 2, 3]) }), '{"B":"AQID"}');
  assert.equal(serializeOutput({ N: NaN, P: Infinity, M: -Infinity }), '{"N":"NaN","P":"Infinity","M":"-Infinity"}');
  assert.equal(serializeOutput({ L: [1, null, undefined] }), '{"L":[1,null,null]}');
});

test('inherited members are not written', () => {
  const proto = { Inherited: 1 };
  const value = Object.assign(Object.create(proto) as object, { Own: 2 });
  assert.equal(serializeOutput(value), '{"Own":2}');
});
