/**
 * Splits a byte stream into lines with bounded memory: a line longer than `maxLineLength`
 * characters is emitted in pieces (each marked `partial`, the last piece not), so a job that
 * prints 50 MB without a newline costs at most one piece of memory. UTF-8 sequences split
 * across chunks are decoded correctly; a trailing `\r` is dropped (`\r\n` output).
 */
import { StringDecoder } from 'node:string_decoder';

/** CloudWatch Logs' event size limit is 256 KiB; longer lines are split there too. */
export const DEFAULT_MAX_LINE_LENGTH = 256 * 1024;

/**
 * @example
 *   const s = new LineSplitter((text, partial) => console.log(text, partial));
 *   s.push(Buffer.from('loss=0.5\nacc')); s.push(Buffer.from('=0.9\n')); s.end();
 *   // 'loss=0.5' false, 'acc=0.9' false
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly onLine: (text: string, partial: boolean) => void,
    private readonly maxLineLength = DEFAULT_MAX_LINE_LENGTH,
  ) {}

  push(chunk: Buffer): void {
    this.consume(this.decoder.write(chunk));
  }

  /** Flushes the last unterminated line, if any. */
  end(): void {
    this.consume(this.decoder.end());
    if (this.pending !== '') this.emit(this.pending, false);
    this.pending = '';
  }

  private consume(text: string): void {
    if (text === '') return;
    let start = 0;
    let data = this.pending + text;
    this.pending = '';
    for (;;) {
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      this.emitBounded(data.slice(start, nl));
      start = nl + 1;
    }
    data = data.slice(start);
    while (data.length > this.maxLineLength) {
      this.emit(data.slice(0, this.maxLineLength), true);
      data = data.slice(this.maxLineLength);
    }
    this.pending = data;
  }

  private emitBounded(line: string): void {
    while (line.length > this.maxLineLength) {
      this.emit(line.slice(0, this.maxLineLength), true);
      line = line.slice(this.maxLineLength);
    }
    this.emit(line, false);
  }

  private emit(line: string, partial: boolean): void {
    this.onLine(!partial && line.endsWith('\r') ? line.slice(0, -1) : line, partial);
  }
}
