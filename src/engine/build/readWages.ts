import { promises as fs } from 'fs';
import { availableParallelism } from 'os';
import type { ColumnRequest } from '../dialect/columns';
import { CancelledError, InputError, WorkerError, type InputLocation } from '../errors';
import { BadRows, type SkippedRowsSummary } from '../join/badRows';
import type { TableSource } from '../options';
import { openTable } from '../source/openTable';
import { isRangeScannable } from '../source/openText';
import { WageRowReader, type WageRows } from './buildWageIndex';
import { oneShotThread, type OneShotThread } from './oneShotThread';
import { forEachRecord, forEachRecordInSpan, recordStartAfter, type TableRead } from './forEachRecord';

/** What reading the wages table needs: plain data, so it can cross to a thread. */
export interface WageJob {
  files: string[];
  source: TableSource;
  requests: ColumnRequest[];
  /** Code texts by id (the codes table's). */
  codes: string[];
  columns: string[];
  topCodeValue: number | undefined;
  skipBadRows: boolean;
}

export interface WagesRead {
  /** One part per thread that read some of the table, in table order. */
  rows: WageRows[];
  read: TableRead;
}

/** Below this many bytes of wage files a thread costs more than it saves. */
export const WAGE_THREAD_MIN_BYTES = 8 * 1024 * 1024;
/** Bytes of one file per extra reading thread, at least: a thread costs ~10 MB and ~30 ms to start. */
export const WAGE_SPAN_MIN_BYTES = 32 * 1024 * 1024;

/** How the wages table is shared among threads (tests make small tables take the threaded paths). */
export interface WageThreading {
  /** Read on threads when the files have at least this many bytes (0: always). */
  minBytes: number;
  /** One plain file of at least 2 × spanBytes is cut into byte spans, one thread each. */
  spanBytes: number;
  /**
   * At most this many threads. The default leaves one core to the calling thread, which reads the
   * related table meanwhile: on 2 cores, two span threads and the related table read no sooner
   * than one thread (the CPU time is the bound) and peaked ~50 MB higher.
   */
  maxThreads: number;
  /**
   * What reading a byte of the related table costs, in bytes of the wage file: sizes the last span
   * of a cut file, which the calling thread reads itself once the related table is read, so that
   * it ends with the threads' spans (see callerShare). 0 gives it an equal share (tests).
   */
  relatedByteCost: number;
}

/**
 * Measured on the bench set, the two read at once on 2 cores: the related table at ~97 MB/s, the
 * wages at ~128 MB/s.
 */
export const RELATED_BYTE_COST = 1.3;

export const DEFAULT_WAGE_THREADING: WageThreading = {
  minBytes: WAGE_THREAD_MIN_BYTES,
  spanBytes: WAGE_SPAN_MIN_BYTES,
  maxThreads: Math.max(1, availableParallelism() - 1),
  relatedByteCost: RELATED_BYTE_COST,
};

/** Reads the wage rows on the calling thread; bad rows go to `badRows`. */
export async function readWageRows(job: WageJob, signal?: AbortSignal, badRows?: BadRows): Promise<WagesRead> {
  const reader = new WageRowReader(job.codes, job.columns, job.topCodeValue);
  const columns = wageColumns();
  const read = await forEachRecord('wages table', job.files, job.source, job.requests, (cur, cols) => reader.addRow(cur, columns(cols)), signal, badRows);
  return { rows: [reader.read()], read };
}

/**
 * A table's columns as WageRowReader.addRow takes them: code, area (name or else state code),
 * then the wage columns. Made once per table (its columns array), not once per row.
 */
function wageColumns(): (cols: number[]) => number[] {
  let of: number[] | undefined;
  let mapped: number[] = [];
  return (cols) => {
    if (cols !== of) {
      of = cols;
      mapped = [cols[0], cols[1] >= 0 ? cols[1] : cols[2], ...cols.slice(3)];
    }
    return mapped;
  };
}

/**
 * A byte span of one plain wage file for one thread: the records that start in [start, end).
 * A start inside the file is a guess (the first line start after it), checked against where the
 * span before ended.
 */
export interface WageSpan {
  start: number;
  end: number;
}

/** What a thread read of its span (lines counted from 1 at the span's first record). */
export interface SpanOutcome {
  firstStart: number;
  next: number;
  /** Lines from firstStart to next. */
  lines: number;
  /** The table's first data line (where a span at the table's start begins). */
  dataLine: number;
}

