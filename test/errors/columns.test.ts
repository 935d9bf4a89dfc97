/**
 * Error catalog, header problems: a required column missing (the columns found are listed and the
 * closest name suggested) and duplicate column names (a requested name that appears twice is
 * ambiguous; duplicates nobody asked for are fine).
 */
import { cli, join, oneLine, optionsFor, Workspace } from './harness';
import { InputError } from '../../src/engine/errors';

let ws: Workspace;
beforeEach(() => (ws = new Workspace()));
afterEach(() => ws.cleanup());

test('a missing query column: exit 1, file, header line, the columns found and the closest name', () => {
  const q = ws.write('q.csv', 'titel,location\nAnalyst,TX\n');
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${q}, line 1, column "title": title column "title" not found; columns are: titel, location; did you mean "titel"?\n`,
  });
  expect(ws.leftovers()).toEqual([]);
});

test('a missing column in a header below notes names the header line, not line 1', () => {
  const codes = ws.write('soc.csv', 'Notes: SOC 2010 direct match\nSource: BLS\n\ncode,titles\n15-2041,Statistician\n');
  const run = cli([...ws.tableArgs({ codes }), '--out', ws.matched, '--codes-header-row', '4']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`salary-join: ${codes}, line 4, column "title": title column "title" not found; columns are: code, titles; did you mean "titles"?\n`);
});

test('a missing wage column requested with --wage-columns: lists the columns; no suggestion when none is close', () => {
  const run = cli([...ws.tableArgs(), '--wage-columns', 'hourly_wage', '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(
    `salary-join: ${ws.file('wages.csv')}, line 1, column "hourly_wage": wage column hourly_wage column "hourly_wage" not found; columns are: occ_code, area_title, a_median\n`,
  );
  expect(ws.leftovers()).toEqual([]);
});

test('the engine (runJoin) raises the same InputError with its location as data', async () => {
  const paths = ws.tables({ related: ws.write('r.csv', 'title,related_title,scroe\nAnalyst,Data Analyst,90\n') });
  const error = await join(optionsFor(paths)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).location).toEqual({ file: paths.related, line: 1, column: 'score' });
  expect((error as InputError).message).toMatch(/columns are: title, related_title, scroe; did you mean "scroe"\?/);
});

// README, "Errors and limits", gives this very case as its example. The area column is optional
// when a state-code column stands in for it (mapColumns' orElse); with neither it is reported
// like any missing column, with the closest name.
test('a misspelt area column in the wages table: the README example, with column and suggestion', () => {
  const w = ws.write('w.csv', 'occ_code,area_titel,a_median\n15-2041,Texas,1\n');
  const run = cli([...ws.tableArgs({ wages: w }), '--out', ws.matched]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${w}, line 1, column "area_title": .*columns are: occ_code, area_titel, a_median.*; did you mean "area_titel"\\?.*\\n$`));
  expect(oneLine(run.stderr)).toBe(true);
  expect(run.stderr).toBe(
    `salary-join: ${w}, line 1, column "area_title": area column "area_title" not found; columns are: occ_code, area_titel, a_median; did you mean "area_titel"? (expected the area column, or a state code column "st" or "prim_state" instead)\n`,
  );
  expect(ws.leftovers()).toEqual([]);
});

test('no area column but a state-code column: the state code places the rows', async () => {
  const paths = ws.tables({ wages: ws.write('w.csv', 'occ_code,st,a_median\n15-2041,TX,90000\n15-2051,TX,70000\n') });
  const { matched } = await join(optionsFor(paths));
  expect(matched).toEqual([{ title: 'Analyst', location: 'Austin, TX', state: 'Texas', n_rows: 2, n_codes: 2, a_median: 80000 }]);
});

test('a duplicated requested column name is ambiguous: exit 1, both positions', () => {
  const q = ws.write('q.csv', 'title,location,Title\nAnalyst,TX,Other\n');
  const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${q}, line 1, column "title": title column "title" is ambiguous: it appears 2 times (fields 1, 3) (expected each column name once; rename the duplicates)\n`,
  });
  expect(ws.leftovers()).toEqual([]);
});

test('duplicate column names that are not requested are fine', async () => {
  const paths = ws.tables({ queries: ws.write('q.csv', 'note,title,note,location\nx,Analyst,y,"Austin, TX"\n') });
  const { matched, summary } = await join(optionsFor(paths));
  expect(matched).toEqual([{ title: 'Analyst', location: 'Austin, TX', state: 'Texas', n_rows: 2, n_codes: 2, a_median: 80000 }]);
  expect(summary.queries.rows).toBe(1);
});
