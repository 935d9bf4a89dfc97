/**
 * Error catalog, outputs: a folder that does not exist, a read-only folder, an output that already
 * exists (never silently overwritten), an output path that is a folder, a parent that is a file,
 * and a summary file that cannot be written. A failed run exits 1 with one line naming the path,
 * leaves no output and no temporary file.
 */
import { chmodSync, existsSync, readdirSync } from 'fs';
import * as path from 'path';
import { cli, MATCHED_HEADER, oneLine, Workspace } from './harness';

let ws: Workspace;
beforeEach(() => (ws = new Workspace()));
afterEach(() => {
  chmodSync(ws.out, 0o755);
  ws.cleanup();
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('the output folder does not exist: exit 1, the path and the system reason', () => {
  const out = path.join(ws.dir, 'missing-folder', 'matched.csv');
  const run = cli([...ws.tableArgs(), '--out', out]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${escape(out)}: cannot write the output file: ENOENT, its folder does not exist\\n$`));
  expect(existsSync(path.dirname(out))).toBe(false);
  expect(ws.leftovers()).toEqual([]);
});

test('the unmatched output folder does not exist: exit 1, and the matched output is not left behind', () => {
  const unmatched = path.join(ws.dir, 'missing-folder', 'u.csv');
  const run = cli([...ws.tableArgs(), '--out', ws.matched, '--unmatched', unmatched]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${escape(unmatched)}: cannot write the output file: ENOENT`));
  expect(oneLine(run.stderr)).toBe(true);
  expect(ws.leftovers()).toEqual([]);
});

/**
 * A read-only folder. chmod does not stop root, so as root a read-only file system stands in for
 * it (/sys refuses new files to everyone).
 */
const root = process.getuid?.() === 0;
const readOnlyDir = (): string | undefined => {
  if (!root) {
    chmodSync(ws.out, 0o555);
    return ws.out;
  }
  return existsSync('/sys') ? '/sys' : undefined;
};

test('a read-only output folder: exit 1, permission denied, nothing left', () => {
  const dir = readOnlyDir();
  if (dir === undefined) return; // neither a non-root user nor /sys: nothing to test with
  const before = readdirSync(dir);
  const out = path.join(dir, `salary-join-${process.pid}.csv`);
  const run = cli([...ws.tableArgs(), '--out', out]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${escape(out)}: cannot write the output file: EACCES, permission denied\\n$`));
  expect(readdirSync(dir)).toEqual(before);
});

test('an existing matched output is not overwritten: exit 1, file untouched, nothing else written', () => {
  ws.write('out/matched.csv', 'precious');
  const run = cli([...ws.tableArgs(), '--out', ws.matched]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${ws.matched}: output file already exists; choose another path or allow overwriting\n`,
  });
  expect(ws.read(ws.matched)).toBe('precious');
  expect(ws.leftovers()).toEqual(['matched.csv']);
});

test('an existing unmatched output is not overwritten either, and the matched one is not written', () => {
  ws.write('out/matched.unmatched.csv', 'precious');
  const run = cli([...ws.tableArgs(), '--out', ws.matched]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code: 1,
    stderr: `salary-join: ${ws.unmatched}: output file already exists; choose another path or allow overwriting\n`,
  });
  expect(ws.read(ws.unmatched)).toBe('precious');
  expect(ws.leftovers()).toEqual(['matched.unmatched.csv']);
});

test('--overwrite replaces an existing output with the complete new one', () => {
  ws.write('out/matched.csv', 'old');
  const run = cli([...ws.tableArgs(), '--out', ws.matched, '--overwrite', '-q']);
  expect(run.code).toBe(0);
  expect(ws.read(ws.matched)).toBe(`${MATCHED_HEADER}Analyst,"Austin, TX",Texas,2,2,80000\n`);
  expect(ws.leftovers()).toEqual(['matched.csv', 'matched.unmatched.csv']);
});

// Today: exit 70, "salary-join: internal error: Error: EISDIR: illegal operation on a directory,
// rename '<out>/.matched.csv.<pid>.<uuid>.partial' -> '<out>/matched.csv'" plus a stack trace:
// the folder is only found out when the finished temp file is renamed.
test('an output path that is an existing folder (with --overwrite): exit 1, one line naming it', () => {
  ws.write('out/matched.csv/keep.txt', 'x');
  const run = cli([...ws.tableArgs(), '--out', ws.matched, '--overwrite']);
  expect(run.code).toBe(1);
  expect(oneLine(run.stderr)).toBe(true);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${escape(ws.matched)}: .*(folder|directory)`));
  expect(ws.leftovers()).toEqual(['matched.csv']);
});

// Today: exit 70 with a stack trace (EISDIR on rename), AND the matched output has already been
// renamed into place: a failed run leaves a complete-looking matched.csv behind.
test('an unmatched path that is an existing folder (with --overwrite): exit 1, and no matched output left', () => {
  ws.write('out/u/keep.txt', 'x');
  const run = cli([...ws.tableArgs(), '--out', ws.matched, '--unmatched', path.join(ws.out, 'u'), '--overwrite']);
  expect(run.code).toBe(1);
  expect(oneLine(run.stderr)).toBe(true);
  expect(ws.leftovers()).toEqual(['u']);
});

// Today: exit 70, "salary-join: internal error: Error: ENOTDIR: not a directory, lstat
// '<file>/.matched.csv.<pid>.<uuid>.partial'" plus a stack trace: FileSink.open reports ENOTDIR as an
// InputError, then abort()'s fs.rm(force) throws ENOTDIR (force only ignores ENOENT) and masks it.
test('an output path whose parent is a file: exit 1, one line naming the path', () => {
  const file = ws.write('a-file.txt', 'x');
  const out = path.join(file, 'matched.csv');
  const run = cli([...ws.tableArgs(), '--out', out]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${escape(out)}: cannot write the output file: ENOTDIR`));
  expect(oneLine(run.stderr)).toBe(true);
});

// Today: the join runs, both outputs are renamed into place, then writing the summary throws:
// exit 70, "salary-join: internal error: Error: ENOENT: no such file or directory, open
// '<dir>/missing/summary.json'" plus a stack trace, with the outputs left behind.
test('a --summary-json path that cannot be written: exit 1, one line, no outputs left', () => {
  const summary = path.join(ws.dir, 'missing', 'summary.json');
  const run = cli([...ws.tableArgs(), '--out', ws.matched, '--summary-json', summary]);
  expect(run.code).toBe(1);
  expect(oneLine(run.stderr)).toBe(true);
  expect(run.stderr).toMatch(new RegExp(`^salary-join: ${escape(summary)}: `));
  expect(ws.leftovers()).toEqual([]);
});
