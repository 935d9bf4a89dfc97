import type { ByteHeap } from '../memory/byteHeap';
import type { Dialect } from './dialect';
import type { FieldBytes } from './fieldBytes';
import { RECORD_KERNEL } from './recordKernel.wasm';
import { scanRecords, type FieldCursor, type ScanOptions, type ScanOutcome } from './scanRecords';

/** The least heap offset of bytes the kernel scans (recordKernel.wat reads e - 16 .. e for a field s .. e). */
export const MIN_BASE = 16;

type RecordFunction = (pos: number, to: number, delimiter: number, quote: number, titleCol: number, locationCol: number, lower: number, out: number) => number;
type RunFunction = (pos: number, to: number, stopAt: number, delimiter: number, quote: number, titleCol: number, locationCol: number, lower: number, out: number, ctx: number) => number;

/** What the kernel's `run` stopped at (recordKernel.wat). */
const enum Run {
  /** stopAt reached. */
  Done = 0,
  /** A record read, not the lane's: the caller's. */
  Read = 1,
  /** A record for scanRecords. */
  Declined = 2,
  /** The output has no room for the next row. */
  NoRoom = 3,
}

/**
 * The unmatched lane (recordKernel.wat's `run`): rows whose whole output the kernel writes itself,
 * into an output whose room the lane's owner keeps in the context (QueryLane).
 */
export interface KernelLane {
  /** Heap offset of the context the kernel reads and updates. */
  readonly ctx: number;
  /** Before a run: the output's place and room into the context. */
  open(): void;
  /** After a run: the output's length from the context. */
  close(): void;
  /** The output has no room for the next row, `bytes` long: make it; false when the lane must stop. */
  grow(bytes: number): boolean;
}

/**
 * The fast lane of the query scan, in WebAssembly (recordKernel.wat) over a ByteHeap: one call
 * per plain record splits its fields and trims, hashes and flags its title and location, the
 * work of scanRecords and two FieldBytes.read calls in JavaScript. A record it declines (an empty
 * line, a line break or doubled quote inside quotes, a lone CR, too few fields, a non-ASCII byte
 * when matching case-insensitively, the end of the bytes) is scanRecords' to deliver, so that
 * every rule and error stays in one place. With a lane (KernelLane), the kernel also writes the
 * output rows that need nothing from JavaScript itself, record after record, in one call.
 */
export class RecordKernel {
  private readonly record: RecordFunction;
  private readonly run: RunFunction;
  /**
   * Heap offset of the kernel's results: title start, end, hash, flags; then the location's; then
   * what a run stopped at, the end of the record read there (or the bytes of the row with no
   * room), and the rows it wrote.
   */
  private readonly out: number;
  private readonly results: Int32Array;

  constructor(heap: ByteHeap) {
    const kernel = heap.instantiate(RECORD_KERNEL);
    this.record = kernel.record as RecordFunction;
    this.run = kernel.run as RunFunction;
    const results = heap.takeInts(11);
    if (!results) throw new Error('RecordKernel: no room in the heap for its results');
    this.results = results;
    this.out = results.byteOffset;
  }

  /**
   * scanRecords over bytes that lie at heap offset `base`, the same records in the same order with
   * the same outcome, the kernel taking the plain ones: for those, `fields` gets the title and
   * location and onPlain is called; each record the kernel declines is scanRecords' (one call
   * each, from its start), delivered to onRecord. `opts` is used for those calls. With a lane, the
   * records it takes whole are written by the kernel and counted, not delivered.
   */
  scan(
    buf: Uint8Array,
    base: number,
    opts: ScanOptions,
    cursor: FieldCursor,
    [titleCol, locationCol]: [number, number],
    lower: boolean,
    fields: { title: FieldBytes; location: FieldBytes },
    onPlain: () => void,
    onRecord: (cur: FieldCursor) => boolean,
    withLane?: KernelLane,
  ): ScanOutcome {
    let lane = withLane;
    // The kernel reads the 16 bytes that end at a field's end: bytes that lie closer to the
    // heap's start (never so in a prober, whose kernel takes the heap's first region) are all
    // scanRecords'.
    if (base < MIN_BASE) return scanRecords(buf, opts, cursor, onRecord);
    const { dialect, to } = opts;
    const stopAt = opts.stopAt ?? to;
    cursor.setSource(buf, dialect.quote);
    let stopped = false;
    const deliver = (cur: FieldCursor): boolean => (stopped = !onRecord(cur)) === false;
    let pos = opts.from;
    let line = opts.firstLine ?? 1;
    let records = 0;
    while (pos < stopAt) {
      let next: number;
      if (lane !== undefined) {
        lane.open();
        const status = this.run(base + pos, base + to, base + stopAt, dialect.delimiter, dialect.quote, titleCol, locationCol, lower ? 1 : 0, this.out, lane.ctx);
        lane.close();
        const r = this.results;
        records += r[10];
        line += r[10];
        pos = r[8] - base;
        if (status === Run.Done) break;
        if (status === Run.NoRoom) {
          if (!lane.grow(r[9])) lane = undefined;
          continue;
        }
        next = status === Run.Read ? this.fill(base, fields.title, fields.location, r[9]) : -1;
      } else {
        next = this.next(base, pos, to, dialect, titleCol, locationCol, lower, fields.title, fields.location);
      }
      if (next >= 0) {
        onPlain();
        records++;
        line++;
        pos = next;
        continue;
      }
      opts.from = pos;
      opts.stopAt = pos + 1;
      opts.firstLine = line;
      const one = scanRecords(buf, opts, cursor, deliver);
      records += one.records;
      // A record that runs past the bytes is left (next = its start) for the caller to read on.
      if (one.error !== undefined || stopped || one.next === pos) return { next: one.next, line: one.line, records, error: one.error };
      pos = one.next;
      line = one.line;
    }
    return { next: pos, line, records };
  }

  /**
   * The record at pos of the bytes that lie at heap offset `base` (at least MIN_BASE; bytes pos ..
   * to valid): fills
   * title and location and returns the offset after its line terminator, or -1 when scanRecords
   * must take it. Offsets are the bytes' own, not the heap's.
   */
  next(base: number, pos: number, to: number, dialect: Dialect, titleCol: number, locationCol: number, lower: boolean, title: FieldBytes, location: FieldBytes): number {
    const next = this.record(base + pos, base + to, dialect.delimiter, dialect.quote, titleCol, locationCol, lower ? 1 : 0, this.out);
    return next < 0 ? -1 : this.fill(base, title, location, next);
  }

  /** The fields of the record the kernel read, from its results; returns `next` as the bytes' offset. */
  private fill(base: number, title: FieldBytes, location: FieldBytes, next: number): number {
    const r = this.results;
    title.start = r[0] - base;
    title.end = r[1] - base;
    title.hash = r[2];
    title.flags = r[3];
    location.start = r[4] - base;
    location.end = r[5] - base;
    location.hash = r[6];
    location.flags = r[7];
    return next - base;
  }
}
