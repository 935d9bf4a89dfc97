import { openTable } from '../../src/engine/source/openTable';
import { openUtf8Stream, TextSourceInfo } from '../../src/engine/source/openText';
import { DATA } from '../support/tempFiles';

/** The first `n` bytes of the stream from `start`, as text. */
function peek(info: TextSourceInfo, start: number, n = 60): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const s = openUtf8Stream(info, start);
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= n) {
        (s as unknown as { destroy(): void }).destroy();
        resolve(Buffer.concat(chunks).subarray(0, n).toString('utf8'));
      }
    });
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}

test('SOC 2018 direct-match file: header on line 8 after notes and blank lines (detected without names)', async () => {
  const t = await openTable(`${DATA}/soc/soc_2018_direct_match_title_file.csv`, {}, []);
  expect(t.headerLine).toBe(8);
  expect(t.header).toEqual(['2018 SOC Code', '2018 SOC Title', '2018 SOC Direct Match Title', 'Illustrative Example']);
  expect(t.dataLine).toBe(9);
  expect(await peek(t.info, t.dataOffset, 36)).toBe('11-1011,Chief Executives,Admiral,x\n1');
});

test('SOC 2018 direct-match file: header on line 8 found by the requested names', async () => {
  const t = await openTable(`${DATA}/soc/soc_2018_direct_match_title_file.csv`, {}, [
    { role: 'code', names: ['2018 soc code', 'code'], required: true },
    { role: 'title', names: ['2018 SOC Direct Match Title', 'title'], required: true },
  ]);
  expect(t.headerLine).toBe(8);
  expect(t.columns).toEqual([0, 2]);
});

test('SOC 2018 definitions: header on line 8', async () => {
  const t = await openTable(`${DATA}/soc/soc_2018_definitions.csv`, {}, []);
  expect(t.headerLine).toBe(8);
  expect(t.header).toEqual(['SOC Group', 'SOC Code', 'SOC Title', 'SOC Definition']);
});

test('SOC 2010 direct-match file: CR-only, Mac Roman, header on line 1', async () => {
  const t = await openTable(`${DATA}/soc/CONVERTED_soc_2010_direct_match_title_file.csv`, {}, [
    { role: 'title', names: ['2010 SOC Direct Match Title'], required: true },
  ]);
  expect(t.info.encoding).toBe('macintosh');
  expect(t).toMatchObject({ headerLine: 1, dataLine: 2, columns: [2] });
  expect(await peek(t.info, t.dataOffset, 31)).toBe('11-1011,Chief Executives,CEO,\r1');
});

test('OES state 2018 cut: BOM, header on line 1, "st" without BOM', async () => {
  const t = await openTable(`${DATA}/oes/state_M2018_5col_all.csv`, {}, [
    { role: 'state code', names: ['st', 'prim_state'], required: true },
    { role: 'title', names: ['occ_title', 'occupation'], required: true },
    { role: 'employment', names: ['tot_emp'], required: true },
  ]);
  expect(t.info.bomLength).toBe(3);
  expect(t.header).toEqual(['st', 'occupation', 'tot_emp', 'hr_mean', 'avg_mean']);
  expect(t).toMatchObject({ headerLine: 1, dataLine: 2, columns: [0, 1, 2] });
  expect(t.dataOffset).toBe(3 + 'st,occupation,tot_emp,hr_mean,avg_mean\r\n'.length);
  expect(await peek(t.info, t.dataOffset, 18)).toBe('AL,All Occupations');
});

test('OES national 2019: lower-case columns found by upper-case requests', async () => {
  const t = await openTable(`${DATA}/oes/national_M2019_dl.csv`, {}, [
    { role: 'area', names: ['AREA_TITLE'], required: true },
    { role: 'code', names: ['OCC_CODE'], required: true },
    { role: 'median', names: ['A_MEDIAN'], required: true },
  ]);
  expect(t).toMatchObject({ headerLine: 1, dataLine: 2, columns: [1, 7, 25] });
  expect(t.header).toHaveLength(30);
});

test('title2soc.txt: TSV without header, read with headerRow 0 + columnNames', async () => {
  const t = await openTable(`${DATA}/related/title2soc.txt`, { headerRow: 0, columnNames: ['normalized_title', 'original_title', 'code'] }, [
    { role: 'title', names: ['original_title'], required: true },
    { role: 'code', names: ['code'], required: true },
  ]);
  expect(t).toMatchObject({ dialect: { delimiter: 0x09 }, headerLine: 0, dataOffset: 0, dataLine: 1, columns: [1, 2] });
});

test('title2soc.txt without headerRow 0: the error shows the first row and suggests headerRow 0', async () => {
  await expect(
    openTable(`${DATA}/related/title2soc.txt`, {}, [{ role: 'title', names: ['title'], required: true }]),
  ).rejects.toThrow(/line 1, column "title": title column "title" not found; columns are: operation director, Operations Director, 11102100; if the file has no header line, set headerRow 0/);
});

test('H-2B FY2013: CR-only, Mac Roman bytes, header on line 1 with JOB_TITLE', async () => {
  const t = await openTable(`${DATA}/postings/h2b_oflc/H-2B_FY2013-2.csv`, {}, [
    { role: 'title', names: ['job_title'], required: true },
    { role: 'state', names: ['alien_work_state'], required: true },
  ]);
  expect(t.info.encoding).toBe('macintosh');
  expect(t).toMatchObject({ headerLine: 1, dataLine: 2, columns: [19, 5] });
  expect(await peek(t.info, t.dataOffset, 14)).toBe('C-12264-59812,');
});
