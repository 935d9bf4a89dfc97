import { promises as fsp, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import * as iconv from 'iconv-lite';
import { InputError } from '../../src/engine/errors';
import type { JoinOptions, MatchedRow, UnmatchedRow } from '../../src/engine/options';
import { generateDataset } from '../generate/generateDataset';
import { parseWageCell, referenceJoin, referenceJoinToArrays } from './referenceJoin';

let root: string;
let counter = 0;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'refjoin-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface Tables {
  queries: string;
  related: string;
  codes: string;
  wages: string;
}

/** Writes the four tables (CSV, header on line 1, UTF-8) and returns options for them. */
async function setup(t: Tables, extra: Partial<JoinOptions> = {}): Promise<JoinOptions> {
  const dir = path.join(root, `case${++counter}`);
  await fsp.mkdir(dir);
  const files = {} as Record<keyof Tables, string>;
  for (const k of Object.keys(t) as (keyof Tables)[]) {
    files[k] = path.join(dir, `${k}.csv`);
    await fsp.writeFile(files[k], t[k]);
  }
  return {
    queries: { files: [files.queries], headerRow: 1 },
    related: { files: [files.related], headerRow: 1 },
    codes: { files: [files.codes], headerRow: 1 },
    wages: { files: [files.wages], headerRow: 1 },
    wageColumns: ['a_mean'],
    ...extra,
  };
}

const lines = (...l: string[]): string => l.join('\n') + '\n';

/** One code per letter title: A→11-0001, B→11-0002, ... */
const CODES = lines('code,title', '11-0001,A', '11-0002,B', '11-0003,C', '11-0004,D');

describe('threshold', () => {
  test('strict: 80 and 80.0 are excluded, 80.5 counts', async () => {
    const o = await setup({
      queries: lines('title,location', 'Q,CA', 'Q2,CA'),
      related: lines('title,related_title,score', 'Q,A,80', 'Q,B,80.0', 'Q,C,80.5', 'Q2,A,80', 'Q2,B, 80.0 '),
      codes: CODES,
      wages: lines('occ_code,area_title,a_mean', '11-0001,California,100', '11-0002,California,200', '11-0003,California,300'),
    });
    const r = await referenceJoinToArrays(o);
    expect(r.matched).toEqual([{ title: 'Q', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 300 }]);
    expect(r.unmatched).toEqual([{ title: 'Q2', location: 'CA', state: 'California', reason: 'no_related_title_above_threshold' }]);
  });

  test('threshold option', async () => {
    const o = await setup(
      {
        queries: lines('title,location', 'Q,CA'),
        related: lines('title,related_title,score', 'Q,A,80', 'Q,C,95'),
        codes: CODES,
        wages: lines('occ_code,area_title,a_mean', '11-0001,California,100', '11-0003,California,300'),
      },
      { threshold: 79.5 },
    );
    const r = await referenceJoinToArrays(o);
    expect(r.matched[0]).toMatchObject({ n_rows: 2, n_codes: 2, a_mean: 200 });
  });
});

