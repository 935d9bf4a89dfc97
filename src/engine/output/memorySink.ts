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
  private pendingOrdinals: number[] = [];
  private batchIndex = 0;

  constructor(
    private readonly batchSize: number,
    /** Receives each batch with each row's 0-based query-table position. */
    private readonly onBatch?: (rows: Row[], batchIndex: number, ordinals: number[]) => void | Promise<void>,
  ) {}

  /** All rows held, in order (when no onBatch was given). */
  get rows(): Row[] {
    return this.batches.flat();
  }

  async open(): Promise<void> {}

  async write(chunk: OutputChunk): Promise<void> {
    const objects = chunk.objects ?? [];
    for (let i = 0; i < objects.length; i++) {
      this.pending.push(objects[i]);
      this.pendingOrdinals.push(chunk.ordinals?.[i] ?? -1);
      if (this.pending.length >= this.batchSize) await this.flush();
    }
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) await this.flush();
  }

  async abort(): Promise<void> {
    this.pending = [];
    this.pendingOrdinals = [];
  }

  private async flush(): Promise<void> {
    const rows = this.pending;
    const ordinals = this.pendingOrdinals;
    this.pending = [];
    this.pendingOrdinals = [];
    if (this.onBatch) await this.onBatch(rows, this.batchIndex++, ordinals);
    else this.batches.push(rows);
  }
}
