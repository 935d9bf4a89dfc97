import { createReadStream, promises as fsp } from 'fs';
import { posix } from 'path';
import { pipeline, Readable } from 'stream';
import { createInflateRaw } from 'zlib';
import type * as ExcelJS from 'exceljs';
import { InputError } from '../errors';
import { checkEntry, entryDataOffset, readEntry, readZipDirectory, ZipEntry, ZipFormatError } from './zipDirectory';
import { formatNumber } from '../values/formatNumber';

/**
 * .xlsx workbooks as CSV text. The chosen sheet is streamed through exceljs's streaming
 * WorkbookReader and written as one CSV line per sheet row, so the rest of the engine reads it
 * like any other UTF-8 CSV file.
 *
 * exceljs reads a zip front to back; in files saved by Excel the worksheets come before
 * sharedStrings.xml and styles.xml, which makes its reader copy every worksheet to a temporary
 * file first. To avoid that, the reader is fed a rewritten archive built from the central
 * directory: a minimal workbook.xml (only the 1904 date flag, the one thing it needs from it),
 * styles.xml, sharedStrings.xml (an empty one when the workbook has none), then only the chosen
 * sheet. The parts are inflated here and handed on as stored entries of the size the directory
 * gives, so a corrupt or truncated part is an error of ours (exceljs would wait forever on an
 * entry whose inflate failed). Memory: the shared-strings table and the styles, plus one row at
 * a time; other sheets are never read.
 */

/** What inspectFile found out about a workbook and its chosen sheet. */
export interface XlsxSheetInfo {
  /** The chosen sheet's name. */
  name: string;
  /** Its 1-based position in the workbook's sheet order. */
  position: number;
  /** Every sheet's name, in order. */
  sheetNames: string[];
  /** The workbook counts dates from 1904 (old Mac Excel). */
  date1904: boolean;
  /** Column count from the sheet's <dimension> element; 0 when absent or wider than MAX_DIMENSION_WIDTH. */
  dimensionWidth: number;
  sheet: ZipEntry;
  sharedStrings?: ZipEntry;
  styles?: ZipEntry;
}

/** A dimension wider than this is not trusted for padding (whole formatted rows reach XFD = 16,384). */
const MAX_DIMENSION_WIDTH = 1024;
/** Small parts (workbook.xml, its rels) larger than this are refused. */
const MAX_SMALL_PART = 16 * 1024 * 1024;
/** Compressed bytes inflated to find the sheet's <dimension>, which precedes <sheetData>. */
const DIMENSION_PEEK = 64 * 1024;
/** CSV text is handed on in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

const REL_OFFICE_DOCUMENT = /\/officeDocument$/;
const REL_WORKSHEET = /\/worksheet$/;
const REL_SHARED_STRINGS = /\/sharedStrings$/;
const REL_STYLES = /\/styles$/;

function decodeXmlText(text: string): string {
  return text.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g, (_m, hex: string, dec: string, named: string) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (dec) return String.fromCodePoint(parseInt(dec, 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[named as 'amp']!;
  });
}

/** The attributes of every element with the given local name (any namespace prefix), keyed by local name. */
function elements(xml: string, localName: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const tag = new RegExp(`<(?:[\\w.-]+:)?${localName}(?=[\\s/>])([^>]*)>`, 'g');
  for (const m of xml.matchAll(tag)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const full = a[1];
      const local = full.includes(':') ? full.slice(full.indexOf(':') + 1) : full;
      const value = decodeXmlText(a[2] ?? a[3] ?? '');
      // A prefixed "id" is the relationship id (r:id); an unprefixed one would be something else.
      attrs[full.includes(':') && local === 'id' ? 'r:id' : local] = value;
    }
    out.push(attrs);
  }
  return out;
}

interface Relationship {
  id: string;
  type: string;
  /** Resolved part name, without a leading slash. */
  target: string;
}

function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), '_rels', `${posix.basename(part)}.rels`);
}

function resolveTarget(source: string, target: string): string {
  if (target.startsWith('/')) return posix.normalize(target).replace(/^\/+/, '');
  return posix.normalize(posix.join(posix.dirname(source), target)).replace(/^\/+/, '');
}

