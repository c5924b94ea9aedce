/** safetensors read/write: F32, F16 and BF16 (converted to Float32 on load). */
import { readFileSync, writeFileSync } from 'node:fs';

export type DType = 'F32' | 'F16' | 'BF16';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor & { dtype: string }>;
  metadata: Record<string, string>;
  /** Tensors in dtypes this runtime does not read (name -> dtype), e.g. I64 buffers. */
  skipped: Map<string, string>;
}

const f16Table = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e === 0) t[h] = s * m * 2 ** -24;
    else if (e === 31) t[h] = m ? NaN : s * Infinity;
    else t[h] = s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

export function f16ToF32(u: Uint16Array): Float32Array {
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = f16Table[u[i]];
  return out;
}

export function bf16ToF32(u: Uint16Array): Float32Array {
  const out = new Float32Array(u.length);
  const o32 = new Uint32Array(out.buffer);
  for (let i = 0; i < u.length; i++) o32[i] = u[i] << 16;
  return out;
}

export function f32ToBf16(x: Float32Array): Uint16Array {
  const u32 = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = u32[i];
    if ((v & 0x7f800000) === 0x7f800000 && v & 0x7fffff) { out[i] = 0x7fc0; continue; }
    out[i] = (v + 0x7fff + ((v >> 16) & 1)) >>> 16; // round to nearest even
  }
  return out;
}

export function f32ToF16(x: Float32Array): Uint16Array {
  const out = new Uint16Array(x.length);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  for (let i = 0; i < x.length; i++) {
    f[0] = x[i];
    const v = u[0], s = (v >>> 16) & 0x8000;
    let e = ((v >>> 23) & 0xff) - 127 + 15;
    const m = v & 0x7fffff;
    if (((v >>> 23) & 0xff) === 0xff) { out[i] = s | 0x7c00 | (m ? 0x200 : 0); continue; }
    if (e >= 31) { out[i] = s | 0x7c00; continue; }
    if (e <= 0) {
      if (e < -10) { out[i] = s; continue; }
      const mm = (m | 0x800000) >>> (1 - e);
      out[i] = s | ((mm + 0xfff + ((mm >>> 13) & 1)) >>> 13);
      continue;
    }
    let r = s | (e << 10) | (m >>> 13);
    const rem = m & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && r & 1)) r++;
    out[i] = r;
    void e;
  }
  return out;
}

export function parseSafetensors(buf: Buffer, file = 'safetensors'): SafetensorsFile {
  if (buf.length < 8) throw new Error(`${file}: not a safetensors file (too short)`);
  const n = Number(buf.readBigUInt64LE(0));
  if (n <= 0 || 8 + n > buf.length) throw new Error(`${file}: bad safetensors header length ${n}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    throw new Error(`${file}: bad safetensors header JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const tensors = new Map<string, NamedTensor & { dtype: string }>();
  const skipped = new Map<string, string>();
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = info as Record<string, string>; continue; }
    const { dtype, shape, data_offsets } = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [s, e] = data_offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    const bytes = buf.subarray(base + s, base + e);
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    let data: Float32Array;
    if (dtype === 'F32') data = new Float32Array(copy.buffer, 0, count);
    else if (dtype === 'F16') data = f16ToF32(new Uint16Array(copy.buffer, 0, count));
    else if (dtype === 'BF16') data = bf16ToF32(new Uint16Array(copy.buffer, 0, count));
    else { skipped.set(name, dtype); continue; }
    if (bytes.length !== count * (dtype === 'F32' ? 4 : 2)) throw new Error(`${file}: tensor ${name} byte size does not match its shape`);
    tensors.set(name, { dtype, shape, data });
  }
  return { tensors, metadata, skipped };
}

export function readSafetensors(path: string): SafetensorsFile {
  return parseSafetensors(readFileSync(path), path);
}

export function serializeSafetensors(tensors: Map<string, NamedTensor> | Record<string, NamedTensor>, dtype: DType = 'F32',
  metadata: Record<string, string> = { format: 'pt' }): Buffer {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts: Uint8Array[] = [];
  let off = 0;
  for (const [name, t] of entries) {
    let bytes: Uint8Array;
    if (dtype === 'F32') bytes = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    else {
      const u = dtype === 'BF16' ? f32ToBf16(t.data) : f32ToF16(t.data);
      bytes = new Uint8Array(u.buffer);
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [off, off + bytes.length] };
    parts.push(bytes);
    off += bytes.length;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8) json += ' ';
  const hb = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(hb.length));
  return Buffer.concat([len, hb, ...parts]);
}

export function writeSafetensors(path: string, tensors: Map<string, NamedTensor> | Record<string, NamedTensor>, dtype: DType = 'F32',
  metadata?: Record<string, string>): void {
  writeFileSync(path, serializeSafetensors(tensors, dtype, metadata));
}
