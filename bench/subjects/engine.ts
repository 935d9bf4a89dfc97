/**
 * Bench subject: the engine through its command line (dist/src/cli/main.js, built by
 * `npm run build`), `--workers` = job.parallelism (0: no --workers, the CLI's default).
 *   node dist-bench/bench/subjects/engine.js job.json
 * Wall time is measured here, around the CLI process; CPU time (user + system, all threads) and
 * getrusage's peak RSS are written by the CLI process itself at exit (../rusageAtExit.ts, preloaded);
 * peak RSS is the largest of that, the CLI's own summary (peakRssMB) and the child's VmHWM sampled
 * from /proc every 50 ms.
 * Prints one JSON line: { wallMs, maxRssMB, cpuMs, matched, unmatched, cliWallMs, cliPeakRssMB, workersUsed,
 * partitions, indexCache, stageMs, … } (the last four from the CLI's summary JSON).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { JoinSummary } from '../../src/engine/join/summary';
import type { JoinOptions, TableSource } from '../../src/engine/options';
import { printResult, readJob, runMain } from '../common';

const TABLES = ['queries', 'related', 'codes', 'wages'] as const;

/** The CLI flags that reproduce `options` (everything JoinOptions can say that the CLI can). */
export function cliArgs(options: JoinOptions): string[] {
  const args: string[] = [];
  for (const t of TABLES) {
    const source: TableSource = options[t];
    for (const f of source.files) args.push(`--${t}`, f);
    if (source.delimiter !== undefined) args.push(`--${t}-delimiter`, source.delimiter === '\t' ? 'tab' : source.delimiter);
    if (source.encoding !== undefined) args.push(`--${t}-encoding`, source.encoding);
    if (source.headerRow !== undefined) args.push(`--${t}-header-row`, String(source.headerRow));
    if (source.columnNames !== undefined) args.push(`--${t}-column-names`, source.columnNames.join(','));
  }
  if (options.threshold !== undefined) args.push('--threshold', String(options.threshold));
  if (options.wageColumns !== undefined) args.push('--wage-columns', options.wageColumns.join(','));
  if (options.topCodeValue !== undefined) args.push('--top-code-value', String(options.topCodeValue));
  if (options.includeSelf) args.push('--include-self');
  if (options.countEachCodeOnce) args.push('--count-codes-once');
  if (options.caseInsensitive) args.push('--case-insensitive');
  if (options.dedupePairs) args.push('--dedupe-pairs');
  const c = options.columns ?? {};
  const columnFlags: [string | undefined, string][] = [
    [c.queryTitle, '--title-column'],
    [c.queryLocation, '--location-column'],
    [c.relatedTitle, '--related-title-column'],
    [c.relatedRelatedTitle, '--related-related-title-column'],
    [c.relatedScore, '--score-column'],
    [c.codeCode, '--code-column'],
    [c.codeTitle, '--code-title-column'],
    [c.wageCode, '--wage-code-column'],
    [c.wageArea, '--area-column'],
    [c.wageStateCode, '--state-code-column'],
  ];
  for (const [value, flag] of columnFlags) if (value !== undefined) args.push(flag, value);
  return args;
}

/** Peak resident set (VmHWM) of a live process in MB, or 0 when it cannot be read. */
function vmHwmMB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? (Number(m[1]) * 1024) / 1e6 : 0;
  } catch {
    return 0;
  }
}

runMain(async () => {
  const job = readJob(process.argv);
  const cli = path.join(job.repoRoot, 'dist', 'src', 'cli', 'main.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} not found: run npm run build first`);
  const summaryJson = job.summaryJson ?? `${job.outMatched}.summary.json`;
  const rusageJson = `${summaryJson}.rusage.json`;
  fs.rmSync(summaryJson, { force: true });
  fs.rmSync(rusageJson, { force: true });
  const args = [
    '--require', path.join(__dirname, '..', 'rusageAtExit.js'),
    cli,
    ...cliArgs(job.options),
    '--out', job.outMatched,
    '--unmatched', job.outUnmatched,
    ...(job.parallelism > 0 ? ['--workers', String(job.parallelism)] : []),
    '--overwrite', '--quiet',
    '--summary-json', summaryJson,
    ...(job.extraArgs ?? []),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BENCH_RUSAGE_FILE: rusageJson } });
  // a timed-out bench run terminates this process: take the CLI down with it
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.once('SIGTERM', forward);
  process.once('SIGINT', forward);
  let hwm = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) hwm = Math.max(hwm, vmHwmMB(child.pid));
  }, 50);
  const code: number | null = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  if (code !== 0) throw new Error(`engine CLI exited with code ${code} (its message is above; arguments: see cliArgs and ${path.basename(process.argv[2])})`);
  const summary = JSON.parse(fs.readFileSync(summaryJson, 'utf8')) as JoinSummary;
  const rusage = JSON.parse(fs.readFileSync(rusageJson, 'utf8')) as { userMs: number; systemMs: number; maxRssMB: number };
  printResult({
    wallMs: Math.round(wallMs),
    maxRssMB: Math.round(Math.max(summary.peakRssMB ?? 0, hwm, rusage.maxRssMB)),
    cpuMs: rusage.userMs + rusage.systemMs,
    userMs: rusage.userMs,
    systemMs: rusage.systemMs,
    matched: summary.matched,
    unmatched: summary.unmatched,
    cliWallMs: summary.wallMs,
    cliPeakRssMB: summary.peakRssMB,
    sampledPeakRssMB: Math.round(hwm),
    rusagePeakRssMB: rusage.maxRssMB,
    workers: job.parallelism,
    workersUsed: summary.workers,
    partitions: summary.partitions,
    indexCache: summary.indexCache,
    stageMs: summary.stageMs,
  });
});
