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
 * bytes, and flags. The bytes are exactly the UTF-8 of the trimmed text (what trimText gives:
 * ASCII spaces and the Unicode ones, NBSP, U+2000…, trimmed from the bytes too) unless Slow is
 * set: for a field with doubled quotes or, when matching case-insensitively, one with non-ASCII
 * characters (whose lower case only the string knows). A Slow field's start, end and hash mean
 * nothing.
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
    while (start < end) {
      const n = spaceWidthAt(buf, start, end);
      if (n === 0) break;
      start += n;
    }
    while (end > start) {
      const n = spaceWidthBefore(buf, start, end);
      if (n === 0) break;
      end -= n;
    }
    this.start = start;
    this.end = end;
    let flags = 0;
    if (start < end) {
      const first = buf[start];
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

/**
 * The width in bytes of the space trimText removes that starts at i (i < end) and ends by `end`,
 * or 0: an ASCII space (0x20, 0x09..0x0d: 1), NBSP (C2 A0: 2), or U+1680, U+2000..U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF (3) — JavaScript's \s beyond ASCII.
 */
function spaceWidthAt(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i];
  if (b < 0x80) return b === 0x20 || (b >= 0x09 && b <= 0x0d) ? 1 : 0;
  if (b === 0xc2) return i + 2 <= end && buf[i + 1] === 0xa0 ? 2 : 0;
  if (i + 3 > end) return 0;
  const c = (buf[i + 1] << 8) | buf[i + 2];
  switch (b) {
    case 0xe1:
      return c === 0x9a80 ? 3 : 0;
    case 0xe2:
      return (c >= 0x8080 && c <= 0x808a) || c === 0x80a8 || c === 0x80a9 || c === 0x80af || c === 0x819f ? 3 : 0;
    case 0xe3:
      return c === 0x8080 ? 3 : 0;
    case 0xef:
      return c === 0xbbbf ? 3 : 0;
    default:
      return 0;
  }
}

/** The width of the space trimText removes that ends at `end` (start < end) and begins at or after start, or 0. */
function spaceWidthBefore(buf: Uint8Array, start: number, end: number): number {
  if (buf[end - 1] < 0x80) return spaceWidthAt(buf, end - 1, end);
  // A space's lead byte (C2, E1..EF) is never a continuation byte: no need to decode backwards.
  if (end - start >= 2 && spaceWidthAt(buf, end - 2, end) === 2) return 2;
  if (end - start >= 3 && spaceWidthAt(buf, end - 3, end) === 3) return 3;
  return 0;
}
