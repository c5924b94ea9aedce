import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readFailureReason } from '../../src/runtime/failure.js';
import { LineSplitter } from '../../src/runtime/line-splitter.js';
import { MetricCollector, MetricRegexError, parsePythonFloat, pythonRegex } from '../../src/runtime/metrics.js';

test('metrics: first group as a float, last value wins, non-floats ignored, Python syntax translated', () => {
  const m = new MetricCollector([
    { Name: 'train:loss', Regex: 'loss=(\\S+)' },
    { Name: 'named', Regex: '(?i)ACC: (?P<v>[0-9.]+)' },
    { Name: 'whole', Regex: '\\A[0-9]+\\Z' },
  ]);
  assert.deepEqual(m.observe('epoch 1 loss=0.5', 1000), [{ name: 'train:loss', value: 0.5, timestamp: 1000, step: 0 }]);
  assert.deepEqual(m.observe('loss=abc', 1001), []);
  assert.deepEqual(m.observe('loss=nan', 1001), []);
  assert.deepEqual(m.observe('loss=1e-3 acc: 0.9', 1002).map((p) => [p.name, p.value, p.step]), [['train:loss', 0.001, 1], ['named', 0.9, 0]]);
  assert.deepEqual(m.observe('42', 1003).map((p) => p.value), [42]);
  assert.deepEqual(m.finalMetrics().map((p) => [p.name, p.value, p.timestamp]), [['train:loss', 0.001, 1002], ['named', 0.9, 1002], ['whole', 42, 1003]]);
  assert.equal(pythonRegex('(?P<a>x)(?P=a)').source, '(?<a>x)\\k<a>');
  assert.throws(() => new MetricCollector([{ Name: 'bad', Regex: '([' }]), MetricRegexError);
  assert.equal(parsePythonFloat(' 1_000.5 '), 1000.5);
  assert.equal(parsePythonFloat('.5'), 0.5);
  assert.equal(parsePythonFloat('5.'), 5);
  assert.equal(parsePythonFloat('0x10'), undefined);
  assert.equal(parsePythonFloat(''), undefined);
});

test('failure file: first 1024 characters, absent or empty → undefined', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-failure-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'failure');
  assert.equal(await readFailureReason(file), undefined);
  await fs.writeFile(file, '');
  assert.equal(await readFailureReason(file), undefined);
  await fs.writeFile(file, `ClientError: é${'x'.repeat(5000)}`);
  const reason = await readFailureReason(file);
  assert.equal(reason?.length, 1024);
  assert.ok(reason?.startsWith('ClientError: é'));
});

test('line splitter: chunks, CRLF, split UTF-8 and over-long lines', () => {
  const lines: [string, boolean][] = [];
  const s = new LineSplitter((text, partial) => lines.push([text, partial]), 4);
  const euro = Buffer.from('€\n');
  s.push(Buffer.from('ab\r\nc'));
  s.push(euro.subarray(0, 1));
  s.push(euro.subarray(1));
  s.push(Buffer.from('0123456789\nend'));
  s.end();
  assert.deepEqual(lines, [['ab', false], ['c€', false], ['0123', true], ['4567', true], ['89', false], ['end', false]]);
});
