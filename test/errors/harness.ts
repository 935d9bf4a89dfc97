/**
 * Shared by the error-catalog tests (test/errors/*.test.ts): a scratch folder with the four small
 * tables, the built CLI run as a child process (synchronously, or asynchronously with its peak
 * RSS sampled), and the in-process engine with memory sinks.
 *
 * Outputs always go to their own folder (ws.out) so a test can assert that nothing at all was
 * left there: no output file and no temporary `.partial` file.
 */
import { spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runJoin } from '../../src/engine/join/runJoin';
import type { JoinSummary } from '../../src/engine/join/summary';
import type { JoinOptions } from '../../src/engine/options';
import { MemorySink, type Row } from '../../src/engine/output/memorySink';

export const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

export type TableName = 'queries' | 'related' | 'codes' | 'wages';

/** Small tables whose join is known (the same data as test/cli.test.ts's example). */
export const TABLES: Record<TableName, string> = {
  queries: 'title,location\nAnalyst,"Austin, TX"\nAnalyst,Remote\nChef,CA\n',
  related: 'title,related_title,score\nAnalyst,Data Analyst,90\nAnalyst,Statistician,85\nChef,Cook,80\n',
  codes: 'code,title\n15-2041,Statistician\n15-2051,Data Analyst\n35-2014,Cook\n',
  wages: 'occ_code,area_title,a_median\n15-2041,Texas,"90,000"\n15-2051,Texas,70000\n35-2014,California,30000\n',
};
export const MATCHED_HEADER = 'title,location,state,n_rows,n_codes,a_median\n';
export const UNMATCHED_HEADER = 'title,location,state,reason\n';

export class Workspace {
  readonly dir: string;
  /** The output folder: empty unless a run left something. */
  readonly out: string;

  constructor(prefix = 'salary-join-errors-') {
    this.dir = mkdtempSync(path.join(tmpdir(), prefix));
    this.out = path.join(this.dir, 'out');
    mkdirSync(this.out);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  write(name: string, content: string | Uint8Array): string {
    const p = this.file(name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  /** Paths of the four tables, each the default unless replaced by a path given here. */
  tables(replace: Partial<Record<TableName, string>> = {}): Record<TableName, string> {
    const paths = {} as Record<TableName, string>;
    for (const t of Object.keys(TABLES) as TableName[]) paths[t] = replace[t] ?? this.write(`${t}.csv`, TABLES[t]);
    return paths;
  }

  /** CLI arguments for the tables, with --wage-columns a_median. */
  tableArgs(replace: Partial<Record<TableName, string>> = {}): string[] {
    const p = this.tables(replace);
    return ['--queries', p.queries, '--related', p.related, '--codes', p.codes, '--wages', p.wages, '--wage-columns', 'a_median'];
  }

  /** The matched output path (the unmatched one defaults to matched.unmatched.csv beside it). */
  get matched(): string {
    return path.join(this.out, 'matched.csv');
  }

  get unmatched(): string {
    return path.join(this.out, 'matched.unmatched.csv');
  }

  /** Everything in the output folder, dot-files (temporary .partial files) included. */
  leftovers(): string[] {
    return existsSync(this.out) ? readdirSync(this.out).sort() : [];
  }

  read(p: string): string {
    return readFileSync(p, 'utf8');
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion. */
export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): CliResult {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    cwd: opts.cwd,
    maxBuffer: 1 << 26,
  });
  return { code: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

export interface AsyncRun {
  pid: number;
  /** Resolves when the child has exited (or was killed at the deadline). */
  done: Promise<CliResult & { ms: number; endedAt: number; timedOut: boolean; peakRssMB: number }>;
  /** Resolves once the child holds `file` open (Linux /proc), or after fallbackMs elsewhere. */
  opened(file: string, fallbackMs?: number): Promise<void>;
  /** Sends a signal; returns when (Date.now()) it was sent. */
  kill(signal: NodeJS.Signals): number;
}

/** The child's peak RSS so far in MB (VmHWM), or 0 where /proc is not available. */
function vmHwmMB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

function holds(pid: number, file: string): boolean {
  try {
    const fds = readdirSync(`/proc/${pid}/fd`);
    return fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Starts the built CLI; samples its peak RSS every 20 ms and SIGKILLs it at deadlineMs (a hang
 * then shows as timedOut). Wall time is measured from the start.
 */
export function cliAsync(args: string[], opts: { env?: NodeJS.ProcessEnv; deadlineMs?: number } = {}): AsyncRun {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, vmHwmMB(child.pid!))), 20);
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.deadlineMs ?? 60_000);
  const done = new Promise<CliResult & { ms: number; endedAt: number; timedOut: boolean; peakRssMB: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      const endedAt = Date.now();
      clearInterval(sampler);
      clearTimeout(deadline);
      // Let the pipes drain.
      setImmediate(() => resolve({ code, signal, stdout, stderr, ms: endedAt - started, endedAt, timedOut, peakRssMB: peak }));
    });
  });
  return {
    pid: child.pid!,
    done,
    kill: (signal) => {
      child.kill(signal);
      return Date.now();
    },
    opened: async (file, fallbackMs = 1500) => {
      const linux = existsSync(`/proc/${child.pid}/fd`);
      const until = Date.now() + (linux ? 30_000 : fallbackMs);
      while (Date.now() < until && child.exitCode === null) {
        if (linux && holds(child.pid!, file)) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** Runs the engine in this process into memory sinks. */
export async function join(options: JoinOptions): Promise<{ matched: Row[]; unmatched: Row[]; summary: JoinSummary }> {
  const matched = new MemorySink(1000);
  const unmatched = new MemorySink(1000);
  const summary = await runJoin({ workers: 1, ...options }, { matched, unmatched });
  return { matched: matched.rows, unmatched: unmatched.rows, summary };
}

/** JoinOptions for the four table paths, with a_median as the only wage column. */
export function optionsFor(paths: Record<TableName, string>, extra: Partial<JoinOptions> = {}): JoinOptions {
  return {
    queries: { files: [paths.queries] },
    related: { files: [paths.related] },
    codes: { files: [paths.codes] },
    wages: { files: [paths.wages] },
    wageColumns: ['a_median'],
    ...extra,
  };
}

/** A stderr that is exactly one line (one message, no stack trace). */
export function oneLine(stderr: string): boolean {
  return stderr.endsWith('\n') && stderr.indexOf('\n') === stderr.length - 1;
}

/** The CLI failed as a user error should: exit 1, exactly this one line, nothing left in the output folder. */
export function expectFailure(ws: Workspace, run: CliResult, line: string): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: `salary-join: ${line}\n` });
  expect(ws.leftovers()).toEqual([]);
}
