/**
 * The hot-path CSV byte scanner (DESIGN.md §4): it walks raw bytes and records where each field
 * starts and ends; it never creates a string while scanning. Callers decode only the fields they
 * need, through FieldCursor.text / latin1, or read the bytes at the offsets directly.
 *
 * Dialect (RFC 4180 plus the real-world quirks of DESIGN.md §3), identical to csv-parse configured
 * with record_delimiter ['\r\n', '\n', '\r'], relax_quotes, relax_column_count, skip_empty_lines:
 * - '\n', '\r\n' and a lone '\r' all end a record, mixed freely within one input;
 * - empty lines are skipped (but counted in line numbers); a line holding only `""` is a record;
 * - a field that starts with the quote byte is quoted: `""` inside is one literal quote, and
 *   delimiters and line terminators inside are content; after the closing quote must come the
 *   delimiter, a terminator or the end of input;
 * - a quote byte inside an unquoted field is an ordinary character.
 * A UTF-8 BOM is not handled here: callers strip it before scanning.
 */
import { CR, LF, type Dialect } from './dialect';

/**
 * Field offsets of the record being delivered. One cursor is reused for every record (no
 * per-record allocation); copy what you need inside onRecord.
 */
export class FieldCursor {
  /** Buffer that the offsets point into (set by scanRecords). */
  buf: Uint8Array = new Uint8Array(0);
  /** Number of fields in the current record. */
  count = 0;
  /** Byte offset where field i's content starts (after the opening quote if quoted). */
  starts: Int32Array;
  /** Byte offset where field i's content ends, exclusive (before the closing quote). */
  ends: Int32Array;
  /** 1 when field i was quoted and contains doubled quotes that must collapse to one. */
  escaped: Uint8Array;
  /** Byte offset of the record's first byte. */
  recordStart = 0;
  /** Physical 1-based line number on which the record starts. */
  line = 0;

  /** Quote byte of the dialect last scanned, for collapsing escapes in text()/latin1(). */
  private quote = 0x22;
  private doubled = '""';
  private single = '"';
  /** Buffer view of `buf` (for toString without copying), rebuilt only when `buf` changes. */
  private view: Buffer | null = null;
  private viewOf: Uint8Array | null = null;

  constructor(maxFields = 64) {
    const n = Math.max(1, maxFields | 0);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.escaped = new Uint8Array(n);
  }

  /** Field i decoded as UTF-8, with doubled quotes collapsed when escaped[i]; '' when i >= count. */
  text(i: number): string {
    if (i >= this.count || i < 0) return '';
    // utf8Slice skips toString's argument checks and encoding switch: this runs per field per row.
    const s = (this.bytes() as unknown as FastSlices).utf8Slice(this.starts[i], this.ends[i]);
    return this.escaped[i] === 1 ? s.replaceAll(this.doubled, this.single) : s;
  }

  /** Bytes start .. end of buf decoded as UTF-8. */
  utf8(start: number, end: number): string {
    return (this.bytes() as unknown as FastSlices).utf8Slice(start, end);
  }

  /** Field i decoded as latin1 (one char per byte): a cheap exact key for the raw bytes. */
  latin1(i: number): string {
    if (i >= this.count || i < 0) return '';
    const s = (this.bytes() as unknown as FastSlices).latin1Slice(this.starts[i], this.ends[i]);
    return this.escaped[i] === 1 ? s.replaceAll(this.doubled, this.single) : s;
  }

  /** @internal Called by scanRecords once per call, not per record. */
  setSource(buf: Uint8Array, quote: number): void {
    this.buf = buf;
    if (quote !== this.quote) {
      this.quote = quote;
      this.single = String.fromCharCode(quote);
      this.doubled = this.single + this.single;
    }
  }

  /** @internal Doubles the capacity, keeping the fields already stored. */
  grow(): void {
    const n = this.starts.length * 2;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    const escaped = new Uint8Array(n);
    starts.set(this.starts);
    ends.set(this.ends);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }

  private bytes(): Buffer {
    const b = this.buf;
    if (this.viewOf !== b || this.view === null) {
      this.view = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
      this.viewOf = b;
    }
    return this.view;
  }
}

/** Buffer's own decoders (public since Node 0.x, absent from the type definitions). */
interface FastSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

export interface ScanOptions {
  dialect: Dialect;
  /** First byte to scan (must be a record start). */
  from: number;
  /** Bytes [from, to) of buf are valid. */
  to: number;
  /** True when `to` is the end of the whole input (the last record may lack a line terminator). */
  final: boolean;
  /**
   * Do not start a record at offset >= stopAt (default: to). A record that starts before stopAt is
   * read completely even if it extends past stopAt (as long as its bytes lie before `to`).
   */
  stopAt?: number;
  /** Physical line number of byte `from` (default 1). */
  firstLine?: number;
}

export type ScanErrorKind = 'unterminated_quote' | 'text_after_closing_quote';

