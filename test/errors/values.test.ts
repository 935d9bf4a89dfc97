/**
 * Error catalog, values: scores and thresholds that are not numbers (errors), and the values that
 * are not errors but must be counted and reported: unknown states (unmatched with a reason),
 * wage cells that are all missing (empty medians, n_rows still reported), and duplicate queries.
 */
import { InputError } from '../../src/engine/errors';
import { cli, join, MATCHED_HEADER, optionsFor, Workspace } from './harness';

let ws: Workspace;
beforeEach(() => (ws = new Workspace()));
afterEach(() => ws.cleanup());

describe('scores and thresholds', () => {
  test.each([
    ['a word', 'high', '"high"'],
    ['an empty cell', '', '""'],
    ['a decimal comma (quoted)', '"87,5"', '"87,5"'],
    ['two numbers', '85 90', '"85 90"'],
  ])('a score that is %s: exit 1, file, line, column "score"', (_what, cell, shown) => {
    const r = ws.write('r.csv', `title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statistician,${cell}\n`);
    const run = cli([...ws.tableArgs({ related: r }), '--out', ws.matched]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: `salary-join: ${r}, line 3, column "score": score ${shown} is not a number (expected a decimal number such as 87.5)\n`,
    });
    expect(ws.leftovers()).toEqual([]);
  });

  test('a bad score is reported even when its row could never match (no silent skip)', () => {
    const r = ws.write('r.csv', 'title,related_title,score\nNobody,Nothing,n/a\n');
    const run = cli([...ws.tableArgs({ related: r }), '--out', ws.matched]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`salary-join: ${r}, line 2, column "score": score "n/a" is not a number (expected a decimal number such as 87.5)\n`);
  });

  test.each(['eighty', 'NaN', '', 'Infinity', '80%'])('--threshold %j: usage error, exit 2, nothing written', (value) => {
    const run = cli([...ws.tableArgs(), '--out', ws.matched, '--threshold', value]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr: `salary-join: --threshold must be a number, not "${value}"\nTry salary-join --help\n`,
    });
    expect(ws.leftovers()).toEqual([]);
  });

  test('a threshold that is not a number given to the engine: InputError', async () => {
    const error = await join(optionsFor(ws.tables(), { threshold: Number.NaN })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('threshold NaN is not a number (expected a number such as 80)');
  });
});

describe('counted outcomes', () => {
  test('unknown states: unmatched with reason unknown_state, counted, in query order', async () => {
    const paths = ws.tables({
      queries: ws.write('q.csv', 'title,location\nAnalyst,Narnia\nAnalyst,TX\nAnalyst,Remote\nAnalyst,"Toronto, ON"\nAnalyst,\n'),
    });
    const { matched, unmatched, summary } = await join(optionsFor(paths));
    expect(matched.map((r) => r.location)).toEqual(['TX']);
    expect(unmatched).toEqual([
      { title: 'Analyst', location: 'Narnia', state: '', reason: 'unknown_state' },
      { title: 'Analyst', location: 'Remote', state: '', reason: 'unknown_state' },
      { title: 'Analyst', location: 'Toronto, ON', state: '', reason: 'unknown_state' },
      { title: 'Analyst', location: '', state: '', reason: 'unknown_state' },
    ]);
    expect(summary.unmatchedByReason).toEqual({ unknown_state: 4, no_related_title_above_threshold: 0, no_code_for_related_titles: 0, no_wage_rows_in_state: 0 });
    expect(summary.queries.rows).toBe(5);
  });

  test('unknown states via the CLI: counted in the summary on stderr', () => {
    const q = ws.write('q.csv', 'title,location\nAnalyst,Narnia\nAnalyst,Atlantis\n');
    const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/unmatched 2 \(unknown_state 2\) ->/);
    expect(ws.read(ws.unmatched)).toBe('title,location,state,reason\nAnalyst,Narnia,,unknown_state\nAnalyst,Atlantis,,unknown_state\n');
  });

  test('wage cells all missing: the row is matched, medians empty, n_rows and the missing cells reported', async () => {
    const paths = ws.tables({ wages: ws.write('w.csv', 'occ_code,area_title,a_median\n15-2041,Texas,*\n15-2051,Texas,\n15-2051,Texas,N/A\n') });
    const { matched, summary } = await join(optionsFor(paths));
    expect(matched).toEqual([{ title: 'Analyst', location: 'Austin, TX', state: 'Texas', n_rows: 3, n_codes: 2, a_median: null }]);
    expect(summary.missingWageCells).toBe(3);
    expect(summary.invalidWageCells).toBe(0);
  });

  test('wage cells all missing via the CLI: an empty CSV field, never 0', () => {
    const w = ws.write('w.csv', 'occ_code,area_title,a_median\n15-2041,Texas,**\n15-2051,Texas,#\n');
    const run = cli([...ws.tableArgs({ wages: w }), '--out', ws.matched]);
    expect(run.code).toBe(0);
    expect(ws.read(ws.matched)).toBe(`${MATCHED_HEADER}Analyst,"Austin, TX",Texas,2,2,\n`);
    expect(run.stderr).toMatch(/missing cells 2, invalid cells 0/);
  });

  test('wage cells that are not numbers at all are counted as invalid and skipped', async () => {
    const paths = ws.tables({ wages: ws.write('w.csv', 'occ_code,area_title,a_median\n15-2041,Texas,lots\n15-2051,Texas,70000\n') });
    const { matched, summary } = await join(optionsFor(paths));
    expect(matched).toEqual([{ title: 'Analyst', location: 'Austin, TX', state: 'Texas', n_rows: 2, n_codes: 2, a_median: 70000 }]);
    expect(summary.invalidWageCells).toBe(1);
  });

  const DUPLICATES = 'title,location\n' + 'Analyst,"Austin, TX"\n'.repeat(5) + 'Analyst,Remote\n'.repeat(3);

  test('a query file of only duplicates: one output row per query row', async () => {
    const paths = ws.tables({ queries: ws.write('q.csv', DUPLICATES) });
    const { matched, unmatched, summary } = await join(optionsFor(paths, { workers: 2, rangeBytes: 16 }));
    expect(matched).toHaveLength(5);
    expect(new Set(matched.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(unmatched).toHaveLength(3);
    expect(summary.duplicatePairsDropped).toBe(0);
  });

  test('a query file of only duplicates with --dedupe-pairs: one row per pair, the dropped ones counted', () => {
    const q = ws.write('q.csv', DUPLICATES);
    const run = cli([...ws.tableArgs({ queries: q }), '--out', ws.matched, '--dedupe-pairs', '--workers', '2', '--range-bytes', '16']);
    expect(run.code).toBe(0);
    expect(ws.read(ws.matched)).toBe(`${MATCHED_HEADER}Analyst,"Austin, TX",Texas,2,2,80000\n`);
    expect(ws.read(ws.unmatched)).toBe('title,location,state,reason\nAnalyst,Remote,,unknown_state\n');
    expect(run.stderr).toMatch(/skipped {2}duplicate pairs 6;/);
  });
});