describe('multiplicity', () => {
  const tables: Tables = {
    queries: lines('title,location', 'Q,CA'),
    // A twice (duplicate related row), B once; A→11-0001; B→11-0001 and 11-0002
    related: lines('title,related_title,score', 'Q,A,90', 'Q,A,90', 'Q,B,95'),
    codes: lines('code,title', '11-0001,A', '11-0001,B', '11-0002,B'),
    wages: lines(
      'occ_code,area_title,a_mean',
      '11-0001,California,10',
      '11-0001,California,20',
      '11-0002,California,100',
      '11-0002,California,200',
      '11-0001,Texas,99999',
    ),
  };

  test('a row counts once per path (pandas merge)', async () => {
    // paths to 11-0001: A, A, B → weight 3; to 11-0002: B → weight 1
    // values 10,10,10,20,20,20,100,200 → median (20+20)/2
    const r = await referenceJoinToArrays(await setup(tables));
    expect(r.matched).toEqual([{ title: 'Q', location: 'CA', state: 'California', n_rows: 8, n_codes: 2, a_mean: 20 }]);
  });

  test('countEachCodeOnce: each distinct code once', async () => {
    // 10,20,100,200 → (20+100)/2
    const r = await referenceJoinToArrays(await setup(tables, { countEachCodeOnce: true }));
    expect(r.matched).toEqual([{ title: 'Q', location: 'CA', state: 'California', n_rows: 4, n_codes: 2, a_mean: 60 }]);
  });

  test('identical duplicate code rows give two paths', async () => {
    const r = await referenceJoinToArrays(
      await setup({
        queries: lines('title,location', 'Q,CA'),
        related: lines('title,related_title,score', 'Q,A,90'),
        codes: lines('code,title', '11-0001,A', '11-0001,A'),
        wages: lines('occ_code,area_title,a_mean', '11-0001,California,10'),
      }),
    );
    expect(r.matched[0]).toMatchObject({ n_rows: 2, n_codes: 1, a_mean: 10 });
  });

  test('n_codes counts only codes with rows in the state', async () => {
    const r = await referenceJoinToArrays(
      await setup({
        queries: lines('title,location', 'Q,CA'),
        related: lines('title,related_title,score', 'Q,A,90', 'Q,B,90'),
        codes: CODES,
        wages: lines('occ_code,area_title,a_mean', '11-0001,California,10', '11-0002,Texas,20'),
      }),
    );
    expect(r.matched[0]).toMatchObject({ n_rows: 1, n_codes: 1, a_mean: 10 });
  });
});

describe('includeSelf', () => {
  const tables: Tables = {
    queries: lines('title,location', 'A,CA', 'C,CA', 'D,CA'),
    related: lines('title,related_title,score', 'A,B,90', 'D,D,95'),
    codes: CODES,
    wages: lines('occ_code,area_title,a_mean', '11-0001,CA,1', '11-0002,CA,2', '11-0003,CA,3', '11-0004,CA,4'),
  };

  test('off (default): the query title is not related to itself', async () => {
    const r = await referenceJoinToArrays(await setup(tables));
    expect(r.matched).toEqual([
      { title: 'A', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 2 },
      { title: 'D', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 4 },
    ]);
    expect(r.unmatched).toEqual([{ title: 'C', location: 'CA', state: 'California', reason: 'no_related_title_above_threshold' }]);
  });

  test('on: one extra path, unless already related above the threshold', async () => {
    const r = await referenceJoinToArrays(await setup(tables, { includeSelf: true }));
    expect(r.matched).toEqual([
      { title: 'A', location: 'CA', state: 'California', n_rows: 2, n_codes: 2, a_mean: 1.5 },
      { title: 'C', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 3 },
      { title: 'D', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 4 },
    ]);
  });
});

describe('title matching', () => {
  const tables: Tables = {
    queries: lines('title,location', 'senior chef,CA'),
    related: lines('title,related_title,score', 'Senior Chef,Cook,90'),
    codes: lines('code,title', '11-0001,COOK'),
    wages: lines('occ_code,area_title,a_mean', '11-0001,California,10'),
  };

  test('exact by default', async () => {
    const r = await referenceJoinToArrays(await setup(tables));
    expect(r.unmatched).toEqual([{ title: 'senior chef', location: 'CA', state: 'California', reason: 'no_related_title_above_threshold' }]);
  });

  test('caseInsensitive: query, related and code titles ignore case; output keeps the case', async () => {
    const r = await referenceJoinToArrays(await setup(tables, { caseInsensitive: true }));
    expect(r.matched).toEqual([{ title: 'senior chef', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 10 }]);
  });

  test('trailing spaces and NBSPs are trimmed everywhere (titles, codes, locations)', async () => {
    const r = await referenceJoinToArrays(
      await setup({
        queries: lines('title,location', 'Chef\u00a0 , CA\u00a0', '"\u00a0Chef\t",Texas '),
        related: lines('title,related_title,score', ' Chef,Cook  ,90'),
        codes: lines('code,title', ' 11-0001 ,\u00a0Cook\u2003'),
        wages: lines('occ_code,area_title,a_mean', '11-0001  ,California,10', '11-0001,\u00a0Texas,20'),
      }),
    );
    expect(r.matched).toEqual([
      { title: 'Chef', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 10 },
      { title: 'Chef', location: 'Texas', state: 'Texas', n_rows: 1, n_codes: 1, a_mean: 20 },
    ]);
  });
});

