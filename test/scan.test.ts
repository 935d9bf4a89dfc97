/**
 * Specification of the hot-path byte scanner (src/engine/scan/scanRecords.ts).
 * Reference dialect: csv-parse with the options in CSV_PARSE_OPTIONS (DESIGN.md §4); the scanner
 * must agree with it on every valid input, and the tests at the bottom check that on fixtures and
 * on thousands of generated inputs.
 */
import { parse } from 'csv-parse/sync';
import { CSV, TSV, type Dialect } from '../src/engine/scan/dialect';
import { mulberry32 } from './generate/generateDataset';
import {
  FieldCursor,
  lastRecordBoundary,
  nextLineStart,
  scanRecords,
  type ScanOptions,
  type ScanOutcome,
} from '../src/engine/scan/scanRecords';

// ---------------------------------------------------------------------------------------------
// Helpers

interface Scanned {
  rows: string[][];
  /** cursor.line of each record */
  lines: number[];
  /** cursor.recordStart of each record */
  starts: number[];
  /** offset just after the last field's content (closing quote included) of each record */
  contentEnds: number[];
  out: ScanOutcome;
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function scan(
  input: string | Uint8Array,
  opts: Partial<ScanOptions> = {},
  cursor = new FieldCursor(4),
  stopAfter = Infinity,
): Scanned {
  const buf = typeof input === 'string' ? bytes(input) : input;
  const res: Scanned = { rows: [], lines: [], starts: [], contentEnds: [], out: undefined as never };
  res.out = scanRecords(
    buf,
    { dialect: CSV, from: 0, to: buf.length, final: true, ...opts },
    cursor,
    (cur) => {
      const row: string[] = [];
      for (let i = 0; i < cur.count; i++) row.push(cur.text(i));
      res.rows.push(row);
      res.lines.push(cur.line);
      res.starts.push(cur.recordStart);
      const last = cur.count - 1;
      // a quoted last field ends at its closing quote; an unquoted one at a terminator or the end
      res.contentEnds.push(cur.ends[last] + (cur.buf[cur.ends[last]] === 0x22 ? 1 : 0));
      return res.rows.length < stopAfter;
    },
  );
  return res;
}

const CSV_PARSE_OPTIONS = {
  quote: '"',
  record_delimiter: ['\r\n', '\n', '\r'],
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: true,
  bom: false,
};

function reference(input: string, delimiter = ','): string[][] {
  return parse(input, { ...CSV_PARSE_OPTIONS, delimiter }) as string[][];
}

/** Physical line of byte `off`: 1 + terminators before it ('\r\n' counts once). */
function physLine(buf: Uint8Array, off: number): number {
  let line = 1;
  for (let i = 0; i < off; i++) {
    if (buf[i] === 0x0a || (buf[i] === 0x0d && buf[i + 1] !== 0x0a)) line++;
  }
  return line;
}


// ---------------------------------------------------------------------------------------------
// Line terminators

describe('line terminators', () => {
  test('LF ends a record', () => {
    const r = scan('a,b\nc,d\n');
    expect(r.rows).toEqual([['a', 'b'], ['c', 'd']]);
    expect(r.lines).toEqual([1, 2]);
    expect(r.out).toEqual({ next: 8, line: 3, records: 2 });
  });

  test('CRLF ends a record', () => {
    const r = scan('a,b\r\nc,d\r\n');
    expect(r.rows).toEqual([['a', 'b'], ['c', 'd']]);
    expect(r.lines).toEqual([1, 2]);
    expect(r.out.line).toBe(3);
  });

  test('a lone CR (old Mac) ends a record', () => {
    const r = scan('a,b\rc,d\r');
    expect(r.rows).toEqual([['a', 'b'], ['c', 'd']]);
    expect(r.lines).toEqual([1, 2]);
  });

  test('LF, CRLF and CR mixed in one file (csv-parse alone would keep the first and yield "ND\\r")', () => {
    const r = scan('h1,h2\r\nND,1\nCA,2\rTX,3\r\nNY,4');
    expect(r.rows).toEqual([['h1', 'h2'], ['ND', '1'], ['CA', '2'], ['TX', '3'], ['NY', '4']]);
    expect(r.lines).toEqual([1, 2, 3, 4, 5]);
  });

  test('CRLF is one terminator, never a record plus an empty line', () => {
    const r = scan('a\r\nb\r\n\r\nc');
    expect(r.rows).toEqual([['a'], ['b'], ['c']]);
    expect(r.lines).toEqual([1, 2, 4]);
  });

  test('LF followed by CR is two terminators', () => {
    const r = scan('a\n\rb');
    expect(r.rows).toEqual([['a'], ['b']]);
    expect(r.lines).toEqual([1, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Quoted fields

describe('quoted fields', () => {
  test('a delimiter inside quotes is content', () => {
    expect(scan('"Doe, Jane",x\n').rows).toEqual([['Doe, Jane', 'x']]);
  });

  test('offsets point inside the quotes', () => {
    const cur = new FieldCursor();
    scan('"ab",c', {}, cur);
    expect([cur.starts[0], cur.ends[0], cur.starts[1], cur.ends[1]]).toEqual([1, 3, 5, 6]);
    expect(Array.from(cur.escaped.subarray(0, 2))).toEqual([0, 0]);
  });

  test('"" inside quotes is one literal quote and marks the field escaped', () => {
    const cur = new FieldCursor();
    const r = scan('"5"" pipe",""""\n', {}, cur);
    expect(r.rows).toEqual([['5" pipe', '"']]);
    expect(Array.from(cur.escaped.subarray(0, 2))).toEqual([1, 1]);
    expect(cur.latin1(0)).toBe('5" pipe');
  });

  test('a line holding only "" is a record with one empty field', () => {
    const r = scan('a\n""\nb\n');
    expect(r.rows).toEqual([['a'], [''], ['b']]);
    expect(r.lines).toEqual([1, 2, 3]);
  });

  test('quoted empty fields are empty fields', () => {
    expect(scan('"","",x').rows).toEqual([['', '', 'x']]);
  });

  test('LF, CR and CRLF inside quotes are content and advance the line counter', () => {
    const r = scan('id,note\n1,"a\nb"\n2,"c\rd"\r\n3,"e\r\nf\r\n"\n4,g');
    expect(r.rows).toEqual([['id', 'note'], ['1', 'a\nb'], ['2', 'c\rd'], ['3', 'e\r\nf\r\n'], ['4', 'g']]);
    expect(r.lines).toEqual([1, 2, 4, 6, 9]);
    expect(r.out.line).toBe(9);
  });

  test('a quote inside an unquoted field is a literal character (relax_quotes)', () => {
    expect(scan('5" pipe,a""b,x"\n').rows).toEqual([['5" pipe', 'a""b', 'x"']]);
  });

  test('a quote after leading spaces does not open a quoted field', () => {
    expect(scan(' "a",b').rows).toEqual([[' "a"', 'b']]);
  });

  test('the quote byte comes from the dialect', () => {
    const r = scan("'a,b','it''s',\"x\"", { dialect: { delimiter: 0x2c, quote: 0x27 } });
    expect(r.rows).toEqual([['a,b', "it's", '"x"']]);
  });
});

// ---------------------------------------------------------------------------------------------
// Empty lines, whitespace, BOM

describe('empty lines, whitespace, BOM', () => {
  test('empty lines are skipped but counted', () => {
    const r = scan('\n\r\n\ra\n\n\nb\r\n\r\n');
    expect(r.rows).toEqual([['a'], ['b']]);
    expect(r.lines).toEqual([4, 7]);
    expect(r.out.line).toBe(9);
  });

  test('a line of spaces is a record', () => {
    expect(scan('a\n  \nb').rows).toEqual([['a'], ['  '], ['b']]);
  });

  test('a line holding only delimiters is a record of empty fields', () => {
    expect(scan(',,\n').rows).toEqual([['', '', '']]);
  });

  test('a trailing delimiter yields an empty last field, also at the end of input', () => {
    expect(scan('a,\nb,').rows).toEqual([['a', ''], ['b', '']]);
  });

  test('a UTF-8 BOM is not special-cased: callers strip it', () => {
    const r = scan('\uFEFFid,name\n1,x\n');
    expect(r.rows[0][0]).toBe('\uFEFFid');
  });
});

// ---------------------------------------------------------------------------------------------
// End of input and chunk ends

describe('end of input', () => {
  test('final: the last record needs no terminator', () => {
    const r = scan('a,b\nc,d', { final: true });
    expect(r.rows).toEqual([['a', 'b'], ['c', 'd']]);
    expect(r.out).toEqual({ next: 7, line: 2, records: 2 });
  });

  test('final: a quoted last field may end the input', () => {
    expect(scan('a,"b\nc"').rows).toEqual([['a', 'b\nc']]);
  });

  test('not final: an unterminated last record is left for the next call', () => {
    const r = scan('a,b\nc,d', { final: false });
    expect(r.rows).toEqual([['a', 'b']]);
    expect(r.out).toEqual({ next: 4, line: 2, records: 1 });
  });

  test('not final: a record ending in CR at the end is left for the next call (an LF may follow)', () => {
    const r = scan('a\nb\r', { final: false });
    expect(r.rows).toEqual([['a']]);
    expect(r.out).toEqual({ next: 2, line: 2, records: 1 });
    const e = scan('a\n\r', { final: false });
    expect(e.out).toEqual({ next: 2, line: 2, records: 1 });
  });

  test('not final: a closing quote as the last byte is not yet known to close', () => {
    const r = scan('x\n"a""', { final: false });
    expect(r.out).toEqual({ next: 2, line: 2, records: 1 });
    expect(r.out.error).toBeUndefined();
  });

  test('not final: an open quoted field is just an incomplete record', () => {
    const r = scan('a\n"b\nc', { final: false });
    expect(r.rows).toEqual([['a']]);
    expect(r.out).toEqual({ next: 2, line: 2, records: 1 });
  });

  test('empty input and from === to', () => {
    expect(scan('').out).toEqual({ next: 0, line: 1, records: 0 });
    expect(scan('a\nb', { from: 3, firstLine: 2 }).out).toEqual({ next: 3, line: 2, records: 0 });
  });

  test('from and firstLine place the scan inside a buffer', () => {
    const r = scan('skip\r\na\nb', { from: 6, firstLine: 2 });
    expect(r.rows).toEqual([['a'], ['b']]);
    expect(r.lines).toEqual([2, 3]);
    expect(r.starts).toEqual([6, 8]);
  });

  test('bytes after `to` are not looked at', () => {
    expect(scan('a,b\nc,dXYZ', { to: 7 }).rows).toEqual([['a', 'b'], ['c', 'd']]);
    expect(scan('"a"""', { to: 4 }).out.error?.kind).toBe('unterminated_quote'); // sees '"a""' only
  });
});

// ---------------------------------------------------------------------------------------------
// stopAt and early stop

describe('stopAt', () => {
  test('no record starts at or after stopAt', () => {
    const r = scan('a\nb\nc\n', { stopAt: 2 });
    expect(r.rows).toEqual([['a']]);
    expect(r.out).toEqual({ next: 2, line: 2, records: 1 });
  });

  test('a record starting before stopAt is read completely', () => {
    const r = scan('a\nbbbbbb\nc\n', { stopAt: 3 });
    expect(r.rows).toEqual([['a'], ['bbbbbb']]);
    expect(r.out).toEqual({ next: 9, line: 3, records: 2 });
  });

  test('including a multi-line quoted record', () => {
    const r = scan('a\n"b\nb\nb"\nc\n', { stopAt: 3 });
    expect(r.rows).toEqual([['a'], ['b\nb\nb']]);
    expect(r.out).toEqual({ next: 10, line: 5, records: 2 });
  });

  test('empty lines before stopAt are consumed, the scan ends at the first line start >= stopAt', () => {
    const r = scan('a\n\n\n\nb\n', { stopAt: 3 });
    expect(r.rows).toEqual([['a']]);
    expect(r.out).toEqual({ next: 3, line: 3, records: 1 });
  });

  test('a record starting before stopAt that is cut by `to` (not final) is left whole for later', () => {
    const r = scan('a\nbbbbbb', { stopAt: 3, final: false });
    expect(r.out).toEqual({ next: 2, line: 2, records: 1 });
  });
});

describe('onRecord returning false', () => {
  test('stops after that record; next is just after it', () => {
    const r = scan('a\r\nb\nc\n', {}, new FieldCursor(), 2);
    expect(r.rows).toEqual([['a'], ['b']]);
    expect(r.out).toEqual({ next: 5, line: 3, records: 2 });
  });

  test('returning undefined (void) continues', () => {
    let n = 0;
    const buf = bytes('a\nb\nc');
    const out = scanRecords(buf, { dialect: CSV, from: 0, to: buf.length, final: true }, new FieldCursor(), () => {
      n++;
    });
    expect([n, out.records]).toEqual([3, 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe('malformed input', () => {
  test('an unterminated quote at the end of the input (final) names the record start, line and field', () => {
    const r = scan('a,b\nc,"d\ne\n');
    expect(r.rows).toEqual([['a', 'b']]);
    expect(r.out).toEqual({
      next: 4,
      line: 2,
      records: 1,
      error: { kind: 'unterminated_quote', offset: 4, line: 2, field: 1 },
    });
  });

  test('a lone quote at the end (final) is unterminated', () => {
    expect(scan('"').out.error).toEqual({ kind: 'unterminated_quote', offset: 0, line: 1, field: 0 });
  });

  test('text after a closing quote names the offending byte, its line and the field', () => {
    const r = scan('h\n1,"ab"c,d\n');
    expect(r.rows).toEqual([['h']]);
    expect(r.out).toEqual({
      next: 2,
      line: 2,
      records: 1,
      error: { kind: 'text_after_closing_quote', offset: 8, line: 2, field: 1 },
    });
  });

  test('the line of text after a multi-line quoted field is the line of the offending byte', () => {
    const r = scan('x,"a\nb" \n');
    expect(r.out.error).toEqual({ kind: 'text_after_closing_quote', offset: 7, line: 2, field: 1 });
    expect(r.out.line).toBe(1);
  });

  test('deliberate difference: csv-parse (relax_quotes) reads "a" ,b as the literal field `"a" `; RFC 4180 forbids it and so do we', () => {
    expect(reference('"a" ,b')).toEqual([['"a" ', 'b']]);
    expect(scan('"a" ,b').out.error?.kind).toBe('text_after_closing_quote');
  });
});

// ---------------------------------------------------------------------------------------------
// Cursor, TSV, UTF-8

describe('cursor', () => {
  test('grows past its initial capacity and keeps earlier fields', () => {
    const cur = new FieldCursor(2);
    const fields = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? `"f,${i}"` : `f${i}`));
    const r = scan(fields.join(',') + '\nx,y,z', {}, cur);
    expect(r.rows[0]).toEqual(fields.map((f, i) => (i % 3 === 0 ? `f,${i}` : f)));
    expect(r.rows[1]).toEqual(['x', 'y', 'z']);
    expect(cur.starts.length).toBeGreaterThanOrEqual(100);
  });

  test('text(i) is empty for i >= count', () => {
    const cur = new FieldCursor();
    scan('a,b', {}, cur);
    expect([cur.count, cur.text(1), cur.text(2), cur.latin1(7)]).toEqual([2, 'b', '', '']);
  });

  test('one cursor serves many buffers, plain Uint8Arrays included', () => {
    const cur = new FieldCursor();
    expect(scan(bytes('a,b'), {}, cur).rows).toEqual([['a', 'b']]);
    const u8 = new Uint8Array(bytes('xx"c""d",e')).subarray(2); // a copy: not a Buffer
    expect(scan(u8, {}, cur).rows).toEqual([['c"d', 'e']]);
    expect(cur.buf).toBe(u8);
  });

  test('latin1 gives one char per byte (a raw-bytes key)', () => {
    const cur = new FieldCursor();
    scan('é', {}, cur);
    expect(cur.latin1(0)).toBe('\u00c3\u00a9');
    expect(cur.text(0)).toBe('é');
  });
});

describe('TSV', () => {
  test('tab-delimited; commas are content; quotes work the same', () => {
    const r = scan('area\ttitle\n01\tDoe, Jane\t"a\tb"\n', { dialect: TSV });
    expect(r.rows).toEqual([['area', 'title'], ['01', 'Doe, Jane', 'a\tb']]);
  });
});

describe('UTF-8', () => {
  test('multi-byte text passes through untouched and decodes via cursor.text', () => {
    const r = scan('Ünïcödé,日本語,"emoji 😀, ok"\r\nΣ,"a""ß"\n');
    expect(r.rows).toEqual([['Ünïcödé', '日本語', 'emoji 😀, ok'], ['Σ', 'a"ß']]);
  });
});

// ---------------------------------------------------------------------------------------------
// Random inputs

const WORDS = ['a', 'Nurse', 'CA', '15-1252', '98000.5', 'x y', '  ', '-', 'é', '日本', '😀', 'Σσ', '\u00a0', '\uFEFF', '*', '#'];
const QUOTED_PIECES = ['a', 'b c', ',', '\t', '""', '\n', '\r', '\r\n', 'é', '日本', '😀', ' ', ';', "'"];
const TERMINATORS = ['\n', '\r\n', '\r'];

interface GenOptions {
  delim: string;
  /** allow quote bytes inside unquoted fields (valid, but breaks quote parity) */
  stray: boolean;
  /** probability that a field is quoted */
  quoted: number;
}

function genField(rnd: () => number, o: GenOptions): string {
  const r = rnd();
  if (r < 0.12) return '';
  if (r < 0.12 + o.quoted) {
    const n = rnd() < 0.03 ? 200 + ((rnd() * 2000) | 0) : (rnd() * 6) | 0;
    let s = '"';
    for (let i = 0; i < n; i++) s += QUOTED_PIECES[(rnd() * QUOTED_PIECES.length) | 0];
    return s + '"';
  }
  const n = 1 + ((rnd() * 4) | 0);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += WORDS[(rnd() * WORDS.length) | 0];
    if (o.stray && rnd() < 0.08) s += rnd() < 0.5 ? '"' : '""'; // never at the start: s is not empty
  }
  if (rnd() < 0.02) s += 'L'.repeat(500 + ((rnd() * 1500) | 0));
  return s;
}

function genCsv(rnd: () => number, o: GenOptions): string {
  const records = (rnd() * 12) | 0;
  let s = '';
  for (let r = 0; r < records; r++) {
    while (rnd() < 0.1) s += TERMINATORS[(rnd() * 3) | 0]; // empty lines
    const fields = 1 + (rnd() < 0.05 ? (rnd() * 80) | 0 : (rnd() * 6) | 0); // ragged, sometimes wide
    const parts: string[] = [];
    for (let f = 0; f < fields; f++) parts.push(genField(rnd, o));
    s += parts.join(o.delim);
    if (r < records - 1 || rnd() < 0.5) s += TERMINATORS[(rnd() * 3) | 0];
  }
  return s;
}

function randomInputs(seed: number, count: number, o: GenOptions): string[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: count }, () => genCsv(rnd, o));
}

describe('agrees with csv-parse', () => {
  const FIXTURES = [
    'AREA_TITLE,OCC_CODE,A_MEDIAN\r\nAlabama,15-1252,"98,000"\r\nAlaska,15-1252,*\r\n',
    'area_title\tocc_title\n"Doe, ""J"""\tAccountants and Auditors\n',
    'Notes line 1\nNotes, line 2\n\n\nSOC,Title\n11-1011,"Chief\nExecutives"\n',
    'a,b\rc,d\r\ne,f\ng,"h\r\ni"\r',
    '"",""\n,\n\n""\r\n  \n',
    ' "a",b"c,d"" e\n',
    '\uFEFFid,name\n1,"Müller, 😀"\n',
    'x',
    '\n\n\n',
    '"a"',
  ];

  test.each(FIXTURES.map((f) => [JSON.stringify(f), f]))('fixture %s', (_name, input) => {
    const delim = input.includes('\t') ? '\t' : ',';
    const dialect: Dialect = { delimiter: delim.charCodeAt(0), quote: 0x22 };
    const r = scan(input, { dialect });
    expect(r.out.error).toBeUndefined();
    expect(r.rows).toEqual(reference(input, delim));
  });

  function checkRandom(seed: number, count: number, o: GenOptions): void {
    const dialect: Dialect = { delimiter: o.delim.charCodeAt(0), quote: 0x22 };
    const cursor = new FieldCursor(4);
    for (const input of randomInputs(seed, count, o)) {
      const buf = bytes(input);
      const r = scan(buf, { dialect }, cursor);
      if (r.out.error || JSON.stringify(r.rows) !== JSON.stringify(reference(input, o.delim))) {
        // Show the failing input itself, not just a diff of thousands of rows.
        expect({ input, rows: r.rows, error: r.out.error }).toEqual({ input, rows: reference(input, o.delim), error: undefined });
      }
      expect(r.out.next).toBe(buf.length);
      expect(r.out.line).toBe(physLine(buf, buf.length));
      for (let k = 0; k < r.starts.length; k++) {
        if (r.lines[k] !== physLine(buf, r.starts[k])) expect({ input, k, line: r.lines[k] }).toEqual({ input, k, line: physLine(buf, r.starts[k]) });
      }
    }
  }

  test('2,000 random CSV inputs (quotes, delimiters, CR/LF/CRLF in and between fields, unicode, ragged rows)', () => {
    checkRandom(1, 2000, { delim: ',', stray: true, quoted: 0.35 });
  });

  test('500 random TSV inputs', () => {
    checkRandom(2, 500, { delim: '\t', stray: true, quoted: 0.35 });
  });

  test('500 random semicolon inputs', () => {
    checkRandom(3, 500, { delim: ';', stray: true, quoted: 0.35 });
  });
});

describe('chunked scanning (streaming)', () => {
  /** Feeds `buf` in pieces ending at `cuts`, carrying the undelivered tail over, like a stream reader. */
  function scanStreamed(buf: Buffer, cuts: number[]): Scanned {
    const res: Scanned = { rows: [], lines: [], starts: [], contentEnds: [], out: undefined as never };
    const cursor = new FieldCursor(2);
    let carry: Buffer = Buffer.alloc(0);
    let carryAt = 0; // offset of carry[0] in the whole input
    let line = 1;
    let prev = 0;
    for (const end of [...cuts, buf.length]) {
      const chunk = Buffer.concat([carry, buf.subarray(prev, end)]);
      prev = end;
      const out = scanRecords(
        chunk,
        { dialect: CSV, from: 0, to: chunk.length, final: end === buf.length, firstLine: line },
        cursor,
        (cur) => {
          const row: string[] = [];
          for (let i = 0; i < cur.count; i++) row.push(cur.text(i));
          res.rows.push(row);
          res.lines.push(cur.line);
          res.starts.push(carryAt + cur.recordStart);
        },
      );
      expect(out.error).toBeUndefined();
      carry = chunk.subarray(out.next);
      carryAt += out.next;
      line = out.line;
      res.out = out;
    }
    return res;
  }

  test('scanning in random pieces yields the same records and lines as one pass', () => {
    const rnd = mulberry32(7);
    for (const input of randomInputs(8, 600, { delim: ',', stray: true, quoted: 0.4 })) {
      const buf = bytes(input);
      const whole = scan(buf);
      const cuts = Array.from({ length: (rnd() * 5) | 0 }, () => (rnd() * (buf.length + 1)) | 0).sort((a, b) => a - b);
      const streamed = scanStreamed(buf, cuts);
      expect({ input, cuts, rows: streamed.rows, lines: streamed.lines, starts: streamed.starts }).toEqual({
        input,
        cuts,
        rows: whole.rows,
        lines: whole.lines,
        starts: whole.starts,
      });
      expect(streamed.out.line).toBe(whole.out.line);
    }
  });

  test('continuing from `next` in the same, now longer, buffer gives the same records', () => {
    const rnd = mulberry32(9);
    for (const input of randomInputs(10, 400, { delim: ',', stray: true, quoted: 0.4 })) {
      const buf = bytes(input);
      const whole = scan(buf);
      const cut = (rnd() * (buf.length + 1)) | 0;
      const first = scan(buf, { to: cut, final: false });
      const rest = scan(buf, { from: first.out.next, firstLine: first.out.line });
      expect({ input, cut, rows: [...first.rows, ...rest.rows], lines: [...first.lines, ...rest.lines] }).toEqual({
        input,
        cut,
        rows: whole.rows,
        lines: whole.lines,
      });
    }
  });
});

describe('byte ranges (nextLineStart + stopAt)', () => {
  test('nextLineStart finds the first offset after a terminator', () => {
    const buf = bytes('ab\r\ncd\ref\ngh');
    expect(nextLineStart(buf, 0, buf.length)).toBe(0);
    expect(nextLineStart(buf, 1, buf.length)).toBe(4); // not 3: '\r\n' is one terminator
    expect(nextLineStart(buf, 3, buf.length)).toBe(4);
    expect(nextLineStart(buf, 4, buf.length)).toBe(4);
    expect(nextLineStart(buf, 5, buf.length)).toBe(7); // after the lone '\r'
    expect(nextLineStart(buf, 8, buf.length)).toBe(10);
    expect(nextLineStart(buf, 11, buf.length)).toBe(buf.length);
    expect(nextLineStart(buf, 5, 6)).toBe(6); // none before end
  });

  test('nextLineStart is quote-blind: inside a multi-line field its guess is wrong', () => {
    const buf = bytes('a,"x\ny"\nb\n');
    expect(nextLineStart(buf, 3, buf.length)).toBe(5); // inside the quoted field
  });

  test('two ranges concatenate to the whole file unless the cut falls inside a quoted field, which is detected', () => {
    const rnd = mulberry32(11);
    let agreed = 0;
    let detected = 0;
    let quotedCuts = 0;
    for (const input of randomInputs(12, 1000, { delim: ',', stray: true, quoted: 0.5 })) {
      const buf = bytes(input);
      const whole = scan(buf);
      for (let k = 0; k < 5; k++) {
        const c = (rnd() * (buf.length + 1)) | 0;
        const first = scan(buf, { from: nextLineStart(buf, 0, buf.length), stopAt: c });
        const guess = nextLineStart(buf, c, buf.length);
        const second = scan(buf, { from: guess });
        // Is the guess strictly inside a record (i.e. inside a quoted field holding a terminator)?
        const insideRecord = whole.starts.some((s, i) => s < guess && guess < whole.contentEnds[i]);
        // Does the cut fall inside a record that has a line terminator (inside quotes, necessarily)
        // just before the cut or after it?
        const cutBeforeQuotedTerminator = whole.starts.some((s, i) => {
          if (!(s < c && c < whole.contentEnds[i])) return false;
          const rec = buf.subarray(c - 1, whole.contentEnds[i]);
          return rec.includes(0x0a) || rec.includes(0x0d);
        });
        if (first.out.next === guess) {
          agreed++;
          expect({ input, c, rows: [...first.rows, ...second.rows] }).toEqual({ input, c, rows: whole.rows });
          expect(insideRecord).toBe(false);
        } else {
          detected++;
          expect({ input, c, insideRecord }).toEqual({ input, c, insideRecord: true });
        }
        // The detection property the engine relies on: such a cut makes the guess differ.
        if (cutBeforeQuotedTerminator) {
          quotedCuts++;
          expect({ input, c, insideRecord, differs: first.out.next !== guess }).toEqual({ input, c, insideRecord: true, differs: true });
        }
      }
    }
    expect(agreed).toBeGreaterThan(1000);
    expect(detected).toBeGreaterThan(50);
    expect(quotedCuts).toBe(detected);
  });
});

// ---------------------------------------------------------------------------------------------
// lastRecordBoundary

describe('lastRecordBoundary', () => {
  const Q = 0x22;
  const lrb = (s: string, inQuote = false, from = 0, to?: number) => {
    const buf = bytes(s);
    return lastRecordBoundary(buf, from, to ?? buf.length, Q, inQuote);
  };

  test('offset just after the last terminator', () => {
    expect(lrb('a,b\nc,d\ne')).toEqual({ boundary: 8, inQuoteAtTo: false });
    expect(lrb('a,b\nc,d\n')).toEqual({ boundary: 8, inQuoteAtTo: false });
  });

  test('-1 when the range holds no terminator', () => {
    expect(lrb('abc')).toEqual({ boundary: -1, inQuoteAtTo: false });
    expect(lrb('')).toEqual({ boundary: -1, inQuoteAtTo: false });
  });

  test('terminators inside quotes are skipped', () => {
    expect(lrb('h\na,"x\ny')).toEqual({ boundary: 2, inQuoteAtTo: true });
    expect(lrb('a,"x\ny"')).toEqual({ boundary: -1, inQuoteAtTo: false });
  });

  test('"" escapes toggle twice and change nothing', () => {
    expect(lrb('a,"x""\ny"\nb')).toEqual({ boundary: 10, inQuoteAtTo: false });
    expect(lrb('a,"x""\ny')).toEqual({ boundary: -1, inQuoteAtTo: true });
  });

  test('a quoted field spanning chunks: the next chunk starts inside quotes', () => {
    const s = 'id,note\n1,"first\nsecond\nthird"\n2,x\n';
    const buf = bytes(s);
    const cut = s.indexOf('second') + 2;
    const a = lastRecordBoundary(buf, 0, cut, Q, false);
    expect(a).toEqual({ boundary: 8, inQuoteAtTo: true });
    const b = lastRecordBoundary(buf, cut, buf.length, Q, a.inQuoteAtTo);
    expect(b).toEqual({ boundary: buf.length, inQuoteAtTo: false });
    const c = lastRecordBoundary(buf, cut, s.indexOf('third') + 2, Q, true);
    expect(c).toEqual({ boundary: -1, inQuoteAtTo: true }); // its newlines are all inside quotes
  });

  test('CRLF is never split; a CR as the last byte is not a boundary (an LF may follow)', () => {
    expect(lrb('a\r\nb\r\n')).toEqual({ boundary: 6, inQuoteAtTo: false });
    expect(lrb('a\r\nb\r')).toEqual({ boundary: 3, inQuoteAtTo: false });
    expect(lrb('a\rb\rc')).toEqual({ boundary: 4, inQuoteAtTo: false });
    expect(lrb('\r')).toEqual({ boundary: -1, inQuoteAtTo: false });
  });

  test('from and to are absolute offsets', () => {
    expect(lrb('a\nb\nc\nd', false, 3, 6)).toEqual({ boundary: 6, inQuoteAtTo: false });
    expect(lrb('a\nb\nc\nd', false, 3, 5)).toEqual({ boundary: 4, inQuoteAtTo: false });
    expect(lrb('a\nb\nc\nd', false, 4, 5)).toEqual({ boundary: -1, inQuoteAtTo: false });
  });

  /** Byte-by-byte reference of the same contract. */
  function naive(buf: Uint8Array, from: number, to: number, inQuote: boolean) {
    let q = inQuote;
    let boundary = -1;
    for (let i = from; i < to; i++) {
      const b = buf[i];
      if (b === Q) q = !q;
      else if (!q && (b === 0x0a || (b === 0x0d && i + 1 < to && buf[i + 1] !== 0x0a))) boundary = i + 1;
    }
    return { boundary, inQuoteAtTo: q };
  }

  test('random inputs: matches a byte-by-byte reference, and chunks cut there scan to the whole file', () => {
    const rnd = mulberry32(13);
    // No stray quotes: parity is exact only for well-formed quoting (see the function's doc).
    for (const input of randomInputs(14, 600, { delim: ',', stray: false, quoted: 0.5 })) {
      const buf = bytes(input);
      const whole = scan(buf);
      const rows: string[][] = [];
      let start = 0;
      let from = 0;
      let inQuote = false;
      while (from < buf.length) {
        const to = Math.min(buf.length, from + 1 + ((rnd() * 64) | 0));
        const r = lastRecordBoundary(buf, from, to, Q, inQuote);
        expect({ input, from, to, r }).toEqual({ input, from, to, r: naive(buf, from, to, inQuote) });
        if (r.boundary >= 0) {
          rows.push(...scan(buf.subarray(start, r.boundary)).rows); // a whole number of records
          start = r.boundary;
        }
        inQuote = r.inQuoteAtTo;
        from = to;
      }
      rows.push(...scan(buf.subarray(start)).rows);
      expect({ input, rows }).toEqual({ input, rows: whole.rows });
    }
  });
});