export type WageWorkerReply =
  | { ok: true; rows: WageRows; read: TableRead; span?: SpanOutcome; badRows: SkippedRowsSummary }
  | { ok: false; error: SerializedError; span?: { firstStart: number; dataLine: number } };

/**
 * Starts reading the wage rows on threads of their own when the files are big enough to pay for
 * it, so they are read while the calling thread reads the related table; else returns a function
 * that reads them here when called. One big plain file is cut into byte spans, one thread each,
 * and a last span that the calling thread reads when it asks for the result (after the related
 * table, `relatedBytes` long: see callerShare). Either way the result arrives through the returned
 * function exactly as reading in order here would give it: the same rows, errors (InputError with
 * its file, line and column, CancelledError) and bad rows, added to `badRows` after those already
 * there. `stop` ends the threads.
 */
export async function startWageRows(job: WageJob, threading: WageThreading, signal?: AbortSignal, badRows?: BadRows, relatedBytes = 0): Promise<{ result: () => Promise<WagesRead>; stop: () => void }> {
  const sizes = await Promise.all(job.files.map((f) => fs.stat(f).then((st) => st.size, () => 0)));
  const total = sizes.reduce((n, b) => n + b, 0);
  if (total < threading.minBytes) return { result: () => readWageRows(job, signal, badRows), stop: () => undefined };

  const plan = await planSpans(job, sizes, threading, relatedBytes);
  const spans = plan?.spans;
  // The calling thread's span, when it has one, is the last.
  const ownSpan = plan && plan.callerSpans > 0 ? plan.spans[plan.spans.length - 1] : undefined;
  const threads = plan ? plan.spans.slice(0, plan.spans.length - plan.callerSpans).map((span) => startThread(job, signal, span)) : [startThread(job, signal)];
  const stop = () => threads.forEach((thread) => thread.stop());
  const result = async (): Promise<WagesRead> => {
    let replies: WageWorkerReply[];
    try {
      const own = ownSpan ? [readOnThread({ job, span: ownSpan }, signal)] : [];
      replies = await Promise.all([...threads.map((thread) => thread.reply), ...own]);
    } catch (error) {
      stop();
      throw error;
    }
    if (!spans) return accept(replies[0], 0, badRows);
    const joined = joinSpans(replies, spans);
    if (joined === undefined) {
      // A quoted field spanned a cut: the spans do not meet. Read it all here, in order.
      return readWageRows(job, signal, badRows);
    }
    const rows: WageRows[] = [];
    let records = 0;
    for (let i = 0; i < joined.length; i++) {
      const reply = accept(replies[i], joined[i], badRows);
      rows.push(...reply.rows);
      records += reply.read.records;
    }
    return { rows, read: { files: 1, records } };
  };
  return { result, stop };
}

/**
 * The bytes of a W-byte wage file that the calling thread reads itself, after the related table
 * (R bytes), when `threads` threads read the rest: each thread's share (W − T) / threads equals
 * the caller's cost R · cost + T, so T = (W − cost · threads · R) / (threads + 1). On 2 cores
 * (one thread) the bench set's 199 MB wage file and 79 MB related table give the caller 48 MB:
 * its core no longer waits ~0.5 s for the thread's (the build: 1.74 → 1.64 s).
 */
export function callerShare(wageBytes: number, relatedBytes: number, threads: number, cost: number): number {
  return Math.max(0, Math.floor((wageBytes - cost * threads * relatedBytes) / (threads + 1)));
}

/**
 * Byte spans of the one wage file, or undefined when it is not cut: several files, a file that
 * must be decoded or is too small, or one whose head cannot be read (its error is then reported
 * by the single thread, in order). The last `callerSpans` (0 or 1) spans are the calling thread's.
 */
async function planSpans(job: WageJob, sizes: number[], threading: WageThreading, relatedBytes: number): Promise<{ spans: WageSpan[]; callerSpans: number } | undefined> {
  if (job.files.length !== 1) return undefined;
  const spanBytes = Math.max(1, threading.spanBytes);
  const threads = Math.max(1, Math.min(threading.maxThreads, Math.floor(sizes[0] / spanBytes)));
  const own = callerShare(sizes[0], relatedBytes, threads, threading.relatedByteCost);
  const callerSpans = own >= spanBytes ? 1 : 0;
  if (threads + callerSpans < 2 || sizes[0] < 2 * spanBytes) return undefined;
  try {
    const table = await openTable(job.files[0], job.source, job.requests);
    if (!isRangeScannable(table.info)) return undefined;
    const from = table.dataOffset;
    const cut = Math.max(from, table.info.size - callerSpans * own);
    const step = Math.ceil((cut - from) / threads);
    const spans = Array.from({ length: threads }, (_, i) => ({ start: Math.min(cut, from + i * step), end: Math.min(cut, from + (i + 1) * step) }));
    if (callerSpans > 0) spans.push({ start: cut, end: table.info.size });
    return { spans, callerSpans };
  } catch {
    return undefined;
  }
}

