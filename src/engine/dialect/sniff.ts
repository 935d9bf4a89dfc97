import { COMMA, CR, Dialect, LF, QUOTE, TAB } from '../scan/dialect';

/** One record of a sample, with where it sits in the sample. */
export interface SampleRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  /** Field values, unquoted ("" → "), not trimmed. */
  fields: string[];
  /** Byte offset of the record's first byte in the sample. */
  start: number;
  /** Byte offset just after the record's line break (= start of what follows). */
  end: number;
  /** Physical line number at `end`. */
  nextLine: number;
}

const SEMICOLON = 0x3b;
const PIPE = 0x7c;
/** Candidates in tie-break order: the first one wins when the others are no better. */
const CANDIDATES = [COMMA, TAB, SEMICOLON, PIPE];
/** How many records sniffing and header detection look at. */
const SNIFF_RECORDS = 500;
/** The header must start within this many physical lines. */
export const HEADER_LINES = 200;

const utf8 = new TextDecoder('utf-8');

function text(sample: Uint8Array, from: number, to: number): string {
  return utf8.decode(sample.subarray(from, to));
}

/**
 * Cuts a UTF-8 sample into records: quote-aware (a quote opens a quoted field only at the start of
 * a field; "" inside is one quote; text after the closing quote is kept, leniently), line breaks CR,
 * LF or CRLF (mixed too), blank lines skipped (also lines of only spaces). A record still open at the
 * end of the sample is dropped unless `atEof` says the sample is the whole file. Simple on purpose:
 * it runs on ≤ 1 MiB heads, not on the data.
 */
