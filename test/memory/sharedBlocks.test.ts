import { BLOCK_BYTES, SharedBlocks } from '../../src/engine/memory/sharedBlocks';

describe('SharedBlocks', () => {
  test('chunks of any typed array, aligned, zeroed, carved back to back from as few blocks as hold them', () => {
    const blocks = new SharedBlocks();
    const chunks = [
      blocks.take(Uint8Array, 3),
      blocks.take(Float64Array, 5),
      blocks.take(Int32Array, 65536),
      blocks.take(Float32Array, 7),
      ...Array.from({ length: 70 }, () => blocks.take(Float64Array, 65536)),
    ];
    const buffers = new Set(chunks.map((c) => c.buffer));
    // 70 chunks of 512 KiB and ~256 KiB more: two blocks, each shared memory of BLOCK_BYTES.
    expect(buffers.size).toBe(2);
    for (const buffer of buffers) {
      expect(buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(buffer.byteLength).toBe(BLOCK_BYTES);
    }
    expect(chunks.map((c) => c.length)).toEqual([3, 5, 65536, 7, ...chunks.slice(4).map(() => 65536)]);
    for (const c of chunks) {
      expect(c.byteOffset % 8).toBe(0);
      expect(c.every((v) => v === 0)).toBe(true);
    }
    // No two chunks of one block overlap.
    for (const buffer of buffers) {
      const spans = chunks.filter((c) => c.buffer === buffer).map((c) => [c.byteOffset, c.byteOffset + c.byteLength]).sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    }
  });

  test('a chunk bigger than a block is refused', () => {
    expect(() => new SharedBlocks().take(Uint8Array, BLOCK_BYTES + 1)).toThrow(RangeError);
    expect(new SharedBlocks().take(Uint8Array, BLOCK_BYTES).length).toBe(BLOCK_BYTES);
  });
});
