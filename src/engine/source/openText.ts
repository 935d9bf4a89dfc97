import { createReadStream, promises as fsp } from 'fs';
import { isUtf8 } from 'buffer';
import { PassThrough, Readable, Transform, TransformCallback } from 'stream';
import { createGunzip } from 'zlib';
import * as iconv from 'iconv-lite';
import { InputError } from '../errors';
import { inspectXlsx, openXlsxCsvStream, XlsxSheetInfo } from './xlsx';

/** What we know about one text file before reading it as records. */
export interface TextSourceInfo {
  path: string;
  /** Size of the file on disk in bytes (compressed size for gzip). */
  size: number;
  /** The file is gzip-compressed (told by its magic bytes, not its name). */
  gzip: boolean;
  /** Resolved encoding: one of 'utf8', 'utf16le', 'utf16be', 'windows-1252', 'latin1', 'macintosh'. */
  encoding: string;
  /** Length of the byte-order mark at the start of the (decompressed) content; 0 when none. */
  bomLength: number;
  /**
   * Set for an .xlsx workbook (zip signature): the chosen sheet, read as UTF-8 CSV text
   * (comma-delimited, "\n" line ends; encoding 'utf8', bomLength 0, gzip false).
   */
  xlsx?: XlsxSheetInfo;
}

/** Resolved encoding names, as they appear in TextSourceInfo.encoding. */
export const SUPPORTED_ENCODINGS = ['utf8', 'utf16le', 'utf16be', 'windows-1252', 'latin1', 'macintosh'] as const;

const ENCODING_ALIASES: Record<string, string> = {
  utf8: 'utf8',
  utf16le: 'utf16le',
  ucs2: 'utf16le',
  utf16be: 'utf16be',
  windows1252: 'windows-1252',
  win1252: 'windows-1252',
  cp1252: 'windows-1252',
  latin1: 'latin1',
  iso88591: 'latin1',
  macintosh: 'macintosh',
  macroman: 'macintosh',
  mac: 'macintosh',
};

/** iconv-lite codec for each resolved encoding (utf8 needs none). */
const ICONV_NAME: Record<string, string> = {
  utf16le: 'utf16le',
  utf16be: 'utf16be',
  'windows-1252': 'windows1252',
  latin1: 'latin1',
  macintosh: 'macintosh',
};

const BOM_UTF8 = [0xef, 0xbb, 0xbf];
const BOM_UTF16LE = [0xff, 0xfe];
const BOM_UTF16BE = [0xfe, 0xff];

/** How many bytes the head sample used to guess the encoding holds. */
const HEAD_SAMPLE = 64 * 1024;
/** Plain files up to this size are checked for UTF-8 validity in full (1 MiB at a time). */
const FULL_CHECK_LIMIT = 64 * 1024 * 1024;
/** Larger plain files: this many windows spread over the file are checked too. */
const SPREAD_WINDOWS = 32;

function startsWith(buf: Uint8Array, prefix: number[]): boolean {
  if (buf.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (buf[i] !== prefix[i]) return false;
  return true;
}

/** Normalises a user-given encoding name; undefined/'auto' → 'auto'. Unknown names are an InputError. */
export function normalizeEncoding(encoding: string | undefined, file: string): string {
  if (encoding === undefined || encoding.trim() === '') return 'auto';
  const key = encoding.toLowerCase().replace(/[^0-9a-z]/g, '');
  if (key === 'auto') return 'auto';
  const resolved = ENCODING_ALIASES[key];
  if (!resolved) {
    throw new InputError(
      `unknown encoding "${encoding}"`,
      { file },
      `one of auto, ${SUPPORTED_ENCODINGS.join(', ')}`,
    );
  }
  return resolved;
}

/** Reads up to `length` bytes from the start of a file. */
async function readRawHead(path: string, length: number): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The first ≤ `length` decompressed bytes of a gzip file. A truncated file yields what could be read. */
function readGunzippedHead(path: string, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const src = createReadStream(path);
    const gunzip = createGunzip();
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      src.destroy();
      gunzip.destroy();
      const head = Buffer.concat(chunks).subarray(0, length);
      // A corrupt or truncated stream still gives a sample if some bytes came out; reading
      // the whole file later reports the error with the file named.
      if (err && head.length === 0) reject(wrapStreamError(err, path, true));
      else resolve(head);
    };
    src.on('error', finish);
    gunzip.on('error', finish);
    gunzip.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) finish();
    });
    gunzip.on('end', () => finish());
    src.pipe(gunzip);
  });
}

