import { stat } from 'fs/promises';
import { fileChangedError, InputError } from '../errors';
import { Dialect, QUOTE } from '../scan/dialect';
import { ColumnRequest, mapColumns } from '../dialect/columns';
import { detectHeaderRow, HEADER_LINES, looksNumeric, sniffDelimiter, splitSampleRecords } from '../dialect/sniff';
import { inspectFile, isRangeScannable, TextSourceInfo } from './openText';
import { readHeadSample } from './readHead';

export interface OpenedTable {
  /** The file (tables may be several files: call openTable per file). */
  info: TextSourceInfo;
  dialect: Dialect;
  /** Column names as written (trimmed, BOM stripped); columnNames when headerRow is 0. */
  header: string[];
  /** 1-based physical line of the header (0 when none). */
  headerLine: number;
  /**
   * Where the first data record starts, in openUtf8Stream's `start` coordinates: for range-scannable
   * files the file byte offset (BOM counted); otherwise the offset in the UTF-8 stream (BOM removed).
   * openUtf8Stream(info, dataOffset) always starts at the first data record.
   */
  dataOffset: number;
  /** Physical line number at dataOffset. */
  dataLine: number;
  /** Indices from mapColumns, one per request (-1: optional and absent). */
  columns: number[];
}

export interface OpenTableOptions {
  /** One character (',', ';', '|', '\t') or a name: comma, tab, semicolon, pipe. Default: sniffed. */
  delimiter?: string;
  /** 'auto' (default) or an encoding name, see inspectFile. */
  encoding?: string;
  /** undefined: detect; N ≥ 1: the header is the record starting on physical line N; 0: no header. */
  headerRow?: number;
  /** The column names when headerRow is 0 (ignored otherwise). */
  columnNames?: string[];
  /** .xlsx only: the sheet, by name or 1-based position; default the first. */
  sheet?: string | number;
}

/** The head sample: header detection and the header itself must lie within it. */
const SAMPLE_BYTES = 1 << 20;

const DELIMITER_NAMES: Record<string, string> = { comma: ',', tab: '\t', semicolon: ';', pipe: '|', '\\t': '\t' };

/** Parses the delimiter option into a byte. */
export function parseDelimiter(delimiter: string, file: string): number {
  const d = DELIMITER_NAMES[delimiter.toLowerCase()] ?? delimiter;
  const code = d.length === 1 ? d.charCodeAt(0) : -1;
  if (code < 0x01 || code > 0x7e || code === QUOTE || code === 0x0a || code === 0x0d) {
    throw new InputError(`invalid delimiter ${JSON.stringify(delimiter)}`, { file }, 'one ASCII character such as "," ";" "|" or "\\t" (or comma, tab, semicolon, pipe)');
  }
  return code;
}

function cleanName(name: string): string {
  return name.replace(/^\uFEFF/, '').trim();
}

/**
 * Opens one delimited text file or .xlsx sheet (read as CSV text, so headerRow N is Excel row N):
 * resolves gzip/encoding/BOM, sniffs the delimiter (unless given),
 * finds the header (detected, given line, or none with columnNames), maps the requested columns and
 * tells where the data starts.
 *
 * InputError: file missing/unreadable; "file is empty"; "looks like an Excel/binary file, expected
 * delimited text" (old .xls signature, or NUL bytes in the text); an .xlsx sheet that does not
 * exist or a zip that is not a readable .xlsx; a bad delimiter/encoding/headerRow
 * option; headerRow 0 without columnNames; a missing or ambiguous column (see mapColumns). A header
 * with no data rows is fine.
 */
export async function openTable(path: string, opts: OpenTableOptions, requests: ColumnRequest[]): Promise<OpenedTable> {
  const info = await inspectFile(path, opts.encoding, opts.sheet);
  const { bytes, complete } = await readHeadSample(info, SAMPLE_BYTES);
  const base = isRangeScannable(info) ? info.bomLength : 0;

  if (bytes.includes(0)) {
    // A file cut while its head was read can show the zeroed tail of a page: not a binary file.
    if ((await stat(path)).size < info.size) throw fileChangedError(path);
    throw new InputError('looks like an Excel/binary file, expected delimited text', { file: path }, 'a CSV/TSV text file (NUL bytes found; for UTF-16 without a BOM set the encoding)');
  }

  // An .xlsx sheet arrives as comma-separated text whatever the delimiter option says.
  const dialect: Dialect = {
    delimiter: info.xlsx ? 0x2c : opts.delimiter !== undefined && opts.delimiter !== '' ? parseDelimiter(opts.delimiter, path) : sniffDelimiter(bytes),
    quote: QUOTE,
  };
  // Only the records up to the header's: a record starts on a later line than the one before, so
  // header line N is one of the first N records, a detected one of the first HEADER_LINES. (All of
  // a 1 MiB head, every field made a string, took ~30 ms per table, ~100 ms on a new thread.)
  const headerRow = opts.headerRow;
  const upTo = headerRow !== undefined && Number.isInteger(headerRow) && headerRow > 0 ? headerRow : HEADER_LINES;
  const records = splitSampleRecords(bytes, dialect, upTo, complete);
  if (records.length === 0) {
    if (bytes.length === 0 || complete || /^[\s\u00a0]*$/.test(Buffer.from(bytes).toString('utf8'))) {
      throw new InputError('file is empty', { file: path }, 'a header and data rows');
    }
    throw new InputError(`no complete record in the first ${SAMPLE_BYTES} bytes (an unclosed quote?)`, { file: path, line: 1 });
  }

  if (headerRow === 0) {
    const names = opts.columnNames;
    if (!names || names.length === 0) {
      throw new InputError('headerRow 0 (no header line) needs columnNames', { file: path }, 'the column names in file order');
    }
    const header = names.map(cleanName);
    const columns = mapColumns(header, requests, { file: path, line: 0 });
    return { info, dialect, header, headerLine: 0, dataOffset: base, dataLine: 1, columns };
  }

  let headerLine: number;
  if (headerRow === undefined) {
    const expected = requests.flatMap((r) => r.names).map((n) => n.trim().toLowerCase());
    headerLine = detectHeaderRow(bytes, dialect, expected);
  } else {
    if (!Number.isInteger(headerRow) || headerRow < 0) {
      throw new InputError(`invalid headerRow ${headerRow}`, { file: path }, 'a line number ≥ 1, or 0 for no header');
    }
    headerLine = headerRow;
  }
  const rec = records.find((r) => r.line === headerLine);
  if (!rec) {
    const last = records[records.length - 1];
    if (headerLine > last.nextLine) {
      const why = complete ? `the file has ${last.nextLine} lines` : `it is not within the first ${SAMPLE_BYTES} bytes`;
      throw new InputError(`header row ${headerLine} not found: ${why}`, { file: path, line: headerLine }, 'headerRow within the file');
    }
    throw new InputError(`header row ${headerLine} is blank or inside a quoted field`, { file: path, line: headerLine }, 'the line on which the header record starts');
  }
  const header = rec.fields.map(cleanName);
  // A detected "header" with numbers in it is likely the first data row of a file without one.
  const hint = headerRow === undefined && header.some(looksNumeric) ? 'if the file has no header line, set headerRow 0 and give columnNames' : undefined;
  const columns = mapColumns(header, requests, { file: path, line: headerLine, hint });
  return { info, dialect, header, headerLine, dataOffset: base + rec.end, dataLine: rec.nextLine, columns };
}
