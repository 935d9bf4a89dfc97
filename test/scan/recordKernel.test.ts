import { readFileSync } from 'fs';
import * as path from 'path';
import { ByteHeap } from '../../src/engine/memory/byteHeap';
import type { Dialect } from '../../src/engine/scan/dialect';
import { FieldBytes } from '../../src/engine/scan/fieldBytes';
import { RecordKernel } from '../../src/engine/scan/recordKernel';
import { RECORD_KERNEL } from '../../src/engine/scan/recordKernel.wasm';
import { FieldCursor, scanRecords, type ScanOptions } from '../../src/engine/scan/scanRecords';
import { seededInts } from '../support/seededInts';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { assembleKernels } = require('../../scripts/assembleKernels');

const COMMA: Dialect = { delimiter: 0x2c, quote: 0x22 };

interface Truth {
  next: number;
  title: FieldBytes;
  location: FieldBytes;
  count: number;
}

/** What scanRecords and FieldBytes.read make of the one record at pos (undefined: none delivered). */
function truthAt(buf: Uint8Array, pos: number, to: number, dialect: Dialect, cols: [number, number], lower: boolean): Truth | undefined {
  const cursor = new FieldCursor();
  const title = new FieldBytes();
  const location = new FieldBytes();
  let count = -1;
  const outcome = scanRecords(buf, { dialect, from: pos, to, final: false, stopAt: pos + 1 }, cursor, (cur) => {
    count = cur.count;
    title.read(cur, cols[0], lower);
    location.read(cur, cols[1], false);
  });
  return outcome.records === 1 && !outcome.error ? { next: outcome.next, title, location, count } : undefined;
}

/**
 * Every record the kernel takes, it takes exactly as scanRecords + FieldBytes.read: the same end,
 * the same extents, hashes and flags. Returns how many of the records it took.
 */
function compareAll(text: string, dialect: Dialect, cols: [number, number], lower: boolean): { taken: number; records: number } {
  const heap = ByteHeap.create()!;
  const kernel = new RecordKernel(heap);
  const bytes = Buffer.from(text, 'utf8');
  const buf = heap.take(bytes.length + 16)!.subarray(0, bytes.length);
  buf.set(bytes);
  const base = heap.offsetOf(buf);
  const title = new FieldBytes();
  const location = new FieldBytes();
  let taken = 0;
  let records = 0;
  for (let pos = 0; pos < buf.length; ) {
    const truth = truthAt(buf, pos, buf.length, dialect, cols, lower);
    const next = kernel.next(base, pos, buf.length, dialect, cols[0], cols[1], lower, title, location);
    if (truth) records++;
    if (next >= 0) {
      taken++;
      expect(truth).toBeDefined();
      expect({ next, title: { ...title }, location: { ...location } }).toEqual({ next: truth!.next, title: { ...truth!.title }, location: { ...truth!.location } });
      expect(truth!.count).toBeGreaterThan(Math.max(...cols));
    }
    // On to the next record as scanRecords sees it (empty lines skipped).
    const step = scanRecords(buf, { dialect, from: pos, to: buf.length, final: true, stopAt: pos + 1 }, new FieldCursor(), () => {});
    if (step.error || step.next === pos) break;
    pos = step.next;
  }
  return { taken, records };
}