describe('unmatched reasons', () => {
  test('every reason, checked in order, with the state when known', async () => {
    const r = await referenceJoinToArrays(
      await setup({
        queries: lines(
          'title,location',
          'A,Remote', // unknown state (even though A would match)
          'Nobody,CA', // no related rows at all
          'Low,CA', // only related rows ≤ threshold
          'NoCode,CA', // related title has no code
          'A,TX', // codes, but no wage row in Texas
          'A,,', // empty location
          'A,CA',
        ),
        related: lines('title,related_title,score', 'A,B,90', 'Low,B,80', 'NoCode,Unknown Title,99'),
        codes: CODES,
        wages: lines('occ_code,area_title,a_mean', '11-0002,California,5', '11-0002,U.S.,7'),
      }),
    );
    expect(r.unmatched).toEqual([
      { title: 'A', location: 'Remote', state: '', reason: 'unknown_state' },
      { title: 'Nobody', location: 'CA', state: 'California', reason: 'no_related_title_above_threshold' },
      { title: 'Low', location: 'CA', state: 'California', reason: 'no_related_title_above_threshold' },
      { title: 'NoCode', location: 'CA', state: 'California', reason: 'no_code_for_related_titles' },
      { title: 'A', location: 'TX', state: 'Texas', reason: 'no_wage_rows_in_state' },
      { title: 'A', location: '', state: '', reason: 'unknown_state' },
    ]);
    expect(r.matched).toEqual([{ title: 'A', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: 5 }]);
  });

  test('location forms: code, name, loose spelling, "City, ST", FIPS', async () => {
    const r = await referenceJoinToArrays(
      await setup({
        queries: lines('title,location', 'A,New york', 'A,"Albany, NY"', 'A,36', 'A,ny', 'A,New York'),
        related: lines('title,related_title,score', 'A,B,90'),
        codes: CODES,
        wages: lines('occ_code,area_title,a_mean', '11-0002,New York,5'),
      }),
    );
    expect(r.matched.map((m) => [m.location, m.state])).toEqual([
      ['New york', 'New York'],
      ['Albany, NY', 'New York'],
      ['36', 'New York'],
      ['ny', 'New York'],
      ['New York', 'New York'],
    ]);
  });
});

