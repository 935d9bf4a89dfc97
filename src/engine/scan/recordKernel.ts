import type { ByteHeap } from '../memory/byteHeap';
import type { Dialect } from './dialect';
import type { FieldBytes } from './fieldBytes';
import { RECORD_KERNEL } from './recordKernel.wasm';

type RecordFunction = (pos: number, to: number, delimiter: number, quote: number, titleCol: number, locationCol: number, lower: number, out: number) => number;

/**
 * The fast lane of the query scan, in WebAssembly (recordKernel.wat) over a ByteHeap: one call
 * per plain record splits its fields and trims, hashes and flags its title and location, the
 * work of scanRecords and two FieldBytes.read calls in JavaScript. A record it declines (an empty
 * line, a line break or doubled quote inside quotes, a lone CR, too few fields, a non-ASCII byte
 * at a field's edge, the end of the bytes) is scanRecords' to deliver, so that every rule and
 * error stays in one place.
 */
export class RecordKernel {
  private readonly record: RecordFunction;
  /** Heap offset of the kernel's results: count; title start, end, hash, flags; location's. */
  private readonly out: number;
  private readonly results: Int32Array;

  constructor(heap: ByteHeap) {
    this.record = heap.instantiate(RECORD_KERNEL).record as RecordFunction;
    const region = heap.take(64);
    if (!region) throw new Error('RecordKernel: no room in the heap for its results');
    this.out = region.byteOffset;
    this.results = new Int32Array(heap.buffer, this.out, 9);
  }

  /**
   * The record at pos of the bytes that lie at heap offset `base` (bytes pos .. to valid): fills
   * title and location and returns the offset after its line terminator, or -1 when scanRecords
   * must take it. Offsets are the bytes' own, not the heap's.
   */
  next(base: number, pos: number, to: number, dialect: Dialect, titleCol: number, locationCol: number, lower: boolean, title: FieldBytes, location: FieldBytes): number {
    const next = this.record(base + pos, base + to, dialect.delimiter, dialect.quote, titleCol, locationCol, lower ? 1 : 0, this.out);
    if (next < 0) return -1;
    const r = this.results;
    title.start = r[1] - base;
    title.end = r[2] - base;
    title.hash = r[3];
    title.flags = r[4];
    location.start = r[5] - base;
    location.end = r[6] - base;
    location.hash = r[7];
    location.flags = r[8];
    return next - base;
  }
}
