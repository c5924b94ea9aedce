/**
 * `model.tar.gz` / `output.tar.gz`: a minimal POSIX ustar (+ pax long names) writer and reader
 * on node:zlib. Why not the `tar` npm package: it brings five transitive packages for features
 * sagebox does not need (hard links, sparse files, ownership), while what we do need — streaming
 * (models are GBs), refusing `..`/absolute/symlink-escaping entries on extract — is ~300 lines
 * we control. The format is checked in the tests against the system `tar -tzf`.
 *
 * Entries are written with relative names (`model.pth`, `sub/`, `sub/x`), uid/gid 0, the file's
 * mode and mtime; regular files, directories and symlinks only.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';

const BLOCK = 512;
const USTAR_MAX_SIZE = 0o77777777777; // 11 octal digits: 8 GiB - 1

/** A malformed or unsafe archive. */
export class TarError extends Error {
  override name = 'TarError';
}

/** Options for {@link writeTarGz}. */
export interface WriteTarOptions {
  /** gzip the archive (default true); false writes a plain `.tar`. */
  gzip?: boolean;
  /** gzip level 1-9; default 6 (zlib's default: model weights barely compress anyway). */
  level?: number;
}

/**
 * Archives the contents of `srcDir` (not the directory itself) into `destFile`.
 *
 * @example
 *   await writeTarGz('/jobs/j/ml/model', '/jobs/j/tmp/model.tar.gz');
 *   // tar -tzf model.tar.gz  →  model.json, weights/, weights/w.bin
 * @returns the number of entries written.
 */
export async function writeTarGz(srcDir: string, destFile: string, options: WriteTarOptions = {}): Promise<number> {
  const out = new PassThrough();
  const sink = createWriteStream(destFile);
  const done =
    options.gzip === false ? pipeline(out, sink) : pipeline(out, createGzip({ level: options.level ?? 6 }), sink);
  let entries = 0;
  try {
    for await (const entry of walk(srcDir, '')) {
      await writeEntry(out, entry);
      entries++;
    }
    await write(out, Buffer.alloc(BLOCK * 2)); // end-of-archive marker
    out.end();
  } catch (error) {
    out.destroy(error as Error);
    await done.catch(() => {});
    throw error;
  }
  await done;
  return entries;
}

interface Entry {
  name: string;
  abs: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  size: number;
  mtime: number;
  linkname?: string;
}

async function* walk(dir: string, rel: string): AsyncGenerator<Entry> {
  const names = (await fs.readdir(dir)).sort();
  for (const name of names) {
    const abs = path.join(dir, name);
    const entryName = rel === '' ? name : `${rel}/${name}`;
    const stat = await fs.lstat(abs);
    const base = { abs, mode: stat.mode & 0o7777, mtime: Math.floor(stat.mtimeMs / 1000) };
    if (stat.isDirectory()) {
      yield { ...base, name: `${entryName}/`, type: 'dir', size: 0 };
      yield* walk(abs, entryName);
    } else if (stat.isFile()) {
      yield { ...base, name: entryName, type: 'file', size: stat.size };
    } else if (stat.isSymbolicLink()) {
      yield { ...base, name: entryName, type: 'symlink', size: 0, linkname: await fs.readlink(abs) };
    } // sockets, fifos, devices: not model artifacts; skipped
  }
}

async function writeEntry(out: Writable, entry: Entry): Promise<void> {
  const pax: Record<string, string> = {};
  const split = splitUstarName(entry.name);
  if (!split) pax.path = entry.name;
  if (entry.linkname !== undefined && Buffer.byteLength(entry.linkname) > 100) pax.linkpath = entry.linkname;
  if (entry.size > USTAR_MAX_SIZE) pax.size = String(entry.size);
  if (Object.keys(pax).length > 0) {
    const body = paxBody(pax);
    await write(out, header({ name: 'PaxHeader', prefix: '', mode: 0o644, size: body.length, mtime: entry.mtime, type: 'x' }));
    await write(out, pad(body));
  }
  const typeFlag = entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2';
  await write(
    out,
    header({
      name: split?.name ?? entry.name.slice(-100),
      prefix: split?.prefix ?? '',
      mode: entry.mode,
      size: entry.size > USTAR_MAX_SIZE ? 0 : entry.size,
      mtime: entry.mtime,
      type: typeFlag,
      linkname: entry.linkname && Buffer.byteLength(entry.linkname) <= 100 ? entry.linkname : '',
    }),
  );
  if (entry.type !== 'file') return;
  let written = 0;
  for await (const chunk of createReadStream(entry.abs)) {
    const buf = chunk as Buffer;
    // A file growing while we archive it must not corrupt the archive: cut at the stat size.
    const take = buf.subarray(0, Math.max(0, entry.size - written));
    written += take.length;
    await write(out, take);
    if (written >= entry.size) break;
  }
  if (written < entry.size) await write(out, Buffer.alloc(entry.size - written)); // file shrank
  const rest = entry.size % BLOCK;
  if (rest !== 0) await write(out, Buffer.alloc(BLOCK - rest));
}

