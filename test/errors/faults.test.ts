/**
 * Faults: the CLI interrupted by SIGINT / SIGTERM mid-run, and a worker thread that dies or
 * throws mid-run. Each must end in: the documented exit code (130 interrupted, 70 internal
 * error), one message on stderr, no output file, no temporary `.partial` file, and the process
 * gone promptly (within ~1 s of a signal).
 *
 * A worker death is provoked from outside by its V8 heap limit: NODE_OPTIONS=--max-old-space-size
 * applies to every isolate, so a worker holding a 30 MB field dies with ERR_WORKER_OUT_OF_MEMORY
 * while the main thread (which never holds query fields) lives on. A worker that THROWS cannot be
 * provoked deterministically from outside (deleting the query file before a worker first opens it
 * does it, but only as a race), so those tests use a proposed engine hook, SALARY_JOIN_FAULT
 * (see the report / the comment above them), and are test.failing until it exists.
 */
import { closeSync, openSync, rmSync, writeSync } from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { cliAsync, oneLine, Workspace } from './harness';

/** How soon after the signal the process must be gone. */
const EXIT_WITHIN_MS = 1000;

let ws: Workspace;
let queries: string;
beforeAll(() => {
  ws = new Workspace('salary-join-faults-');
  // ~4.8 MB; with 512-byte ranges and 2 workers the query stage runs for several seconds.
  // Its own name: ws.tableArgs() rewrites queries.csv with the small default table.
  const fd = openSync(ws.file('slow-queries.csv'), 'w');
  writeSync(fd, 'title,location\n');
  let chunk = '';
  for (let i = 0; i < 200_000; i++) {
    chunk += `Analyst,Austin TX ${70000 + (i % 30000)}\n`;
    if (chunk.length > 1 << 16) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  queries = ws.file('slow-queries.csv');
});
afterAll(() => ws.cleanup());
afterEach(() => {
  for (const f of ws.leftovers()) rmSync(path.join(ws.out, f), { force: true, recursive: true });
});

const slowRun = (extra: string[] = [], env?: NodeJS.ProcessEnv) =>
  cliAsync([...ws.tableArgs({ queries }), '--out', ws.matched, '--workers', '2', '--range-bytes', '512', '-q', ...extra], { env, deadlineMs: 60_000 });

describe.each(['SIGINT', 'SIGTERM'] as const)('%s mid-run', (signal) => {
  test(`exit 130, one message, no output or temporary file, gone within ${EXIT_WITHIN_MS} ms`, async () => {
    const run = slowRun();
    await run.opened(queries);
    await new Promise((r) => setTimeout(r, 500)); // well into the query stage
    const sent = run.kill(signal);
    const res = await run.done;
    expect({ code: res.code, signal: res.signal, stderr: res.stderr }).toEqual({
      code: 130,
      signal: null,
      stderr: `salary-join: interrupted by ${signal}; no output was written\n`,
    });
    expect(ws.leftovers()).toEqual([]);
    expect(res.endedAt - sent).toBeLessThan(EXIT_WITHIN_MS);
  });
});

/** Writes head + `mb` MiB of one byte + tail: a single line of that length. */
function longLine(name: string, head: string, byte: string, mb: number, tail: string): string {
  const file = ws.file(name);
  const fd = openSync(file, 'w');
  writeSync(fd, head);
  const block = Buffer.alloc(1 << 20, byte);
  for (let i = 0; i < mb; i++) writeSync(fd, block);
  writeSync(fd, tail);
  closeSync(fd);
  return file;
}

// The build-side reader is abort-aware per chunk; the cancellation keeps the signal's reason.
// Reading a 100 MB line takes the build about a second (linear since the long-line fix), so the
// signal is sent soon after the related table is first opened: it lands while that table is
// opened or read.
test('SIGINT during the index build: exit 130 with the same "interrupted by SIGINT" message', async () => {
  const related = longLine('related-long.csv', 'title,related_title,score\nAnalyst,Data Analyst,90\n', 'R', 100, ',Cook,90\n');
  const run = cliAsync([...ws.tableArgs({ related }), '--out', ws.matched, '--workers', '2', '-q'], { deadlineMs: 30_000 });
  await run.opened(related);
  await new Promise((r) => setTimeout(r, 100));
  const sent = run.kill('SIGINT');
  const res = await run.done;
  rmSync(related);
  expect(res.endedAt - sent).toBeLessThan(EXIT_WITHIN_MS);
  expect(ws.leftovers()).toEqual([]);
  expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 130, stderr: 'salary-join: interrupted by SIGINT; no output was written\n' });
});

