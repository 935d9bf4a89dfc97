import { detectHeaderRow, sniffDelimiter, splitSampleRecords } from '../../src/engine/dialect/sniff';
import { CSV, TSV } from '../../src/engine/scan/dialect';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const ch = (c: string): number => c.charCodeAt(0);

describe('sniffDelimiter', () => {
  test('comma-separated', () => {
    expect(sniffDelimiter(bytes('title,state,score\nCook,AL,85\nBaker,AK,90\n'))).toBe(ch(','));
  });

  test('tab-separated, with commas inside the text', () => {
    expect(sniffDelimiter(bytes('cook, line\tLine Cook, Restaurant\t35201400\nbaker\tBaker\t51301100\n'))).toBe(ch('\t'));
  });

  test('semicolon-separated with decimal commas', () => {
    expect(sniffDelimiter(bytes('title;related;score\nCook;Chef;87,5\nBaker;Pastry Chef;81,0\n'))).toBe(ch(';'));
  });

  test('pipe-separated', () => {
    expect(sniffDelimiter(bytes('a|b|c\n1|2|3\n4|5|6\n'))).toBe(ch('|'));
  });

  test('quoted commas do not count as delimiters', () => {
    const s = 'st,occupation,tot_emp\nAL,"Cooks, Restaurant","1,943,760"\nAK,"Chefs, Head","2,100"\nAZ,Bakers,300\n';
    expect(sniffDelimiter(bytes(s))).toBe(ch(','));
  });

  test('quoted tabs and semicolons inside a comma file do not win', () => {
    const s = 'a,b\n"x;y;z","p\tq"\n"x;y","p"\n';
    expect(sniffDelimiter(bytes(s))).toBe(ch(','));
  });

  test('a one-column file defaults to comma', () => {
    expect(sniffDelimiter(bytes('title\nCook\nBaker\n'))).toBe(ch(','));
  });
});

describe('splitSampleRecords', () => {
  test('CR-only, LF and CRLF line breaks all count as one physical line each', () => {
    const recs = splitSampleRecords(bytes('a,b\rc,d\ne,f\r\ng,h\n'), CSV, 100);
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['c', 'd']],
      [3, ['e', 'f']],
      [4, ['g', 'h']],
    ]);
  });

  test('quoted fields: delimiters, "" escapes and embedded line breaks; blank lines skipped', () => {
    const recs = splitSampleRecords(bytes('t,n\n\n"Cook, ""Head""","line1\r\nline2"\nx,y\n'), CSV, 100);
    expect(recs.map((r) => [r.line, r.fields])).toEqual([
      [1, ['t', 'n']],
      [3, ['Cook, "Head"', 'line1\r\nline2']],
      [5, ['x', 'y']],
    ]);
  });

  test('an incomplete last record is dropped unless the sample is the whole file', () => {
    expect(splitSampleRecords(bytes('a,b\nc,d'), CSV, 100).map((r) => r.fields)).toEqual([['a', 'b']]);
    expect(splitSampleRecords(bytes('a,b\nc,d'), CSV, 100, true).map((r) => r.fields)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(splitSampleRecords(bytes('a,b\n"c,d\n'), CSV, 100, true).map((r) => r.fields)).toEqual([['a', 'b']]);
  });

  test('end offsets point after the line break', () => {
    const recs = splitSampleRecords(bytes('ab,c\r\nd,e\r\n'), CSV, 100);
    expect(recs.map((r) => [r.start, r.end, r.nextLine])).toEqual([
      [0, 6, 2],
      [6, 11, 3],
    ]);
  });

  test('maxRecords caps the result', () => {
    expect(splitSampleRecords(bytes('a\nb\nc\n'), CSV, 2)).toHaveLength(2);
  });
});

describe('detectHeaderRow', () => {
  test('header on line 1', () => {
    expect(detectHeaderRow(bytes('title,state\nCook,AL\nBaker,AK\n'), CSV)).toBe(1);
  });

  test('notes and blank lines above the header are skipped (SOC-like preamble, CR-only)', () => {
    const s = 'U.S. Bureau of Labor Statistics,,,\r,,,\rNovember 2017,,,\r\r2018 SOC Code,2018 SOC Title,Direct Match Title,Illustrative Example\r11-1011,Chief Executives,CEO,\r11-1011,Chief Executives,Admiral,x\r';
    expect(detectHeaderRow(bytes(s), CSV)).toBe(5);
  });

  test('with expected names, the row with the most of them wins', () => {
    const s = 'Table of titles and codes\n\ncode,title\n11-1011,Chief Executives\n';
    expect(detectHeaderRow(bytes(s), CSV, ['title', 'code'])).toBe(3);
  });

  test('expected names are compared trimmed and case-insensitive', () => {
    const s = 'notes,,\n AREA_TITLE ,OCC_CODE,A_MEDIAN\nAlabama,11-1011,"100,000"\n';
    expect(detectHeaderRow(bytes(s), CSV, ['area_title', 'occ_code'])).toBe(2);
  });

  test('a header with an empty name (pandas index) is still found on line 1', () => {
    const s = ',title,code\n0,Cook,35-2014\n1,Baker,51-3011\n';
    expect(detectHeaderRow(bytes(s), CSV)).toBe(1);
  });

  test('numeric rows are not taken for a header', () => {
    const s = '2019,2020,2021\n\nyear,mean,median\n2019,"53,490","39,810"\n';
    expect(detectHeaderRow(bytes(s), CSV)).toBe(3);
  });

  test('TSV with LF', () => {
    expect(detectHeaderRow(bytes('code\ttitle\n11-1011\tCEO\n'), TSV)).toBe(1);
  });
});
