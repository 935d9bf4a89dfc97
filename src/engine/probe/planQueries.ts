import { CancelledError } from '../errors';
import { CR, LF } from '../scan/dialect';
import { lastRecordBoundary } from '../scan/scanRecords';
import { openUtf8Stream, isRangeScannable } from '../source/openText';
import type { OpenedTable } from '../source/openTable';
import type { ChunkTask, ProbeTask, RangeTask } from '../pool/tasks';
import type { ProbeRequest } from './probeQueries';

/**
 * Cuts one query file into tasks of about rangeBytes: byte ranges that workers read themselves
 * when the file is plain UTF-8, else whole-record chunks of the decoded stream. With a signal,
 * an abort stops the stream between two of its chunks (CancelledError).
 */
export function planQueries(table: OpenedTable, request: ProbeRequest, rangeBytes: number, signal?: AbortSignal): AsyncIterable<ProbeTask> {
  return isRangeScannable(table.info) ? splitRanges(table, request, rangeBytes) : chunkStream(table, request, rangeBytes, signal);
}

export async function* splitRanges(table: OpenedTable, request: ProbeRequest, rangeBytes: number): AsyncGenerator<RangeTask> {
  const { path, size } = table.info;
  for (let start = table.dataOffset; start < size; start += rangeBytes) {
    yield { kind: 'range', request, path, start, end: Math.min(start + rangeBytes, size), fileSize: size };
  }
}

/**
 * Cuts the decoded stream after the last line break outside quotes (quote parity), once at least
 * chunkBytes are pending. Each stream chunk is searched once, when it arrives, with the quote
 * state carried over from the chunks before it; bytes are joined only to cut a task, so a record
 * of any length costs time linear in its length.
 */
export async function* chunkStream(table: OpenedTable, request: ProbeRequest, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<ChunkTask> {
  const quote = request.dialect.quote;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of pending up to the last record boundary seen in them (0: none). */
  let cut = 0;
  /** Quote state after the last byte of pending. */
  let inQuote = false;
  /** The last byte seen was a '\r' outside quotes: a boundary unless a '\n' follows. */
  let crOutside = false;
  for await (const bytes of openUtf8Stream(table.info, table.dataOffset) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new CancelledError();
    if (bytes.length === 0) continue;
    if (crOutside && bytes[0] !== LF) cut = pendingBytes; // a lone '\r' ended the previous chunk
    const { boundary, inQuoteAtTo } = lastRecordBoundary(bytes, 0, bytes.length, quote, inQuote);
    if (boundary > 0) cut = pendingBytes + boundary;
    crOutside = !inQuoteAtTo && bytes[bytes.length - 1] === CR;
    inQuote = inQuoteAtTo;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < chunkBytes || cut === 0) continue;
    const rest = pendingBytes - cut;
    const { head, tail } = split(pending, cut);
    yield { kind: 'chunk', request, data: head };
    pending = tail;
    pendingBytes = rest;
    cut = 0;
  }
  if (pendingBytes > 0) yield { kind: 'chunk', request, data: split(pending, pendingBytes).head };
}

/**
 * The first `at` bytes of the buffers as one new Uint8Array with its own ArrayBuffer (so it can be
 * transferred to a worker), and the rest as views of the buffers they lie in.
 */
function split(buffers: Buffer[], at: number): { head: Uint8Array; tail: Buffer[] } {
  const head = new Uint8Array(at);
  let done = 0;
  let i = 0;
  for (; i < buffers.length && done < at; i++) {
    const b = buffers[i];
    const take = Math.min(b.length, at - done);
    head.set(take === b.length ? b : b.subarray(0, take), done);
    done += take;
    if (take < b.length) return { head, tail: [b.subarray(take), ...buffers.slice(i + 1)] };
  }
  return { head, tail: buffers.slice(i) };
}
