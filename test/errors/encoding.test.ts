/**
 * Error catalog, invalid UTF-8. The rule: a table read as UTF-8 (encoding utf8 given, or detected)
 * must be valid UTF-8; an invalid byte stops the run with file, line, column and the byte, and
 * suggests naming the file's encoding. What each case does:
 * - encoding auto (default), plain file ≤ 64 MiB: the whole file is checked; one invalid byte makes
 *   it Windows-1252, and the byte decodes as that character (a clear, documented outcome);
 * - encoding utf8 given explicitly: an invalid byte is an error (exit 1) where its record is read;
 * - encoding auto, plain file > 64 MiB or gzip: only samples are checked (the head and 32 windows
 *   of 64 KiB; the first 64 KiB after gunzip): a file taken as UTF-8 whose invalid byte lies
 *   outside them is reported the same way when its record is read.
 */
import { openSync, closeSync, writeSync } from 'fs';
import { gzipSync } from 'zlib';
import { cli, Workspace } from './harness';

let ws: Workspace;
beforeEach(() => (ws = new Workspace()));
afterEach(() => ws.cleanup());

const QUERIES = Buffer.concat([Buffer.from('title,location\n'), Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(' Owner,TX\nChef,CA\n')]);

test('auto encoding, invalid UTF-8 in a small file: read as Windows-1252 (0xE9 is "é")', () => {
  const q = ws.write('q.csv', QUERIES);
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched, '-q']);
  expect(run.code).toBe(0);
  expect(ws.read(ws.unmatched)).toBe(
    'title,location,state,reason\nCafé Owner,TX,Texas,no_related_title_above_threshold\nChef,CA,California,no_related_title_above_threshold\n',
  );
});

const EXPECTED = "(expected UTF-8 text; if the file is in another encoding, name it with the table's encoding option, e.g. windows-1252)";

// Text read as UTF-8 (given, or detected) must be valid UTF-8: an invalid byte stops the run with
// file, line and column, never a silent U+FFFD.
test('explicit utf8, invalid UTF-8 in a query title: exit 1, file, line, column and the byte', () => {
  const q = ws.write('q.csv', QUERIES);
  const run = cli([...ws.tableArgs({ queries: q }), '--queries-encoding', 'utf8', '--out', ws.matched]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${q}, line 2, column "title": queries table: byte 0xE9 is not valid UTF-8 ${EXPECTED}\n`,
  });
  expect(ws.leftovers()).toEqual([]);
});

test('explicit utf8, invalid UTF-8 deep in a query file read in small ranges by 2 workers: the exact line', () => {
  let text = 'title,location\n';
  for (let i = 0; i < 3000; i++) text += `Analyst,"Austin,\nTX"\n`;
  const q = ws.write('q.csv', Buffer.concat([Buffer.from(text), Buffer.from('Chef,"CA\nx'), Buffer.from([0xff]), Buffer.from('"\n')]));
  const run = cli([...ws.tableArgs({ queries: q }), '--queries-encoding', 'utf8', '--out', ws.matched, '--workers', '2', '--range-bytes', '1000']);
  expect(run.code).toBe(1);
  // 3,000 two-line records, then the byte on the second line of the next one.
  expect(run.stderr).toBe(`salary-join: ${q}, line 6003, column "location": queries table: byte 0xFF is not valid UTF-8 ${EXPECTED}\n`);
});

test('explicit utf8, a truncated character at the very end of a query file: reported', () => {
  const q = ws.write('q.csv', Buffer.concat([Buffer.from('title,location\nAnalyst,TX\nChef,CA'), Buffer.from([0xc3])]));
  const run = cli([...ws.tableArgs({ queries: q }), '--queries-encoding', 'utf8', '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`salary-join: ${q}, line 3, column "location": queries table: byte 0xC3 is not valid UTF-8 ${EXPECTED}\n`);
});

test('explicit utf8, U+FFFD written as such (EF BF BD) is valid text and read as it is', () => {
  const q = ws.write('q.csv', 'title,location\nCaf\uFFFD Owner,TX\n');
  const run = cli([...ws.tableArgs({ queries: q }), '--queries-encoding', 'utf8', '--out', ws.matched, '-q']);
  expect(run.code).toBe(0);
  expect(ws.read(ws.unmatched)).toBe('title,location,state,reason\nCaf\uFFFD Owner,TX,Texas,no_related_title_above_threshold\n');
});

test('gzipped query file, invalid UTF-8 past the 64 KiB head that auto detection reads: exit 1 with its line', () => {
  const q = ws.write('q.csv.gz', gzipSync(Buffer.concat([Buffer.from('title,location\n' + 'Analyst,TX\n'.repeat(10_000)), Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(' Owner,TX\n')])));
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`salary-join: ${q}, line 10002, column "title": queries table: byte 0xE9 is not valid UTF-8 ${EXPECTED}\n`);
  expect(ws.leftovers()).toEqual([]);
});

test('explicit utf8, invalid UTF-8 in a related title: exit 1 with its line and column (no longer a silently lost row)', () => {
  const r = ws.write('r.csv', Buffer.concat([Buffer.from('title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statis'), Buffer.from([0xe9]), Buffer.from('tician,85\n')]));
  const run = cli([...ws.tableArgs({ related: r }), '--related-encoding', 'utf8', '--out', ws.matched, '-q']);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${r}, line 3, column "related_title": related-titles table: byte 0xE9 is not valid UTF-8 ${EXPECTED}\n`,
  });
  expect(ws.leftovers()).toEqual([]);
});

test('explicit utf8, invalid UTF-8 in a gzipped wages table past the head: exit 1 with its line', () => {
  const rows = '15-2041,Texas,1\n'.repeat(8000);
  const w = ws.write('w.csv.gz', gzipSync(Buffer.concat([Buffer.from('occ_code,area_title,a_median\n' + rows + '15-2051,Texas,7'), Buffer.from([0x80]), Buffer.from('\n')])));
  const run = cli([...ws.tableArgs({ wages: w }), '--wages-encoding', 'utf8', '--out', ws.matched, '-q']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`salary-join: ${w}, line 8002, column "a_median": wages table: byte 0x80 is not valid UTF-8 ${EXPECTED}\n`);
});

// Only the head and 32 windows of this file are sampled, so it is taken as UTF-8; the byte between
// the windows is then found where its record is read (exit 1, file, line, column), not replaced.
test('auto encoding, a > 64 MiB file whose only invalid byte lies between the sampled windows: not silently replaced', () => {
  const path = ws.file('big.csv');
  const fd = openSync(path, 'w');
  const blank = Buffer.alloc(1 << 20, 0x0a); // 1 MiB of empty lines (skipped, no output)
  writeSync(fd, 'title,location\nAnalyst,TX\n');
  writeSync(fd, blank); // the invalid byte starts past the 64 KiB head, before the first window (~2 MiB)
  const line = 3 + blank.length;
  writeSync(fd, Buffer.concat([Buffer.from('Caf'), Buffer.from([0xe9]), Buffer.from(' Owner,TX\n')]));
  for (let i = 0; i < 66; i++) writeSync(fd, blank);
  writeSync(fd, 'Chef,CA\n');
  closeSync(fd);
  const run = cli([...ws.tableArgs({ queries: path }), '--out', ws.matched, '-q', '--workers', '2']);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${path}, line ${line}, column "title": queries table: byte 0xE9 is not valid UTF-8 ${EXPECTED}\n`,
  });
  expect(ws.leftovers()).toEqual([]);
});