/** Random records from pieces that hit every rule: quotes, doubled quotes, CR, LF, spaces (Unicode ones too), non-ASCII edges, formulas. */
function randomCsv(seed: number, records: number, delimiter: string): string {
  const next = seededInts(seed);
  const pieces = ['Chef', 'cook', 'Austin', ' ', '  ', '\t', ',', delimiter, '"', '""', 'é', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u200b', '\u0085', 'Ωmega', '=', '+', '-', '@', 'TX', 'a', 'ZZ', '\r'];
  const field = (): string => {
    const n = next(5);
    let text = '';
    for (let i = 0; i < n; i++) text += pieces[next(pieces.length)];
    // Valid CSV throughout (a malformed record ends the comparison): quotes doubled inside quoted
    // fields; an unquoted field keeps its inner quotes but cannot start with one.
    if (next(3) === 0) return `"${text.replace(/"/g, '""')}"`;
    return text.split(delimiter).join('').replace(/[\r\n]/g, '').replace(/^"+/, '');
  };
  const lines: string[] = [];
  for (let r = 0; r < records; r++) {
    const fields = Array.from({ length: 1 + next(4) }, field);
    lines.push(fields.join(delimiter) + ['\n', '\n', '\r\n', '\r', '\n\n'][next(5)]);
  }
  return lines.join('');
}

describe('RecordKernel: the WebAssembly fast lane of the query scan', () => {
  test('the kernels\' bytes are what the assembler makes of their .wat (run `npm run build:wasm` after editing one)', async () => {
    const kernels: { path: string; text: string }[] = await assembleKernels();
    for (const { path: file, text } of kernels) expect(readFileSync(file, 'utf8')).toBe(text);
    expect(kernels.map((k) => path.basename(k.path))).toEqual(['copyKernel.wasm.ts', 'recordKernel.wasm.ts']);
    expect(RECORD_KERNEL.length).toBeGreaterThan(100);
  });

  test('takes every plain record of a plain file, as scanRecords and FieldBytes read it', () => {
    const text = 'id,title,location\n1,Chef,TX\n2,  Head Chef ,"Austin, TX"\n3,=SUM(A1),-CA\n4,Cook,"  Reno, NV "\r\n5,Café Manager,Zürich\n6,,\n';
    expect(compareAll(text, COMMA, [1, 2], false)).toEqual({ taken: 7, records: 7 });
  });

  test('declines what only scanRecords or the decoded text can judge', () => {
    const declined = ['1,"Chef ""Big""",TX\n', '1,"Line\nBreak",TX\n', '1,Chef\rTX\n', '1,Chef,TX', '1,"Chef"x,TX\n', '1,Chef\n', '1,Chef,TX\r'];
    for (const text of declined) expect([text, compareAll(text, COMMA, [1, 2], false).taken]).toEqual([text, 0]);
    // An empty line is scanRecords' to skip; the record after it is the kernel's again.
    expect(compareAll('\n1,Chef,TX\n', COMMA, [1, 2], false)).toEqual({ taken: 1, records: 1 });
    expect(compareAll('1,Café,TX\n', COMMA, [1, 2], true).taken).toBe(0);
    expect(compareAll('1,CHEF Cook,TX\n', COMMA, [1, 2], true).taken).toBe(1);
  });

  test('takes fields with Unicode spaces at their edges, trimmed as trimText trims them, and non-ASCII letters there', () => {
    const spaces = ['\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
    const text = spaces.map((s, i) => `${i},${s}Chef ${s}\u00a0,"${s}Austin, TX${s} "\n`).join('') + '20,é,Zürich\n21,Café\u00a0,\u00a0\u3000\n';
    expect(compareAll(text, COMMA, [1, 2], false)).toEqual({ taken: spaces.length + 2, records: spaces.length + 2 });
    // Near misses, left in the field: U+200B, U+180E, U+0085, U+00A1, U+2060, U+202A, U+2027, U+3001, U+FFFE.
    const others = ['\u200b', '\u180e', '\u0085', '\u00a1', '\u2060', '\u202a', '\u2027', '\u3001', '\ufffe'];
    expect(compareAll(others.map((s, i) => `${i},${s}Chef${s},TX\n`).join(''), COMMA, [1, 2], false)).toEqual({ taken: others.length, records: others.length });
  });

  test('fields of every length to 40, with a byte to mark at each place: the 16-byte blocks, the last partial one and the last word', () => {
    const rows: string[] = [];
    for (let length = 0; length <= 40; length++) {
      const plain = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN'.slice(0, length);
      rows.push(`0,${plain},${plain}`);
      for (let at = 0; at < length; at++) {
        const put = (c: string) => plain.slice(0, at) + c + plain.slice(at + 1);
        // a quote inside an unquoted field, a comma inside a quoted one (both must be quoted on
        // output), a non-ASCII byte (Slow under lower case)
        rows.push(`1,${at === 0 ? 'x' : put('"')},"${put(',')}"`, `2,${put('é').slice(0, length)},${put('Z')}`);
      }
    }
    const text = rows.join('\n') + '\n';
    for (const lower of [false, true]) {
      const { taken, records } = compareAll(text, COMMA, [1, 2], lower);
      expect(records).toBe(rows.length);
      // Under lower case the rows with é are the decoded text's.
      expect(taken).toBe(lower ? rows.length - rows.filter((r) => r.includes('é')).length : rows.length);
    }
  });

  test.each([
    ['comma', ',', COMMA, false],
    ['comma, lower case', ',', COMMA, true],
    ['tab', '\t', { delimiter: 0x09, quote: 0x22 }, false],
    ['semicolon, quote byte \'', ';', { delimiter: 0x3b, quote: 0x27 }, false],
  ])('agrees with scanRecords + FieldBytes on 3,000 random records (%s)', (_name, delimiter, dialect, lower) => {
    let taken = 0;
    let records = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const result = compareAll(randomCsv(seed, 100, delimiter), dialect, [0, 1], lower);
      taken += result.taken;
      records += result.records;
    }
    expect(records).toBeGreaterThan(2000);
    // Most random records hold something it declines (or too few fields); the plain ones, with
    // quoted commas, spaces to trim, formulas and CRLF among them, must still be taken.
    expect(taken).toBeGreaterThan(records / 20);
  });
});

describe('RecordKernel.scan: scanRecords with the kernel taking the plain records', () => {
  /** The records (title and location as FieldBytes see them) and the outcome of a scan. */
  function run(buf: Buffer, base: number, opts: ScanOptions, kernel?: RecordKernel) {
    const seen: string[] = [];
    const fields = { title: new FieldBytes(), location: new FieldBytes() };
    const note = () => seen.push(JSON.stringify([{ ...fields.title }, { ...fields.location }]));
    const onRecord = (cur: FieldCursor): boolean => {
      if (cur.count < 2) {
        seen.push(`short record at line ${cur.line}`);
        return cur.line % 2 === 0; // stop at some of them, as a too-few-fields error does
      }
      fields.title.read(cur, 0, false);
      fields.location.read(cur, 1, false);
      note();
      return true;
    };
    const outcome = kernel ? kernel.scan(buf, base, { ...opts }, new FieldCursor(), [0, 1], false, fields, note, onRecord) : scanRecords(buf, opts, new FieldCursor(), onRecord);
    return { seen, outcome };
  }

  test('delivers what scanRecords delivers, with the same outcome, wherever the bytes are cut', () => {
    const heap = ByteHeap.create()!;
    const kernel = new RecordKernel(heap);
    const next = seededInts(99);
    let cases = 0;
    for (let seed = 1; seed <= 60; seed++) {
      let text = randomCsv(seed, 40, ',');
      // Now and then a malformed record: an unclosed quote, text after a closing quote.
      if (seed % 5 === 0) text = text.slice(0, text.length >> 1) + ['"open, never closed\n', '"closed"then text,x\n'][seed % 2] + text.slice(text.length >> 1);
      const bytes = Buffer.from(text, 'utf8');
      const region = heap.take(bytes.length + 16)!;
      const buf = region.subarray(0, bytes.length);
      buf.set(bytes);
      const base = heap.offsetOf(buf);
      for (let k = 0; k < 5; k++) {
        const to = k === 0 ? buf.length : next(buf.length + 1);
        const opts: ScanOptions = { dialect: COMMA, from: 0, to, final: k % 2 === 0, stopAt: k === 3 ? next(to + 1) : to, firstLine: 1 + next(5) };
        expect(run(buf, base, opts, kernel)).toEqual(run(buf, base, opts));
        cases++;
      }
      heap.give(region);
    }
    expect(cases).toBe(300);
  });
});
