import { valueText } from '../fast-series.js';

/** Size of the chunks a scrape writes to the socket. */
export const CHUNK_BYTES = 128 * 1024;

/**
 * Appends exposition bytes to fixed-size chunks: pre-rendered heads are copied (memcpy), integers are written digit by
 * digit, so a scrape builds no strings for the common lines. `take()` hands over the chunks filled so far.
 */
export class ChunkWriter {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private readonly done: Buffer[] = [];

  /** Makes room for `n` more bytes (a new chunk when the current one cannot hold them). */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.cut();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  private cut(): void {
    if (this.pos === 0) return;
    this.done.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.pos = 0;
  }

  bytes(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** An ASCII string (numbers, `+Inf`, exemplar ids); `reserve()` must have made room for it. */
  ascii(text: string): void {
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** A string of any length and content (UTF-8), reserving room itself. */
  text(text: string): void {
    const n = Buffer.byteLength(text);
    this.reserve(n);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** A sample value as OpenTelemetry's serializer writes it (`${value}`, `+Inf`, `-Inf`, `NaN`). */
  number(value: number): void {
    if (value >= 0 && Number.isSafeInteger(value)) this.uint(value);
    else this.ascii(valueText(value));
  }

  private uint(value: number): void {
    let n = value;
    let len = 1;
    for (let p = 10; p <= n; p *= 10) len++;
    let at = this.pos + len;
    const buf = this.buf;
    while (n >= 10) {
      const q = Math.floor(n / 10);
      buf[--at] = 48 + (n - q * 10);
      n = q;
    }
    buf[--at] = 48 + n;
    this.pos += len;
  }

  newline(): void {
    this.buf[this.pos++] = 10;
  }

  /** The chunks written so far (the current one included); the writer starts a new chunk. */
  take(): Buffer[] {
    this.cut();
    return this.done.splice(0);
  }
}
