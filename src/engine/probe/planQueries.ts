import { lastRecordBoundary } from '../scan/scanRecords';
import { openUtf8Stream, isRangeScannable } from '../source/openText';
import type { OpenedTable } from '../source/openTable';
import type { ChunkTask, ProbeTask, RangeTask } from '../pool/tasks';
import type { ProbeRequest } from './probeQueries';

/**
 * Cuts one query file into tasks of about rangeBytes: byte ranges that workers read themselves
 * when the file is plain UTF-8, else whole-record chunks of the decoded stream.
 */
export function planQueries(table: OpenedTable, request: ProbeRequest, rangeBytes: number): AsyncIterable<ProbeTask> {
  return isRangeScannable(table.info) ? splitRanges(table, request, rangeBytes) : chunkStream(table, request, rangeBytes);
}

export async function* splitRanges(table: OpenedTable, request: ProbeRequest, rangeBytes: number): AsyncGenerator<RangeTask> {
  const { path, size } = table.info;
  for (let start = table.dataOffset; start < size; start += rangeBytes) {
    yield { kind: 'range', request, path, start, end: Math.min(start + rangeBytes, size), fileSize: size };
  }
}

/** Cuts the decoded stream after the last line break outside quotes (quote parity). */
export async function* chunkStream(table: OpenedTable, request: ProbeRequest, chunkBytes: number): AsyncGenerator<ChunkTask> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const bytes of openUtf8Stream(table.info, table.dataOffset) as AsyncIterable<Buffer>) {
    if (bytes.length === 0) continue;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes < chunkBytes) continue;
    const joined = Buffer.concat(pending, pendingBytes);
    const { boundary } = lastRecordBoundary(joined, 0, joined.length, request.dialect.quote, false);
    if (boundary <= 0) {
      pending = [joined];
      continue;
    }
    yield { kind: 'chunk', request, data: ownedCopy(joined.subarray(0, boundary)) };
    pending = boundary < joined.length ? [joined.subarray(boundary)] : [];
    pendingBytes = joined.length - boundary;
  }
  if (pendingBytes > 0) yield { kind: 'chunk', request, data: ownedCopy(Buffer.concat(pending, pendingBytes)) };
}

/** A copy with its own ArrayBuffer, so it can be transferred to a worker. */
function ownedCopy(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}