describe('medians and wage cells', () => {
  test('odd, even, all missing → null with n_rows still reported', async () => {
    const r = await referenceJoinToArrays(
      await setup(
        {
          queries: lines('title,location', 'Q,CA', 'R,CA'),
          related: lines('title,related_title,score', 'Q,A,90', 'R,B,90'),
          codes: CODES,
          wages: lines(
            'occ_code,area_title,a_mean,a_median,a_pct90',
            '11-0001,California,1,1,*',
            '11-0001,California,3,2,**',
            '11-0001,California,2,3,',
            '11-0001,California,,10,#',
            '11-0002,California,*,*,*',
          ),
        },
        { wageColumns: ['a_mean', 'A_MEDIAN', 'a_pct90'] },
      ),
    );
    expect(r.matched).toEqual([
      // a_mean 1,3,2 (empty skipped, not 0) → 2; a_median 1,2,3,10 → 2.5; a_pct90 all missing
      { title: 'Q', location: 'CA', state: 'California', n_rows: 4, n_codes: 1, a_mean: 2, a_median: 2.5, a_pct90: null },
      { title: 'R', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, a_mean: null, a_median: null, a_pct90: null },
    ]);
  });

  test('"12,000", $, markers, topCodeValue; an empty cell never becomes 0', async () => {
    const tables: Tables = {
      queries: lines('title,location', 'Q,CA'),
      related: lines('title,related_title,score', 'Q,A,90'),
      codes: CODES,
      wages: lines(
        'occ_code,area_title,a_mean,a_pct90',
        '11-0001,California,"12,000",#',
        '11-0001,California,"$1,500",#',
        '11-0001,California,,100',
        '11-0001,California,~,N/A',
        '11-0001,California,(8),n/a',
        '11-0001,California,"1,00",NA',
      ),
    };
    const cols = { wageColumns: ['a_mean', 'a_pct90'] };
    const r1 = await referenceJoinToArrays(await setup(tables, cols));
    // a_mean: 12000, 1500 (others missing) → 6750; a_pct90: # missing → 100
    expect(r1.matched).toEqual([{ title: 'Q', location: 'CA', state: 'California', n_rows: 6, n_codes: 1, a_mean: 6750, a_pct90: 100 }]);
    const r2 = await referenceJoinToArrays(await setup(tables, { ...cols, topCodeValue: 239200 }));
    // a_pct90: 239200, 239200, 100 → 239200
    expect(r2.matched[0]).toMatchObject({ a_mean: 6750, a_pct90: 239200 });
  });

  test('invalid cells are counted', async () => {
    const o = await setup(
      {
        queries: lines('title,location', 'Q,CA'),
        related: lines('title,related_title,score', 'Q,A,90'),
        codes: CODES,
        wages: lines('occ_code,area_title,a_mean,a_pct90', '11-0001,California,(8),abc', '11-0001,California,"1,00",5'),
      },
      { wageColumns: ['a_mean', 'a_pct90'] },
    );
    const stats = await referenceJoin(o, () => undefined, () => undefined);
    expect(stats).toEqual({ queries: 1, matched: 1, unmatched: 0, invalidWageCells: 3 });
  });

  test('parseWageCell', () => {
    const v = (s: string, top?: number): number | null => parseWageCell(s, top).value;
    expect(v('12,000')).toBe(12000);
    expect(v(' 1,234,567.5 ')).toBe(1234567.5);
    expect(v('$52,000')).toBe(52000);
    expect(v('21.05')).toBe(21.05);
    expect(v('\u00a0 7 ')).toBe(7);
    for (const m of ['', ' ', '*', '**', '#', '~', 'N/A', 'n/a', 'NA']) expect(v(m)).toBeNull();
    expect(v('#', 100)).toBe(100);
    for (const bad of ['12,00', '1,2345', ',100', 'abc', '0x10', 'Infinity', '12k']) {
      expect(parseWageCell(bad, undefined)).toEqual({ value: null, invalid: true });
    }
  });

  test('default wage columns, upper-case header, missing wage column → InputError', async () => {
    const header = 'OCC_CODE,AREA_TITLE,TOT_EMP,A_MEAN,A_PCT10,A_PCT25,A_MEDIAN,A_PCT75,A_PCT90';
    const base = {
      queries: lines('title,location', 'Q,CA'),
      related: lines('title,related_title,score', 'Q,A,90'),
      codes: CODES,
    };
    const o = await setup({ ...base, wages: lines(header, '11-0001,California,"1,000",1,2,3,4,5,6') }, { wageColumns: undefined });
    const r = await referenceJoinToArrays(o);
    expect(r.matched).toEqual([
      { title: 'Q', location: 'CA', state: 'California', n_rows: 1, n_codes: 1, tot_emp: 1000, a_mean: 1, a_pct10: 2, a_pct25: 3, a_median: 4, a_pct75: 5, a_pct90: 6 },
    ]);
    const bad = await setup({ ...base, wages: lines('occ_code,area_title,a_mean', '11-0001,California,1') }, { wageColumns: ['a_mean', 'h_mean'] });
    await expect(referenceJoinToArrays(bad)).rejects.toThrow(InputError);
    await expect(referenceJoinToArrays(bad)).rejects.toThrow(/no column "h_mean"/);
  });
});

describe('output rows', () => {
  const tables: Tables = {
    queries: lines('title,location', 'A,CA', 'Nobody,CA', 'A ,CA', 'A,Remote', 'a,CA', 'A,CA', 'B,TX', 'A,"CA "'),
    related: lines('title,related_title,score', 'A,A,90', 'a,A,90', 'B,A,90'),
    codes: CODES,
    wages: lines('occ_code,area_title,a_mean', '11-0001,California,1', '11-0001,Texas,2'),
  };

  test('query order, duplicates kept by default', async () => {
    const order: string[] = [];
    const stats = await referenceJoin(
      await setup(tables),
      (m) => order.push(`M ${m.title}|${m.location}`),
      (u) => order.push(`U ${u.title}|${u.location}|${u.reason}`),
    );
    expect(order).toEqual([
      'M A|CA',
      'U Nobody|CA|no_related_title_above_threshold',
      'M A|CA',
      'U A|Remote|unknown_state',
      'M a|CA',
      'M A|CA',
      'M B|TX',
      'M A|CA',
    ]);
    expect(stats).toEqual({ queries: 8, matched: 6, unmatched: 2, invalidWageCells: 0 });
  });

  test('dedupePairs: first occurrence of each trimmed (title, location) pair', async () => {
    const order: string[] = [];
    const stats = await referenceJoin(
      await setup(tables, { dedupePairs: true }),
      (m) => order.push(`M ${m.title}|${m.location}`),
      (u) => order.push(`U ${u.title}|${u.location}`),
    );
    expect(order).toEqual(['M A|CA', 'U Nobody|CA', 'U A|Remote', 'M a|CA', 'M B|TX']);
    expect(stats).toMatchObject({ queries: 8, matched: 3, unmatched: 2 });
  });
});

