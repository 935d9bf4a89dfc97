import type { ByteHeap } from '../memory/byteHeap';
import type { ByteWriter } from '../output/byteWriter';
import type { ByteTable, KeyFilter } from '../scan/byteTable';
import type { KernelLane } from '../scan/recordKernel';

/** The context's words, as recordKernel.wat's `run` reads them. */
const enum Ctx {
  FilterBits,
  FilterShift,
  LocationSlots,
  LocationMask,
  LocationShift,
  LocationEntries,
  LocationBytes,
  Tails,
  RefusedReason,
  OutStart,
  OutLength,
  OutCapacity,
  UnknownStateRows,
  RefusedRows,
  Words,
}

/**
 * The unmatched lane of a prober (see recordKernel.wat's `run`): the kernel writes the commonest
 * query rows whole, those whose state its location table knows (or that have none) and whose
 * title the title filter refuses, straight into the unmatched output, with the tail kept for
 * their (state, reason). Everything it reads lies in the prober's heap: the filter's bits, the
 * location table (which the prober fills), the tails (UnmatchedTails), the output buffer.
 */
export class QueryLane implements KernelLane {
  readonly ctx: number;
  private output: ByteWriter | undefined;

  private constructor(private readonly words: Int32Array) {
    this.ctx = words.byteOffset;
  }

  /** A lane over these parts, or undefined when one of them is not in the heap. */
  static create(heap: ByteHeap, filter: KeyFilter, locations: ByteTable, tails: Int32Array): QueryLane | undefined {
    const { slots, entries, bytes } = locations.data;
    const offsets = [filter.bits, slots, entries, bytes, tails].map((a) => heap.offsetOf(a));
    const w = heap.takeInts(Ctx.Words);
    if (w === undefined || offsets.some((offset) => offset < 0)) return undefined;
    const lane = new QueryLane(w);
    w[Ctx.FilterBits] = offsets[0];
    w[Ctx.FilterShift] = filter.shift;
    w[Ctx.LocationSlots] = offsets[1];
    // As ByteTable places a key: slot = top bits of hash · 0x9e3779b1, then the next ones.
    const mask = (slots.length >> 1) - 1;
    w[Ctx.LocationMask] = mask;
    w[Ctx.LocationShift] = Math.clz32(mask);
    w[Ctx.LocationEntries] = offsets[2];
    w[Ctx.LocationBytes] = offsets[3];
    w[Ctx.Tails] = offsets[4];
    return lane;
  }

  /** Starts a task's scan writing into `output`, a refused title's reason being `refusedReason`. */
  start(output: ByteWriter, refusedReason: number): this {
    this.output = output;
    const w = this.words;
    w[Ctx.RefusedReason] = refusedReason;
    w[Ctx.UnknownStateRows] = 0;
    w[Ctx.RefusedRows] = 0;
    return this;
  }

  open(): void {
    const output = this.output!;
    const w = this.words;
    w[Ctx.OutStart] = output.heapOffset;
    w[Ctx.OutLength] = output.size;
    // An output outside the heap (the heap full) takes no lane rows: the first gets NoRoom.
    w[Ctx.OutCapacity] = output.heapOffset >= 0 ? output.capacity : 0;
  }

  close(): void {
    this.output!.setSize(this.words[Ctx.OutLength]);
  }

  grow(bytes: number): boolean {
    const output = this.output!;
    output.reserve(bytes);
    return output.heapOffset >= 0;
  }

  /** Rows the lane wrote since start(): [with reason 0 (unknown_state), with the refused title's reason]. */
  rows(): [number, number] {
    return [this.words[Ctx.UnknownStateRows], this.words[Ctx.RefusedRows]];
  }
}
