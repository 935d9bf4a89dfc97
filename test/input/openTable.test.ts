import { gzipSync } from 'zlib';
import { openTable } from '../../src/engine/source/openTable';
import { ColumnRequest } from '../../src/engine/dialect/columns';
import { InputError } from '../../src/engine/errors';
import { tempDir, writeTemp } from '../support/tempFiles';
import { readUtf8 } from '../support/readText';

const dir = tempDir();
const title: ColumnRequest = { role: 'title', names: ['title'], required: true };
const code: ColumnRequest = { role: 'code', names: ['code'], required: true };


test('a plain CSV: dialect, header, columns and data start', async () => {
  const p = writeTemp(dir, 'codes.csv', 'code,title\r\n11-1011,Chief Executives\r\n');
  const t = await openTable(p, {}, [title, code]);
  expect(t).toMatchObject({ dialect: { delimiter: 0x2c, quote: 0x22 }, header: ['code', 'title'], headerLine: 1, dataOffset: 12, dataLine: 2, columns: [1, 0] });
  expect(await readUtf8(t.info, t.dataOffset)).toBe('11-1011,Chief Executives\r\n');
});

test('a BOM file: header without BOM, dataOffset is the file offset (BOM counted)', async () => {
  const p = writeTemp(dir, 'bom.csv', '\ufefftitle,code\nCook,35-2014\n');
  const t = await openTable(p, {}, [title]);
  expect(t.header).toEqual(['title', 'code']);
  expect(t.dataOffset).toBe(3 + 11);
  expect(await readUtf8(t.info, t.dataOffset)).toBe('Cook,35-2014\n');
});

test('a gzip file with BOM: dataOffset is in the UTF-8 stream (BOM removed)', async () => {
  const p = writeTemp(dir, 'codes.csv.gz', gzipSync(Buffer.from('\ufefftitle,code\nCook,35-2014\n')));
  const t = await openTable(p, {}, [title]);
  expect(t.dataOffset).toBe(11);
  expect(await readUtf8(t.info, t.dataOffset)).toBe('Cook,35-2014\n');
});

test('an explicit headerRow picks that physical line', async () => {
  const p = writeTemp(dir, 'notes.csv', 'Exported 2024-01-01\n\ntitle,code\nCook,35-2014\n');
  const t = await openTable(p, { headerRow: 3 }, [title]);
  expect(t).toMatchObject({ headerLine: 3, dataLine: 4, header: ['title', 'code'] });
});

test('only the records up to the header are split: a header far down, after records of several lines, or inside a quoted field', async () => {
  // 250 preamble records, each a quoted field over two lines: header line 501 is record 251.
  const preamble = Array.from({ length: 250 }, (_, i) => `"note ${i}\ncontinued"\n`).join('');
  const p = writeTemp(dir, 'far.csv', `${preamble}title,code\nCook,35-2014\n`);
  const t = await openTable(p, { headerRow: 501 }, [title]);
  expect(t).toMatchObject({ headerLine: 501, dataLine: 502, header: ['title', 'code'] });
  expect(await readUtf8(t.info, t.dataOffset)).toBe('Cook,35-2014\n');
  // Line 500 is the second line of record 250, not a record's start.
  await expect(openTable(p, { headerRow: 500 }, [title])).rejects.toThrow(/header row 500 is blank or inside a quoted field/);
  // Past the last line of a whole file: the lines it has, however far the limit reaches.
  await expect(openTable(p, { headerRow: 900 }, [title])).rejects.toThrow(/header row 900 not found: the file has 503 lines/);
  // One record per line: header line 301 is record 301, the last one split.
  const lines = writeTemp(dir, 'far2.csv', `${'note\n'.repeat(300)}title,code\nCook,35-2014\n`);
  expect(await openTable(lines, { headerRow: 301 }, [title])).toMatchObject({ headerLine: 301, dataLine: 302, header: ['title', 'code'] });
});