export interface ScanError {
  kind: ScanErrorKind;
  /**
   * unterminated_quote: the start of the record holding the open quoted field.
   * text_after_closing_quote: the offending byte just after the closing quote.
   */
  offset: number;
  /** Physical line of `offset`. */
  line: number;
  /** 0-based index of the offending field within its record. */
  field: number;
}

export interface ScanOutcome {
  /**
   * Offset of the first record not delivered (== to when everything was consumed). When !final
   * and the buffer ends inside a record, next = that record's start, so the caller can read more
   * bytes and call again from there.
   */
  next: number;
  /** Physical line number at `next`. */
  line: number;
  /** Records delivered to onRecord. */
  records: number;
  /** Scanning stopped at a malformed record (not delivered); next = its start. */
  error?: ScanError;
}

/**
 * Scans records starting at opts.from and calls onRecord for each one with the cursor filled in.
 * onRecord returning false stops the scan after that record (next = offset after it).
 *
 * Completeness when !final: a record is delivered only when its terminator is fully known. A '\r'
 * as the very last available byte may still be followed by '\n' in the next chunk, so such a
 * record (or empty line) is left for the next call; this keeps line numbers exact across chunks.
 */
export function scanRecords(
  buf: Uint8Array,
  opts: ScanOptions,
  cursor: FieldCursor,
  onRecord: (cur: FieldCursor) => void | boolean,
): ScanOutcome {
  const delim = opts.dialect.delimiter;
  const quote = opts.dialect.quote;
  const to = Math.min(opts.to, buf.length);
  const final = opts.final;
  const stopAt = opts.stopAt === undefined ? to : Math.min(opts.stopAt, to);
  // One compare rejects most bytes of an unquoted field: every byte that can end it (delimiter,
  // LF, CR) is <= hi, and letters/digits of typical CSV data are above it (hi is 0x2c for commas,
  // 0x0d for tabs). Only bytes <= hi pay for the three exact compares.
  // Locals, as every constant of the loops: an imported one is a property load per use.
  const lf = LF;
  const cr = CR;
  const hi = Math.max(delim, lf, cr);

  cursor.setSource(buf, quote);
  // Locals instead of property loads in the loop; refreshed after cursor.grow().
  let starts = cursor.starts;
  let ends = cursor.ends;
  let escaped = cursor.escaped;
  let cap = starts.length;

  let pos = opts.from;
  let line = opts.firstLine === undefined ? 1 : opts.firstLine;
  let records = 0;

  while (pos < stopAt) {
    const recStart = pos;
    const recLine = line;
    let c = buf[pos];

    // Empty line: skipped, counted.
    if (c === lf) {
      pos++;
      line++;
      continue;
    }
    if (c === cr) {
      if (pos + 1 < to) {
        pos += buf[pos + 1] === lf ? 2 : 1;
      } else if (final) {
        pos++;
      } else {
        break; // '\r' is the last byte: a '\n' may follow in the next chunk.
      }
      line++;
      continue;
    }

    let f = 0;
    for (;;) {
      // The record continues with field f, which starts at pos (pos <= to).
      if (f === cap) {
        cursor.grow();
        starts = cursor.starts;
        ends = cursor.ends;
        escaped = cursor.escaped;
        cap = starts.length;
      }
      let i = pos;
      if (i < to && buf[i] === quote) {
        // Quoted field: find the quote that is not followed by another quote.
        const s = i + 1;
        let esc = 0;
        i = s;
        for (;;) {
          if (i >= to) {
            if (!final) return { next: recStart, line: recLine, records };
            return {
              next: recStart,
              line: recLine,
              records,
              error: { kind: 'unterminated_quote', offset: recStart, line: recLine, field: f },
            };
          }
          c = buf[i];
          if (c === quote) {
            if (i + 1 < to) {
              if (buf[i + 1] !== quote) break;
              esc = 1;
              i += 2;
              continue;
            }
            // Quote as the last available byte: it closes the field only if nothing follows.
            if (!final) return { next: recStart, line: recLine, records };
            break;
          }
          // Terminators inside quotes are content but still physical lines ('\r\n' counts once,
          // on its '\n'; a '\r' at the end of the bytes is moot: the field is incomplete there).
          if (c === lf || (c === cr && (i + 1 >= to || buf[i + 1] !== lf))) line++;
          i++;
        }
        starts[f] = s;
        ends[f] = i;
        escaped[f] = esc;
        f++;
        i++; // past the closing quote
        if (i >= to) {
          pos = to; // i >= to here implies final (see above)
          break;
        }
        c = buf[i];
        if (c === delim) {
          pos = i + 1;
          continue;
        }
        if (c !== lf && c !== cr) {
          return {
            next: recStart,
            line: recLine,
            records,
            error: { kind: 'text_after_closing_quote', offset: i, line, field: f - 1 },
          };
        }
      } else {
        // Unquoted field: runs to the delimiter or a terminator. Quote bytes here are literal.
        while (i < to) {
          c = buf[i];
          if (c <= hi && (c === delim || c === lf || c === cr)) break;
          i++;
        }
        starts[f] = pos;
        ends[f] = i;
        escaped[f] = 0;
        f++;
        if (i >= to) {
          if (!final) return { next: recStart, line: recLine, records };
          pos = to;
          break;
        }
        if (c === delim) {
          pos = i + 1;
          continue;
        }
      }
      // buf[i] is LF or CR: the record ends here.
      if (c === lf) {
        pos = i + 1;
      } else if (i + 1 < to) {
        pos = buf[i + 1] === lf ? i + 2 : i + 1;
      } else if (final) {
        pos = i + 1;
      } else {
        return { next: recStart, line: recLine, records }; // '\n' may follow in the next chunk
      }
      line++;
      break;
    }

    cursor.count = f;
    cursor.recordStart = recStart;
    cursor.line = recLine;
    records++;
    if (onRecord(cursor) === false) break;
    // onRecord may have scanned with the same cursor (it should not); keep our locals valid.
    if (cursor.starts !== starts) {
      starts = cursor.starts;
      ends = cursor.ends;
      escaped = cursor.escaped;
      cap = starts.length;
    }
  }
  return { next: pos, line, records };
}

