import { CancelledError, InputError } from '../errors';
import type { BadRows } from '../join/badRows';
import type { ColumnRequest } from '../dialect/columns';
import { promises as fs } from 'fs';
import { FieldCursor, nextLineStart, scanRecords } from '../scan/scanRecords';
import { firstInvalidUtf8, invalidUtf8Error, locateByte, wholeCharactersEnd } from '../scan/utf8';
import { openTable, type OpenedTable } from '../source/openTable';
import { utf8Chunks } from '../source/openText';
import type { TableSource } from '../options';

export interface TableRead {
  files: number;
  records: number;
}

/**
 * Streams every record of a table (all its files) through onRecord on the calling thread.
 * For the build side: tables that are small next to the query table. The cursor's fields are
 * valid only during the call.
 */
export async function forEachRecord(
  role: string,
  files: string[],
  source: TableSource,
  requests: ColumnRequest[],
  onRecord: (cursor: FieldCursor, columns: number[], table: OpenedTable) => void,
  signal?: AbortSignal,
  badRows?: BadRows,
): Promise<TableRead> {
  const read: TableRead = { files: 0, records: 0 };
  for (const file of files) {
    const table = await openTable(file, source, requests);
    read.files++;
    read.records += (await scanTable(role, table, { from: table.dataOffset, stopAt: Infinity, firstLine: table.dataLine }, (cursor) => onRecord(cursor, table.columns, table), signal, badRows)).records;
  }
  return read;
}

/** Which records of a table scanTable reads: those starting at `from` (a record start) up to `stopAt`. */
export interface TableSpan {
  from: number;
  /** File offset: no record that starts at or after it is read (the one before it is read whole). */
  stopAt: number;
  /** The line number `from` is given in errors and bad rows (1 when the caller adds the true start later). */
  firstLine: number;
}

export interface SpanRead {
  records: number;
  /** Offset of the first record not read: the next span's start, or the end of the file. */
  next: number;
  /** Line number at `next`, counted from span.firstLine. */
  line: number;
}

/**
 * The records of one span of a range-scannable table (see TableSpan), through onRecord on the
 * calling thread: how threads share one big file. A span that does not start the table must
 * start at a record start (see recordStartAfter).
 */
export async function forEachRecordInSpan(
  role: string,
  table: OpenedTable,
  span: TableSpan,
  onRecord: (cursor: FieldCursor, columns: number[], table: OpenedTable) => void,
  signal?: AbortSignal,
  badRows?: BadRows,
): Promise<SpanRead> {
  return scanTable(role, table, span, (cursor) => onRecord(cursor, table.columns, table), signal, badRows);
}

async function scanTable(role: string, table: OpenedTable, span: TableSpan, onRecord: (cursor: FieldCursor) => void, signal?: AbortSignal, badRows?: BadRows): Promise<SpanRead> {
  const cursor = new FieldCursor();
  const needed = Math.max(...table.columns) + 1;
  const file = table.info.path;
  const column = (field: number): string | undefined => (field >= 0 ? table.header[field] : undefined);
  let line = span.firstLine;
  let records = 0;
  // File offset of the first pending byte (meaningful for range-scannable files, the only ones
  // given a span that stops before the end).
  let offset = span.from;
  let stopped = false;

  const scan = (buf: Buffer, final: boolean): number => {
    const firstLine = line;
    const stopAt = Math.max(0, Math.min(buf.length, span.stopAt - offset));
    // Text read as UTF-8 must be valid UTF-8 (an incomplete character at the end of a chunk is
    // not an error yet: the record holding it is not delivered until more bytes come).
    const bad = firstInvalidUtf8(buf, 0, final ? buf.length : wholeCharactersEnd(buf, 0, buf.length));
    const invalid = (): InputError => {
      const at = locateByte(buf, 0, buf.length, table.dialect, firstLine, bad);
      return invalidUtf8Error(role, buf[bad], { file, line: at.line, column: column(at.field) });
    };
    const outcome = scanRecords(buf, { dialect: table.dialect, from: 0, to: buf.length, final, firstLine, stopAt }, cursor, (cur) => {
      if (bad >= 0 && bad < cur.ends[cur.count - 1]) throw invalid();
      if (cur.count < needed) {
        if (badRows?.skip) {
          badRows.add(file, cur.line, `${role} row has ${cur.count} field${cur.count === 1 ? '' : 's'}, expected at least ${needed}`);
          return;
        }
        throw new InputError(`${role} row has ${cur.count} field${cur.count === 1 ? '' : 's'}`, { file, line: cur.line, column: column(Math.min(cur.count, needed - 1)) }, `at least ${needed} fields`);
      }
      onRecord(cur);
    });
    if (outcome.error) {
      const what = outcome.error.kind === 'unterminated_quote' ? 'a quoted field is never closed' : 'text follows a closing quote';
      throw new InputError(`${role}: ${what}`, { file, line: outcome.error.line, column: column(outcome.error.field) }, 'RFC 4180 quoting');
    }
    records += outcome.records;
    line = outcome.line;
    // A record starting at or after stopAt is the next span's (or there is none: the end).
    if (outcome.next >= stopAt && stopAt < buf.length) stopped = true;
    return outcome.next;
  };

  // Bytes not scanned yet, in one buffer reused for the whole read: the start of a record that
  // did not fit (carried) and the chunks read since. A record longer than a chunk is rescanned
  // from its start only when the bytes held for it have doubled, so a very long line costs
  // O(length), not O(length² / chunk).
  let window = Buffer.allocUnsafeSlow(0);
  let held = 0;
  let carried = 0;
  for await (const chunk of utf8Chunks(table.info, span.from)) {
    if (signal?.aborted) throw new CancelledError();
    if (chunk.length === 0) continue;
    if (held + chunk.length > window.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * window.length, held + chunk.length, 2 * chunk.length));
      grown.set(window.subarray(0, held));
      window = grown;
    }
    window.set(chunk, held);
    held += chunk.length;
    if (held < 2 * carried) continue;
    const next = scan(window.subarray(0, held), false);
    offset += next;
    carried = held - next;
    if (stopped) return { records, next: offset, line };
    window.copyWithin(0, next, held);
    held = carried;
  }
  if (held > 0) offset += scan(window.subarray(0, held), true);
  return { records, next: offset, line };
}

/**
 * The first record start at or after `pos` in a range-scannable file (the offset after the first
 * line break at or after pos − 1), or the file's size when there is none. A guess: inside a
 * quoted field that spans lines it is wrong, which the caller detects where the span before ends.
 */
export async function recordStartAfter(path: string, pos: number, size: number): Promise<number> {
  const handle = await fs.open(path, 'r');
  try {
    for (let window = 64 * 1024; ; window *= 4) {
      const length = Math.min(window, size - (pos - 1));
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, pos - 1);
      const start = nextLineStart(buf, 1, bytesRead);
      if (start < bytesRead || pos - 1 + bytesRead >= size) return Math.min(size, pos - 1 + start);
    }
  } finally {
    await handle.close();
  }
}
