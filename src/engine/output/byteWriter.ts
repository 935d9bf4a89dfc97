import { csvField } from './rowFormat';

/**
 * Appends UTF-8 text to a growing byte buffer. Workers build their output here instead of
 * concatenating strings: a string built from millions of `+=` is a deep rope whose flattening
 * (on encoding) cost more than the whole scan. The buffer is not pooled, so it can be
 * transferred to the main thread.
 */
export class ByteWriter {
  private buf: Buffer;
  private length = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  /**
   * ASCII is copied by a plain loop: for the short pieces of an output row that beats a native
   * Buffer.write call per piece several times over. The first non-ASCII character hands the
   * whole piece to the UTF-8 encoder instead.
   */
  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.length + text.length * 3 > this.buf.length) this.grow(this.length + text.length * 3);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.length += buf.write(text, this.length, 'utf8');
        return;
      }
      buf[at++] = code;
    }
    this.length = at;
  }

  /**
   * One CSV field: copied as is in the common case, quoted (with quotes doubled) when it holds a
   * comma, quote or line break. Detecting that during the copy saves a separate scan per field.
   */
  writeCsvField(text: string): void {
    if (this.length + text.length * 3 > this.buf.length) this.grow(this.length + text.length * 3);
    const buf = this.buf;
    const start = this.length;
    let at = start;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80 || code === 0x2c || code === 0x22 || code === 0x0a || code === 0x0d) {
        this.length = start;
        this.write(csvField(text));
        return;
      }
      buf[at++] = code;
    }
    this.length = at;
  }

  /** Bytes start .. end of src, as they are (they must be UTF-8). */
  writeBytes(src: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.length + length > this.buf.length) this.grow(this.length + length);
    // A loop beats a native copy for the short fields of an output row; a whole array needs no view.
    if (start === 0 && end === src.length && length >= 32) {
      this.buf.set(src, this.length);
    } else if (length < 256) {
      const buf = this.buf;
      let at = this.length;
      for (let i = start; i < end; i++) buf[at++] = src[i];
    } else {
      this.buf.set(src.subarray(start, end), this.length);
    }
    this.length += length;
  }

  /**
   * Bytes start .. end of src as one CSV field: in quotes with quotes doubled when `quote`, after
   * an apostrophe when `apostrophe` (see neutralizeFormula).
   */
  writeCsvBytes(src: Uint8Array, start: number, end: number, quote: boolean, apostrophe: boolean): void {
    const most = 2 * (end - start) + 3;
    if (this.length + most > this.buf.length) this.grow(this.length + most);
    const buf = this.buf;
    let at = this.length;
    if (quote) buf[at++] = 0x22;
    if (apostrophe) buf[at++] = 0x27;
    for (let i = start; i < end; i++) {
      const b = src[i];
      if (b === 0x22 && quote) buf[at++] = 0x22;
      buf[at++] = b;
    }
    if (quote) buf[at++] = 0x22;
    this.length = at;
  }

  writeByte(byte: number): void {
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = byte;
  }

  /** Starts over, keeping the buffer: a worker reuses one writer per output for all its tasks. */
  reset(): void {
    this.length = 0;
  }

  /** The bytes written, in a buffer of their own. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }

  private grow(needed: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}
