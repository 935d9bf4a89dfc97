import { readFileSync, rmSync } from 'fs';
import * as path from 'path';
import { runJoin } from '../../src/engine/join/runJoin';
import type { JoinOptions } from '../../src/engine/options';
import { FileSink } from '../../src/engine/output/fileSink';
import { csvLine, matchedColumns, UNMATCHED_COLUMNS } from '../../src/engine/output/rowFormat';
import { referenceJoinToArrays } from '../reference/referenceJoin';
import { tempDir, writeTemp } from '../support/tempFiles';

/**
 * The CSV files the workers write from the query's own bytes must be exactly what formatting the
 * reference's rows as CSV gives (csvLine, formula guard on or off), for fields that take every
 * path: plain, trimmed, quoted, with doubled quotes, formulas, non-ASCII edges and letters.
 */
const QUERY_TITLES = [
  'Chef', '  Chef \t', 'CHEF', 'chef', 'Chef\u00a0', '\u2003Chef', '\ufeffChef', 'Café Manager', 'CAFÉ MANAGER',
  'Chef, Head', 'Chef "Big" Cook', '=SUM(A1)', '-Chef', '+Chef', '@Chef', '=HYPERLINK("x")', 'Line\nBreak', '', 'Cook', 'Unknown Title',
];
const LOCATIONS = [
  'TX', '  CA ', 'Austin, TX', 'Texas', '', '=cmd', 'Ωmega', 'TX\u00a0', '"Quoted" TX', '-CA', 'NV',
  // Quoted in the query file: copied with their quotes only when nothing inside is trimmed or guarded.
  ' Austin, TX', 'Austin, TX ', '=Austin, TX', 'Austin,\nTX', 'Zürich, TX',
];

function csvCell(text: string, delimiter: string): string {
  return /[",\r\n\t]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
}

describe('CSV output written from the query bytes equals the reference rows formatted as CSV', () => {
  const dir = tempDir('salary-join-csv-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function tables(delimiter: string): JoinOptions {
    const rows = QUERY_TITLES.flatMap((t, i) => LOCATIONS.map((l, j) => (i + j) % 3 === 0 ? `${csvCell(t, delimiter)}${delimiter}${csvCell(l, delimiter)}` : `${t.includes('"') || t.includes('\n') || t.includes(delimiter) ? csvCell(t, delimiter) : t}${delimiter}${csvCell(l, delimiter)}`));
    const name = delimiter === '\t' ? 'queries.tsv' : 'queries.csv';
    const queries = writeTemp(dir, name, [`title${delimiter}location`, ...rows].join('\n') + '\n');
    const related = writeTemp(dir, 'related.csv', [
      'title,related_title,score',
      'Chef,Chef,90', 'Chef,Cook,85', 'Café Manager,Chef,95', '"Chef, Head",Chef,90', '=SUM(A1),Chef,90', '-Chef,Cook,90',
      '"Chef ""Big"" Cook",Chef,90', '+Chef,Cook,81', '@Chef,Chef,99', '"=HYPERLINK(""x"")",Cook,90', '"Line\nBreak",Chef,90', 'Cook,Cook,100',
    ].join('\n') + '\n');
    const codes = writeTemp(dir, 'codes.csv', 'code,title\n35-1011,Chef\n35-2014,Cook\n');
    const wages = writeTemp(dir, 'wages.csv', [
      'occ_code,area_title,tot_emp,a_mean,a_pct10,a_pct25,a_median,a_pct75,a_pct90',
      '35-1011,Texas,100,50000,30000,40000,48000,60000,70000.5',
      '35-1011,Texas,120,52000,31000,41000,49000,61000,72000',
      '35-2014,Texas,300,30000,20000,25000,29000,35000,40000',
      '35-1011,California,90,60000,35000,45000,58000,70000,80000',
      // Medians that print every way: beyond 2^53, 21 digits, negative, -0, fractions.
      '35-1011,Nevada,9007199254740993,"1,000,000,000,000,000,000,000",-12345,-0,-0.5,0.000001,123456789012345',
    ].join('\n') + '\n');
    const table = (files: string[], d = ',') => ({ files, delimiter: d, headerRow: 1, encoding: 'utf8' });
    return { queries: table([queries], delimiter), related: table([related]), codes: table([codes]), wages: table([wages]) };
  }

  test.each([
    ['comma, formula guard on', ',', true, false, undefined, 'on'],
    ['comma, formula guard off', ',', false, false, undefined, 'on'],
    ['comma, case-insensitive', ',', true, true, undefined, 'on'],
    ['tab-delimited queries (commas inside fields)', '\t', true, false, undefined, 'on'],
    // Two answers per generation: answers are dropped, made again and renewed (copied) constantly.
    ['comma, an answer cache of 4', ',', true, false, 4, 'on'],
    // The workers write from plain buffers instead of their WebAssembly heap (ByteHeap).
    ['comma, SALARY_JOIN_WASM=off', ',', true, false, undefined, 'off'],
  ])('%s', async (_name, delimiter, guard, caseInsensitive, answerCacheLimit, wasm) => {
    const options: JoinOptions = { ...tables(delimiter), caseInsensitive, workers: 2, rangeBytes: 200, answerCacheLimit };
    const out = (name: string) => path.join(dir, `${name}-${delimiter === '\t' ? 'tab' : 'comma'}-${guard}-${caseInsensitive}-${answerCacheLimit ?? 'default'}-${wasm}.csv`);
    const matchedFile = out('matched');
    const unmatchedFile = out('unmatched');
    process.env.SALARY_JOIN_WASM = wasm;
    try {
      await runJoin(options, { matched: new FileSink(matchedFile, 'csv', true, 1000, guard), unmatched: new FileSink(unmatchedFile, 'csv', true, 1000, guard) });
    } finally {
      delete process.env.SALARY_JOIN_WASM;
    }
    const reference = await referenceJoinToArrays(options);
    const line = (values: (string | number | null)[]) => csvLine(values.slice(0, 2), guard).slice(0, -1) + ',' + csvLine(values.slice(2));
    const expectedMatched = csvLine(matchedColumns(['tot_emp', 'a_mean', 'a_pct10', 'a_pct25', 'a_median', 'a_pct75', 'a_pct90'])) + reference.matched.map((r) => line(Object.values(r))).join('');
    const expectedUnmatched = csvLine(UNMATCHED_COLUMNS) + reference.unmatched.map((r) => line(Object.values(r))).join('');
    expect(reference.matched.length).toBeGreaterThan(20);
    expect(reference.unmatched.length).toBeGreaterThan(20);
    expect(readFileSync(matchedFile, 'utf8')).toBe(expectedMatched);
    expect(readFileSync(unmatchedFile, 'utf8')).toBe(expectedUnmatched);
  });
});