/** Column letters ("AD") → 1-based number. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function notReadable(path: string, why: string): InputError {
  return new InputError(`looks like a zip archive but is not a readable .xlsx workbook: ${why}`, { file: path }, 'an .xlsx workbook, or a CSV/TSV text file');
}

/**
 * Chooses a sheet: undefined or '' → the first; a number → that 1-based position; a string →
 * the sheet of that name (exact, then ignoring case and surrounding spaces), else, when it is
 * all digits, that position. InputError listing the sheets when there is none such.
 */
export function chooseSheet(names: string[], wanted: string | number | undefined, path: string): number {
  const list = names.map((n) => JSON.stringify(n)).join(', ');
  const expected = `a sheet name or a position from 1 to ${names.length}; the workbook's sheets are ${list}`;
  if (wanted === undefined || (typeof wanted === 'string' && wanted.trim() === '')) return 0;
  if (typeof wanted === 'string') {
    const exact = names.indexOf(wanted);
    if (exact >= 0) return exact;
    const key = wanted.trim().toLowerCase();
    const loose = names.findIndex((n) => n.trim().toLowerCase() === key);
    if (loose >= 0) return loose;
    if (!/^\d+$/.test(wanted.trim())) throw new InputError(`sheet ${JSON.stringify(wanted)} not found`, { file: path }, expected);
    wanted = Number(wanted.trim());
  }
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > names.length) {
    throw new InputError(`sheet ${wanted} not found: the workbook has ${names.length} sheet${names.length === 1 ? '' : 's'}`, { file: path }, expected);
  }
  return wanted - 1;
}