/** Cuts an incomplete UTF-8 sequence off the end of a buffer (a sample may stop inside a character). */
function trimIncompleteTail(buf: Buffer): Buffer {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = buf[n - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.subarray(0, n - back) : buf;
  }
  return buf;
}

/** Skips continuation bytes at the start of a window cut from the middle of a file. */
function trimIncompleteHead(buf: Buffer): Buffer {
  let i = 0;
  while (i < 3 && i < buf.length && (buf[i] & 0xc0) === 0x80) i++;
  return buf.subarray(i);
}

/** Whether the bytes of a plain (not gzip) file look like UTF-8: all of it when ≤ 64 MiB, else spread windows. */
async function plainFileLooksUtf8(path: string, size: number, head: Buffer): Promise<boolean> {
  if (!isUtf8(trimIncompleteTail(head))) return false;
  if (size <= head.length) return true;
  const fh = await fsp.open(path, 'r');
  try {
    if (size <= FULL_CHECK_LIMIT) {
      // 1 MiB at a time; a character cut at a chunk end is carried into the next chunk.
      const chunk = Buffer.alloc(1 << 20);
      let carry = Buffer.alloc(0);
      let pos = 0;
      for (;;) {
        const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
        if (bytesRead === 0) return true;
        pos += bytesRead;
        const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        const whole = trimIncompleteTail(buf);
        if (!isUtf8(whole)) return false;
        carry = Buffer.from(buf.subarray(whole.length));
      }
    }
    const buf = Buffer.alloc(HEAD_SAMPLE);
    for (let w = 1; w <= SPREAD_WINDOWS; w++) {
      const pos = Math.floor(((size - HEAD_SAMPLE) * w) / SPREAD_WINDOWS);
      const { bytesRead } = await fh.read(buf, 0, HEAD_SAMPLE, pos);
      if (!isUtf8(trimIncompleteTail(trimIncompleteHead(buf.subarray(0, bytesRead))))) return false;
    }
    return true;
  } finally {
    await fh.close();
  }
}

/** True when the sample's line breaks are bare CRs only (classic Mac OS text). */
function crOnlyLineBreaks(sample: Uint8Array): boolean {
  let cr = false;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0x0a) return false;
    if (sample[i] === 0x0d) cr = true;
  }
  return cr;
}

/** Gives an InputError naming the file for an fs, zlib or decoder error. */
function wrapStreamError(err: unknown, path: string, gzip: boolean): InputError {
  if (err instanceof InputError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'ENOENT') return new InputError('file not found', { file: path });
  if (e && e.code === 'EISDIR') return new InputError('is a directory', { file: path }, 'a file');
  if (e && e.code === 'EACCES') return new InputError('permission denied', { file: path });
  const msg = e && e.message ? e.message : String(err);
  if (gzip && e && (typeof e.code === 'string' ? e.code.startsWith('Z_') : /unexpected end of file|incorrect header|invalid/.test(msg))) {
    return new InputError(`cannot decompress gzip data: ${msg}`, { file: path }, 'a complete .gz file (is it truncated or corrupt?)');
  }
  return new InputError(`cannot read file: ${msg}`, { file: path });
}

/**
 * Looks at a file's first bytes: gzip (magic 1f 8b), byte-order mark and encoding.
 *
 * encoding 'auto' (default): a UTF-8 BOM → 'utf8' (bomLength 3); a UTF-16 LE/BE BOM → 'utf16le' /
 * 'utf16be' (bomLength 2); otherwise the content is checked for valid UTF-8 (the first 64 KiB after
 * gunzip for gzip files; the whole file when plain and ≤ 64 MiB, else the head plus 32 windows of
 * 64 KiB spread over the file — the real SOC 2010 and H-2B files have their only non-ASCII byte past 300 KB).
 * Valid → 'utf8'; not valid → 'windows-1252', or 'macintosh' when the line breaks are CR-only.
 * Text read as UTF-8 (given or detected) is checked again where its records are read (the
 * build-side reader and the query workers, see scan/utf8.ts): a byte the samples missed, or any
 * invalid byte under an explicit 'utf8', is an InputError with file, line and column, never a
 * silent U+FFFD.
 *
 * Mac Roman cannot be told apart from Windows-1252 reliably: both are single-byte encodings in which
 * every byte is valid, and they only differ in which letter a high byte means (0xCA is NBSP in Mac
 * Roman, 'Ê' in Windows-1252). CR-only line breaks are the mark of classic Mac "CSV (Macintosh)"
 * exports, which are Mac Roman (both such files in shared/data are), so that case guesses
 * 'macintosh'; any other Mac Roman file must be named with encoding 'macintosh'.
 *
 * A zip archive ("PK\x03\x04") is read as an .xlsx workbook: `sheet` chooses the sheet (a name, or a
 * 1-based position; default the first, see chooseSheet) and the encoding option does not apply.
 * InputError for a sheet that does not exist (the message lists the sheets), for a zip that is not
 * a readable .xlsx, and for an old binary Excel file (.xls, OLE2 signature). `sheet` is ignored for
 * text files.
 */