/** ustar stores names as prefix(155) + '/' + name(100); undefined when a pax header is needed. */
function splitUstarName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  return undefined;
}

function paxBody(fields: Record<string, string>): Buffer {
  let text = '';
  for (const [key, value] of Object.entries(fields)) {
    const payload = ` ${key}=${value}\n`;
    // The record length counts its own digits: grow until it is consistent.
    let length = Buffer.byteLength(payload) + 1;
    while (String(length).length + Buffer.byteLength(payload) !== length) length++;
    text += `${length}${payload}`;
  }
  return Buffer.from(text);
}

function header(h: { name: string; prefix: string; mode: number; size: number; mtime: number; type: string; linkname?: string }): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode);
  octal(b, 108, 8, 0); // uid
  octal(b, 116, 8, 0); // gid
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.write(' '.repeat(8), 148, 8, 'ascii'); // checksum placeholder
  b.write(h.type, 156, 1, 'ascii');
  b.write(h.linkname ?? '', 157, 100, 'utf8');
  b.write('ustar\0', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  b.write('root', 265, 32, 'ascii');
  b.write('root', 297, 32, 'ascii');
  b.write(h.prefix, 345, 155, 'utf8');
  octal(b, 148, 8, checksum(b));
  return b;
}

function octal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!;
  return sum;
}

const pad = (body: Buffer): Buffer =>
  body.length % BLOCK === 0 ? body : Buffer.concat([body, Buffer.alloc(BLOCK - (body.length % BLOCK))]);

