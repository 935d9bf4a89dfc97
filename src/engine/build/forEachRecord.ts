import { CancelledError, InputError } from '../errors';
import type { ColumnRequest } from '../dialect/columns';
import { FieldCursor, scanRecords } from '../scan/scanRecords';
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
): Promise<TableRead> {
  const read: TableRead = { files: 0, records: 0 };
  for (const file of files) {
    const table = await openTable(file, source, requests);
    read.files++;
    read.records += await scanTable(role, table, (cursor) => onRecord(cursor, table.columns, table), signal);
  }
  return read;
}

async function scanTable(role: string, table: OpenedTable, onRecord: (cursor: FieldCursor) => void, signal?: AbortSignal): Promise<number> {
  const cursor = new FieldCursor();
  const needed = Math.max(...table.columns) + 1;
  const file = table.info.path;
  let carry: Buffer = Buffer.alloc(0);
  let line = table.dataLine;
  let records = 0;

  const scan = (buf: Buffer, final: boolean): number => {
    const outcome = scanRecords(buf, { dialect: table.dialect, from: 0, to: buf.length, final, firstLine: line }, cursor, (cur) => {
      if (cur.count < needed) {
        throw new InputError(`${role} row has ${cur.count} field${cur.count === 1 ? '' : 's'}`, { file, line: cur.line }, `at least ${needed} fields`);
      }
      onRecord(cur);
    });
    if (outcome.error) {
      const what = outcome.error.kind === 'unterminated_quote' ? 'a quoted field is never closed' : 'text follows a closing quote';
      throw new InputError(`${role}: ${what}`, { file, line: outcome.error.line }, 'RFC 4180 quoting');
    }
    records += outcome.records;
    line = outcome.line;
    return outcome.next;
  };

  for await (const chunk of openUtf8Stream(table.info, table.dataOffset) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new CancelledError();
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const next = scan(buf, false);
    carry = Buffer.from(buf.subarray(next));
  }
  if (carry.length > 0) scan(carry, true);
  return records;
}
