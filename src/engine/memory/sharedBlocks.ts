/**
 * Bytes of shared memory at least this big are always mapped on their own by glibc's malloc (its
 * mmap threshold rises with the blocks freed, but never above 32 MiB), so a block that is freed
 * goes back to the system whole.
 */
export const BLOCK_BYTES = 32 * 1024 * 1024 + 64 * 1024;

/**
 * Shared memory for many chunks that live and die together (the wage rows read, the sorted wage
 * columns), carved one after another from blocks of BLOCK_BYTES. Chunks allocated one by one
 * (a few hundred KiB each) come from a thread's malloc arena, between short-lived buffers (the
 * file reads): after the build, the chunks freed leave holes that keep their pages resident while
 * the index's chunks live beside them (~15 MB with 2 workers on the bench set). A block costs the
 * pages written to it, and is freed with its last chunk.
 */
export class SharedBlocks {
  private block: SharedArrayBuffer | undefined;
  private used = 0;

  /** A new chunk of `count` zeroed elements of `Kind` (count · element size ≤ BLOCK_BYTES). */
  take<T>(Kind: { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, count: number): T {
    const bytes = count * Kind.BYTES_PER_ELEMENT;
    if (bytes > BLOCK_BYTES) throw new RangeError(`SharedBlocks: ${bytes} bytes do not fit a block`);
    // 8-byte aligned, for any typed array.
    const start = (this.used + 7) & ~7;
    if (this.block === undefined || start + bytes > BLOCK_BYTES) {
      this.block = new SharedArrayBuffer(BLOCK_BYTES);
      this.used = 0;
      return this.take(Kind, count);
    }
    this.used = start + bytes;
    return new Kind(this.block, start, count);
  }
}