/** Reads the workbook's structure (sheet names, parts) and resolves the wanted sheet. */
export async function inspectXlsx(path: string, wantedSheet?: string | number): Promise<XlsxSheetInfo> {
  try {
    const entries = await readZipDirectory(path);
    const part = (name: string): ZipEntry | undefined => entries.get(name.toLowerCase());
    const text = async (entry: ZipEntry): Promise<string> => {
      if (entry.uncompressedSize > MAX_SMALL_PART) throw new ZipFormatError(`${entry.name} is too large (${entry.uncompressedSize} bytes)`);
      return (await readEntry(path, entry)).toString('utf8');
    };
    const relationships = async (source: string): Promise<Relationship[]> => {
      const entry = part(relsPathOf(source));
      if (!entry) return [];
      return elements(await text(entry), 'Relationship')
        .filter((r) => r.TargetMode !== 'External' && r.Target !== undefined)
        .map((r) => ({ id: r.Id ?? '', type: r.Type ?? '', target: resolveTarget(source, r.Target) }));
    };

    const root = (await relationships('')).find((r) => REL_OFFICE_DOCUMENT.test(r.type));
    const workbookPart = root?.target ?? 'xl/workbook.xml';
    if (/\.bin$/i.test(workbookPart) || part('xl/workbook.bin')) {
      throw new InputError('an .xlsb (binary) workbook cannot be read', { file: path }, 'an .xlsx workbook or a CSV file; save it as .xlsx');
    }
    const workbookEntry = part(workbookPart);
    if (!workbookEntry) {
      if (part('content.xml') && part('mimetype')) {
        throw new InputError('an OpenDocument spreadsheet (.ods) cannot be read', { file: path }, 'an .xlsx workbook or a CSV file; save it as .xlsx');
      }
      throw notReadable(path, `it has no ${workbookPart}`);
    }
    const workbookXml = await text(workbookEntry);
    const rels = await relationships(workbookPart);
    const byId = new Map(rels.map((r) => [r.id, r]));
    const sheets = elements(workbookXml, 'sheet').map((s) => ({ name: s.name ?? '', rel: byId.get(s['r:id'] ?? '') }));
    if (sheets.length === 0) throw notReadable(path, 'the workbook lists no sheets');
    const index = chooseSheet(
      sheets.map((s) => s.name),
      wantedSheet,
      path,
    );
    const chosen = sheets[index];
    if (!chosen.rel) throw notReadable(path, `sheet ${JSON.stringify(chosen.name)} has no part`);
    if (!REL_WORKSHEET.test(chosen.rel.type)) {
      throw new InputError(`sheet ${JSON.stringify(chosen.name)} is not a worksheet (a chart or dialog sheet?)`, { file: path }, 'a worksheet with a table');
    }
    const sheet = part(chosen.rel.target);
    if (!sheet) throw notReadable(path, `sheet ${JSON.stringify(chosen.name)}: part ${chosen.rel.target} is missing`);
    const relPart = (re: RegExp, fallback: string): ZipEntry | undefined => {
      const rel = rels.find((r) => re.test(r.type));
      return part(rel ? rel.target : fallback);
    };
    const sharedStrings = relPart(REL_SHARED_STRINGS, 'xl/sharedStrings.xml');
    const styles = relPart(REL_STYLES, 'xl/styles.xml');
    for (const e of [sheet, sharedStrings, styles]) if (e) checkEntry(e);

    const pr = elements(workbookXml, 'workbookPr')[0];
    const date1904 = pr !== undefined && (pr.date1904 === '1' || pr.date1904 === 'true');

    const peek = (await readEntry(path, sheet, DIMENSION_PEEK)).toString('utf8');
    const dataAt = peek.search(/<(?:[\w.-]+:)?sheetData[\s>/]/);
    const head = dataAt < 0 ? peek : peek.slice(0, dataAt);
    const ref = elements(head, 'dimension')[0]?.ref;
    const last = ref ? /([A-Za-z]{1,3})\d*$/.exec(ref.split(':').pop()!) : null;
    const width = last ? columnNumber(last[1]) : 0;

    return {
      name: chosen.name,
      position: index + 1,
      sheetNames: sheets.map((s) => s.name),
      date1904,
      dimensionWidth: width <= MAX_DIMENSION_WIDTH ? width : 0,
      sheet,
      sharedStrings,
      styles,
    };
  } catch (err) {
    if (err instanceof ZipFormatError) throw notReadable(path, err.message);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// The rewritten archive fed to exceljs

const LOCAL_SIG = 0x04034b50;
const EOCD_SIG = 0x06054b50;
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

function localHeader(name: string, method: number, crc32: number, compressedSize: number, uncompressedSize: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const zip64 = compressedSize >= 0xffffffff || uncompressedSize >= 0xffffffff;
  const extra = Buffer.alloc(zip64 ? 20 : 0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(uncompressedSize), 4);
    extra.writeBigUInt64LE(BigInt(compressedSize), 12);
  }
  const h = Buffer.alloc(30);
  h.writeUInt32LE(LOCAL_SIG, 0);
  h.writeUInt16LE(zip64 ? 45 : 20, 4);
  h.writeUInt16LE(0x0800, 6); // UTF-8 name; sizes known up front (no data descriptor)
  h.writeUInt16LE(method, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0x21, 12); // 1980-01-01
  h.writeUInt32LE(crc32 >>> 0, 14);
  h.writeUInt32LE(zip64 ? 0xffffffff : compressedSize, 18);
  h.writeUInt32LE(zip64 ? 0xffffffff : uncompressedSize, 22);
  h.writeUInt16LE(nameBytes.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, nameBytes, extra]);
}

// The stream reader checks no CRC, so stored parts carry 0.
function storedEntry(name: string, content: string): Buffer {
  const bytes = Buffer.from(content, 'utf8');
  return Buffer.concat([localHeader(name, 0, 0, bytes.length, bytes.length), bytes]);
}

