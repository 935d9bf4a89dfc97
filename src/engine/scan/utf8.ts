/**
 * UTF-8 validity of scanned records. Text read as UTF-8 (an encoding of utf8, given or detected)
 * must be valid UTF-8: an invalid byte is reported with its file, line and column instead of
 * being decoded silently as U+FFFD. The check is one native isUtf8 call over the bytes of the
 * records a scan delivered (tens of GB/s, so nothing per row); locating the byte is a cold path.
 */
import { isUtf8 } from 'buffer';
import { InputError } from '../errors';
import { CR, LF, type Dialect } from './dialect';
import { FieldCursor, scanRecords } from './scanRecords';

/**
 * Offset of the first byte in [from, to) that does not belong to a well-formed UTF-8 sequence
 * (the lead byte of a bad or cut sequence, or a stray continuation byte); -1 when all are valid.
 * [from, to) must start and end on character boundaries, as whole records do.
 */
export function firstInvalidUtf8(buf: Uint8Array, from: number, to: number): number {
  if (to <= from || isUtf8(buf.subarray(from, to))) return -1;
  for (let i = from; i < to; ) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = i + k < to ? buf[i + k] : -1;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return from; // isUtf8 and this walk disagree: report the start rather than nothing
}

/**
 * `to`, less a character cut off at the end (a lead byte followed by fewer continuation bytes
 * than it announces): where a chunk that may stop inside a character can be checked up to.
 */
export function wholeCharactersEnd(buf: Uint8Array, from: number, to: number): number {
  for (let back = 1; back <= 3 && to - back >= from; back++) {
    const b = buf[to - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look for its lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? to - back : to;
  }
  return to;
}

export interface BytePlace {
  /** Physical line of the byte (line breaks before it, quoted ones included, plus firstLine). */
  line: number;
  /** 0-based field of the record holding the byte; -1 when it lies in no field. */
  field: number;
  /** Start of the record holding the byte (or `from`). */
  recordStart: number;
  /** Physical line on which that record starts. */
  recordLine: number;
}

/** Where byte `offset` lies in the whole records [from, to) of buf, whose first line is firstLine. */
export function locateByte(buf: Uint8Array, from: number, to: number, dialect: Dialect, firstLine: number, offset: number): BytePlace {
  const place: BytePlace = { line: firstLine, field: -1, recordStart: from, recordLine: firstLine };
  scanRecords(buf, { dialect, from, to, final: true, firstLine }, new FieldCursor(), (cur) => {
    if (cur.recordStart > offset) return false;
    place.recordStart = cur.recordStart;
    place.recordLine = cur.line;
    place.field = -1;
    for (let f = 0; f < cur.count; f++) {
      if (cur.starts[f] <= offset && offset < cur.ends[f]) place.field = f;
    }
    return true;
  });
  let line = place.recordLine;
  for (let i = place.recordStart; i < offset; i++) {
    if (buf[i] === LF || (buf[i] === CR && buf[i + 1] !== LF)) line++;
  }
  place.line = line;
  return place;
}

/** The message for an invalid byte in a table read as UTF-8. */
export function invalidUtf8Error(role: string, byte: number, location: { file: string; line?: number; column?: string }): InputError {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0');
  return new InputError(
    `${role}: byte 0x${hex} is not valid UTF-8`,
    location,
    "UTF-8 text; if the file is in another encoding, name it with the table's encoding option, e.g. windows-1252",
  );
}
