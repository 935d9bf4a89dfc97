import type { ProbeOutput, ProbeRequest } from '../probe/probeQueries';

interface TaskBase {
  /**
   * Output buffers the main thread has written out, transferred back for the worker to fill
   * again (see reuseOutputBuffers), so output does not cost a new buffer per task.
   */
  spare?: ArrayBuffer[];
}

/** A byte range of a plain UTF-8 query file; the worker reads it itself. */
export interface RangeTask extends TaskBase {
  kind: 'range';
  request: ProbeRequest;
  path: string;
  /** Records starting in [start, end) belong to this range. */
  start: number;
  end: number;
  fileSize: number;
  /** A known record start to use instead of guessing one (a redo after a wrong guess). */
  knownStart?: number;
}

/** Whole records cut from a stream on the main thread (gzip, other encodings, n8n binaries). */
export interface ChunkTask extends TaskBase {
  kind: 'chunk';
  request: ProbeRequest;
  data: Uint8Array;
}

export type ProbeTask = RangeTask | ChunkTask;

export interface ProbeTaskResult extends ProbeOutput {
  /** Offset where this task's first record starts (file offset for ranges). */
  firstStart: number;
  /** Physical lines consumed by the task (chunks: line numbers restart at 1 in each). */
  linesConsumed: number;
}