/** A part of the workbook as a stored entry: inflated here, its length checked against the directory. */
async function* copiedEntry(path: string, entry: ZipEntry, name: string): AsyncGenerator<Buffer> {
  const fh = await fsp.open(path, 'r');
  let start: number;
  try {
    start = await entryDataOffset(fh, entry);
  } finally {
    await fh.close();
  }
  yield localHeader(name, 0, 0, entry.uncompressedSize, entry.uncompressedSize);
  if (entry.compressedSize === 0 && entry.uncompressedSize === 0) return;
  const raw = createReadStream(path, { start, end: start + Math.max(entry.compressedSize, 1) - 1 });
  const content: Readable = entry.method === 8 ? pipeline(raw, createInflateRaw(), () => undefined) : raw;
  let total = 0;
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > entry.uncompressedSize) throw new ZipFormatError(`${entry.name} is longer than the zip directory says`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ZipFormatError) throw err;
    throw new ZipFormatError(`${entry.name}: ${(err as Error).message}`);
  }
  if (total !== entry.uncompressedSize) throw new ZipFormatError(`${entry.name} is truncated (${total} of ${entry.uncompressedSize} bytes)`);
}

async function* rewrittenArchive(path: string, info: XlsxSheetInfo): AsyncGenerator<Buffer> {
  yield storedEntry('xl/workbook.xml', `<workbook xmlns="${MAIN_NS}"><workbookPr${info.date1904 ? ' date1904="1"' : ''}/><sheets/></workbook>`);
  yield storedEntry('xl/_rels/workbook.xml.rels', '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>');
  if (info.styles) yield* copiedEntry(path, info.styles, 'xl/styles.xml');
  if (info.sharedStrings) yield* copiedEntry(path, info.sharedStrings, 'xl/sharedStrings.xml');
  else yield storedEntry('xl/sharedStrings.xml', `<sst xmlns="${MAIN_NS}"/>`);
  yield* copiedEntry(path, info.sheet, 'xl/worksheets/sheet1.xml');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(EOCD_SIG, 0);
  yield eocd;
}

// ---------------------------------------------------------------------------------------------
// Cell values as CSV text


function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** ISO-8601 without a zone (Excel has none): the date alone when the time is midnight. */
export function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const y = d.getUTCFullYear();
  const date = `${y < 0 ? '-' : ''}${String(Math.abs(y)).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const sec = d.getUTCSeconds();
  const ms = d.getUTCMilliseconds();
  if (h === 0 && m === 0 && sec === 0 && ms === 0) return date;
  return `${date}T${pad2(h)}:${pad2(m)}:${pad2(sec)}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}

/** Whether a number format shows dates or times (d, m, y, h, s outside quotes, brackets and escapes). */
export function isDateFormat(format: string | undefined): boolean {
  if (!format || format === 'General') return false;
  const bare = format.replace(/"[^"]*"|\[[^\]]*\]|\\.|_.|\*./g, '');
  return /[dmyhs]/i.test(bare);
}

/** Excel serial date → Date (UTC fields carry the wall-clock time). */
function excelDate(serial: number, date1904: boolean): Date {
  const days = date1904 ? serial + 1462 : serial;
  return new Date(Math.round((days - 25569) * 86400000));
}

