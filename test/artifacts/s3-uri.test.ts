import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidS3UriError, parseS3Uri, uriJoin } from '../../src/artifacts/s3-uri.js';
import { relativeKey } from '../../src/artifacts/sync.js';

test('parseS3Uri and uriJoin', () => {
  assert.deepEqual(parseS3Uri('s3://b/a/b.txt'), { bucket: 'b', key: 'a/b.txt' });
  assert.deepEqual(parseS3Uri('s3://b'), { bucket: 'b', key: '' });
  assert.throws(() => parseS3Uri('https://b/x'), InvalidS3UriError);
  assert.throws(() => parseS3Uri('s3:///x'), InvalidS3UriError);
  assert.equal(uriJoin('s3://b/out/', 'job-1', 'output', 'model.tar.gz'), 's3://b/out/job-1/output/model.tar.gz');
  assert.equal(uriJoin('s3://b/out', '/job/'), 's3://b/out/job');
});

test('relativeKey lays out S3Prefix channels like SageMaker', () => {
  assert.equal(relativeKey('data/', 'data/a/b.csv'), 'a/b.csv');
  assert.equal(relativeKey('data/train.csv', 'data/train.csv'), 'train.csv');
  assert.equal(relativeKey('data/train', 'data/train/x.csv'), 'x.csv');
  assert.equal(relativeKey('data/train', 'data/train-2.csv'), 'train-2.csv');
});
