import { sharedFile } from '../support/sharedData';
import { readFileSync } from 'fs';
import { parse } from 'csv-parse/sync';
import { INVALID_WAGE, parseWageBytes, parseWageText } from '../../src/engine/values/parseWage';
import { seededInts } from '../support/seededInts';

const OES_STATE_2018 = sharedFile('oes', 'state_M2018_5col_all.csv');
const OES_NATIONAL_2019 = sharedFile('oes', 'national_M2019_dl.csv');

/** parseWageBytes on the UTF-8 of s, placed inside other bytes so that start > 0. */
function viaBytes(s: string, top?: number): number {
  const buf = Buffer.from(`9,${s},9`, 'utf8');
  return parseWageBytes(buf, 2, buf.length - 2, top);
}

describe('parseWageText: numbers', () => {
  test.each([
    ['12000', 12000],
    ['12,000', 12000],
    ['146,875,480', 146875480],
    ['1,943,760', 1943760],
    ['66.59', 66.59],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['007', 7],
    [' $39,810.00 ', 39810],
    ['$39,810', 39810],
    ['-5', -5],
    ['-1,234.50', -1234.5],
    ['-$1,234.50', -1234.5],
    ['$-1,234.50', -1234.5],
    ['\u00a053,490\u00a0', 53490],
    ['\ufeff53490', 53490],
    ['\t21.05\r\n', 21.05],
    ['1,234,567.891', 1234567.891],
  ])('%p → %p', (s, v) => {
    expect(parseWageText(s)).toBe(v);
  });

  test('"0" is 0 and "-0" is -0', () => {
    expect(Object.is(parseWageText('0'), 0)).toBe(true);
    expect(Object.is(parseWageText('-0'), -0)).toBe(true);
  });

  test('more digits than a double holds: the value Number() gives', () => {
    expect(parseWageText('9,007,199,254,740,993')).toBe(Number('9007199254740993'));
    expect(parseWageText('0.1234567890123456789012345')).toBe(Number('0.1234567890123456789012345'));
  });
});

describe('parseWageText: missing markers → NaN', () => {
  test.each(['', '   ', '\u00a0', '*', '**', '#', '~', 'N/A', 'n/a', 'N/a', 'NA', 'na', ' * ', '\u00a0**\u00a0'])(
    '%p → NaN',
    (s) => {
      expect(parseWageText(s)).toBeNaN();
    },
  );

  test('an empty cell is never 0 (Number("") is)', () => {
    expect(Number('')).toBe(0);
    expect(parseWageText('')).toBeNaN();
    expect(parseWageText(' ')).toBeNaN();
  });

  test('"#" gives the top-code value when one is given', () => {
    expect(parseWageText('#', 208000)).toBe(208000);
    expect(parseWageText(' # ', 100)).toBe(100);
  });

  test('other markers stay NaN when a top-code value is given', () => {
    for (const s of ['*', '**', '~', '', 'N/A', 'NA']) expect(parseWageText(s, 208000)).toBeNaN();
  });
});

describe('parseWageText: garbage → INVALID_WAGE', () => {
  test('INVALID_WAGE is -Infinity, told apart from NaN and from numbers', () => {
    expect(INVALID_WAGE).toBe(Number.NEGATIVE_INFINITY);
  });

  test.each([
    'abc',
    'TRUE',
    '1.2.3',
    '12 000',
    '1e5',
    '+5',
    'Infinity',
    '0x10',
    '-',
    '$',
    '.',
    '-.',
    '$ 5',
    '5$',
    '--5',
    '-$-5',
    '$$5',
    '***',
    '##',
    'N/A.',
    'N A',
    '5 *',
    '١٢', // Arabic-Indic digits
  ])('%p → INVALID_WAGE', (s) => {
    expect(parseWageText(s)).toBe(INVALID_WAGE);
  });

  // Comma rule: thousands separator only — 1–3 digits before the first comma, exactly 3 after each.
  test.each(['12,5', '12,50', '1,2345', '1234,567', ',123', '1,', '1,,234', '1,234,5', '1,234,5678', '1.234,5', '0.1,234'])(
    'comma not followed by exactly 3 digits: %p → INVALID_WAGE',
    (s) => {
      expect(parseWageText(s)).toBe(INVALID_WAGE);
    },
  );

  test('a space is not whitespace inside the number', () => {
    expect(parseWageText('12, 000')).toBe(INVALID_WAGE);
  });
});

