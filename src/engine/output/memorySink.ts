import type { OutputChunk, RowSink } from './sink';

export type Row = Record<string, string | number | null>;

/**
 * Hands rows out in batches of a fixed size, for callers that want items (the n8n node).
 * Without onBatch it keeps every batch: only for outputs the caller asked to hold in memory.
 */
export class MemorySink implements RowSink {
  readonly format = 'rows' as const;
  readonly batches: Row[][] = [];
  private pending: Row[] = [];
  private batchIndex = 0;

  constructor(
    private readonly batchSize: number,
    private readonly onBatch?: (rows: Row[], batchIndex: number) => void | Promise<void>,
  ) {}

  /** All rows held, in order (when no onBatch was given). */
  get rows(): Row[] {
    return this.batches.flat();
  }

  async open(): Promise<void> {}

  async write(chunk: OutputChunk): Promise<void> {
    for (const row of chunk.objects ?? []) {
      this.pending.push(row);
      if (this.pending.length >= this.batchSize) await this.flush();
    }
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
  }

  async abort(): Promise<void> {
    this.pending = [];
  }

  private async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    if (this.onBatch) await this.onBatch(rows, this.batchIndex++);
    else this.batches.push(rows);
  }
}
