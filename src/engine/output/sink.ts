import type { RowFormat } from './rowFormat';

/** Rows leaving the engine, already in the sink's format and in query order. */
export interface OutputChunk {
  rows: number;
  /** CSV or JSON-lines bytes, for sinks whose format is 'csv' or 'jsonl'. */
  bytes?: Uint8Array;
  /** Row objects, for sinks whose format is 'rows'. */
  objects?: Record<string, string | number | null>[];
  /** With objects: each row's 0-based position in the query table, to pair it with its source. */
  ordinals?: number[];
  /** With 'tagged' bytes: the query-table position their ordinals count from. */
  ordinalBase?: number;
}

/**
 * Where one output (matched or unmatched) goes. The engine calls open once, write in order,
 * then close on success or abort on any failure or cancellation; a sink must leave nothing
 * that looks complete after abort.
 */
export interface RowSink {
  readonly format: RowFormat;
  /** CSV only: prefix text cells starting with = + - @ TAB CR with ' so spreadsheets show, not run, them. */
  readonly guardFormulas?: boolean;
  /**
   * True when write() is done with chunk.bytes once it resolves (it copies whatever it holds
   * back): the engine then hands the buffer back to a worker to fill again instead of leaving it
   * to the garbage collector. Unset: the sink may keep the bytes, and the engine never reuses them.
   */
  readonly releasesBytes?: boolean;
  open(columns: string[]): Promise<void>;
  write(chunk: OutputChunk): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