describe('parseWageBytes equals parseWageText', () => {
  const samples = [
    '', ' ', '\u00a0', '\ufeff', '*', '**', '#', '~', 'N/A', 'n/a', 'NA', 'na', '0', '-0', '12,000', '146,875,480', '66.59',
    ' $39,810.00 ', '-$1,234.50', '$-1', '\u00a053,490\u00a0', '12,5', 'abc', '1.2.3', '1e5', '.5', '5.', '0.1', '0.3',
    '9007199254740991', '9007199254740992', '9007199254740993', '123456789012345678901234567890',
    '0.1234567890123456789012345', '1.7976931348623157', '4.35', '100.00', '0.000001', '1'.repeat(400),
    'é', '\u00a0', 'N/A\u00a0', '\u2003' /* em space: not trimmed */,
  ];

  test.each(samples)('%p', (s) => {
    expect(Object.is(viaBytes(s), parseWageText(s))).toBe(true);
    expect(Object.is(viaBytes(s, 208000), parseWageText(s, 208000))).toBe(true);
  });

  test('a lone latin-1 NBSP byte (not UTF-8) is garbage, not whitespace', () => {
    expect(parseWageBytes(Uint8Array.of(0xa0, 0x35), 0, 2)).toBe(INVALID_WAGE);
  });

  test('a truncated UTF-8 NBSP at the end is garbage', () => {
    expect(parseWageBytes(Uint8Array.of(0x35, 0xc2), 0, 2)).toBe(INVALID_WAGE);
  });

  test('20,000 random cells from a wage-like alphabet give identical results', () => {
    const alphabet = ['0', '1', '5', '9', ',', ',', '.', '$', '-', ' ', '\u00a0', '*', '#', 'N', '/', 'a', 'e', '+'];
    const rnd = seededInts(12345);
    const mismatches: string[] = [];
    for (let k = 0; k < 20000; k++) {
      let s = '';
      const len = rnd(12);
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
      if (!Object.is(viaBytes(s), parseWageText(s))) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });

  test('20,000 random decimals with 1–17 digits give identical results', () => {
    const rnd = seededInts(987);
    const mismatches: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const n = 1 + rnd(17);
      let d = '';
      for (let j = 0; j < n; j++) d += String(rnd(10));
      const p = rnd(n + 1);
      const s = d.slice(0, p) + '.' + d.slice(p);
      if (!Object.is(viaBytes(s), parseWageText(s)) || parseWageText(s) !== Number(s)) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('real OES wage columns', () => {
  /** Distinct cells among the first 20,000 cells (row by row) of the given columns. */
  function distinctCells(file: string, columns: string[]): string[] {
    const rows = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[];
    const cells = new Set<string>();
    let seen = 0;
    for (const r of rows) {
      for (const c of columns) {
        if (seen++ >= 20000) return [...cells];
        cells.add(r[c]);
      }
    }
    return [...cells];
  }
  const STATE_COLS = ['tot_emp', 'hr_mean', 'avg_mean'];
  const NATIONAL_COLS = [
    'tot_emp', 'h_mean', 'a_mean', 'h_pct10', 'h_pct25', 'h_median', 'h_pct75', 'h_pct90',
    'a_pct10', 'a_pct25', 'a_median', 'a_pct75', 'a_pct90',
  ];

  test.each([
    [OES_STATE_2018, STATE_COLS],
    [OES_NATIONAL_2019, NATIONAL_COLS],
  ])('%s: bytes equal text on every distinct cell, and no cell is garbage', (file, cols) => {
    const cells = distinctCells(file, cols);
    expect(cells.length).toBeGreaterThan(1000);
    const mismatches = cells.filter(
      (s) => !Object.is(viaBytes(s), parseWageText(s)) || !Object.is(viaBytes(s, 208000), parseWageText(s, 208000)),
    );
    expect(mismatches).toEqual([]);
    expect(cells.filter((s) => parseWageText(s) === INVALID_WAGE)).toEqual([]);
  });

  test('state file cells: "1,943,760", "21.05", "**", "*", "#" as expected', () => {
    const cells = new Set(distinctCells(OES_STATE_2018, STATE_COLS));
    for (const s of ['1,943,760', '21.05', '**', '*']) expect(cells.has(s)).toBe(true);
    expect(parseWageText('1,943,760')).toBe(1943760);
    expect(parseWageText('21.05')).toBe(21.05);
  });

  test('national file: the numeric cells equal the numbers with commas removed', () => {
    const cells = distinctCells(OES_NATIONAL_2019, NATIONAL_COLS).filter((s) => /^[\d,.]+$/.test(s));
    expect(cells.filter((s) => parseWageText(s) !== Number(s.replace(/,/g, '')))).toEqual([]);
  });
});