describe('input errors', () => {
  const base = {
    queries: lines('title,location', 'Q,CA'),
    codes: CODES,
    wages: lines('occ_code,area_title,a_mean', '11-0001,California,1'),
  };

  test.each([
    ['87,5', '"87,5"'],
    ['', ''],
    ['abc', 'abc'],
    ['1,000', '"1,000"'],
  ])('score %j is rejected with file, line and column', async (_score, written) => {
    const o = await setup({ ...base, related: lines('title,related_title,score', 'Q,A,90', `Q,B,${written}`) });
    const err = await referenceJoinToArrays(o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.location).toEqual({ file: o.related.files[0], line: 3, column: 'score' });
    expect(e.expected).toBe('a number');
    expect(e.message).toContain(`${o.related.files[0]}, line 3, column "score"`);
    expect(e.message).toContain('(expected a number)');
  });

  test('line numbers are physical lines, after embedded LF and CRLF newlines and blank lines', async () => {
    const related =
      'title,related_title,score\r\n' + // 1
      '"Q\r\nQ",A,90\r\n' + // 2-3
      '\r\n' + // 4 (blank)
      '"Q\nQ\nQ",A,90\r\n' + // 5-7
      'Q,B,x\r\n'; // 8
    const o = await setup({ ...base, related });
    const err = (await referenceJoinToArrays(o).catch((e: unknown) => e)) as InputError;
    expect(err).toBeInstanceOf(InputError);
    expect(err.location).toEqual({ file: o.related.files[0], line: 8, column: 'score' });
  });

  test('a missing column names the table, the file and the column', async () => {
    const o = await setup({ ...base, related: lines('title,related,score', 'Q,A,90') });
    await expect(referenceJoinToArrays(o)).rejects.toThrow(/related\.csv, column "related_title": the related table has no column "related_title"/);
  });

  test('headerRow is required', async () => {
    const o = await setup({ ...base, related: lines('title,related_title,score', 'Q,A,90') });
    delete o.related.headerRow;
    await expect(referenceJoinToArrays(o)).rejects.toThrow(InputError);
  });
});