export async function inspectFile(path: string, encoding?: string, sheet?: string | number): Promise<TextSourceInfo> {
  const wanted = normalizeEncoding(encoding, path);
  let size: number;
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory()) throw new InputError('is a directory', { file: path }, 'a file');
    size = st.size;
  } catch (err) {
    throw wrapStreamError(err, path, false);
  }
  let raw: Buffer;
  try {
    raw = await readRawHead(path, HEAD_SAMPLE);
  } catch (err) {
    throw wrapStreamError(err, path, false);
  }
  if (startsWith(raw, [0x50, 0x4b, 0x03, 0x04])) {
    const xlsx = await inspectXlsx(path, sheet);
    return { path, size, gzip: false, encoding: 'utf8', bomLength: 0, xlsx };
  }
  if (startsWith(raw, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    throw new InputError('looks like an Excel/binary file, expected delimited text', { file: path }, 'a CSV/TSV text file or an .xlsx workbook; save the sheet as .xlsx or CSV (old .xls and password-protected workbooks cannot be read)');
  }
  const gzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const head = gzip ? await readGunzippedHead(path, HEAD_SAMPLE) : raw;

  const bomFor = (enc: string): number => {
    if (enc === 'utf8' && startsWith(head, BOM_UTF8)) return 3;
    if (enc === 'utf16le' && startsWith(head, BOM_UTF16LE)) return 2;
    if (enc === 'utf16be' && startsWith(head, BOM_UTF16BE)) return 2;
    return 0;
  };

  let resolved: string;
  if (wanted !== 'auto') {
    resolved = wanted;
  } else if (startsWith(head, BOM_UTF8)) {
    resolved = 'utf8';
  } else if (startsWith(head, BOM_UTF16LE)) {
    resolved = 'utf16le';
  } else if (startsWith(head, BOM_UTF16BE)) {
    resolved = 'utf16be';
  } else {
    const utf8 = gzip ? isUtf8(trimIncompleteTail(head)) : await plainFileLooksUtf8(path, size, head);
    resolved = utf8 ? 'utf8' : crOnlyLineBreaks(head) ? 'macintosh' : 'windows-1252';
  }
  return { path, size, gzip, encoding: resolved, bomLength: bomFor(resolved) };
}

/** True when the file can be scanned as raw UTF-8 bytes by byte ranges (not gzip or xlsx, encoding utf8). */
export function isRangeScannable(info: TextSourceInfo): boolean {
  return !info.gzip && !info.xlsx && info.encoding === 'utf8';
}

/** Drops the first `count` bytes of a byte stream. */
class SkipBytes extends Transform {
  private left: number;
  constructor(count: number) {
    super();
    this.left = count;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.left >= chunk.length) {
      this.left -= chunk.length;
      cb();
      return;
    }
    const out = this.left > 0 ? chunk.subarray(this.left) : chunk;
    this.left = 0;
    cb(null, out);
  }
}

/** Decodes bytes with iconv-lite and re-encodes them as UTF-8. */
class ToUtf8 extends Transform {
  private readonly decoder: iconv.DecoderStream;
  constructor(codec: string) {
    super();
    this.decoder = iconv.getDecoder(codec, { stripBOM: false });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const text = this.decoder.write(chunk);
    cb(null, text ? Buffer.from(text, 'utf8') : undefined);
  }
  override _flush(cb: TransformCallback): void {
    const text = this.decoder.end();
    cb(null, text ? Buffer.from(text, 'utf8') : undefined);
  }
}

