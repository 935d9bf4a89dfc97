/**
 * Shared by the benchmark orchestrator (bench/run.ts) and its subjects (bench/subjects/*.ts).
 * Nothing here is part of the package: the bench is compiled with tsconfig.bench.json.
 */
import * as fs from 'fs';
import type { JoinOptions } from '../src/engine/options';
import { formatNumber } from '../src/engine/values/formatNumber';

/** What the orchestrator hands a subject, as a JSON file whose path is the subject's argument. */
export interface SubjectJob {
  /** Repository root (the subject runs from dist-bench/bench/subjects). */
  repoRoot: string;
  /** Join options of the data set (no signal / onProgress: they do not survive JSON). */
  options: JoinOptions;
  /** CSV `location,state` for every distinct query location; state '' when unresolvable. */
  locationStates: string;
  outMatched: string;
  outUnmatched: string;
  /** Engine workers (0: the CLI's default) or DuckDB threads. */
  parallelism: number;
  /** Engine only: where the CLI writes its summary JSON. */
  summaryJson?: string;
  /** Engine only: extra CLI arguments. */
  extraArgs?: string[];
  /** DuckDB only: temp directory for spilling. */
  tempDir?: string;
}

/** The one JSON line every subject prints last. */
export interface SubjectResult {
  wallMs: number;
  maxRssMB: number;
  matched: number;
  unmatched: number;
  /** Anything else the subject wants to report (inner timings, the SQL, ...). */
  [extra: string]: unknown;
}

export const MATCHED_FIXED = ['title', 'location', 'state', 'n_rows', 'n_codes'];
export const UNMATCHED_COLUMNS = ['title', 'location', 'state', 'reason'];
export const DEFAULT_WAGE_COLUMNS_BENCH = ['tot_emp', 'a_mean', 'a_pct10', 'a_pct25', 'a_median', 'a_pct75', 'a_pct90'];

export function wageColumnsOf(options: JoinOptions): string[] {
  return options.wageColumns && options.wageColumns.length > 0 ? options.wageColumns : DEFAULT_WAGE_COLUMNS_BENCH;
}

export function readJob(argv: string[]): SubjectJob {
  const file = argv[2];
  if (!file) throw new Error('usage: node <subject>.js <job.json>');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SubjectJob;
}

/** Peak resident set of this process (all its threads), in MB (10^6 bytes). */
export function maxRssMB(): number {
  return (process.resourceUsage().maxRSS * 1024) / 1e6;
}

export function printResult(result: SubjectResult): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Runs a subject's main and turns any failure into exit code 1 with the message on stderr. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const verbose = process.env.BENCH_DEBUG === '1';
    process.stderr.write(`${error instanceof Error ? (verbose ? error.stack ?? error.message : error.message) : String(error)}\n`);
    process.exit(1);
  });
}

// ------------------------------------------------------------------------------------------------
// CSV output in the engine's format: quote only when needed, numbers in plain decimal, null empty.

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatNumber(value);
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvField(values[i]);
  }
  return line + '\n';
}


/**
 * A buffered, synchronous file writer (for callbacks that cannot await): memory stays bounded at
 * about 1 MB whatever the number of rows.
 */
export class SyncCsvWriter {
  private readonly fd: number;
  private pending = '';
  rows = 0;

  constructor(path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  writeLine(line: string): void {
    this.rows++;
    this.pending += line;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending);
    this.pending = '';
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