/** Excel escapes control characters in text as _xHHHH_ (and a literal "_x" as _x005F_x). */
function unescapeText(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

function richTextOf(v: { richText: { text?: string | null }[] }): string {
  return v.richText.map((r) => r.text ?? '').join('');
}

/** The text of one cell value as exceljs's streaming reader gives it. */
function cellText(value: ExcelJS.CellValue, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'number':
      return formatNumber(value);
    case 'string':
      return unescapeText(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    default:
      break;
  }
  if (value instanceof Date) return isoDate(value);
  const v = value as unknown as Record<string, unknown>;
  if (Array.isArray(v.richText)) return unescapeText(richTextOf(v as { richText: { text?: string }[] }));
  if ('error' in v) return String(v.error ?? '');
  if ('formula' in v || 'sharedFormula' in v) {
    // The cached result. exceljs's streaming reader parses every non-string result as a number:
    // a boolean result arrives as 1/0 and an error result as NaN (written empty).
    const result = v.result;
    if (typeof result === 'number') return isDateFormat(numFmt) ? isoDate(excelDate(result, date1904)) : formatNumber(result);
    if (result === undefined || result === null) return '';
    return cellText(result as ExcelJS.CellValue, undefined, date1904);
  }
  if (typeof v.text === 'string') return unescapeText(v.text);
  if (v.text && typeof v.text === 'object') return cellText(v.text as ExcelJS.CellValue, numFmt, date1904);
  return '';
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The chosen sheet as UTF-8 CSV: one line per sheet row ("\n" line ends), rows missing from the
 * sheet written as empty rows so that line N is Excel row N (trailing empty rows are dropped),
 * every row padded with empty fields to the sheet's width (its <dimension>, or the widest row so
 * far). Text fields are quoted when they hold a comma, quote or line break.
 */
export function openXlsxCsvStream(path: string, info: XlsxSheetInfo): Readable {
  return Readable.from(xlsxCsvChunks(path, info), { objectMode: false });
}

async function* xlsxCsvChunks(path: string, info: XlsxSheetInfo): AsyncGenerator<Buffer> {
  // Loaded on first use: exceljs costs ~0.3 s and ~25 MB, which CSV-only runs and workers never pay.
  const excel = require('exceljs') as typeof ExcelJS;
  const archive = Readable.from(rewrittenArchive(path, info), { objectMode: false });
  // A failure while producing the archive leaves exceljs waiting for bytes that never come, so
  // each wait on it also ends on that failure. (Not Promise.race with one long-pending promise:
  // every race would leave a reaction on it holding its row.)
  let failure: unknown;
  const waiting = new Set<(err: unknown) => void>();
  archive.on('error', (err) => {
    failure = err;
    for (const reject of waiting) reject(err);
    waiting.clear();
  });
  const next = <T>(it: AsyncIterator<T>): Promise<IteratorResult<T>> =>
    new Promise((resolve, reject) => {
      if (failure !== undefined) return reject(failure);
      waiting.add(reject);
      it.next().then(
        (result) => {
          waiting.delete(reject);
          resolve(result);
        },
        (err: unknown) => {
          waiting.delete(reject);
          reject(err);
        },
      );
    });
  const reader = new excel.stream.xlsx.WorkbookReader(archive, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let width = info.dimensionWidth;
  let nextRow = 1;
  let blankRows = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  const fields: string[] = [];
  const worksheets = reader[Symbol.asyncIterator]();
  let rows: AsyncIterator<ExcelJS.Row> | undefined;
  try {
    for (let ws = await next(worksheets); !ws.done; ws = await next(worksheets)) {
      rows = ws.value[Symbol.asyncIterator]();
      for (let r = await next(rows); !r.done; r = await next(rows)) {
        const row = r.value;
        fields.length = 0;
        let last = 0;
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          const text = cellText(cell.value, cell.numFmt, info.date1904);
          if (text === '') return;
          while (fields.length < col - 1) fields.push('');
          fields[col - 1] = csvField(text);
          last = col;
        });
        // Rows absent from the sheet, and present but empty ones, are held back until a row with
        // a value follows: trailing empty rows are not written.
        blankRows += row.number - nextRow;
        nextRow = row.number + 1;
        if (last === 0) {
          blankRows++;
          continue;
        }
        if (last > width) width = last;
        for (; blankRows > 0; blankRows--) {
          const line = `${','.repeat(Math.max(0, width - 1))}\n`;
          pending.push(line);
          pendingChars += line.length;
        }
        while (fields.length < width) fields.push('');
        const line = `${fields.join(',')}\n`;
        pending.push(line);
        pendingChars += line.length;
        if (pendingChars >= CHUNK_CHARS) {
          yield Buffer.from(pending.join(''), 'utf8');
          pending = [];
          pendingChars = 0;
        }
      }
    }
    if (pending.length > 0) yield Buffer.from(pending.join(''), 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read sheet ${JSON.stringify(info.name)} of the .xlsx workbook: ${(err as Error).message}`, { file: path }, 'a complete, uncorrupted .xlsx file');
  } finally {
    archive.destroy();
    // Not awaited: after a failure these are stuck waiting for bytes that never come.
    rows?.return?.(undefined).catch(() => undefined);
    worksheets.return?.(undefined).catch(() => undefined);
  }
}
