import { COPY_KERNEL } from './copyKernel.wasm';

/** What this file uses of the WebAssembly global (which @types/node does not declare). */
declare const WebAssembly:
  | {
      Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
    }
  | undefined;

/**
 * Address space of one heap: reserved, not resident (pages count only once written). A region
 * bigger than a quarter of it, or one that no longer fits, is a plain Buffer instead.
 */
export const HEAP_BYTES = 256 * 1024 * 1024;
const PAGE_BYTES = 64 * 1024;
const SMALLEST_CLASS = 12;
const LARGEST_CLASS = 26;

/**
 * Byte buffers inside one WebAssembly memory, between which `copy` moves bytes natively: a prober
 * reads its query bytes into a region, keeps its answers' tails in regions and writes its output
 * rows in regions, so each piece of a row is one `copy` call instead of a byte loop.
 *
 * The memory never grows (it is reserved whole), so views of it are never detached. Regions are
 * powers of two from 4 KiB, kept on a free list per size when given back and handed out again.
 * The heap lives as long as its owner (a QueryProber): it is an ordinary collected object.
 */
export class ByteHeap {
  readonly buffer: ArrayBuffer;
  /** Copies `length` bytes from offset `from` of the heap to offset `to` (overlap allowed). */
  readonly copy: (to: number, from: number, length: number) => void;
  private top = 0;
  private readonly free: number[][] = [];

  private constructor(private readonly memory: { buffer: ArrayBuffer }) {
    this.buffer = memory.buffer;
    this.copy = this.instantiate(COPY_KERNEL).copy as ByteHeap['copy'];
    for (let c = 0; c <= LARGEST_CLASS; c++) this.free.push([]);
  }

  /**
   * A new heap of `bytes` (a multiple of 64 KiB), or undefined where WebAssembly is off (node
   * --jitless), cannot reserve one, or is switched off with SALARY_JOIN_WASM=off (the same
   * output from plain buffers, a little slower).
   */
  static create(bytes = HEAP_BYTES): ByteHeap | undefined {
    if (typeof WebAssembly === 'undefined' || process.env.SALARY_JOIN_WASM === 'off') return undefined;
    try {
      const pages = bytes / PAGE_BYTES;
      return new ByteHeap(new WebAssembly.Memory({ initial: pages, maximum: pages }));
    } catch (error) {
      // Reserving address space fails under a tight `ulimit -v`; the plain buffers do the same work.
      if (error instanceof RangeError) return undefined;
      throw error;
    }
  }

  /** A region of at least `size` bytes (its length is the power of two it takes), or undefined. */
  take(size: number): Buffer | undefined {
    const c = Math.max(SMALLEST_CLASS, 32 - Math.clz32(Math.max(1, size) - 1));
    if (c > LARGEST_CLASS) return undefined;
    const bytes = 2 ** c;
    let offset = this.free[c].pop();
    if (offset === undefined) {
      if (this.top + bytes > this.buffer.byteLength) return undefined;
      offset = this.top;
      this.top += bytes;
    }
    return Buffer.from(this.buffer, offset, bytes);
  }

  /** Takes back a region from take(), once; its views must no longer be used. */
  give(region: Uint8Array): void {
    const c = 31 - Math.clz32(region.byteLength);
    if (region.buffer !== this.buffer || region.byteLength !== 2 ** c || c < SMALLEST_CLASS) throw new Error('ByteHeap.give: not a region of this heap');
    this.free[c].push(region.byteOffset);
  }

  /** The exports of a module (bytes) that imports the heap's memory as "heap" "memory". */
  instantiate(module: Uint8Array): Record<string, unknown> {
    return new WebAssembly!.Instance(new WebAssembly!.Module(module), { heap: { memory: this.memory } }).exports;
  }

  /** A region of `count` zeroed int32 (a region taken back may hold old bytes), or undefined. */
  takeInts(count: number): Int32Array | undefined {
    const region = this.take(count * 4);
    return region && new Int32Array(this.buffer, region.byteOffset, count).fill(0);
  }

  /** Where bytes[0] lies in the heap, or -1 when `bytes` are not in it. */
  offsetOf(bytes: ArrayBufferView): number {
    return bytes.buffer === this.buffer ? bytes.byteOffset : -1;
  }

  /** Bytes taken from the memory so far (given-back regions included: they are reused). */
  get reserved(): number {
    return this.top;
  }
}

/** A region of `heap` when it has one free, else a plain Buffer of `size` bytes. */
export function takeBytes(heap: ByteHeap | undefined, size: number): Buffer {
  return heap?.take(size) ?? Buffer.allocUnsafeSlow(size);
}

/** Gives `bytes` back to `heap` when they are one of its regions (plain Buffers are collected). */
export function giveBytes(heap: ByteHeap | undefined, bytes: Uint8Array): void {
  if (heap !== undefined && bytes.buffer === heap.buffer) heap.give(bytes);
}

/**
 * Small constant byte strings (the tails of unmatched rows) packed into shared regions, so that
 * each is in the heap without a 4 KiB region of its own.
 */
export class ConstantArena {
  private region: Buffer = Buffer.alloc(0);
  private used = 0;

  constructor(private readonly heap: ByteHeap | undefined) {}

  /** A copy of `bytes` that lives as long as the arena. */
  keep(bytes: Uint8Array): Uint8Array {
    if (this.used + bytes.length > this.region.length) {
      this.region = takeBytes(this.heap, Math.max(bytes.length, 1 << SMALLEST_CLASS));
      this.used = 0;
    }
    const kept = this.region.subarray(this.used, this.used + bytes.length);
    kept.set(bytes);
    this.used += bytes.length;
    return kept;
  }
}