export function splitSampleRecords(sample: Uint8Array, dialect: Dialect, maxRecords: number, atEof = false): SampleRecord[] {
  const { delimiter: delim, quote } = dialect;
  const n = sample.length;
  const records: SampleRecord[] = [];
  let pos = 0;
  let line = 1;
  // Consumes the line break at p (CR, LF or CRLF); returns the position after it.
  const lineBreakEnd = (p: number): number => (sample[p] === CR && p + 1 < n && sample[p + 1] === LF ? p + 2 : p + 1);

  while (pos < n && records.length < maxRecords) {
    const b0 = sample[pos];
    if (b0 === CR || b0 === LF) {
      pos = lineBreakEnd(pos);
      line++;
      continue;
    }
    const start = pos;
    const startLine = line;
    const fields: string[] = [];
    let complete = false;
    for (;;) {
      let field: string;
      if (sample[pos] === quote) {
        let p = pos + 1;
        let seg = p;
        let value = '';
        let closed = false;
        while (p < n) {
          const c = sample[p];
          if (c === quote) {
            if (p + 1 < n && sample[p + 1] === quote) {
              value += text(sample, seg, p + 1);
              p += 2;
              seg = p;
              continue;
            }
            if (p + 1 >= n && !atEof) break; // cannot tell "" from a closing quote
            value += text(sample, seg, p);
            p++;
            closed = true;
            break;
          }
          if (c === CR || c === LF) {
            p = lineBreakEnd(p);
            line++;
            continue;
          }
          p++;
        }
        if (!closed) return records; // open quoted field at the end of the sample
        let q = p;
        while (q < n && sample[q] !== delim && sample[q] !== CR && sample[q] !== LF) q++;
        field = value + text(sample, p, q);
        pos = q;
      } else {
        let q = pos;
        while (q < n && sample[q] !== delim && sample[q] !== CR && sample[q] !== LF) q++;
        field = text(sample, pos, q);
        pos = q;
      }
      fields.push(field);
      if (pos >= n) {
        complete = atEof;
        break;
      }
      if (sample[pos] === delim) {
        pos++;
        if (pos >= n) {
          if (atEof) fields.push('');
          complete = atEof;
          break;
        }
        continue;
      }
      // line break
      pos = lineBreakEnd(pos);
      line++;
      complete = true;
      break;
    }
    if (!complete) break;
    if (fields.length === 1 && fields[0].trim() === '' && sample[start] !== quote) continue; // spaces-only line
    records.push({ line: startLine, fields, start, end: pos, nextLine: line });
  }
  return records;
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = -1;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v > best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * Guess the delimiter from a UTF-8 sample: the candidate among ',', '\t', ';', '|' whose per-line
 * field count (quote-aware) is most consistent and > 1 over the sample lines. Consistency is the
 * share of records whose field count equals the modal count; ties go to the larger modal count, then
 * to the order ',', '\t', ';', '|'. A header line rarely holds a decimal comma, so "a;87,5" files
 * come out as ';'. Default ','.
 */
export function sniffDelimiter(sample: Uint8Array): number {
  let best = COMMA;
  let bestConsistency = 0;
  let bestModal = 1;
  for (const delimiter of CANDIDATES) {
    // A sample cut mid-record drops its last record; a one-record sample is taken as complete.
    let records = splitSampleRecords(sample, { delimiter, quote: QUOTE }, SNIFF_RECORDS, false);
    if (records.length === 0) records = splitSampleRecords(sample, { delimiter, quote: QUOTE }, SNIFF_RECORDS, true);
    if (records.length === 0) continue;
    const counts = records.map((r) => r.fields.length);
    const modal = mode(counts);
    if (modal <= 1) continue;
    const consistency = counts.filter((c) => c === modal).length / counts.length;
    if (consistency > bestConsistency || (consistency === bestConsistency && modal > bestModal)) {
      best = delimiter;
      bestConsistency = consistency;
      bestModal = modal;
    }
  }
  return best;
}

/** Header/column name as compared: BOM and surrounding whitespace (NBSP too) removed, lower case. */
export function normalizeName(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase();
}

const NUMERIC = /^[-+$(]*\d[\d,]*(\.\d*)?%?\)?$|^\d+([-/.]\d+){1,2}$/;

/** A value that looks like a number, a date or a code (12,000 · 87.5 · 11-1011 · 10/1/12) rather than a name. */
export function looksNumeric(value: string): boolean {
  return NUMERIC.test(value.trim());
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * 1-based physical line number of the header row (0 when the sample holds no record).
 *
 * With `expected` (the lower-case column names the caller needs; compared trimmed, case-insensitive),
 * the record within the first 200 lines that contains the most distinct expected names wins (the
 * first such one on a tie), provided it contains at least one.
 *
 * Otherwise (or when no record names any expected column), the first record within the first 200
 * lines that
 *   - has the modal field count of the sample,
 *   - names at least 2 columns (unless the table has one column) and at least as many as the data
 *     below it fill, less one (median non-empty fields of the next 50 records), and
 *   - is mostly text (at most half of its non-empty fields look like numbers, dates or codes).
 * This skips the notes above the SOC direct-match header (line 8): those lines have the right
 * number of commas (",,,") but only one filled cell. When nothing qualifies, the first record with
 * the modal field count is taken (a file without a header yields 1: say headerRow 0 for those).
 * Lines are counted over CR, LF and CRLF alike.
 */
export function detectHeaderRow(sample: Uint8Array, dialect: Dialect, expected?: string[]): number {
  let records = splitSampleRecords(sample, dialect, SNIFF_RECORDS * 2, false);
  if (records.length === 0) records = splitSampleRecords(sample, dialect, SNIFF_RECORDS * 2, true);
  if (records.length === 0) return 0;
  const candidates = records.filter((r) => r.line <= HEADER_LINES);
  if (candidates.length === 0) return records[0].line;

  if (expected && expected.length > 0) {
    const wanted = new Set(expected.map(normalizeName).filter((s) => s !== ''));
    let bestLine = 0;
    let bestHits = 0;
    for (const r of candidates) {
      const seen = new Set<string>();
      for (const f of r.fields) {
        const name = normalizeName(f);
        if (wanted.has(name)) seen.add(name);
      }
      if (seen.size > bestHits) {
        bestHits = seen.size;
        bestLine = r.line;
      }
    }
    if (bestHits > 0) return bestLine;
  }

  const modal = mode(records.map((r) => r.fields.length));
  const filled = (r: SampleRecord): number => r.fields.filter((f) => f.trim() !== '').length;
  for (let i = 0; i < records.length && records[i].line <= HEADER_LINES; i++) {
    const r = records[i];
    if (r.fields.length !== modal) continue;
    const f = filled(r);
    if (f === 0) continue;
    if (modal > 1 && f < 2) continue;
    const below = records.slice(i + 1, i + 51).filter((x) => x.fields.length === modal).map(filled);
    if (f < median(below) - 1) continue;
    const numeric = r.fields.filter((x) => x.trim() !== '' && looksNumeric(x)).length;
    if (numeric * 2 > f) continue;
    return r.line;
  }
  const first = records.find((r) => r.fields.length === modal && r.line <= HEADER_LINES);
  return (first ?? records[0]).line;
}