describe('wage area columns', () => {
  const base = {
    queries: lines('title,location', 'Q,CA', 'Q,"Austin, TX"', 'Q,Ohio'),
    related: lines('title,related_title,score', 'Q,A,90'),
    codes: CODES,
  };
  const expected = [
    { title: 'Q', location: 'CA', state: 'California', n_rows: 2, n_codes: 1, a_mean: 15 },
    { title: 'Q', location: 'Austin, TX', state: 'Texas', n_rows: 1, n_codes: 1, a_mean: 30 },
  ];
  const noOhio = [{ title: 'Q', location: 'Ohio', state: 'Ohio', reason: 'no_wage_rows_in_state' }];

  test('area_title (state names) and st codes give the same result', async () => {
    const byName = await referenceJoinToArrays(
      await setup({ ...base, wages: lines('occ_code,area_title,a_mean', '11-0001,California,10', '11-0001,California,20', '11-0001,Texas,30', '11-0001,U.S.,40') }),
    );
    const byCode = await referenceJoinToArrays(
      await setup({ ...base, wages: lines('ST,OCC_CODE,A_MEAN', 'CA,11-0001,10', 'CA,11-0001,20', 'TX,11-0001,30', 'US,11-0001,40') }),
    );
    const byPrim = await referenceJoinToArrays(
      await setup({ ...base, wages: lines('prim_state,code,a_mean', 'CA,11-0001,10', 'CA,11-0001,20', 'TX,11-0001,30') }),
    );
    for (const r of [byName, byCode, byPrim]) {
      expect(r.matched).toEqual(expected);
      expect(r.unmatched).toEqual(noOhio);
    }
  });

  test('column overrides: wageArea, wageStateCode, wageCode', async () => {
    const wages = lines('soc,region,st,a_mean', '11-0001,California,TX,10', '11-0001,California,TX,20', '11-0001,Texas,CA,30');
    const byArea = await referenceJoinToArrays(await setup({ ...base, wages }, { columns: { wageCode: 'SOC', wageArea: 'region' } }));
    expect(byArea.matched).toEqual(expected);
    const bySt = await referenceJoinToArrays(await setup({ ...base, wages }, { columns: { wageCode: 'soc', wageStateCode: 'st' } }));
    expect(bySt.matched.map((m) => [m.state, m.a_mean])).toEqual([
      ['California', 30],
      ['Texas', 15],
    ]);
  });

  test('a table of several files, each with its own header', async () => {
    const o = await setup({ ...base, wages: lines('occ_code,area_title,a_mean', '11-0001,California,10') });
    const second = path.join(path.dirname(o.wages.files[0]), 'wages2.csv');
    await fsp.writeFile(second, lines('a_mean,st,occ_code', '20,CA,11-0001', '30,TX,11-0001'));
    o.wages.files.push(second);
    const r = await referenceJoinToArrays(o);
    expect(r.matched).toEqual(expected);
  });
});

describe('dialect quirks give the same result as plain CSV', () => {
  const plain: Tables = {
    queries: lines('title,location', 'Café Chef,CA', '"Cook, Line",TX', '"Night\nNurse",CA', 'Q,CA'),
    related: lines('title,related_title,score', 'Café Chef,Crème Maker,90', '"Cook, Line","Said ""Hi""",95', '"Night\nNurse",Crème Maker,85', 'Q,Crème Maker,81'),
    codes: lines('code,title', '11-0001,Crème Maker', '11-0002,"Said ""Hi"""'),
    wages: lines('occ_code,area_title,a_mean', '11-0001,California,"10,000"', '11-0002,Texas,20', '11-0001,California,30'),
  };

  test('BOM, CR/CRLF/mixed endings, preamble, TSV, Windows-1252, Mac Roman, gzip, upper case, ragged', async () => {
    const expected = await referenceJoinToArrays(await setup(plain));
    expect(expected.matched).toHaveLength(4);

    const dir = path.join(root, `quirks${++counter}`);
    await fsp.mkdir(dir);
    const q = path.join(dir, 'q.csv');
    const rel = path.join(dir, 'r.tsv');
    const c = path.join(dir, 'c.csv');
    const w = path.join(dir, 'w.csv.gz');
    // queries: BOM, upper-case header, mixed line endings, ragged trailing field, blank line
    await fsp.writeFile(q, '\ufeffTITLE,Location\r\nCafé Chef,CA,\n"Cook, Line",TX\r\r\n"Night\nNurse",CA\rQ,CA');
    // related: TSV, Windows-1252, CRLF
    await fsp.writeFile(
      rel,
      iconv.encode('Title\tRELATED_TITLE\tScore\r\nCafé Chef\tCrème Maker\t90\r\nCook, Line\t"Said ""Hi"""\t95\r\n"Night\nNurse"\tCrème Maker\t 85 \r\nQ\tCrème Maker\t81\r\n', 'windows-1252'),
    );
    // codes: Mac Roman, CR only, header on line 5
    await fsp.writeFile(c, iconv.encode('Notes about this file,\r\r"Synthetic, for tests",\r\rcode,title\r11-0001,Crème Maker \r11-0002,"Said ""Hi"""\r', 'macintosh'));
    // wages: gzipped, upper-case header
    await fsp.writeFile(w, gzipSync(Buffer.from('OCC_CODE,AREA_TITLE,A_MEAN\r\n11-0001,California,"10,000"\r\n11-0002,Texas,20\n11-0001,California,30\r\n')));
    const r = await referenceJoinToArrays({
      queries: { files: [q], headerRow: 1 },
      related: { files: [rel], headerRow: 1, delimiter: '\t', encoding: 'windows-1252' },
      codes: { files: [c], headerRow: 5, encoding: 'macintosh' },
      wages: { files: [w], headerRow: 1 },
      wageColumns: ['a_mean'],
    });
    expect(r).toEqual(expected);
  });

  test('UTF-16LE and headerRow 0 with columnNames', async () => {
    const expected = await referenceJoinToArrays(await setup(plain));
    const o = await setup(plain);
    await fsp.writeFile(o.codes.files[0], iconv.encode(plain.codes, 'utf16le', { addBOM: true }));
    o.codes.encoding = 'utf16le';
    await fsp.writeFile(o.related.files[0], plain.related.split('\n').slice(1).join('\n'));
    o.related = { files: o.related.files, headerRow: 0, columnNames: ['title', 'related_title', 'score'] };
    expect(await referenceJoinToArrays(o)).toEqual(expected);
  });
});