/** Writes with backpressure. */
function write(out: Writable, chunk: Buffer): Promise<void> {
  if (chunk.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else out.once('drain', resolve);
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

/** One entry seen by {@link extractTarGz}. */
export interface ExtractedEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  size: number;
}

/**
 * Extracts a `.tar.gz` (or plain `.tar`, detected by the gzip magic) into `destDir`.
 * Refuses absolute names, `..`, symlinks pointing outside `destDir`, and writing through a
 * symlink; skips hard links and special files.
 *
 * @example
 *   const entries = await extractTarGz('/tmp/sourcedir.tar.gz', '/jobs/j/ml/code');
 * @throws TarError on a malformed or unsafe archive.
 */
export async function extractTarGz(archive: string, destDir: string): Promise<ExtractedEntry[]> {
  const fd = await fs.open(archive, 'r');
  const magic = Buffer.alloc(2);
  await fd.read(magic, 0, 2, 0);
  await fd.close();
  const raw = createReadStream(archive);
  const source: Readable = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => source.destroy(e));
  await fs.mkdir(destDir, { recursive: true });
  const root = await fs.realpath(destDir);
  const reader = new BlockReader(source);
  const entries: ExtractedEntry[] = [];
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const block = await reader.read(BLOCK);
      if (!block || block.every((x) => x === 0)) break;
      if (checksum(block) !== parseNumber(block, 148, 8)) throw new TarError('bad header checksum: not a tar archive');
      const type = String.fromCharCode(block[156]!) || '0';
      const headerSize = parseNumber(block, 124, 12);
      const size = pax.size !== undefined ? Number(pax.size) : headerSize;
      const dataSize = type === 'x' || type === 'g' || type === 'L' || type === 'K' ? headerSize : size;
      if (type === 'x' || type === 'L' || type === 'K' || type === 'g') {
        const body = (await reader.read(dataSize)) ?? Buffer.alloc(0);
        await reader.skip(padding(dataSize));
        if (type === 'x') pax = { ...pax, ...parsePax(body) };
        if (type === 'L') longName = cstring(body, 0, body.length);
        if (type === 'K') longLink = cstring(body, 0, body.length);
        continue;
      }
      const ustarPrefix = block.subarray(257, 262).toString() === 'ustar' ? cstring(block, 345, 155) : '';
      const headerName = cstring(block, 0, 100);
      const name = pax.path ?? longName ?? (ustarPrefix ? `${ustarPrefix}/${headerName}` : headerName);
      const linkname = pax.linkpath ?? longLink ?? cstring(block, 157, 100);
      const mode = parseNumber(block, 100, 8) & 0o7777;
      const mtime = parseNumber(block, 136, 12);
      pax = {};
      longName = longLink = undefined;

      const kind = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'dir' : type === '2' ? 'symlink' : undefined;
      const rel = kind ? safeEntryPath(name) : undefined;
      if (!kind || rel === undefined) {
        await reader.skip(dataSize + padding(dataSize)); // hard links, devices, fifos, the root '.'
        continue;
      }
      const target = path.join(root, rel);
      await ensureInside(root, path.dirname(target));
      if (kind === 'dir') {
        await fs.mkdir(target, { recursive: true, mode: mode || 0o755 });
      } else if (kind === 'symlink') {
        const resolved = path.resolve(path.dirname(target), linkname);
        if (path.isAbsolute(linkname) || !(resolved === root || resolved.startsWith(root + path.sep))) {
          throw new TarError(`refusing symlink '${name}' -> '${linkname}': it points outside the destination`);
        }
        await fs.rm(target, { force: true, recursive: true });
        await fs.symlink(linkname, target);
      } else {
        await fs.rm(target, { force: true }); // never write through an existing symlink
        const sink = createWriteStream(target, { mode: mode || 0o644 });
        let left = size;
        while (left > 0) {
          const chunk = await reader.read(Math.min(left, 1024 * 1024));
          if (!chunk) throw new TarError(`archive truncated inside '${name}'`);
          left -= chunk.length;
          if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
        }
        await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
        await fs.utimes(target, mtime, mtime).catch(() => {});
        await reader.skip(padding(size));
      }
      entries.push({ name: rel, type: kind, size: kind === 'file' ? size : 0 });
    }
  } finally {
    source.destroy();
    raw.destroy();
  }
  return entries;
}

/** The entry's path relative to the destination, undefined for '.', or a TarError when unsafe. */
function safeEntryPath(name: string): string | undefined {
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (name.startsWith('/') || segments.includes('..')) {
    throw new TarError(`refusing entry '${name}': absolute or '..' paths are not allowed`);
  }
  return segments.length === 0 ? undefined : segments.join(path.sep);
}

/** Creates `dir` and checks it resolves inside `root` (an earlier symlink entry could redirect it). */
async function ensureInside(root: string, dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const real = await fs.realpath(dir);
  if (real !== root && !real.startsWith(root + path.sep)) {
    throw new TarError(`refusing to write below '${dir}': it resolves outside the destination`);
  }
}

const padding = (size: number): number => (size % BLOCK === 0 ? 0 : BLOCK - (size % BLOCK));

function cstring(b: Buffer, offset: number, length: number): string {
  const slice = b.subarray(offset, offset + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

/** Octal, or GNU base-256 when the high bit is set. */
function parseNumber(b: Buffer, offset: number, length: number): number {
  if (b[offset]! & 0x80) {
    let value = b[offset]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + b[offset + i]!;
    return value;
  }
  const text = cstring(b, offset, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space < 0) break;
    const length = parseInt(body.subarray(pos, space).toString(), 10);
    if (!(length > 0)) break;
    const record = body.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}

/** Pulls exact byte counts out of a stream. */
class BlockReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private buffered: Buffer[] = [];
  private size = 0;
  private ended = false;

  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Up to `n` bytes (exactly `n` unless the stream ends); null at the end. */
  async read(n: number): Promise<Buffer | null> {
    while (this.size < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else {
        this.buffered.push(next.value);
        this.size += next.value.length;
      }
    }
    if (this.size === 0) return n === 0 ? Buffer.alloc(0) : null;
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const take = Math.min(n, all.length);
    const out = all.subarray(0, take);
    const rest = all.subarray(take);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return out;
  }

  async skip(n: number): Promise<void> {
    while (n > 0) {
      const chunk = await this.read(Math.min(n, 1024 * 1024));
      if (!chunk) throw new TarError('archive truncated');
      n -= chunk.length;
    }
  }
}
