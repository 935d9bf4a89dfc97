import { hashBytes } from '../../src/engine/scan/byteTable';
import { FieldBytes, FieldFlag } from '../../src/engine/scan/fieldBytes';
import { trimText } from '../../src/engine/build/titleKey';
import { FieldCursor, scanRecords } from '../../src/engine/scan/scanRecords';
import { seededInts } from '../support/seededInts';

/** The cursor of the single record in `line` (CSV, comma-delimited). */
function recordOf(line: string): FieldCursor {
  const buf = Buffer.from(line + '\n', 'utf8');
  const cursor = new FieldCursor();
  let seen = 0;
  scanRecords(buf, { dialect: { delimiter: 0x2c, quote: 0x22 }, from: 0, to: buf.length, final: true }, cursor, () => {
    seen++;
    return false;
  });
  expect(seen).toBe(1);
  return cursor;
}

/**
 * What the bytes promise: unless Slow, they are the UTF-8 of the trimmed text (Unicode spaces
 * trimmed too), and the flags and hash are those of that text. Slow only where a string is needed:
 * doubled quotes, or non-ASCII letters when matching case-insensitively.
 */
function check(text: string, lower: boolean, field = 0, cursor = recordOf(text)): void {
  const f = new FieldBytes();
  f.read(cursor, field, lower);
  const trimmed = trimText(cursor.text(field));
  const escaped = cursor.escaped[field] === 1;
  const needsString = escaped || (lower && /[^\u0000-\u007f]/.test(trimmed));
  expect((f.flags & FieldFlag.Slow) !== 0).toBe(needsString);
  if (needsString) return;
  expect(Buffer.from(cursor.buf.subarray(f.start, f.end)).toString('utf8')).toBe(trimmed);
  expect((f.flags & FieldFlag.NeedsQuotes) !== 0).toBe(/[",\r\n]/.test(trimmed));
  expect((f.flags & FieldFlag.Formula) !== 0).toBe(/^[=+\-@]/.test(trimmed));
  const key = Buffer.from(lower ? trimmed.toLowerCase() : trimmed, 'utf8');
  expect(f.hash).toBe(hashBytes(key, 0, key.length, false));
}

describe('FieldBytes: a query field as bytes, or Slow where only its string will do', () => {
  test.each([
    ['Chef'],
    ['  Chef \t'],
    ['Chef\u00a0'],
    ['\u2003Chef'],
    ['Chef \u3000'],
    ['\ufeffChef'],
    ['Café'],
    ['Ωmega'],
    ['Chef\u2029'],
    ['\u1680\u2000\u200a Chef\u202f\u205f\u2028'],
    ['\u00a0\u00a0'],
    ['\u200bChef\u180e'],
    ['\u0085Chef\u00a1'],
    ['\u2060Chef\u202a\u2027'],
    ['x\u00e9'],
    ['"Chef, Head"'],
    ['"Chef ""Big"" Cook"'],
    ['Chef "Big" Cook'],
    ['=SUM(A1)'],
    [' -1'],
    ['@x'],
    ['+Chef'],
    ['"Line\nBreak"'],
    ['""'],
    ['   '],
  ])('%j', (text) => {
    check(text, false);
    check(text, true);
  });

  test('upper-case ASCII hashes as lower case when matching case-insensitively', () => {
    const f = new FieldBytes();
    f.read(recordOf('CHEF Cook'), 0, true);
    const key = Buffer.from('chef cook');
    expect(f.flags).toBe(0);
    expect(f.hash).toBe(hashBytes(key, 0, key.length, false));
  });

  test('a field the record lacks reads as empty text', () => {
    const f = new FieldBytes();
    f.read(recordOf('Chef'), 3, false);
    expect([f.start, f.end, f.flags]).toEqual([0, 0, 0]);
    expect(f.hash).toBe(hashBytes(Buffer.alloc(0), 0, 0, false));
  });

  test('on 3,000 random fields from an alphabet of spaces, quotes, commas and non-ASCII letters', () => {
    // Every Unicode space trimText removes, and near misses it keeps (U+200B, U+180E, U+0085, U+2060, U+3001).
    const spaces = ['\u00a0', '\u1680', '\u2000', '\u2003', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
    const alphabet = ['a', 'Z', ' ', '\t', ',', '"', '=', '-', '@', '+', ...spaces, '\u200b', '\u180e', '\u0085', '\u2060', '\u3001', 'é', 'Ω', '字', '😀', '\r', '\n'];
    const next = seededInts(3);
    for (let t = 0; t < 3000; t++) {
      let text = '';
      for (let i = next(t % 3 === 0 ? 24 : 8); i > 0; i--) text += alphabet[next(alphabet.length)];
      // Quoted when it must be (or sometimes anyway), as a CSV writer would.
      const quoted = /[",\r\n]/.test(text) || next(4) === 0;
      check(`x,${quoted ? `"${text.replace(/"/g, '""')}"` : text},y`, next(2) === 0, 1);
    }
  });
});
