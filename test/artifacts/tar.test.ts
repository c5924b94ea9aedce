import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { extractTarGz, TarError, writeTarGz } from '../../src/artifacts/tar.js';

async function tmpdir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sagebox-tar-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

const longDir = 'd'.repeat(120);
const longName = `${'n'.repeat(150)}.bin`; // > 100 bytes, no '/' split possible: needs pax

async function fixture(src: string): Promise<void> {
  await fs.mkdir(path.join(src, 'weights', 'layer'), { recursive: true });
  await fs.mkdir(path.join(src, longDir), { recursive: true });
  await fs.mkdir(path.join(src, 'empty-dir'));
  await fs.writeFile(path.join(src, 'model.json'), '{"a":1}');
  await fs.writeFile(path.join(src, 'empty.txt'), '');
  await fs.writeFile(path.join(src, 'weights', 'layer', 'w.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 256)));
  await fs.writeFile(path.join(src, longDir, 'x.txt'), 'long dir');
  await fs.writeFile(path.join(src, longName), 'long name');
  await fs.writeFile(path.join(src, 'ünïcode.txt'), 'utf8');
  await fs.symlink('model.json', path.join(src, 'link.json'));
  await fs.chmod(path.join(src, 'model.json'), 0o600);
}

test('tar: write → system tar lists and extracts it → our reader extracts it identically', async (t) => {
  const dir = await tmpdir(t);
  const src = path.join(dir, 'src');
  await fixture(src);
  const archive = path.join(dir, 'model.tar.gz');
  assert.equal(await writeTarGz(src, archive), 11);

  const listed = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(listed, [
    `${longDir}/`, `${longDir}/x.txt`, 'empty-dir/', 'empty.txt', 'link.json', 'model.json', longName,
    'weights/', 'weights/layer/', 'weights/layer/w.bin', 'ünïcode.txt',
  ].sort());

  const bySystem = path.join(dir, 'by-system');
  await fs.mkdir(bySystem);
  execFileSync('tar', ['-xzf', archive, '-C', bySystem]);
  const ours = path.join(dir, 'ours');
  const entries = await extractTarGz(archive, ours);
  assert.equal(entries.length, 11);
  for (const root of [bySystem, ours]) {
    assert.equal(await fs.readFile(path.join(root, 'model.json'), 'utf8'), '{"a":1}');
    assert.deepEqual(await fs.readFile(path.join(root, 'weights', 'layer', 'w.bin')), await fs.readFile(path.join(src, 'weights', 'layer', 'w.bin')));
    assert.equal(await fs.readFile(path.join(root, longDir, 'x.txt'), 'utf8'), 'long dir');
    assert.equal(await fs.readFile(path.join(root, longName), 'utf8'), 'long name');
    assert.equal(await fs.readFile(path.join(root, 'ünïcode.txt'), 'utf8'), 'utf8');
    assert.equal(await fs.readlink(path.join(root, 'link.json')), 'model.json');
    assert.equal((await fs.stat(path.join(root, 'model.json'))).mode & 0o777, 0o600);
    assert.equal((await fs.stat(path.join(root, 'empty-dir'))).isDirectory(), true);
  }
});

test('tar: an empty directory gives a valid empty archive; plain .tar works too', async (t) => {
  const dir = await tmpdir(t);
  await fs.mkdir(path.join(dir, 'empty'));
  await writeTarGz(path.join(dir, 'empty'), path.join(dir, 'e.tar.gz'));
  assert.equal(execFileSync('tar', ['-tzf', path.join(dir, 'e.tar.gz')], { encoding: 'utf8' }), '');
  assert.deepEqual(await extractTarGz(path.join(dir, 'e.tar.gz'), path.join(dir, 'out')), []);
  await fs.writeFile(path.join(dir, 'empty', 'f'), 'plain');
  await writeTarGz(path.join(dir, 'empty'), path.join(dir, 'p.tar'), { gzip: false });
  await extractTarGz(path.join(dir, 'p.tar'), path.join(dir, 'out2'));
  assert.equal(await fs.readFile(path.join(dir, 'out2', 'f'), 'utf8'), 'plain');
});

test('tar: archives from the system tar (gnu format, ./ names) extract', async (t) => {
  const dir = await tmpdir(t);
  const src = path.join(dir, 'src');
  await fixture(src);
  execFileSync('tar', ['-czf', path.join(dir, 'sys.tar.gz'), '-C', src, '.']);
  const out = path.join(dir, 'out');
  await extractTarGz(path.join(dir, 'sys.tar.gz'), out);
  assert.equal(await fs.readFile(path.join(out, longName), 'utf8'), 'long name');
  assert.equal(await fs.readFile(path.join(out, longDir, 'x.txt'), 'utf8'), 'long dir');
});

test('tar: unsafe archives are refused (.., absolute, escaping symlinks, writing through a symlink)', async (t) => {
  const dir = await tmpdir(t);
  const py = (script: string, name: string): string => {
    const file = path.join(dir, name);
    execFileSync('python3', ['-c', `import tarfile, io\nt = tarfile.open(${JSON.stringify(file)}, 'w:gz')\n${script}\nt.close()`]);
    return file;
  };
  const add = (name: string, body = 'x'): string =>
    `i = tarfile.TarInfo(${JSON.stringify(name)}); d = ${JSON.stringify(body)}.encode(); i.size = len(d); t.addfile(i, io.BytesIO(d))`;
  const link = (name: string, target: string): string =>
    `i = tarfile.TarInfo(${JSON.stringify(name)}); i.type = tarfile.SYMTYPE; i.linkname = ${JSON.stringify(target)}; t.addfile(i)`;
  const cases = [
    py(add('../evil'), 'dotdot.tar.gz'),
    py(add('/tmp/evil-abs'), 'abs.tar.gz'),
    py(link('l', '../../etc'), 'symlink-out.tar.gz'),
    py(`${link('l', '.')}\n${link('l/m', '/etc')}`, 'through.tar.gz'),
  ];
  for (const archive of cases) {
    const dest = path.join(dir, `out-${path.basename(archive)}`);
    await assert.rejects(extractTarGz(archive, dest), TarError, archive);
  }
  await assert.rejects(fs.stat(path.join(dir, 'evil')));
});