describe('generated data sets', () => {
  const spec = { seed: 1, queryRows: 2000, relatedRows: 3000, wageRows: 5000, quirks: 'all' as const };

  test("quirks 'all' runs through the reference with matched rows and every unmatched reason", async () => {
    const ds = await generateDataset(path.join(root, 'gen-all'), spec);
    const matched: MatchedRow[] = [];
    const unmatched: UnmatchedRow[] = [];
    const stats = await referenceJoin(ds.options, (m) => matched.push(m), (u) => unmatched.push(u));
    expect(stats.queries).toBeGreaterThanOrEqual(spec.queryRows);
    expect(stats.matched + stats.unmatched).toBe(stats.queries);
    expect(matched.length).toBeGreaterThan(0);
    const reasons = new Map<string, number>();
    for (const u of unmatched) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
    for (const reason of ['unknown_state', 'no_related_title_above_threshold', 'no_code_for_related_titles', 'no_wage_rows_in_state']) {
      expect(reasons.get(reason) ?? 0).toBeGreaterThan(0);
    }
    // the quirks are really there
    expect(matched.some((m) => m.title.includes('\n'))).toBe(true);
    expect(matched.some((m) => /[éèüñçâ]/.test(m.title))).toBe(true);
    expect(matched.some((m) => m.n_codes > 1)).toBe(true);
    expect(matched.some((m) => m.a_pct90 === null)).toBe(true);
    expect(stats.invalidWageCells).toBeGreaterThan(0);
    const q = readFileSync(ds.queries, 'latin1');
    expect(q.startsWith('\xef\xbb\xbf')).toBe(true);
    expect(/[^\r]\n/.test(q) && q.includes('\r\n') && /\r[^\n]/.test(q)).toBe(true);
    expect(ds.options.wages.files).toHaveLength(2);
    expect(readFileSync(ds.locationStates, 'utf8')).toMatch(/^location,state\n/);
    expect(readFileSync(ds.locationStates, 'utf8')).toContain('Remote,\n');
  });

  test('deterministic: the same seed gives the same bytes; another seed differs', async () => {
    const a = await generateDataset(path.join(root, 'det-a'), spec);
    const b = await generateDataset(path.join(root, 'det-b'), spec);
    const c = await generateDataset(path.join(root, 'det-c'), { ...spec, seed: 2 });
    const names = readdirSync(a.dir).sort();
    expect(names).toEqual(readdirSync(b.dir).sort());
    for (const n of names) expect(readFileSync(path.join(b.dir, n)).equals(readFileSync(path.join(a.dir, n)))).toBe(true);
    expect(readFileSync(c.queries).equals(readFileSync(a.queries))).toBe(false);
  });

  test("quirks 'portable' runs through the reference too", async () => {
    const ds = await generateDataset(path.join(root, 'gen-portable'), { ...spec, seed: 7, quirks: 'portable' });
    const r = await referenceJoinToArrays(ds.options);
    expect(r.matched.length).toBeGreaterThan(0);
    expect(new Set(r.unmatched.map((u) => u.reason)).size).toBe(4);
    const q = readFileSync(ds.queries, 'latin1');
    expect(q.startsWith('\xef\xbb\xbf')).toBe(true);
    expect(/\r(?!\n)/.test(q)).toBe(false);
    expect(ds.options.related.delimiter).toBe(',');
    expect(ds.options.codes.headerRow).toBe(1);
  });
});