/**
 * The line number each span starts at, when every span starts where the one before ended; else
 * undefined. A span that failed has no end: the spans after it do not matter (its error is the
 * first), but the spans before it must meet for its line to be known.
 */
function joinSpans(replies: WageWorkerReply[], spans: WageSpan[]): number[] | undefined {
  const firstLines: number[] = [];
  let expectedStart = -1;
  let line = 0;
  for (let i = 0; i < replies.length; i++) {
    const reply = replies[i];
    if (!reply.span) return undefined; // a failure before the span was placed: read in order
    if (i === 0) line = reply.span.dataLine;
    else if (reply.span.firstStart !== expectedStart) return undefined;
    firstLines.push(line);
    if (!reply.ok) return firstLines;
    expectedStart = reply.span.next;
    line += reply.span.lines;
  }
  return firstLines.length === spans.length ? firstLines : undefined;
}

/** A thread's reply as read here: lines moved to the span's first line (0: they are already). */
function accept(reply: WageWorkerReply, firstLine: number, badRows?: BadRows): WagesRead {
  const shift = firstLine > 0 ? firstLine - 1 : 0;
  if (!reply.ok) throw reviveError(reply.error, shift);
  if (badRows) {
    for (const e of reply.badRows.examples) badRows.add(e.file, e.line + shift, e.problem);
    badRows.addCount(reply.badRows.count - reply.badRows.examples.length);
  }
  return { rows: [reply.rows], read: reply.read };
}

function startThread(job: WageJob, signal: AbortSignal | undefined, span?: WageSpan): OneShotThread<WageWorkerReply> {
  return oneShotThread<WageWorkerReply>('build/wageWorker.js', { job, span } satisfies WageWorkerData, 'reading the wages table', signal);
}

export interface WageWorkerData {
  job: WageJob;
  span?: WageSpan;
}

/**
 * Thread side (wageWorker.ts): reads the whole table, or one span of its one file; the calling
 * thread reads its own span with it too (with `signal`; a thread is stopped instead).
 */
export async function readOnThread({ job, span }: WageWorkerData, signal?: AbortSignal): Promise<WageWorkerReply> {
  const badRows = new BadRows(job.skipBadRows);
  let placed: { firstStart: number; dataLine: number } | undefined;
  try {
    if (!span) {
      const { rows, read } = await readWageRows(job, undefined, badRows);
      return { ok: true, rows: rows[0], read, badRows: badRows.summary() };
    }
    const table = await openTable(job.files[0], job.source, job.requests);
    const firstStart = span.start <= table.dataOffset ? table.dataOffset : await recordStartAfter(table.info.path, span.start, table.info.size);
    placed = { firstStart, dataLine: table.dataLine };
    const reader = new WageRowReader(job.codes, job.columns, job.topCodeValue);
    const stopAt = Math.max(firstStart, span.end);
    const columns = wageColumns();
    const read = await forEachRecordInSpan('wages table', table, { from: firstStart, stopAt, firstLine: 1 }, (cur, cols) => reader.addRow(cur, columns(cols)), signal, badRows);
    return {
      ok: true,
      rows: reader.read(),
      read: { files: 1, records: read.records },
      span: { ...placed, next: read.next, lines: read.line - 1 },
      badRows: badRows.summary(),
    };
  } catch (error) {
    return { ok: false, error: serializeError(error), span: placed };
  }
}

export interface SerializedError {
  name: string;
  /** An InputError's message without its place (InputError.detail); else the message. */
  message: string;
  location?: InputLocation;
  expected?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputError) return { name: error.name, message: error.detail, location: error.location, expected: error.expected };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error as the calling thread would have thrown it: an InputError keeps its place, its line moved by `shift`. */
function reviveError(error: SerializedError, shift: number): Error {
  if (error.name === 'InputError') {
    const location = error.location && error.location.line !== undefined ? { ...error.location, line: error.location.line + shift } : error.location;
    return new InputError(error.message, location, error.expected);
  }
  if (error.name === 'CancelledError') return new CancelledError(error.message);
  return new WorkerError(`reading the wages table: ${error.message}`);
}
