/**
 * Error catalog, malformed records: ragged rows with too few fields and quotes that never close
 * (or text after a closing quote). Each names the file, the line the record starts on, the
 * column and what was expected. Rows with MORE fields than the header are read (extra fields are
 * ignored, as csv-parse's relax_column_count does).
 */
import { gzipSync } from 'zlib';
import { cli, expectFailure, join, oneLine, optionsFor, Workspace } from './harness';

let ws: Workspace;
beforeEach(() => (ws = new Workspace()));
afterEach(() => ws.cleanup());


test('a query row with too few fields: exit 1, its line and the first missing column', () => {
  const q = ws.write('q.csv', 'title,location\nAnalyst,TX\nChef\nNurse,NY\n');
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expectFailure(ws, run, `${q}, line 3, column "location": query row has 1 field (expected at least 2 fields)`);
});

test('a short query row deep in a file read in many small ranges by 2 workers: the exact line', () => {
  let text = 'title,location\r\n';
  for (let i = 0; i < 3000; i++) text += i === 2500 ? 'Chef\r\n' : `Analyst,"Austin,\nTX"\r\n`;
  const q = ws.write('q.csv', text);
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched, '--workers', '2', '--range-bytes', '1000']);
  // 2,500 two-line records before it: line 2 + 2 * 2500.
  expectFailure(ws, run, `${q}, line 5002, column "location": query row has 1 field (expected at least 2 fields)`);
});

test('query rows with more fields than the header are joined (extra fields ignored)', async () => {
  const paths = ws.tables({ queries: ws.write('q.csv', 'title,location\nAnalyst,"Austin, TX",extra,fields\n') });
  const { matched } = await join(optionsFor(paths));
  expect(matched).toEqual([{ title: 'Analyst', location: 'Austin, TX', state: 'Texas', n_rows: 2, n_codes: 2, a_median: 80000 }]);
});

// The build side (forEachRecord) names the first missing column, as the query side does.
test('a wages row with too few fields: exit 1, its line and the first missing column', () => {
  const w = ws.write('w.csv', 'occ_code,area_title,a_median\n15-2041,Texas,1\n15-2051,Texas\n');
  const run = cli([...ws.tableArgs({ wages: w }), '--out', ws.matched]);
  expectFailure(ws, run, `${w}, line 3, column "a_median": wages table row has 2 fields (expected at least 3 fields)`);
});

test('a related row with too few fields: exit 1, file and line', () => {
  const r = ws.write('r.csv', 'title,related_title,score\nAnalyst,Data Analyst\n');
  const run = cli([...ws.tableArgs({ related: r }), '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(oneLine(run.stderr)).toBe(true);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${r}, line 2(, column "score")?: related-titles table row has 2 fields \\(expected at least 3 fields\\)\\n$`));
  expect(ws.leftovers()).toEqual([]);
});

test('an unterminated quote at the end of the query file: exit 1, the line where the record starts', () => {
  const q = ws.write('q.csv', 'title,location\nAnalyst,TX\nChef,"CA\nNurse,NY\n');
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched, '--workers', '2', '--range-bytes', '8']);
  expectFailure(ws, run, `${q}, line 3, column "location": queries table: a quoted field is never closed (expected RFC 4180 quoting)`);
});

test('an unterminated quote in the last byte of a query file without a final line break', () => {
  const q = ws.write('q.csv', 'title,location\nAnalyst,TX\nChef,"');
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expectFailure(ws, run, `${q}, line 3, column "location": queries table: a quoted field is never closed (expected RFC 4180 quoting)`);
});

test('an unterminated quote in a gzipped query file (decoded on the main thread): same message', () => {
  const q = ws.write('q.csv.gz', gzipSync('title,location\nAnalyst,TX\nChef,"CA\nNurse,NY\n'));
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expectFailure(ws, run, `${q}, line 3, column "location": queries table: a quoted field is never closed (expected RFC 4180 quoting)`);
});

// The build side names the column where the quote opened.
test('an unterminated quote at the end of the related table: exit 1, line and column', () => {
  const r = ws.write('r.csv', 'title,related_title,score\nAnalyst,"Data Analyst,90\nAnalyst,Statistician,85\n');
  const run = cli([...ws.tableArgs({ related: r }), '--out', ws.matched]);
  expectFailure(ws, run, `${r}, line 2, column "related_title": related-titles table: a quoted field is never closed (expected RFC 4180 quoting)`);
});

test('text after a closing quote in a query row: exit 1, line and column', () => {
  const q = ws.write('q.csv', 'title,location\n"Analyst" x,TX\n');
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expectFailure(ws, run, `${q}, line 2, column "title": queries table: text follows a closing quote (expected RFC 4180 quoting)`);
});
