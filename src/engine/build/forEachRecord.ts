import { CancelledError, InputError } from '../errors';
import type { BadRows } from '../join/badRows';
import type { ColumnRequest } from '../dialect/columns';
import { FieldCursor, scanRecords } from '../scan/scanRecords';
import { firstInvalidUtf8, invalidUtf8Error, locateByte, wholeCharactersEnd } from '../scan/utf8';
import { openTable, type OpenedTable } from '../source/openTable';
import { openUtf8Stream } from '../source/openText';
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
    read.records += await scanTable(role, table, (cursor) => onRecord(cursor, table.columns, table), signal, badRows);
  }
  return read;
}

async function scanTable(role: string, table: OpenedTable, onRecord: (cursor: FieldCursor) => void, signal?: AbortSignal, badRows?: BadRows): Promise<number> {
  const cursor = new FieldCursor();
  const needed = Math.max(...table.columns) + 1;
  const file = table.info.path;
  const column = (field: number): string | undefined => (field >= 0 ? table.header[field] : undefined);
  let line = table.dataLine;
  let records = 0;

  const scan = (buf: Buffer, final: boolean): number => {
    const firstLine = line;
    // Text read as UTF-8 must be valid UTF-8 (an incomplete character at the end of a chunk is
    // not an error yet: the record holding it is not delivered until more bytes come).
    const bad = firstInvalidUtf8(buf, 0, final ? buf.length : wholeCharactersEnd(buf, 0, buf.length));
    const invalid = (): InputError => {
      const at = locateByte(buf, 0, buf.length, table.dialect, firstLine, bad);
      return invalidUtf8Error(role, buf[bad], { file, line: at.line, column: column(at.field) });
    };
    const outcome = scanRecords(buf, { dialect: table.dialect, from: 0, to: buf.length, final, firstLine }, cursor, (cur) => {
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
    return outcome.next;
  };

  // Bytes not scanned yet: the start of a record that did not fit (carried) and the chunks read
  // since. A record longer than a chunk is rescanned from its start only when the bytes held for
  // it have doubled, so a very long line costs O(length), not O(length² / chunk).
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let carried = 0;
  for await (const chunk of openUtf8Stream(table.info, table.dataOffset) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new CancelledError();
    if (chunk.length === 0) continue;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < 2 * carried) continue;
    const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    const next = scan(buf, false);
    carried = buf.length - next;
    // Copy a short tail so the chunk it came from can go; keep a buffer that is all tail.
    pending = carried === 0 ? [] : [next === 0 ? buf : Buffer.from(buf.subarray(next))];
    pendingBytes = carried;
  }
  if (pendingBytes > 0) scan(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes), true);
  return records;
}
