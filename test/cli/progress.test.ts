import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, Progress, renderProgressBar, renderSummary } from '../../src/cli/progress.js';

const MiB = 1024 * 1024;

test('formatBytes and formatDuration', () => {
  assert.deepEqual([0, 512, 1536, 10 * MiB, 3 * 1024 * MiB].map(formatBytes), ['0 B', '512 B', '1.5 KiB', '10.0 MiB', '3.0 GiB']);
  assert.deepEqual([0, 9.6, 75, 3725].map(formatDuration), ['0:00', '0:10', '1:15', '1:02:05']);
});

test('the bar shows bytes, percent, rate, ETA and the file count', () => {
  const line = renderProgressBar({ bytes: 5 * MiB, totalBytes: 10 * MiB, files: 1, totalFiles: 3, elapsedMs: 2000 }, 100);
  assert.equal(line, '[###############---------------]   50%  5.0 MiB / 10.0 MiB  2.5 MiB/s  ETA 0:02  1/3 files');
  assert.ok(line.length <= 100);
  // narrow terminals: the numbers without the bar, cut to the width (a wrapped line could not be redrawn)
  assert.equal(renderProgressBar({ bytes: 0, totalBytes: 10, files: 0, totalFiles: 1, elapsedMs: 0 }, 40), '  0%  0 B / 10 B  0 B/s  ETA -:--');
  assert.equal(renderProgressBar({ bytes: 0, totalBytes: 10, files: 0, totalFiles: 1, elapsedMs: 0 }, 30), '  0%  0 B / 10 B  0 B/s  ETA -');
  assert.equal(renderSummary('uploaded', { bytes: 3 * MiB, totalBytes: 3 * MiB, files: 2, totalFiles: 2, elapsedMs: 1500 }, 'to s3://b/d/'),
    'uploaded 2 files, 3.0 MiB in 1.50 s (2.0 MiB/s) to s3://b/d/');
});

test('on a TTY the bar is redrawn in place (throttled) and replaced by the summary', () => {
  let now = 0;
  const writes: string[] = [];
  const p = new Progress({ isTTY: true, columns: 120, write: (s: string) => writes.push(s) }, { totalBytes: 4 * MiB, totalFiles: 2 }, { now: () => now, intervalMs: 100 });
  now = 50;
  p.update('a', MiB); // first draw
  now = 80;
  p.update('a', 2 * MiB); // throttled
  now = 200;
  p.update('b', MiB); // drawn: 2 + 1 MiB in flight
  p.fileDone('a', 2 * MiB);
  now = 1000;
  p.fileDone('b', 2 * MiB);
  const summary = p.finish('uploaded', 'to s3://b/x/');
  assert.equal(writes.length, 4, JSON.stringify(writes));
  assert.match(writes[0]!, /^\r\[#+-+\] {3}25% {2}1\.0 MiB \/ 4\.0 MiB .*0\/2 files\x1b\[K$/);
  assert.match(writes[1]!, /^\r.* 75% {2}3\.0 MiB \/ 4\.0 MiB /);
  assert.match(writes[2]!, /^\r.*100% {2}4\.0 MiB \/ 4\.0 MiB .*2\/2 files/);
  assert.equal(writes[3], `\r\x1b[K${summary}\n`);
  assert.equal(summary, 'uploaded 2 files, 4.0 MiB in 1.00 s (4.0 MiB/s) to s3://b/x/');
});

test('not on a TTY: only the summary line', () => {
  const writes: string[] = [];
  const p = new Progress({ isTTY: false, write: (s: string) => writes.push(s) }, { totalBytes: 10, totalFiles: 1 });
  p.update('a', 5);
  p.fileDone('a', 10);
  p.finish('downloaded', 'from s3://b/k to k');
  assert.equal(writes.length, 1);
  assert.match(writes[0]!, /^downloaded 1 file, 10 B in [\d.]+ s \(.*\) from s3:\/\/b\/k to k\n$/);
});
