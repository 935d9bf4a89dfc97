import type { FieldCursor } from './scanRecords';
import { finishHash, Hash, lowerWord, mixWord, wordAt } from './byteTable';

/**
 * FieldBytes.flags. A const enum, so each use compiles to its number: an exported const is read
 * as a property of the module object, once per byte in the loops of the probe.
 */
export const enum FieldFlag {
  /** Only the decoded string gives this field's key or output (see FieldBytes.read). */
  Slow = 1,
  /** Holds a comma, quote or line break: a CSV writer must quote it. */
  NeedsQuotes = 2,
  /** Starts with = + - or @: a spreadsheet would run it as a formula. */
  Formula = 4,
}

/**
 * One query field seen as bytes: its trimmed extent in the cursor's buffer, the hash of those
 * bytes, and flags. The bytes are exactly the UTF-8 of the trimmed text (what trimText gives)
 * unless Slow is set: for a field with doubled quotes, one whose edge is a non-ASCII space (NBSP,
 * U+2000…), or, when matching case-insensitively, one with non-ASCII letters (whose lower case
 * only the string knows). A Slow field's start, end and hash mean nothing.
 */
export class FieldBytes {
  start = 0;
  end = 0;
  hash = 0;
  flags = 0;

  read(cur: FieldCursor, i: number, lower: boolean): void {
    if (i >= cur.count || cur.escaped[i] === 1) {
      this.flags = i >= cur.count ? 0 : FieldFlag.Slow;
      this.start = this.end = 0;
      this.hash = EMPTY_HASH;
      return;
    }
    const buf = cur.buf;
    let start = cur.starts[i];
    let end = cur.ends[i];
    while (start < end && isAsciiSpace(buf[start])) start++;
    while (end > start && isAsciiSpace(buf[end - 1])) end--;
    this.start = start;
    this.end = end;
    let flags = 0;
    if (start < end) {
      const first = buf[start];
      if ((first >= 0x80 && isSpace(codePointAt(buf, start))) || (buf[end - 1] >= 0x80 && isSpace(codePointAt(buf, lastCodePointStart(buf, start, end))))) {
        this.flags = FieldFlag.Slow;
        return;
      }
      if (first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40) flags |= FieldFlag.Formula;
    }
    // Hashing (as hashBytes) and the checks for quoting and case in one pass, a word at a time:
    // `marks` turns non-zero at a comma, quote, LF or CR, `high` collects the bytes' high bits
    // (non-ASCII).
    let h = Hash.Seed;
    let marks = 0;
    let high = 0;
    let j = start;
    for (; j + 4 <= end; j += 4) {
      let w = wordAt(buf, j);
      marks |= zeroByte(w ^ 0x2c2c2c2c) | zeroByte(w ^ 0x22222222) | zeroByte(w ^ 0x0a0a0a0a) | zeroByte(w ^ 0x0d0d0d0d);
      if (lower) {
        high |= w;
        w = lowerWord(w);
      }
      h = mixWord(h, w);
    }
    let tail = 0;
    for (let shift = 0; j < end; j++, shift += 8) {
      let b = buf[j];
      if (b === 0x2c || b === 0x22 || b === 0x0a || b === 0x0d) marks = 1;
      if (lower) {
        high |= b;
        if (b >= 0x41 && b <= 0x5a) b |= 0x20;
      }
      tail |= b << shift;
    }
    if (lower && (high & 0x80808080) !== 0) {
      this.flags = FieldFlag.Slow;
      return;
    }
    this.hash = finishHash(h, tail, end - start);
    this.flags = marks !== 0 ? flags | FieldFlag.NeedsQuotes : flags;
  }
}

/** The hash of no bytes (hashBytes of an empty range). */
const EMPTY_HASH = finishHash(Hash.Seed, 0, 0);

/** Non-zero exactly when some byte of w is zero (the classic SWAR test, no false positives). */
function zeroByte(w: number): number {
  return (w - 0x01010101) & ~w & 0x80808080;
}

function isAsciiSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** The spaces beyond ASCII that JavaScript's \s (and so trimText) removes. */
function isSpace(cp: number): boolean {
  return cp === 0xa0 || cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0xfeff;
}

/** The code point whose UTF-8 starts at i (valid UTF-8 assumed; the probe checks it). */
function codePointAt(buf: Uint8Array, i: number): number {
  const b = buf[i];
  if (b < 0x80) return b;
  if (b < 0xe0) return ((b & 0x1f) << 6) | (buf[i + 1] & 0x3f);
  if (b < 0xf0) return ((b & 0x0f) << 12) | ((buf[i + 1] & 0x3f) << 6) | (buf[i + 2] & 0x3f);
  return 0x10000; // four bytes: beyond every space
}

function lastCodePointStart(buf: Uint8Array, start: number, end: number): number {
  let i = end - 1;
  while (i > start && (buf[i] & 0xc0) === 0x80 && end - i < 4) i--;
  return i;
}
