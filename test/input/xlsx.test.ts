import { execFileSync } from 'child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { parseCli } from '../../src/cli/args';
import { InputError } from '../../src/engine/errors';
import type { JoinOptions } from '../../src/engine/options';
import { openTable } from '../../src/engine/source/openTable';
import { inspectFile, isRangeScannable } from '../../src/engine/source/openText';
import { readZipDirectory } from '../../src/engine/source/zipDirectory';
import { sharedFile } from '../support/sharedData';
import { runEngineToArrays } from '../engine/runEngine';
import { tempDir, writeTemp } from '../support/tempFiles';
import { readUtf8 } from '../support/readText';

const dir = tempDir('xlsx-test-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NATIONAL_XLSX = sharedFile('oes', 'national_M2019_dl.xlsx');
const NATIONAL_CSV = sharedFile('oes', 'national_M2019_dl.csv');
const SOC_XLSX = sharedFile('soc', 'soc_2018_direct_match_title_file.xlsx');
const SOC_CSV = sharedFile('soc', 'soc_2018_direct_match_title_file.csv');


function records(text: string): string[][] {
  return parse(text, { relax_column_count: true }) as string[][];
}

/** Writes a workbook built by `fill` and returns its path. */
async function workbook(name: string, fill: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  const file = path.join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

// ---------------------------------------------------------------------------------------------
// The real BLS workbooks

test('OES national 2019 .xlsx, first sheet: same rows as the CSV conversion, tot_emp and a_median as plain numbers', async () => {
  const requests = [
    { role: 'code', names: ['occ_code'], required: true },
    { role: 'employment', names: ['tot_emp'], required: true },
    { role: 'median', names: ['a_median'], required: true },
  ];
  const x = await openTable(NATIONAL_XLSX, {}, requests);
  const c = await openTable(NATIONAL_CSV, {}, requests);
  expect(x.info.xlsx?.name).toBe('national_M2019_dl');
  expect(x.header).toEqual(c.header);
  expect(x.columns).toEqual([7, 10, 25]);
  const xr = records(await readUtf8(x.info, x.dataOffset));
  const cr = records(await readUtf8(c.info, c.dataOffset));
  expect(xr).toHaveLength(1329);
  expect(cr).toHaveLength(1329);
  // The CSV holds the displayed text ("146,875,480"); the workbook gives the stored number.
  expect(xr[0].slice(7, 11)).toEqual(['00-0000', 'All Occupations', 'total', '146875480']);
  expect(cr[0][10]).toBe('146,875,480');
  const asNumber = (s: string) => (/^[\d,.]+$/.test(s) ? Number(s.replace(/,/g, '')) : s);
  for (let i = 0; i < cr.length; i++) {
    expect(xr[i][7]).toBe(cr[i][7]);
    for (const col of [10, 25]) {
      expect(xr[i][col]).not.toMatch(/[,eE]/);
      expect(asNumber(xr[i][col])).toBe(asNumber(cr[i][col]));
    }
  }
});

test('OES national 2019 .xlsx: the user-added "Sheet1" chosen by name', async () => {
  const t = await openTable(NATIONAL_XLSX, { sheet: 'Sheet1' }, [
    { role: 'title', names: ['occ_title'], required: true },
    { role: 'median', names: ['a_median'], required: true },
  ]);
  expect(t.info.xlsx).toMatchObject({ name: 'Sheet1', position: 2 });
  // Its table starts in column E; the cells show " $39,810.00 " but hold 39810.
  expect(t).toMatchObject({ headerLine: 1, columns: [4, 5] });
  const rows = records(await readUtf8(t.info, t.dataOffset));
  expect(rows).toHaveLength(1329);
  expect(rows[0]).toEqual(['', '', '', '', 'All Occupations', '39810']);
});

test('OES national 2019 .xlsx: a sheet chosen by 1-based position, as a number or a string of digits', async () => {
  const byNumber = await inspectFile(NATIONAL_XLSX, undefined, 3);
  const byDigits = await inspectFile(NATIONAL_XLSX, undefined, '3');
  expect(byNumber.xlsx).toMatchObject({ name: 'Field Descriptions', position: 3, sheetNames: ['national_M2019_dl', 'Sheet1', 'Field Descriptions'] });
  expect(byDigits.xlsx?.name).toBe('Field Descriptions');
  expect(await readUtf8(byNumber)).toBe(await readUtf8(byDigits));
});

test('OES national 2019 .xlsx: a missing sheet is an InputError that lists the sheets', async () => {
  await expect(inspectFile(NATIONAL_XLSX, undefined, 'wages')).rejects.toThrow(InputError);
  await expect(inspectFile(NATIONAL_XLSX, undefined, 'wages')).rejects.toThrow(
    `${NATIONAL_XLSX}: sheet "wages" not found (expected a sheet name or a position from 1 to 3; the workbook's sheets are "national_M2019_dl", "Sheet1", "Field Descriptions")`,
  );
  await expect(inspectFile(NATIONAL_XLSX, undefined, 4)).rejects.toThrow('sheet 4 not found: the workbook has 3 sheets');
});

test('SOC 2018 direct-match .xlsx: header detected on row 8 after the notes, the text equals the CSV conversion', async () => {
  const t = await openTable(SOC_XLSX, {}, [
    { role: 'code', names: ['2018 SOC Code'], required: true },
    { role: 'title', names: ['2018 SOC Direct Match Title'], required: true },
  ]);
  expect(t).toMatchObject({ headerLine: 8, dataLine: 9, columns: [0, 2] });
  expect(t.header).toEqual(['2018 SOC Code', '2018 SOC Title', '2018 SOC Direct Match Title', 'Illustrative Example']);
  expect(isRangeScannable(t.info)).toBe(false);
  expect(await readUtf8(t.info)).toBe(readFileSync(SOC_CSV, 'utf8'));
});

// ---------------------------------------------------------------------------------------------
// Cell values and rows, on generated workbooks

test('numbers are written plain: no thousands separators, no exponent', async () => {
  const file = await workbook('numbers.xlsx', (wb) => {
    const ws = wb.addWorksheet('n');
    ws.addRow(['n']);
    for (const v of [146875480, 1e21, 1.5e-7, -0.25, 53490.5, 0]) ws.addRow([v]).getCell(1).numFmt = '#,##0';
  });
  expect(await readUtf8(await inspectFile(file))).toBe('n\n146875480\n1000000000000000000000\n0.00000015\n-0.25\n53490.5\n0\n');
});

test('dates are ISO-8601, booleans TRUE/FALSE, formulas their cached result, rich text its text, errors their code', async () => {
  const file = await workbook('types.xlsx', (wb) => {
    const ws = wb.addWorksheet('t');
    ws.addRow(['date', 'datetime', 'bool', 'formula', 'text formula', 'date formula', 'rich', 'error']);
    const row = ws.addRow([
      new Date(Date.UTC(2019, 4, 31)),
      new Date(Date.UTC(2019, 4, 31, 13, 30, 5)),
      true,
      { formula: 'A5*2', result: 107000 },
      { formula: 'H1&"x"', result: 'errorx' },
      { formula: 'A2+1', result: 43617 },
      { richText: [{ text: 'Rich ' }, { font: { bold: true }, text: 'text' }] },
      { error: '#N/A' },
    ]);
    row.getCell(1).numFmt = 'yyyy-mm-dd';
    row.getCell(2).numFmt = 'yyyy-mm-dd hh:mm:ss';
    row.getCell(6).numFmt = 'd-mmm-yy';
    ws.addRow([null, null, false]);
  });
  expect(await readUtf8(await inspectFile(file))).toBe(
    'date,datetime,bool,formula,text formula,date formula,rich,error\n' +
      '2019-05-31,2019-05-31T13:30:05,TRUE,107000,errorx,2019-06-01,Rich text,#N/A\n' +
      ',,FALSE,,,,,\n',
  );
});

test('a workbook with the 1904 date system gives the same dates', async () => {
  const file = await workbook('date1904.xlsx', (wb) => {
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('d');
    ws.addRow(['date']);
    ws.addRow([new Date(Date.UTC(2019, 4, 31))]).getCell(1).numFmt = 'yyyy-mm-dd';
    ws.addRow([{ formula: 'A2+1', result: 42155 }]).getCell(1).numFmt = 'yyyy-mm-dd';
  });
  const info = await inspectFile(file);
  expect(info.xlsx?.date1904).toBe(true);
  expect(await readUtf8(info)).toBe('date\n2019-05-31\n2019-06-01\n');
});

test('a workbook without a shared-strings part (inline strings) is read too', async () => {
  const file = path.join(dir, 'inline.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const ws = wb.addWorksheet('inline');
  ws.addRow(['title', 'n']).commit();
  ws.addRow(['Cook, Line', 1.5]).commit();
  await wb.commit();
  const info = await inspectFile(file);
  expect(info.xlsx?.sharedStrings).toBeUndefined();
  expect(await readUtf8(info)).toBe('title,n\n"Cook, Line",1.5\n');
});

test('text with commas, quotes or line breaks is quoted; other text is not', async () => {
  const file = await workbook('text.xlsx', (wb) => {
    const ws = wb.addWorksheet('t');
    ws.addRow(['title', 'note']);
    ws.addRow(['Supply Chain Manager, Sustainability', 'say "hi"']);
    ws.addRow(['two\nlines', 'GED® Instructor\u00a0']);
  });
  expect(await readUtf8(await inspectFile(file))).toBe('title,note\n"Supply Chain Manager, Sustainability","say ""hi"""\n"two\nlines",GED® Instructor\u00a0\n');
});

test('rows keep their Excel row numbers: missing rows are empty lines, every row is padded to the sheet width, trailing empty rows are dropped', async () => {
  const file = await workbook('gaps.xlsx', (wb) => {
    const ws = wb.addWorksheet('g');
    ws.getCell('B2').value = 'code';
    ws.getCell('C2').value = 'title';
    ws.getCell('B4').value = '11-1011';
    ws.getCell('D5').value = 'wide';
    ws.getCell('B5').value = '11-1021';
    ws.getCell('B8').numFmt = '#,##0'; // styled but empty
  });
  expect(await readUtf8(await inspectFile(file))).toBe(',,,\n,code,title,\n,,,\n,11-1011,,\n,11-1021,,wide\n');
  const t = await openTable(file, { headerRow: 2 }, [{ role: 'code', names: ['code'], required: true }]);
  expect(t).toMatchObject({ headerLine: 2, dataLine: 3, columns: [1] });
});

test('a zip that is not a workbook, and an old binary .xls, are InputErrors', async () => {
  const zip = writeTemp(dir, 'not-a-book.csv', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 1)]));
  await expect(inspectFile(zip)).rejects.toThrow(`${zip}: looks like a zip archive but is not a readable .xlsx workbook`);
  const xls = writeTemp(dir, 'old.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]));
  await expect(inspectFile(xls)).rejects.toThrow(`${xls}: looks like an Excel/binary file, expected delimited text`);
});

test('a workbook whose sheet data is corrupt fails with an InputError instead of hanging', async () => {
  const good = await workbook('good.xlsx', (wb) => {
    const ws = wb.addWorksheet('data');
    ws.addRow(['title', 'n']);
    for (let i = 0; i < 20_000; i++) ws.addRow([`title ${(i * 7919) % 10007}`, (i * 104729) % 1000003]);
  });
  const bytes = readFileSync(good);
  const sheet = (await readZipDirectory(good)).get('xl/worksheets/sheet1.xml')!;
  const dataStart = sheet.localHeaderOffset + 30 + bytes.readUInt16LE(sheet.localHeaderOffset + 26) + bytes.readUInt16LE(sheet.localHeaderOffset + 28);
  // Damage the second half of the deflate stream: the head (and the <dimension>) still reads.
  bytes.fill(0xff, dataStart + Math.floor(sheet.compressedSize * 0.6), dataStart + Math.floor(sheet.compressedSize * 0.6) + 64);
  const bad = path.join(dir, 'bad.xlsx');
  writeFileSync(bad, bytes);
  const info = await inspectFile(bad);
  await expect(readUtf8(info)).rejects.toThrow(InputError);
  await expect(readUtf8(info)).rejects.toThrow(`${bad}: cannot read sheet "data" of the .xlsx workbook`);
});

test('the CLI takes --<table>-sheet as given; the engine reads digits as a position', () => {
  const run = parseCli(['--queries', 'q.csv', '--related', 'r.csv', '--codes', 'c.xlsx', '--codes-sheet', 'Sorted by SOC', '--wages', 'w.xlsx', '--wages-sheet', '2', '--out', 'o.csv']);
  if (run === 'help' || run === 'version') throw new Error('expected a run');
  expect(run.options.codes.sheet).toBe('Sorted by SOC');
  expect(run.options.wages.sheet).toBe('2');
  expect(run.options.queries.sheet).toBeUndefined();
});

// ---------------------------------------------------------------------------------------------
// End to end

/** Small tables in both forms: OES-style numbers (formatted cells in the workbook, "53,490" text in the CSV). */
const QUERIES = 'title,location\nChef,Alabama\nCook,Alaska\nChef,Alaska\nBaker,Alabama\nChef,Atlantis\nCEO,Alabama\n';
const RELATED = 'title,related_title,score\nChef,Head Cook,95\nChef,Cook,85\nCook,Line Cook,90\nCook,Cook,100\nBaker,Pastry Chef,70\nCEO,Chief Executive Officer,99\n';
const CODES = [
  ['35-1011', 'Head Cook'],
  ['35-2014', 'Line Cook'],
  ['35-2014', 'Cook'],
  ['35-2019', 'Cook'],
  ['11-1011', 'Chief Executive Officer'],
];
const WAGE_COLUMNS = ['tot_emp', 'a_mean', 'a_pct10', 'a_pct25', 'a_median', 'a_pct75', 'a_pct90'];
const WAGES: [string, string, ...(number | string)[]][] = [
  ['Alabama', '35-1011', 2140, 38120, 22680, 27710, 35600, 46230, 58960],
  ['Alabama', '35-2014', 8790, 23740, 17620, 19600, 23050, 27340, 31680],
  ['Alabama', '35-2019', '**', 25810, 18720, 21060, 24970, 29370, '*'],
  ['Alabama', '11-1011', 1640, 194410, 78310, 117430, 173960, '#', '#'],
  ['Alaska', '35-1011', 410, 46930, 31720, 36310, 44870, 54630, 66410],
  ['Alaska', '35-2014', 1650, 33160, 24880, 27740, 32310, 37820, 43690],
];

function csvText(rows: (string | number)[][]): string {
  const field = (v: string | number) => (typeof v === 'number' ? (v >= 1000 ? `"${v.toLocaleString('en-US')}"` : String(v)) : v.includes(',') ? `"${v}"` : v);
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

async function tablesInBothForms(name: string): Promise<{ csv: Pick<JoinOptions, 'codes' | 'wages'>; xlsx: Pick<JoinOptions, 'codes' | 'wages'> }> {
  const codesCsv = writeTemp(dir, `${name}/codes.csv`, csvText([['code', 'title'], ...CODES]));
  const wagesCsv = writeTemp(dir, `${name}/wages.csv`, csvText([['area_title', 'occ_code', ...WAGE_COLUMNS], ...WAGES]));
  const codesXlsx = await workbook(`${name}/codes.xlsx`, (wb) => {
    const ws = wb.addWorksheet('Sorted by SOC');
    ws.addRow(['SOC 2018 codes (a note above the header)']);
    ws.addRow([]);
    ws.addRow(['code', 'title']);
    for (const r of CODES) ws.addRow(r);
  });
  const wagesXlsx = await workbook(`${name}/wages.xlsx`, (wb) => {
    wb.addWorksheet('Notes').addRow(['Source: BLS OES (made up for a test)']);
    const ws = wb.addWorksheet('wages');
    ws.addRow(['area_title', 'occ_code', ...WAGE_COLUMNS]);
    for (const r of WAGES) {
      const row = ws.addRow(r);
      for (let c = 3; c <= r.length; c++) row.getCell(c).numFmt = '#,##0';
    }
  });
  return {
    csv: { codes: { files: [codesCsv] }, wages: { files: [wagesCsv] } },
    xlsx: { codes: { files: [codesXlsx] }, wages: { files: [wagesXlsx], sheet: 'wages' } },
  };
}

test('end to end: codes and wages tables as .xlsx give the same result as the same tables as CSV', async () => {
  const { csv, xlsx } = await tablesInBothForms('build');
  const base = {
    queries: { files: [writeTemp(dir, 'build/queries.csv', QUERIES)] },
    related: { files: [writeTemp(dir, 'build/related.csv', RELATED)] },
    workers: 1,
  };
  const fromCsv = await runEngineToArrays({ ...base, ...csv });
  const fromXlsx = await runEngineToArrays({ ...base, ...xlsx });
  expect(fromXlsx.matched).toEqual(fromCsv.matched);
  expect(fromXlsx.unmatched).toEqual(fromCsv.unmatched);
  expect(fromCsv.matched.length).toBeGreaterThanOrEqual(4);
  expect(fromCsv.unmatched.length).toBeGreaterThanOrEqual(1);
});

test('end to end: a query table as .xlsx (read in chunks) gives the same result as the CSV', async () => {
  const { csv } = await tablesInBothForms('probe');
  const lines = QUERIES.trim().split('\n').map((l) => l.split(','));
  const many = [lines[0], ...Array.from({ length: 400 }, (_, i) => lines[1 + (i % (lines.length - 1))])];
  const queriesXlsx = await workbook('probe/queries.xlsx', (wb) => {
    const ws = wb.addWorksheet('queries');
    for (const r of many) ws.addRow(r);
  });
  const base = { related: { files: [writeTemp(dir, 'probe/related.csv', RELATED)] }, ...csv, workers: 2, rangeBytes: 512 };
  const fromCsv = await runEngineToArrays({ ...base, queries: { files: [writeTemp(dir, 'probe/queries.csv', many.map((r) => r.join(',')).join('\n') + '\n')] } });
  const fromXlsx = await runEngineToArrays({ ...base, queries: { files: [queriesXlsx] } });
  expect(fromXlsx.matched).toEqual(fromCsv.matched);
  expect(fromXlsx.unmatched).toEqual(fromCsv.unmatched);
  expect(fromXlsx.matched.length + fromXlsx.unmatched.length).toBe(400);
});

// ---------------------------------------------------------------------------------------------
// Memory

/** Stated bound: peak RSS of a process that streams a 50 MB workbook's sheet (233 MB of XML) as CSV. */
const XLSX_PEAK_RSS_BOUND_MB = 224;

test(`a ~50 MB .xlsx is streamed in under ${XLSX_PEAK_RSS_BOUND_MB} MB peak RSS`, async () => {
  const rows = 540_000;
  const file = path.join(dir, 'big.xlsx');
  // Written by exceljs's streaming writer: like Excel, it puts the sheet before sharedStrings.xml.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('wages');
  ws.addRow(['area_title', 'occ_code', 'occ_title', 'tot_emp', 'h_mean', 'a_mean', 'a_pct10', 'a_median', 'a_pct90', 'pct_total', 'loc_quotient']).commit();
  let x = 12345;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < rows; i++) {
    const row = ws.addRow([`State ${i % 54}`, `${11 + (i % 40)}-${1000 + (i % 997)}`, `Occupation ${i % 997}`, rnd() % 10000000, rnd() / 1e5, rnd() % 1000000, rnd() % 1000000, rnd() % 1000000, rnd() % 1000000, rnd() / 1e9, rnd() / 1e8]);
    row.getCell(4).numFmt = '#,##0';
    row.commit();
  }
  ws.commit();
  await wb.commit();
  expect(statSync(file).size).toBeGreaterThan(45 * 1024 * 1024);
  const sheetXml = (await readZipDirectory(file)).get('xl/worksheets/sheet1.xml')!.uncompressedSize;
  expect(sheetXml).toBeGreaterThan(200 * 1024 * 1024);

  const dist = path.resolve(__dirname, '..', '..', 'dist', 'src', 'engine', 'source');
  const script = `
    const { openTable } = require(${JSON.stringify(path.join(dist, 'openTable.js'))});
    const { openUtf8Stream } = require(${JSON.stringify(path.join(dist, 'openText.js'))});
    (async () => {
      const t = await openTable(process.argv[1], {}, [{ role: 'code', names: ['occ_code'], required: true }]);
      let lines = 0, bytes = 0;
      for await (const chunk of openUtf8Stream(t.info, t.dataOffset)) {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
      }
      console.log(JSON.stringify({ lines, bytes, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  // Through sh, not spawned directly: a child forked from this (large) jest process starts with
  // its resident pages, and Linux carries that high-water mark into maxRSS across exec.
  const output = execFileSync('/bin/sh', ['-c', '"$@"; exit $?', 'sh', process.execPath, '-e', script, file], { encoding: 'utf8' });
  const out = JSON.parse(output) as { lines: number; bytes: number; maxRssMB: number };
  expect(out.lines).toBe(rows);
  expect(out.bytes).toBeGreaterThan(50 * 1024 * 1024);
  expect(out.maxRssMB).toBeLessThan(XLSX_PEAK_RSS_BOUND_MB);
}, 600_000);