// chunkStream (planQueries.ts) checks the abort signal for every decompressed chunk, also inside
// a record that spans many of them (before the fix it looped over a long record without yielding
// a task, and runJoin only checked between tasks: SIGTERM was caught but never acted on). The
// main thread spends about half a second collecting this 100 MB record after it opens the file.
test('SIGTERM while the main thread decodes a long gzipped record: exit 130 within ~1 s', async () => {
  const gz = ws.write('long.csv.gz', gzipSync(Buffer.concat([Buffer.from('title,location\nAnalyst,TX\n'), Buffer.alloc(100 << 20, 'G'), Buffer.from(',TX\n')]), { level: 1 }));
  const run = cliAsync([...ws.tableArgs({ queries: gz }), '--out', ws.matched, '--workers', '2', '-q'], { deadlineMs: 30_000 });
  await run.opened(gz);
  await new Promise((r) => setTimeout(r, 200));
  const sent = run.kill('SIGTERM');
  const res = await run.done;
  expect(res.timedOut).toBe(false);
  expect(res.endedAt - sent).toBeLessThan(EXIT_WITHIN_MS);
  expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 130, stderr: 'salary-join: interrupted by SIGTERM; no output was written\n' });
  expect(ws.leftovers()).toEqual([]);
});

// The probe reads plain fields as bytes, so only a field it must decode (one with a doubled quote)
// becomes a 30 MB string: that one cannot fit a 32 MB heap.
describe('a worker that dies mid-run (out of heap: NODE_OPTIONS=--max-old-space-size=32, a 30 MB quoted field)', () => {
  let res: Awaited<ReturnType<typeof cliAsync>['done']>;
  beforeAll(async () => {
    const big = ws.file('big-title.csv');
    const fd = openSync(big, 'w');
    writeSync(fd, 'title,location\n' + 'Analyst,"Austin, TX"\n'.repeat(2000));
    writeSync(fd, '"""W');
    writeSync(fd, Buffer.alloc(30 << 20, 'W'));
    writeSync(fd, '",TX\n' + 'Chef,CA\n'.repeat(2000));
    closeSync(fd);
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=32`.trim() };
    res = await cliAsync([...ws.tableArgs({ queries: big }), '--out', ws.matched, '--workers', '2', '-q'], { env, deadlineMs: 30_000 }).done;
  });

  test('exit 70 (internal error) naming the cause, no output or temporary file, no hang', () => {
    expect(res.timedOut).toBe(false);
    expect(res.code).toBe(70);
    expect(res.stderr).toMatch(/^salary-join: internal error: .*(ERR_WORKER_OUT_OF_MEMORY|memory limit)/);
    expect(ws.leftovers()).toEqual([]);
  });

  // Today the message is followed by a stack trace:
  //   salary-join: internal error: Error [ERR_WORKER_OUT_OF_MEMORY]: Worker terminated due to reaching memory limit: JS heap out of memory
  //       at [kOnExit] (node:internal/worker:320:26)
  //       at Worker.<computed>.onexit (node:internal/worker:230:20)
  test('the message is one line (no stack trace) and names the query file', () => {
    expect(oneLine(res.stderr)).toBe(true);
    expect(res.stderr).toContain(ws.file('big-title.csv'));
  });
});

/*
 * Proposed engine hook (not implemented; these tests fail until it is):
 *   SALARY_JOIN_FAULT=<kind>:<n>, read once by src/engine/pool/worker.ts when the worker module
 *   loads (worker threads inherit process.env). Each worker counts the tasks it starts; on its
 *   n-th task (1-based), before reading anything:
 *     worker-throw:<n>  throw new Error(`injected fault (SALARY_JOIN_FAULT=worker-throw:<n>)`)
 *     worker-exit:<n>   process.exit(3)   (ends that worker thread only, as a crash would)
 *   Unset or malformed: no effect. Expected engine behaviour for both: the run stops, sinks are
 *   aborted (no output, no .partial file), the pool is destroyed, the CLI exits 70 with ONE line
 *   "salary-join: internal error: …" naming the cause (and ideally the query file and byte range
 *   of the task), within about a second.
 */
describe.each(['worker-throw', 'worker-exit'])('proposed hook SALARY_JOIN_FAULT=%s:3', (kind) => {
  test('exit 70, one line naming the injected fault, no output or temporary file, no hang', async () => {
    const res = await slowRun([], { ...process.env, SALARY_JOIN_FAULT: `${kind}:3` }).done;
    expect(res.timedOut).toBe(false);
    expect(res.code).toBe(70);
    expect(oneLine(res.stderr)).toBe(true);
    expect(res.stderr).toMatch(kind === 'worker-throw' ? /^salary-join: internal error: .*injected fault/ : /^salary-join: internal error: .*(exit|died|stopped).*3/);
    expect(ws.leftovers()).toEqual([]);
  });
});
