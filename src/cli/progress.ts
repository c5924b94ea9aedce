/**
 * The progress bar of `sagebox data put/get`: bytes, percent, rate and ETA redrawn in place on a
 * terminal; on anything else (a pipe, a log file, CI) only the final one-line summary.
 */

/** What a transfer has done so far. */
export interface ProgressState {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
  elapsedMs: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Bytes for people: `512 B`, `1.5 KiB`, `12.3 MiB`.
 *
 * @example formatBytes(1536) // '1.5 KiB'
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * Seconds as `m:ss` (or `h:mm:ss`).
 *
 * @example formatDuration(75) // '1:15'
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * One line of the live bar, at most `width` columns.
 *
 * @example
 *   renderProgressBar({ bytes: 5 << 20, totalBytes: 10 << 20, files: 1, totalFiles: 3, elapsedMs: 2000 }, 100)
 *   // '[##########----------]  50%  5.0 MiB / 10.0 MiB  2.5 MiB/s  ETA 0:02  1/3 files'
 */
export function renderProgressBar(state: ProgressState, width = 80): string {
  const fraction = state.totalBytes > 0 ? Math.min(1, state.bytes / state.totalBytes) : state.files >= state.totalFiles ? 1 : 0;
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.bytes / seconds : 0;
  const eta = rate > 0 ? formatDuration((state.totalBytes - state.bytes) / rate) : '-:--';
  const pct = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const parts = [
    pct,
    `${formatBytes(state.bytes)} / ${formatBytes(state.totalBytes)}`,
    `${formatBytes(rate)}/s`,
    `ETA ${eta}`,
    ...(state.totalFiles > 1 ? [`${state.files}/${state.totalFiles} files`] : []),
  ];
  const text = parts.join('  ');
  const barWidth = Math.max(0, Math.min(30, width - text.length - 4));
  if (barWidth < 5) return text.slice(0, Math.max(width, 20));
  const filled = Math.round(fraction * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]  ${text}`;
}

/**
 * The summary printed when a transfer ends.
 *
 * @example
 *   renderSummary('uploaded', { bytes: 3 << 20, totalBytes: 3 << 20, files: 2, totalFiles: 2, elapsedMs: 1500 }, 's3://b/data/')
 *   // 'uploaded 2 files, 3.0 MiB in 1.50 s (2.0 MiB/s) to s3://b/data/'
 */
export function renderSummary(verb: string, state: ProgressState, where: string): string {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? `${formatBytes(state.bytes / seconds)}/s` : '-';
  const files = `${state.files} file${state.files === 1 ? '' : 's'}`;
  return `${verb} ${files}, ${formatBytes(state.bytes)} in ${seconds.toFixed(seconds < 10 ? 2 : 1)} s (${rate}) ${where}`;
}

/** Where the bar goes: `process.stderr` or a test double. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A live progress display for a transfer of known size. Each file reports its own running byte
 * count (transfers run in parallel); the bar shows the sum, redrawn at most every `intervalMs`.
 *
 * @example
 *   const p = new Progress(process.stderr, { totalBytes, totalFiles });
 *   await store.putFile(uri, file, { onProgress: (n) => p.update(file, n) });
 *   p.fileDone(file, size);
 *   p.finish('uploaded', 'to s3://b/data/');
 */
export class Progress {
  private readonly started: number;
  private readonly perFile = new Map<string, number>();
  private doneBytes = 0;
  private files = 0;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly totals: { totalBytes: number; totalFiles: number },
    private readonly options: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.started = this.now();
  }

  /** The running byte count of one file in flight. */
  update(id: string, bytesSoFar: number): void {
    this.perFile.set(id, bytesSoFar);
    this.draw(false);
  }

  /** One file finished with `bytes` bytes. */
  fileDone(id: string, bytes: number): void {
    this.perFile.delete(id);
    this.doneBytes += bytes;
    this.files++;
    this.draw(false);
  }

  /** The state now. */
  state(): ProgressState {
    let bytes = this.doneBytes;
    for (const n of this.perFile.values()) bytes += n;
    return { bytes, totalBytes: this.totals.totalBytes, files: this.files, totalFiles: this.totals.totalFiles, elapsedMs: this.now() - this.started };
  }

  /** Replaces the bar (if any) with the summary line; returns the summary. */
  finish(verb: string, where: string): string {
    const summary = renderSummary(verb, this.state(), where);
    this.out.write(`${this.drawn ? '\r\x1b[K' : ''}${summary}\n`);
    this.drawn = false;
    return summary;
  }

  /** Clears the bar (before an error message). */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.out.isTTY) return;
    const now = this.now();
    if (!force && now - this.lastDraw < (this.options.intervalMs ?? 100)) return;
    this.lastDraw = now;
    this.out.write(`\r${renderProgressBar(this.state(), (this.out.columns || 80) - 1)}\x1b[K`);
    this.drawn = true;
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }
}
