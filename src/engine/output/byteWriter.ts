import { giveBytes, takeBytes, type ByteHeap } from '../memory/byteHeap';
import { csvField } from './rowFormat';

/**
 * Appends UTF-8 text to a growing byte buffer. Workers build their output here instead of
 * concatenating strings: a string built from millions of `+=` is a deep rope whose flattening
 * (on encoding) cost more than the whole scan.
 *
 * With a ByteHeap the buffer is one of its regions, and bytes that come from the same heap (the
 * query record, an answer's tail) are copied by the heap's native copy; finish() then copies the
 * output out to a buffer that can be transferred. Without one the buffer is a plain Buffer, handed
 * over by finish() without a copy.
 */
export class ByteWriter {
  private buf: Buffer;
  private length = 0;
  /** Where buf lies in the heap, or -1 when it is a plain Buffer. */
  private base: number;

  /**
   * In a heap the writer takes room for a large output up front: a region costs only the pages
   * written, while growing would leave each outgrown region resident on the heap's free list.
   */
  constructor(
    private readonly heap?: ByteHeap,
    capacity = heap ? 16 * 1024 * 1024 : 64 * 1024,
  ) {
    this.buf = takeBytes(heap, capacity);
    this.base = heap?.offsetOf(this.buf) ?? -1;
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

  /**
   * Bytes start .. end of src, as they are (they must be UTF-8). srcBase: where src[0] lies in the
   * writer's heap, when the caller knows the bytes are there (asking src.buffer costs more than
   * the copy, so callers find out once per buffer, not per piece), else -1: then the copy is one
   * native call when the writer's buffer is in the heap too.
   */
  writeBytes(src: Uint8Array, start: number, end: number, srcBase = -1): void {
    const length = end - start;
    if (this.length + length > this.buf.length) this.grow(this.length + length);
    // A loop beats a native copy for the short fields of an output row; a whole array needs no view.
    if (srcBase >= 0 && this.base >= 0) {
      this.heap!.copy(this.base + this.length, srcBase + start, length);
    } else if (start === 0 && end === src.length && length >= 32) {
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

  /** Where the buffer lies in the heap (-1: not in it), for a kernel that writes rows itself. */
  get heapOffset(): number {
    return this.base;
  }

  /** Bytes written. */
  get size(): number {
    return this.length;
  }

  /** Bytes the buffer holds. */
  get capacity(): number {
    return this.buf.length;
  }

  /** Takes bytes written into the buffer by other means as written: the first `size` are the output. */
  setSize(size: number): void {
    if (!(size >= this.length && size <= this.buf.length)) throw new RangeError(`ByteWriter.setSize: ${size} outside ${this.length}..${this.buf.length}`);
    this.length = size;
  }

  /** Room for at least `bytes` more (growing the buffer, whose heap offset may change). */
  reserve(bytes: number): void {
    if (this.length + bytes > this.buf.length) this.grow(this.length + bytes);
  }

  /**
   * The bytes written, in a buffer of their own (its ArrayBuffer may be longer than the bytes), to
   * transfer: a spare handed back by reuseOutputBuffers or a new buffer, into which a heap region
   * is copied; a plain buffer is handed over instead, and the writer goes on in the spare.
   */
  finish(): Uint8Array {
    if (this.length === 0) return new Uint8Array(0);
    if (this.base >= 0) {
      const copy = new Uint8Array(outputBuffer(this.length), 0, this.length);
      copy.set(this.buf.subarray(0, this.length));
      this.length = 0;
      return copy;
    }
    const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.length);
    this.buf = Buffer.from(outputBuffer(this.buf.length));
    this.length = 0;
    return out;
  }

  private grow(needed: number): void {
    const grown = takeBytes(this.heap, Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.length);
    giveBytes(this.heap, this.buf);
    this.buf = grown;
    this.base = this.heap?.offsetOf(grown) ?? -1;
  }
}

/**
 * Output buffers that the main thread has written out and handed back, for finish() to fill
 * again. A worker's output (a few MB per task) is transferred to the main thread; a new buffer
 * per task would be freed only when the main thread's garbage collector gets to it, which in a
 * quiet main thread is late: tens of MB of dead output used to stay resident.
 */
const spares: ArrayBuffer[] = [];
/** Two outputs (matched, unmatched) of a couple of tasks: more would only sit unused. */
const MAX_SPARES = 4;

/** Buffers for finish() to reuse; the smallest go when more than MAX_SPARES are held. */
export function reuseOutputBuffers(buffers: readonly ArrayBuffer[]): void {
  for (const buffer of buffers) if (buffer.byteLength > 0) spares.push(buffer);
  if (spares.length > MAX_SPARES) {
    spares.sort((a, b) => b.byteLength - a.byteLength);
    spares.length = MAX_SPARES;
  }
}

/**
 * The smallest spare that holds length bytes (and is not far larger: a small matched output must
 * not take the buffer the next unmatched output needs), else a new buffer rounded up to 1/8 of
 * its size, so that it fits the similar outputs of later tasks.
 */
function outputBuffer(length: number): ArrayBuffer {
  let best = -1;
  for (let i = 0; i < spares.length; i++) {
    const size = spares[i].byteLength;
    if (size >= length && size <= 4 * length + 64 * 1024 && (best < 0 || size < spares[best].byteLength)) best = i;
  }
  if (best >= 0) return spares.splice(best, 1)[0];
  const step = Math.max(64 * 1024, 2 ** Math.max(0, Math.floor(Math.log2(length)) - 3));
  return new ArrayBuffer(Math.ceil(length / step) * step);
}