/** Bigger than the streams' 64 KiB default: each chunk costs the scanner a call and a tail copy. */
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * openUtf8Stream's bytes as chunks that are valid only until the next one is asked for: a
 * range-scannable file is read into two buffers in turn, the next chunk read while the caller
 * scans the last, with no buffer allocated per chunk (a new 1 MiB buffer per chunk, freed soon
 * after, left the reading thread's malloc arena resident at several times the data kept: ~30 MB
 * more peak RSS on the bench set); other files come from openUtf8Stream. Errors are its errors.
 */
export async function* utf8Chunks(info: TextSourceInfo, start = 0): AsyncGenerator<Buffer> {
  if (!isRangeScannable(info)) {
    yield* openUtf8Stream(info, start) as AsyncIterable<Buffer>;
    return;
  }
  const handle = await fsp.open(info.path, 'r').catch((error: unknown) => {
    throw wrapStreamError(error, info.path, false);
  });
  const buffers = [Buffer.allocUnsafeSlow(READ_CHUNK_BYTES), Buffer.allocUnsafeSlow(READ_CHUNK_BYTES)];
  let position = Math.max(start, info.bomLength);
  let next = 0;
  // A read's error is its value until awaited: a rejection while the caller scans would be unhandled.
  const read = (): Promise<number | InputError> =>
    handle.read(buffers[next], 0, READ_CHUNK_BYTES, position).then(
      ({ bytesRead }) => bytesRead,
      (error: unknown) => wrapStreamError(error, info.path, false),
    );
  let reading: Promise<number | InputError> | undefined = read();
  try {
    for (;;) {
      const bytes = await reading;
      reading = undefined;
      if (bytes instanceof InputError) throw bytes;
      if (bytes === 0) return;
      const chunk = buffers[next].subarray(0, bytes);
      position += bytes;
      next ^= 1;
      reading = read();
      yield chunk;
    }
  } finally {
    // A caller that stops early leaves a read under way: it ends before the file is closed.
    await reading;
    await handle.close();
  }
}

/**
 * A stream of UTF-8 bytes for the whole file, BOM removed: gunzips gzip files (told by magic bytes),
 * transcodes non-UTF-8 encodings with iconv-lite, and writes an .xlsx file's chosen sheet as CSV. Errors (missing file, truncated gzip) arrive
 * as an 'error' event carrying an InputError that names the file.
 *
 * `start` is in the same coordinates as OpenedTable.dataOffset: for range-scannable files
 * (isRangeScannable) it is a file byte offset (BOM counted; a start inside the BOM reads from just
 * after it) and the file is read from there; otherwise it is an offset into this UTF-8 output
 * (BOM not counted) and that many output bytes are skipped.
 */
export function openUtf8Stream(info: TextSourceInfo, start = 0): NodeJS.ReadableStream {
  const out = new PassThrough();
  const scannable = isRangeScannable(info);
  const src: Readable = info.xlsx
    ? openXlsxCsvStream(info.path, info.xlsx)
    : createReadStream(info.path, { highWaterMark: READ_CHUNK_BYTES, ...(scannable ? { start: Math.max(start, info.bomLength) } : {}) });
  const stages: Transform[] = [];
  if (info.xlsx) {
    if (start > 0) stages.push(new SkipBytes(start));
  } else if (!scannable) {
    if (info.gzip) stages.push(createGunzip());
    if (info.bomLength > 0) stages.push(new SkipBytes(info.bomLength));
    const codec = ICONV_NAME[info.encoding];
    if (codec) stages.push(new ToUtf8(codec));
    if (start > 0) stages.push(new SkipBytes(start));
  }
  let done = false;
  const all: (Readable | Transform)[] = [src, ...stages];
  const stopAll = (): void => {
    for (const s of all) s.destroy();
  };
  for (const s of all) {
    s.on('error', (err: unknown) => {
      if (done) return;
      done = true;
      stopAll();
      out.destroy(wrapStreamError(err, info.path, info.gzip));
    });
  }
  // The consumer may stop early (readHead): release the file.
  out.on('close', () => {
    if (done) return;
    done = true;
    stopAll();
  });
  let prev: NodeJS.ReadableStream = src;
  for (const t of stages) prev = prev.pipe(t);
  prev.pipe(out);
  return out;
}
