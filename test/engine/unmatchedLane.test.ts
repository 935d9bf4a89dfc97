import { rmSync } from 'fs';
import { buildJoinIndex } from '../../src/engine/build/buildJoinIndex';
import type { RowFormat } from '../../src/engine/options';
import { csvLine, matchedColumns, UNMATCHED_COLUMNS } from '../../src/engine/output/rowFormat';
import { QueryProber, type ProbeOutput, type ProbeRequest, type ProbeSetup } from '../../src/engine/probe/probeQueries';
import { QueryLane } from '../../src/engine/probe/queryLane';
import { seededInts } from '../support/seededInts';
import { tempDir, writeTemp } from '../support/tempFiles';

/**
 * The unmatched lane (recordKernel.wat's run) writes the commonest unmatched rows without
 * JavaScript. Its CSV must be exactly what the rows, as objects (which never take the lane),
 * give as CSV lines, with the same counts, for rows that take every path: states known and
 * unknown, titles refused by the filter, passed by it and found, fields plain, trimmed, quoted,
 * with quotes inside, guarded and non-ASCII; and past the 16 MB the output buffer starts with (the lane runs out of
 * room and the buffer grows).
 */
describe('the unmatched lane writes the rows JavaScript would', () => {
  const dir = tempDir('salary-join-lane-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const TITLES = ['Chef', 'Cook', 'Head Chef', 'Unknown Title', 'Baker', '  Chef', 'Chef ', '"Chef, Head"', '" Baker, Head"', 'Chef "Big" Cook', ' Baker "Big"', '=SUM(A1)', '-Cook', 'Café', 'CHEF', 'Line Cook', ''];
  const LOCATIONS = ['TX', 'Texas', 'CA', '"Austin, TX"', '" Austin, TX"', '"Reno, NV "', 'Nowhere', '', '=cmd', '"Zürich, TX"', 'NV', ' CA', 'Ωmega', '"Tulsa, OK"'];

  async function setupFor(caseInsensitive: boolean, includeSelf: boolean): Promise<ProbeSetup> {
    const related = writeTemp(dir, 'related.csv', 'title,related_title,score\nChef,Cook,90\nHead Chef,Chef,95\n"Chef, Head",Chef,90\nCook,Cook,85\nLine Cook,Cook,50\n');
    const codes = writeTemp(dir, 'codes.csv', 'code,title\n35-1011,Chef\n35-2014,Cook\n');
    const wages = writeTemp(dir, 'wages.csv', 'occ_code,area_title,a_median\n35-1011,Texas,48000\n35-2014,Texas,29000\n35-2014,California,31000\n');
    const table = (file: string) => ({ files: [file], headerRow: 1, encoding: 'utf8', delimiter: ',' });
    const settings = { threshold: 80, includeSelf, caseInsensitive, countEachCodeOnce: false, wageColumns: ['a_median'], topCodeValue: undefined, columns: {} };
    const index = await buildJoinIndex({ related: table(related), codes: table(codes), wages: table(wages) }, { related: [related], codes: [codes], wages: [wages] }, settings);
    const { pathStart, pathCode, pathMult, titleTable } = index.titles;
    return { titles: { pathStart, pathCode, pathMult }, titleTable, wages: index.wages, caseInsensitive, includeSelf };
  }

  function queryBytes(rows: number): Buffer {
    const next = seededInts(rows);
    const lines = ['id,title,location'];
    for (let i = 0; i < rows; i++) lines.push(`${i},${TITLES[next(TITLES.length)]},${LOCATIONS[next(LOCATIONS.length)]}`);
    return Buffer.from(lines.join('\n') + '\n', 'utf8');
  }

  function probe(setup: ProbeSetup, bytes: Buffer, format: RowFormat): ProbeOutput {
    const prober = new QueryProber(setup);
    const buf = prober.heap!.take(bytes.length)!;
    buf.set(bytes);
    const request: ProbeRequest = { dialect: { delimiter: 0x2c, quote: 0x22 }, columns: [1, 2], formats: { matched: format, unmatched: format }, skipBadRows: false, guardFormulas: { matched: true, unmatched: true }, withPairKeys: false };
    const from = bytes.indexOf(0x0a) + 1;
    return prober.probe(buf, from, bytes.length, true, bytes.length, 2, request);
  }

  const text = (output: ProbeOutput, part: 'matched' | 'unmatched') => Buffer.from(output[part].bytes!).toString('utf8');
  const asCsv = (output: ProbeOutput, part: 'matched' | 'unmatched', columns: string[]) => output[part].objects!.map((row) => csvLine(columns.map((c) => row[c]), true)).join('');

  test.each([
    ['exact titles', false, false, 2000],
    ['case-insensitive titles', true, false, 2000],
    ['query titles related to themselves', false, true, 2000],
    ['more output than the buffer starts with', false, false, 600_000],
  ])('%s', async (_name, caseInsensitive, includeSelf, rows) => {
    const setup = await setupFor(caseInsensitive, includeSelf);
    const bytes = queryBytes(rows);
    const laneRows = jest.spyOn(QueryLane.prototype, 'rows');
    const csv = probe(setup, bytes, 'csv');
    const [unknownState, refused] = laneRows.mock.results[0].value as [number, number];
    laneRows.mockRestore();
    const objects = probe(setup, bytes, 'rows');
    expect(csv.records).toBe(rows);
    expect(csv.reasons).toEqual(objects.reasons);
    expect([csv.matched.rows, csv.unmatched.rows]).toEqual([objects.matched.rows, objects.unmatched.rows]);
    expect(text(csv, 'unmatched')).toBe(asCsv(objects, 'unmatched', UNMATCHED_COLUMNS));
    expect(text(csv, 'matched')).toBe(asCsv(objects, 'matched', matchedColumns(['a_median'])));
    // The lane took rows of both kinds, and left rows to JavaScript.
    expect(unknownState).toBeGreaterThan(rows / 20);
    expect(refused).toBeGreaterThan(rows / 20);
    expect(unknownState + refused).toBeLessThan(csv.unmatched.rows);
    if (rows > 100_000) expect(csv.unmatched.bytes!.length).toBeGreaterThan(16 * 1024 * 1024);
  });

  test('a lane row longer than the output buffer\'s room', async () => {
    const setup = await setupFor(false, false);
    // Its location seen before, its title refused: the lane's, and 20 MB, more than the 16 MB the
    // unmatched buffer starts with.
    const long = 'Unknown'.repeat(3 * 1024 * 1024);
    const bytes = Buffer.from(`id,title,location\n0,Baker,TX\n1,${long},TX\n2,Baker,TX\n`, 'utf8');
    const laneRows = jest.spyOn(QueryLane.prototype, 'rows');
    const csv = probe(setup, bytes, 'csv');
    const [, refused] = laneRows.mock.results[0].value as [number, number];
    laneRows.mockRestore();
    expect(refused).toBe(2);
    const expected = ['Baker', long, 'Baker'].map((title) => `${title},TX,Texas,no_related_title_above_threshold\n`).join('');
    expect(text(csv, 'unmatched') === expected).toBe(true);
  });
});