test('a header-only file is fine: zero data rows, data starts at the end', async () => {
  const p = writeTemp(dir, 'headonly.csv', 'title,code');
  const t = await openTable(p, {}, [title]);
  expect(t).toMatchObject({ headerLine: 1, dataOffset: 10, dataLine: 1, columns: [0] });
});

test('headerRow 0 uses columnNames and data starts at line 1', async () => {
  const p = writeTemp(dir, 'nohead.tsv', 'cook\tCook\t35201400\n');
  const t = await openTable(p, { headerRow: 0, columnNames: ['norm', 'title', 'code'] }, [title, code]);
  expect(t).toMatchObject({ dialect: { delimiter: 0x09 }, header: ['norm', 'title', 'code'], headerLine: 0, dataOffset: 0, dataLine: 1, columns: [1, 2] });
});

test('headerRow 0 without columnNames is an error', async () => {
  const p = writeTemp(dir, 'nohead2.tsv', 'cook\tCook\n');
  await expect(openTable(p, { headerRow: 0 }, [title])).rejects.toThrow('headerRow 0 (no header line) needs columnNames');
});

test('a headerRow past the end of the file is an error', async () => {
  const p = writeTemp(dir, 'short.csv', 'title\nCook\n');
  await expect(openTable(p, { headerRow: 9 }, [title])).rejects.toThrow(/line 9: header row 9 not found: the file has 3 lines/);
});

test('a headerRow on a blank line is an error', async () => {
  const p = writeTemp(dir, 'blank.csv', 'x\n\ntitle\nCook\n');
  await expect(openTable(p, { headerRow: 2 }, [title])).rejects.toThrow(/header row 2 is blank/);
});

test('the delimiter option overrides sniffing; names such as "tab" work', async () => {
  const p = writeTemp(dir, 'opt.txt', 'title\tcode\nCook, line\t35-2014\n');
  expect((await openTable(p, { delimiter: 'tab' }, [title])).dialect.delimiter).toBe(0x09);
  expect((await openTable(p, { delimiter: '\t' }, [title])).columns).toEqual([0]);
});

test('an invalid delimiter option is an error', async () => {
  const p = writeTemp(dir, 'opt2.csv', 'title\nCook\n');
  await expect(openTable(p, { delimiter: '::' }, [title])).rejects.toThrow(/invalid delimiter "::"/);
});

test('an empty file is an error', async () => {
  const p = writeTemp(dir, 'empty.csv', '');
  await expect(openTable(p, {}, [title])).rejects.toThrow(`${p}: file is empty`);
});

test('a file of blank lines and a BOM is empty too', async () => {
  const p = writeTemp(dir, 'blanks.csv', '\ufeff\r\n\r\n');
  await expect(openTable(p, {}, [title])).rejects.toThrow('file is empty');
});

test('NUL bytes mean a binary file', async () => {
  const p = writeTemp(dir, 'bin.csv', Buffer.from([0x74, 0x00, 0x69, 0x00, 0x0a, 0x00]));
  await expect(openTable(p, {}, [title])).rejects.toThrow('looks like an Excel/binary file, expected delimited text');
});

test('a zip signature means an .xlsx workbook, whatever the name: a broken one is an InputError', async () => {
  const p = writeTemp(dir, 'book.csv', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(40, 1)]));
  await expect(openTable(p, {}, [title])).rejects.toThrow(InputError);
  await expect(openTable(p, {}, [title])).rejects.toThrow('looks like a zip archive but is not a readable .xlsx workbook');
});

test('a missing column names the header line of the file', async () => {
  const p = writeTemp(dir, 'typo.csv', 'note,,\nAREA_TITEL,OCC_CODE,A_MEDIAN\nAlabama,11-1011,"100,000"\n');
  const req: ColumnRequest = { role: 'state', names: ['area_title'], required: true };
  await expect(openTable(p, {}, [req, { role: 'code', names: ['occ_code'], required: true }])).rejects.toThrow(
    `${p}, line 2, column "area_title": state column "area_title" not found; columns are: AREA_TITEL, OCC_CODE, A_MEDIAN; did you mean "AREA_TITEL"?`,
  );
});
