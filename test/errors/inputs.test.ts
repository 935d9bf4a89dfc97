/**
 * Error catalog, whole input files: a file that is missing, a folder, empty, only a header,
 * binary or Excel, or a truncated gzip. Each run ends in one line on stderr naming the file
 * (exit 1) and leaves nothing in the output folder, or, for a header-only file, a normal run.
 */
import { gzipSync } from 'zlib';
import { cli, expectFailure, MATCHED_HEADER, oneLine, UNMATCHED_HEADER, Workspace } from './harness';

let ws: Workspace;
beforeEach(() => (ws = new Workspace()));
afterEach(() => ws.cleanup());


test('a missing file: exit 1, the path and what was expected', () => {
  const missing = ws.file('nope.csv');
  const run = cli([...ws.tableArgs({ codes: missing }), '--out', ws.matched]);
  expectFailure(ws, run, `${missing}: no file matches this codes table path (expected an existing file)`);
});

test('a glob that matches nothing: exit 1, the pattern', () => {
  const pattern = ws.file('exports/*.csv');
  const run = cli([...ws.tableArgs({ queries: pattern }), '--out', ws.matched]);
  expectFailure(ws, run, `${pattern}: no file matches this queries table pattern`);
});

test('a directory instead of a file: exit 1, suggests a pattern', () => {
  const dir = ws.file('a-folder');
  ws.write('a-folder/x.txt', 'x');
  const run = cli([...ws.tableArgs({ queries: dir }), '--out', ws.matched]);
  expectFailure(ws, run, `${dir}: the queries table path is a directory, expected a file (expected a file or a pattern such as ${dir}/*.csv)`);
});

test('an empty file: exit 1, "file is empty"', () => {
  const empty = ws.write('empty.csv', '');
  const run = cli([...ws.tableArgs({ wages: empty }), '--out', ws.matched]);
  expectFailure(ws, run, `${empty}: file is empty (expected a header and data rows)`);
});

test('a file of blank lines only is empty too', () => {
  const blank = ws.write('blank.csv', '\n\r\n  \n');
  const run = cli([...ws.tableArgs({ queries: blank }), '--out', ws.matched]);
  expectFailure(ws, run, `${blank}: file is empty (expected a header and data rows)`);
});

test('a query file with only a header: zero rows, not an error; both outputs hold just their header', () => {
  const header = ws.write('header.csv', 'title,location\n');
  const run = cli([...ws.tableArgs({ queries: header }), '--out', ws.matched, '--workers', '2']);
  expect(run.code).toBe(0);
  expect(run.stderr).toMatch(/read {5}queries 0 rows \(1 file\)/);
  expect(run.stderr).toMatch(/matched {2}0 ->/);
  expect(run.stderr).toMatch(/unmatched 0 ->/);
  expect(ws.read(ws.matched)).toBe(MATCHED_HEADER);
  expect(ws.read(ws.unmatched)).toBe(UNMATCHED_HEADER);
  expect(ws.leftovers()).toEqual(['matched.csv', 'matched.unmatched.csv']);
});

test('a header without a line break at the end is a header-only file too', () => {
  const header = ws.write('header.csv', 'title,location');
  const run = cli([...ws.tableArgs({ queries: header }), '--out', ws.matched, '-q']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(ws.read(ws.matched)).toBe(MATCHED_HEADER);
  expect(ws.read(ws.unmatched)).toBe(UNMATCHED_HEADER);
});

test('header-only build tables: nothing relates, every query is unmatched with its reason', () => {
  const related = ws.write('related-header.csv', 'title,related_title,score\n');
  const wages = ws.write('wages-header.csv', 'occ_code,area_title,a_median\n');
  const run = cli([...ws.tableArgs({ related, wages }), '--out', ws.matched, '-q']);
  expect(run.code).toBe(0);
  expect(ws.read(ws.matched)).toBe(MATCHED_HEADER);
  expect(ws.read(ws.unmatched)).toBe(
    `${UNMATCHED_HEADER}Analyst,"Austin, TX",Texas,no_related_title_above_threshold\nAnalyst,Remote,,unknown_state\nChef,CA,California,no_related_title_above_threshold\n`,
  );
});

test('an old binary Excel workbook (.xls) given as CSV: exit 1, save it as .xlsx or CSV', () => {
  const xls = ws.write('book.csv', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096, 1)]));
  const run = cli([...ws.tableArgs({ queries: xls }), '--out', ws.matched]);
  expectFailure(
    ws,
    run,
    `${xls}: looks like an Excel/binary file, expected delimited text (expected a CSV/TSV text file or an .xlsx workbook; save the sheet as .xlsx or CSV (old .xls and password-protected workbooks cannot be read))`,
  );
});

test('a zip that is not a workbook given as CSV: exit 1, "not a readable .xlsx workbook"', () => {
  const zip = ws.write('archive.csv', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(512, 7)]));
  const run = cli([...ws.tableArgs({ related: zip }), '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(oneLine(run.stderr)).toBe(true);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${zip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: looks like a zip archive but is not a readable \\.xlsx workbook: .*\\(expected an \\.xlsx workbook, or a CSV/TSV text file\\)\\n$`));
  expect(ws.leftovers()).toEqual([]);
});

test('a binary file (NUL bytes) given as CSV: exit 1, names UTF-16 as the likely cause', () => {
  const bin = ws.write('image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]));
  const run = cli([...ws.tableArgs({ queries: bin }), '--out', ws.matched]);
  expectFailure(
    ws,
    run,
    `${bin}: looks like an Excel/binary file, expected delimited text (expected a CSV/TSV text file (NUL bytes found; for UTF-16 without a BOM set the encoding))`,
  );
});

function truncatedGzip(text: string): Buffer {
  const gz = gzipSync(Buffer.from(text));
  return gz.subarray(0, Math.floor(gz.length / 2));
}

test('a truncated .gz query file (rows already joined before the cut): exit 1, no partial output', () => {
  let text = 'title,location\n';
  for (let i = 0; i < 60_000; i++) text += `Analyst,"Austin, TX ${10000 + i}"\n`;
  const gz = ws.write('queries.csv.gz', truncatedGzip(text));
  const run = cli([...ws.tableArgs({ queries: gz }), '--out', ws.matched, '--workers', '2', '--range-bytes', '65536']);
  expectFailure(ws, run, `${gz}: cannot decompress gzip data: unexpected end of file (expected a complete .gz file (is it truncated or corrupt?))`);
});

test('a truncated .gz build table: exit 1, names the file', () => {
  let text = 'title,related_title,score\n';
  for (let i = 0; i < 60_000; i++) text += `Title ${i},Data Analyst,${50 + (i % 50)}\n`;
  const gz = ws.write('related.csv.gz', truncatedGzip(text));
  const run = cli([...ws.tableArgs({ related: gz }), '--out', ws.matched]);
  expectFailure(ws, run, `${gz}: cannot decompress gzip data: unexpected end of file (expected a complete .gz file (is it truncated or corrupt?))`);
});

test('a .gz cut inside its 10-byte header: exit 1, names the file', () => {
  const gz = ws.write('queries.csv.gz', gzipSync(Buffer.from('title,location\nAnalyst,TX\n')).subarray(0, 6));
  const run = cli([...ws.tableArgs({ queries: gz }), '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(oneLine(run.stderr)).toBe(true);
  expect(run.stderr.startsWith(`salary-join: ${gz}: `)).toBe(true);
  expect(ws.leftovers()).toEqual([]);
});
