/**
 * Error catalog, a query file that changes while it is read (2 workers, 256-byte ranges, so the
 * run lasts a couple of seconds). What is detectable:
 * - rows appended after the file was opened: the run reads the file as it was when it was
 *   opened (its size is taken once, and no worker reads past it). A consistent snapshot: exactly
 *   the first N rows, in order. Passing today.
 * - the file truncated while it is read: workers see short reads. That must not be taken as the
 *   end of the data: the run must stop with a clear error. Today it is silent data loss
 *   (test.failing).
 * - a later file of a multi-file query table deleted while an earlier one is joined: a clear
 *   "file not found" when its turn comes. Passing today. (Deleting the file being read is a race:
 *   a worker that had not opened it yet throws ENOENT, exit 70 with a stack trace; a worker that
 *   had, reads on. Not tested, as it is not deterministic; see the report.)
 * The change is made as soon as the CLI holds the query file open (seen in /proc/<pid>/fd; on
 * systems without /proc after a fixed delay).
 */
import { appendFileSync, statSync, truncateSync, unlinkSync } from 'fs';
import { cliAsync, Workspace } from './harness';

const ROWS = 50_000;
const ROW = (i: number) => `Analyst,Austin TX ${70000 + (i % 30000)}\n`; // every row matches Texas
const HEADER = 'title,location\n';

let ws: Workspace;
let queries: string;
beforeEach(() => {
  ws = new Workspace('salary-join-changing-');
  let text = HEADER;
  for (let i = 0; i < ROWS; i++) text += ROW(i);
  queries = ws.write('queries.csv', text);
});
afterEach(() => ws.cleanup());

function start() {
  return cliAsync([...ws.tableArgs({ queries }), '--out', ws.matched, '--workers', '2', '--range-bytes', '256', '-q', '--summary-json', ws.file('summary.json')], { deadlineMs: 60_000 });
}

function matchedLocations(): string[] {
  return ws.read(ws.matched).trimEnd().split('\n').slice(1).map((line) => line.split(',')[1]);
}

test('rows appended during the run: the run joins the file as it was when opened, all of it, in order', async () => {
  const run = start();
  await run.opened(queries);
  appendFileSync(queries, 'Chef,CA\n'.repeat(5000));
  const res = await run.done;
  expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
  const summary = JSON.parse(ws.read(ws.file('summary.json'))) as { queries: { rows: number }; matched: number; unmatched: number };
  expect(summary.queries.rows).toBe(ROWS);
  expect(summary.matched).toBe(ROWS);
  expect(summary.unmatched).toBe(0);
  const locations = matchedLocations();
  expect(locations.length).toBe(ROWS);
  expect(locations.every((loc, i) => loc === `Austin TX ${70000 + (i % 30000)}`)).toBe(true);
  expect(ws.read(ws.unmatched)).toBe('title,location,state,reason\n');
});

test('a later query file (sorted after) deleted while the first is joined: exit 1, one line naming it, no outputs', async () => {
  const second = ws.write('z-second.csv', HEADER + ROW(0)); // sorted after queries.csv;
  const run = cliAsync([...ws.tableArgs({ queries }), '--queries', second, '--out', ws.matched, '--workers', '2', '--range-bytes', '256', '-q'], { deadlineMs: 60_000 });
  await run.opened(queries);
  unlinkSync(second);
  const res = await run.done;
  expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 1, stderr: `salary-join: ${second}: file not found\n` });
  expect(ws.leftovers()).toEqual([]);
});

// Today: exit 0, stderr empty, and only the rows before the cut are in the output (here 25,000 of
// 50,000): the worker takes a short read as "the file ended early" (worker.ts probeRange) and the
// ranges past the new end yield nothing. Silent data loss.
test('the file truncated during the run: exit 1, one line saying the file changed while it was read', async () => {
  const run = start();
  await run.opened(queries);
  truncateSync(queries, HEADER.length + (ROWS / 2) * ROW(0).length); // at a record boundary
  expect(statSync(queries).size).toBeLessThan(HEADER.length + ROWS * ROW(0).length);
  const res = await run.done;
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(new RegExp(`^salary-join: ${queries}: .*(changed|shr[au]nk|truncated).*\\n$`));
  expect(res.stderr.split('\n')).toHaveLength(2);
  expect(ws.leftovers()).toEqual([]);
});
