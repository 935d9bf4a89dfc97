/** The engine's public face: one call, four tables in, two row streams out. No n8n in here. */
export { runJoin, type JoinSinks } from './join/runJoin';
export type { JoinSummary, TableSummary } from './join/summary';
export * from './options';
export { InputError, CancelledError, WorkerError, type InputLocation } from './errors';
export type { RowSink, OutputChunk } from './output/sink';
export { FileSink } from './output/fileSink';
export { MemorySink, type Row } from './output/memorySink';
export { matchedColumns, UNMATCHED_COLUMNS, type RowFormat } from './output/rowFormat';
export { resolveFiles } from './source/resolveFiles';