/**
 * First offset p >= pos (p <= end) where a record could start, i.e. p === 0 or the byte before p
 * ends a line: '\n', or '\r' not followed by '\n'. Returns end when there is none. Used to guess
 * where a byte range begins (the guess is wrong when pos lies inside a quoted multi-line field;
 * the engine detects that because the previous range's `next` differs from the guess).
 */
export function nextLineStart(buf: Uint8Array, pos: number, end: number): number {
  if (pos <= 0) return 0;
  // A byte loop is fine here: it runs once per range and lines are short.
  for (let p = pos; p < end; p++) {
    const b = buf[p - 1];
    if (b === LF) return p;
    if (b === CR && buf[p] !== LF) return p;
  }
  return end;
}

/**
 * For streamed input cut into chunks on the main thread: the offset just after the last line
 * terminator in [from, to) that lies outside quotes, given whether `from` is inside a quoted field
 * (inQuote). Returns boundary -1 if there is none; inQuoteAtTo is the quote state at `to`.
 *
 * Quote parity: every quote byte toggles the state, which is exact for well-formed quoted fields
 * ("" toggles twice). A stray quote inside an unquoted field (legal in this dialect) inverts the
 * parity until the next stray quote, so the chunker's cut can then be wrong; the scanner, which
 * knows quoted fields only start at a field start, is the authority and reports such records.
 *
 * A '\r' that is the last byte before `to` is never used as a boundary: a '\n' may follow it in
 * the next chunk, and cutting between them would turn one terminator into a record and an empty
 * line (and miscount lines).
 *
 * Every search is a native Buffer indexOf/lastIndexOf (memchr-like) over a view bounded to
 * [from, to); the backward walk keeps one cursor per searched byte, so each byte is visited at
 * most once per cursor even when many terminators lie inside a long quoted field.
 */
export function lastRecordBoundary(
  buf: Uint8Array,
  from: number,
  to: number,
  quote: number,
  inQuote: boolean,
): { boundary: number; inQuoteAtTo: boolean } {
  const n = to - from;
  if (n <= 0) return { boundary: -1, inQuoteAtTo: inQuote };
  const b = Buffer.from(buf.buffer, buf.byteOffset + from, n); // a view, no copy

  // Quote state at `to`: parity of all quotes in the chunk.
  let odd = false;
  for (let q = b.indexOf(quote, 0); q !== -1; q = b.indexOf(quote, q + 1)) odd = !odd;
  const inQuoteAtTo = inQuote !== odd;

  // Walk terminators backwards; `inside` is the quote state just after terminator t, obtained by
  // un-toggling every quote between t and the previous position.
  let inside = inQuoteAtTo;
  let qc = b.lastIndexOf(quote, n - 1);
  let lf = b.lastIndexOf(LF, n - 1);
  let cr = b[n - 1] === CR ? (n >= 2 ? b.lastIndexOf(CR, n - 2) : -1) : b.lastIndexOf(CR, n - 1);
  for (;;) {
    const t = lf > cr ? lf : cr;
    if (t < 0) return { boundary: -1, inQuoteAtTo };
    while (qc > t) {
      inside = !inside;
      qc = qc > 0 ? b.lastIndexOf(quote, qc - 1) : -1;
    }
    if (!inside) return { boundary: from + t + 1, inQuoteAtTo };
    // lastIndexOf with a negative offset counts from the end, hence the guards.
    if (t === lf) lf = t > 0 ? b.lastIndexOf(LF, t - 1) : -1;
    else cr = t > 0 ? b.lastIndexOf(CR, t - 1) : -1;
  }
}
