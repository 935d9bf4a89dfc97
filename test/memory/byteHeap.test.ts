import { ByteHeap, ConstantArena, giveBytes, takeBytes } from '../../src/engine/memory/byteHeap';
import { ByteWriter, reuseOutputBuffers } from '../../src/engine/output/byteWriter';
import { seededInts } from '../support/seededInts';

function newHeap(bytes?: number): ByteHeap {
  const heap = ByteHeap.create(bytes);
  if (!heap) throw new Error('this Node has WebAssembly: the heap must exist');
  return heap;
}

describe('ByteHeap', () => {
  test('copy moves bytes between regions, overlapping ones included, as copyWithin does', () => {
    const heap = newHeap(1 << 20);
    const a = heap.take(100)!;
    const b = heap.take(5000)!;
    a.write('hello, heap');
    heap.copy(b.byteOffset + 10, a.byteOffset, 11);
    expect(b.toString('latin1', 10, 21)).toBe('hello, heap');
    const expected = Buffer.from(b.subarray(0, 40));
    expected.copyWithin(3, 10, 30);
    heap.copy(b.byteOffset + 3, b.byteOffset + 10, 20);
    expect(Buffer.from(b.subarray(0, 40))).toEqual(expected);
  });

  test('regions are powers of two from 4 KiB that do not overlap', () => {
    const heap = newHeap(1 << 20);
    const regions = [1, 4096, 4097, 10_000, 70_000].map((n) => heap.take(n)!);
    expect(regions.map((r) => r.length)).toEqual([4096, 4096, 8192, 16384, 131072]);
    const spans = regions.map((r) => [r.byteOffset, r.byteOffset + r.length]).sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    expect(regions.every((r) => heap.offsetOf(r) === r.byteOffset)).toBe(true);
    expect(heap.offsetOf(Buffer.alloc(10))).toBe(-1);
  });

  test('a region given back is handed out again for a request of its size, not a new one', () => {
    const heap = newHeap(1 << 20);
    const first = heap.take(9000)!;
    heap.take(100);
    const reserved = heap.reserved;
    heap.give(first);
    const again = heap.take(16000)!;
    expect(again.byteOffset).toBe(first.byteOffset);
    expect(heap.reserved).toBe(reserved);
  });

  test('a full heap or a region beyond the largest size gives undefined, and takeBytes a plain Buffer', () => {
    const heap = newHeap(1 << 20);
    expect(heap.take(1 << 20)).toBeDefined();
    expect(heap.take(1)).toBeUndefined();
    const plain = takeBytes(heap, 1000);
    expect(heap.offsetOf(plain)).toBe(-1);
    expect(plain.length).toBe(1000);
    giveBytes(heap, plain); // plain buffers are left to the collector
    expect(newHeap().take(128 * 1024 * 1024)).toBeUndefined();
  });

  test('give refuses what is not a whole region of the heap', () => {
    const heap = newHeap(1 << 20);
    const region = heap.take(8192)!;
    expect(() => heap.give(region.subarray(0, 4096 + 1))).toThrow(/not a region/);
    expect(() => heap.give(Buffer.alloc(4096))).toThrow(/not a region/);
    expect(() => newHeap(1 << 20).give(region)).toThrow(/not a region/);
  });

  test('a constant arena packs small pieces into shared regions and keeps each intact', () => {
    const heap = newHeap(1 << 20);
    const arena = new ConstantArena(heap);
    const pieces = Array.from({ length: 300 }, (_, i) => Buffer.from(`,State ${i},no_wage_rows_in_state\n`));
    const kept = pieces.map((p) => arena.keep(p));
    expect(kept.map((k) => Buffer.from(k).toString())).toEqual(pieces.map((p) => p.toString()));
    expect(kept.every((k) => heap.offsetOf(k) >= 0)).toBe(true);
    expect(heap.reserved).toBe(3 * 4096);
  });
});

describe('ByteWriter', () => {
  /** Random pieces through every write method, from the heap and from plain buffers. */
  function writeRandom(writer: ByteWriter, heap: ByteHeap | undefined, seed: number): Buffer {
    const next = seededInts(seed);
    const source = heap?.take(1 << 16) ?? Buffer.alloc(1 << 16);
    for (let i = 0; i < source.length; i++) source[i] = 0x20 + next(90);
    const plain = Buffer.from(source);
    const expected: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      const start = next(60_000);
      const length = next(5) === 0 ? next(5000) : next(90);
      switch (next(5)) {
        case 0:
          if (heap) {
            writer.writeBytes(source, start, start + length, source.byteOffset);
            expected.push(plain.subarray(start, start + length));
            break;
          }
        // falls through
        case 1:
          writer.writeBytes(plain, start, start + length);
          expected.push(plain.subarray(start, start + length));
          break;
        case 2:
          writer.write(`é${i}`);
          expected.push(Buffer.from(`é${i}`));
          break;
        case 3:
          writer.writeCsvField(`a,"${i}"`);
          expected.push(Buffer.from(`"a,""${i}"""`));
          break;
        default:
          writer.writeByte(0x0a);
          expected.push(Buffer.from('\n'));
      }
    }
    return Buffer.concat(expected);
  }

  test.each([
    ['in a heap', true],
    ['without a heap', false],
  ])('%s: writes every piece as given, across growth, and finish() returns them in a buffer of their own', (_name, withHeap) => {
    const heap = withHeap ? newHeap(64 << 20) : undefined;
    const writer = new ByteWriter(heap, 1024);
    for (let round = 0; round < 3; round++) {
      const expected = writeRandom(writer, heap, 7 + round);
      const finished = writer.finish();
      const out = Buffer.from(finished.buffer, finished.byteOffset, finished.length);
      expect(out.length).toBe(expected.length);
      // toEqual on MBs of bytes takes seconds; equals is one memcmp.
      expect(out.equals(expected)).toBe(true);
      expect(out.length).toBeGreaterThan(100_000);
      if (heap) expect(heap.offsetOf(out)).toBe(-1); // transferable, not a view of the heap
      reuseOutputBuffers([out.buffer as ArrayBuffer]);
    }
  });

  test('bytes from the heap are written when the writer had to fall back to a plain buffer (a full heap)', () => {
    const heap = newHeap(1 << 20);
    const source = heap.take(4096)!;
    source.write('Chef,"Austin, TX"');
    const writer = new ByteWriter(heap, 1 << 19);
    expect(heap.take(1 << 18)).toBeDefined(); // no room left for the writer's next region (1 MiB)
    for (let i = 0; i < 40_000; i++) writer.writeBytes(source, 0, 17, source.byteOffset);
    expect(heap.reserved).toBeLessThan(1 << 20);
    expect(Buffer.from(writer.finish()).toString()).toBe('Chef,"Austin, TX"'.repeat(40_000));
  });
});
