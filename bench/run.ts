/**
 * The benchmark: engine (1 and 2 workers, through its CLI), the reference join, and DuckDB
 * (2 and 1 threads) on one generated data set; each subject is a child process. Checks that the
 * matched outputs agree, prints a table and writes it to bench/out/results.md. Then three sections,
 * each with its own table: the engine under a memory budget (partitioned; outputs byte-compared
 * with the in-memory engine's), a scheduled re-run of 10,000 queries with --index-cache, and a small
 * job on the demo tables. Asserts no timings.
 *
 *   npm run bench -- [--scale 0.1] [--query-scale 4] [--runs 3] [--only engine,duckdb,reference,budget,scheduled,small]
 *                    [--budget MB] [--compare-unmatched] [--timeout SECONDS] [--generate-only]
 *                    [--data DIR] [--out DIR]
 *
 * Ids for --only: engine (= engine1,engine2), engine1, engine2, reference,
 * duckdb (= duckdb2,duckdb1), duckdb2, duckdb1, budget (= engine2-budget), scheduled, small.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateDataset, type DatasetSpec, type GeneratedDataset } from '../test/generate/generateDataset';
import type { JoinOptions } from '../src/engine/options';
import type { SubjectJob, SubjectResult } from './common';
import { compareCsv, type CompareResult } from './compare';

export const REPO = path.resolve(__dirname, '..', '..');
const BASE_SPEC = { seed: 42, queryRows: 15_000_000, relatedRows: 1_300_000, wageRows: 1_700_000, quirks: 'portable' as const, shape: 'design' as const };

export interface SubjectDef {
  id: string;
  label: string;
  script: string;
  parallelism: number;
  /** Numbers compared within this relative tolerance (0 = exactly). */
  tolerance: number;
  /** Join options instead of the data set's. */
  options?: JoinOptions;
  /** Engine only: more CLI flags. */
  extraArgs?: string[];
}

const SUBJECTS: SubjectDef[] = [
  { id: 'engine1', label: 'engine, 1 worker', script: 'engine', parallelism: 1, tolerance: 0 },
  { id: 'engine2', label: 'engine, 2 workers', script: 'engine', parallelism: 2, tolerance: 0 },
  { id: 'reference', label: 'reference (csv-parse + Maps)', script: 'reference', parallelism: 1, tolerance: 0 },
  { id: 'duckdb2', label: 'DuckDB, 2 threads', script: 'duckdb', parallelism: 2, tolerance: 1e-9 },
  { id: 'duckdb1', label: 'DuckDB, 1 thread', script: 'duckdb', parallelism: 1, tolerance: 1e-9 },
];
/** Sections after the main table, each with its own table. */
const SECTIONS = ['engine2-budget', 'scheduled', 'small'];
const IDS = [...SUBJECTS.map((s) => s.id), ...SECTIONS];
const GROUPS: Record<string, string[]> = { engine: ['engine1', 'engine2'], duckdb: ['duckdb2', 'duckdb1'], budget: ['engine2-budget'] };
/** Query rows of the scheduled re-run (the first of the data set's queries) and of the small job (the first of examples/data/queries.csv). */
const SCHEDULED_QUERIES = 10_000;
const SMALL_QUERIES = 1_000;

interface Args {
  scale: number;
  queryScale: number;
  runs: number;
  only: string[];
  /** --memory-budget of the engine2-budget subject, MB. */
  budgetMB: number;
  compareUnmatched: boolean;
  generateOnly: boolean;
  /** Per subject run, seconds; 0 = none. */
  timeoutS: number;
  dataRoot: string;
  outDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    scale: 1,
    queryScale: 1,
    runs: 1,
    only: IDS,
    budgetMB: 100,
    compareUnmatched: false,
    generateOnly: false,
    timeoutS: 1800,
    dataRoot: path.join(REPO, 'bench', 'data'),
    outDir: path.join(REPO, 'bench', 'out'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--scale') args.scale = Number(value());
    else if (a === '--query-scale') args.queryScale = Number(value());
    else if (a === '--runs') args.runs = Number(value());
    else if (a === '--only') {
      const ids = value().split(',').map((s) => s.trim()).filter(Boolean).flatMap((s) => GROUPS[s] ?? [s]);
      for (const id of ids) if (!IDS.includes(id)) throw new Error(`unknown subject "${id}"`);
      args.only = IDS.filter((id) => ids.includes(id));
    } else if (a === '--budget') args.budgetMB = Number(value());
    else if (a === '--compare-unmatched') args.compareUnmatched = true;
    else if (a === '--generate-only') args.generateOnly = true;
    else if (a === '--timeout') args.timeoutS = Number(value());
    else if (a === '--data') args.dataRoot = path.resolve(value());
    else if (a === '--out') args.outDir = path.resolve(value());
    else throw new Error(`unknown argument ${a}; see bench/README.md`);
  }
  if (!(args.scale > 0)) throw new Error('--scale must be > 0');
  if (!(args.queryScale > 0)) throw new Error('--query-scale must be > 0');
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a whole number ≥ 1');
  if (!(args.budgetMB > 0)) throw new Error('--budget must be > 0 (MB)');
  return args;
}

// ------------------------------------------------------------------------------------------------
// data set: generated once per spec, reused while the manifest matches

export interface Manifest {
  spec: DatasetSpec;
  generator: string;
  dataset: GeneratedDataset;
  sizes: Record<string, number>;
  generatedMs: number;
}

/**
 * A hash of the generator's sources and of the state resolver it uses for locations.csv (only
 * those: a change elsewhere in the engine must not regenerate a gigabyte), so a changed generator
 * regenerates the data.
 */
function generatorFingerprint(): string {
  const hash = createHash('sha256');
  const generate = path.join(REPO, 'test', 'generate');
  const files = [
    ...fs.readdirSync(generate).filter((n) => n.endsWith('.ts')).sort().map((n) => path.join(generate, n)),
    ...['resolveState.ts', 'states.ts'].map((n) => path.join(REPO, 'src', 'engine', 'values', n)),
  ];
  for (const f of files) hash.update(path.basename(f)).update(fs.readFileSync(f));
  return hash.digest('hex').slice(0, 16);
}

export function datasetFiles(d: GeneratedDataset): string[] {
  const o = d.options;
  return [...o.queries.files, ...o.related.files, ...o.codes.files, ...o.wages.files];
}

function fileSizes(files: string[]): Record<string, number> | undefined {
  const sizes: Record<string, number> = {};
  for (const f of files) {
    if (!fs.existsSync(f)) return undefined;
    sizes[f] = fs.statSync(f).size;
  }
  return sizes;
}

/**
 * The data set for --scale F (every table F times the base size), with --query-scale Q the query
 * table alone Q times larger again (the memory claim: peak RSS must not grow with the query table).
 */
export async function ensureDataset(args: Pick<Args, 'scale' | 'dataRoot'> & { queryScale?: number }): Promise<Manifest> {
  const queryScale = args.queryScale ?? 1;
  const spec: DatasetSpec = {
    ...BASE_SPEC,
    queryRows: Math.round(BASE_SPEC.queryRows * args.scale * queryScale),
    relatedRows: Math.round(BASE_SPEC.relatedRows * args.scale),
    wageRows: Math.round(BASE_SPEC.wageRows * args.scale),
  };
  const dir = path.join(args.dataRoot, `scale-${args.scale}${queryScale === 1 ? '' : `-queries-${queryScale}`}`);
  const manifestFile = path.join(dir, 'manifest.json');
  const generator = generatorFingerprint();
  if (fs.existsSync(manifestFile)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    const sizes = fileSizes([...datasetFiles(m.dataset), m.dataset.locationStates]);
    if (JSON.stringify(m.spec) === JSON.stringify(spec) && m.generator === generator && sizes && JSON.stringify(sizes) === JSON.stringify(m.sizes)) {
      log(`data: reusing ${path.relative(REPO, dir)} (${JSON.stringify(spec)})`);
      return m;
    }
    log('data: manifest differs from the wanted spec/generator or files changed; regenerating');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  log(`data: generating ${JSON.stringify(spec)} into ${path.relative(REPO, dir)} ...`);
  const t0 = performance.now();
  const dataset = await generateDataset(dir, spec);
  const generatedMs = Math.round(performance.now() - t0);
  const sizes = fileSizes([...datasetFiles(dataset), dataset.locationStates]);
  if (!sizes) throw new Error('generator did not write every file it reported');
  const manifest: Manifest = { spec, generator, dataset, sizes, generatedMs };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  log(`data: generated in ${(generatedMs / 1000).toFixed(1)} s`);
  return manifest;
}

// ------------------------------------------------------------------------------------------------
// running subjects

export interface RunRecord {
  ok: boolean;
  result?: SubjectResult;
  outerWallMs: number;
  error?: string;
}

export function log(line: string): void {
  process.stdout.write(line + '\n');
}

export async function runSubject(def: SubjectDef, manifest: Manifest, args: Pick<Args, 'outDir' | 'timeoutS'>): Promise<RunRecord> {
  const dir = path.join(args.outDir, def.id);
  fs.mkdirSync(dir, { recursive: true });
  const job: SubjectJob = {
    repoRoot: REPO,
    options: def.options ?? manifest.dataset.options,
    locationStates: manifest.dataset.locationStates,
    outMatched: path.join(dir, 'matched.csv'),
    outUnmatched: path.join(dir, 'unmatched.csv'),
    parallelism: def.parallelism,
    summaryJson: path.join(dir, 'summary.json'),
    tempDir: path.join(dir, 'duckdb-tmp'),
    extraArgs: def.extraArgs,
  };
  fs.rmSync(job.outMatched, { force: true });
  fs.rmSync(job.outUnmatched, { force: true });
  const jobFile = path.join(dir, 'job.json');
  fs.writeFileSync(jobFile, JSON.stringify(job, null, 2) + '\n');
  const script = path.join(REPO, 'dist-bench', 'bench', 'subjects', `${def.script}.js`);
  const started = performance.now();
  const child = spawn(process.execPath, [script, jobFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const timer =
    args.timeoutS > 0
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }, args.timeoutS * 1000)
      : undefined;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code: number | null = await new Promise((resolve) => {
    child.on('error', (e) => {
      stderr += String(e);
      resolve(-1);
    });
    child.on('close', (c) => resolve(c));
  });
  const outerWallMs = performance.now() - started;
  if (timer) clearTimeout(timer);
  fs.rmSync(job.tempDir!, { recursive: true, force: true });
  if (timedOut) return { ok: false, outerWallMs, error: `timed out after ${args.timeoutS} s (--timeout)` };
  const lastLine = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0) {
    const lines = stderr.trim().split('\n').filter((l) => !/^\s+at /.test(l));
    return { ok: false, outerWallMs, error: `exit ${code}: ${lines.slice(0, 4).join(' | ')}${lines.length > 4 ? ' | …' : ''}` };
  }
  try {
    return { ok: true, outerWallMs, result: JSON.parse(lastLine) as SubjectResult };
  } catch {
    return { ok: false, outerWallMs, error: `no JSON result line; stdout: ${stdout.slice(-300)}` };
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function sha256(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(8 << 20);
  const fd = fs.openSync(file, 'r');
  for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return hash.digest('hex');
}

/**
 * Copies the header and the first `n` records of a CSV file with LF or CRLF line ends to `to`
 * (quote-aware: a quoted field may hold line breaks). Returns the records copied.
 */
function copyFirstRecords(from: string, n: number, to: string): number {
  const fd = fs.openSync(from, 'r');
  const out = fs.openSync(to, 'w');
  const buf = Buffer.allocUnsafe(1 << 20);
  let records = -1; // the header is not a record
  let inQuote = false;
  for (let len; records < n && (len = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
    let end = len;
    for (let i = 0; i < len; i++) {
      if (buf[i] === 0x22) inQuote = !inQuote;
      else if (buf[i] === 0x0a && !inQuote && ++records === n) {
        end = i + 1;
        break;
      }
    }
    fs.writeSync(out, buf, 0, end);
  }
  fs.closeSync(fd);
  fs.closeSync(out);
  return Math.max(records, 0);
}

/** Reads every input file once so the first subject does not pay for a cold page cache. */
export function warmPageCache(files: string[]): void {
  const buf = Buffer.allocUnsafe(8 << 20);
  for (const f of files) {
    const fd = fs.openSync(f, 'r');
    while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    fs.closeSync(fd);
  }
}

// ------------------------------------------------------------------------------------------------
// the sections after the main table

interface Section {
  title: string;
  /** A markdown table, then bullet lines. */
  lines: string[];
  /** false when an output check failed (never because of a timing). */
  ok: boolean;
}

/** Runs one subject, logs its outcome and keeps its record. */
type Runner = (def: SubjectDef, note: string) => Promise<RunRecord>;

const secs = (ms: number): string => (ms / 1000).toFixed(2);
const okResults = (recs: RunRecord[] | undefined): SubjectResult[] => (recs ?? []).filter((r) => r.ok).map((r) => r.result!);

function dirBytes(dir: string): number {
  let bytes = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) bytes += fs.statSync(path.join(e.parentPath, e.name)).size;
  return bytes;
}

/** The engine under --memory-budget: partitions, peak RSS as budget + overhead, outputs byte-compared with the in-memory engine's. */
function budgetSection(budget: SubjectDef, inMemory: SubjectDef, records: Map<string, RunRecord[]>, budgetMB: number, inputBytes: number, outDir: string): Section {
  const title = `Bigger than memory: --memory-budget ${budgetMB}`;
  const b = okResults(records.get(budget.id));
  const m = okResults(records.get(inMemory.id));
  if (b.length === 0) return { title, lines: ['- failed (see the failures)'], ok: true };
  const row = (label: string, budgetCell: string, rs: SubjectResult[], base: number): string => {
    const wall = median(rs.map((r) => r.wallMs));
    const last = rs.at(-1)!;
    return `| ${label} | ${budgetCell} | ${String(last.partitions)} | ${secs(wall)} | ${(inputBytes / 1e6 / (wall / 1000)).toFixed(0)} | ${Math.max(...rs.map((r) => r.maxRssMB))} | ${base ? (wall / base).toFixed(2) : '–'} | ${last.matched} | ${last.unmatched} |`;
  };
  const base = m.length ? median(m.map((r) => r.wallMs)) : 0;
  const rss = Math.max(...b.map((r) => r.maxRssMB));
  const lines = [
    '| subject | budget MB | partitions | wall s | MB/s | peak RSS MB | × in memory | matched | unmatched |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(budget.label, String(budgetMB), b, base),
    ...(m.length ? [row(`${inMemory.label} (in memory)`, '–', m, base)] : []),
    '',
    `- bound: peak RSS ${rss} MB = budget ${budgetMB} MB + ${rss - budgetMB} MB fixed overhead (Node runtime, ${budget.parallelism} worker threads, ` +
      `ranges in flight)${m.length ? `; in memory: ${Math.max(...m.map((r) => r.maxRssMB))} MB` : ''}`,
  ];
  if (Number(b.at(-1)!.partitions) <= 1) lines.push('- the budget kept the index in one partition (nothing spilled): pass a smaller --budget');
  let ok = true;
  const compared = records.get(budget.id)!.at(-1)!.ok && records.get(inMemory.id)?.at(-1)?.ok;
  for (const file of ['matched.csv', 'unmatched.csv']) {
    if (!compared) {
      lines.push(`- ${file}: not compared (a run failed)`);
      continue;
    }
    const same = sha256(path.join(outDir, budget.id, file)) === sha256(path.join(outDir, inMemory.id, file));
    ok &&= same;
    lines.push(`- ${file}: ${same ? 'same bytes as' : 'DIFFERENT from'} the in-memory run (${inMemory.label})`);
  }
  return { title, lines, ok };
}

/**
 * A scheduled re-run: the first 10,000 queries of the data set against its related, codes and wages
 * tables with --index-cache, three times per run from a fresh empty cache folder: the first run builds
 * and stores the index, the second and third load it.
 */
async function scheduledSection(manifest: Manifest, runs: number, run: Runner, outDir: string): Promise<Section> {
  const title = `Scheduled re-run with --index-cache: ${SCHEDULED_QUERIES.toLocaleString('en-US')} queries`;
  const o = manifest.dataset.options;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scheduled-'));
  try {
    const batch = path.join(tmp, 'queries.csv');
    const n = copyFirstRecords(o.queries.files[0], SCHEDULED_QUERIES, batch);
    const cache = path.join(tmp, 'index-cache');
    const options: JoinOptions = { ...o, queries: { ...o.queries, files: [batch] } };
    const names = ['first (build + store)', 'second (load)', 'third (load)'];
    const defs: SubjectDef[] = names.map((name, i) => ({
      id: `scheduled-${i + 1}`,
      label: `scheduled, ${name}`,
      script: 'engine',
      parallelism: 0,
      tolerance: 0,
      options,
      extraArgs: ['--index-cache', cache],
    }));
    const recs: RunRecord[][] = defs.map(() => []);
    const problems: string[] = [];
    let cacheBytes = 0;
    for (let r = 1; r <= runs; r++) {
      fs.rmSync(cache, { recursive: true, force: true });
      fs.mkdirSync(cache);
      const outputs = new Set<string>();
      for (const [i, def] of defs.entries()) {
        const rec = await run(def, `run ${r}/${runs}`);
        recs[i].push(rec);
        if (!rec.ok) continue;
        const want = i === 0 ? 'miss' : 'hit';
        if (rec.result!.indexCache !== want) problems.push(`- run ${r}, ${def.label}: index cache ${String(rec.result!.indexCache)}, expected ${want}`);
        outputs.add(['matched.csv', 'unmatched.csv'].map((f) => sha256(path.join(outDir, def.id, f))).join());
      }
      if (outputs.size > 1) problems.push(`- run ${r}: the three runs wrote DIFFERENT outputs`);
      cacheBytes = dirBytes(cache);
    }
    const res = recs.map(okResults);
    if (res.some((rs) => rs.length === 0)) return { title, lines: ['- failed (see the failures)'], ok: problems.length === 0 };
    const rows = res.map((rs, i) => {
      const med = (f: (r: SubjectResult) => number): string => secs(median(rs.map(f)));
      return `| ${names[i]} | ${String(rs.at(-1)!.indexCache)} | ${med((r) => r.wallMs)} | ${med((r) => Number(r.cliWallMs))} | ${med((r) => (r.stageMs as { build: number }).build)} | ${Math.max(...rs.map((r) => r.maxRssMB))} | ${String(rs.at(-1)!.workersUsed)} |`;
    });
    const tableBytes = [...o.related.files, ...o.codes.files, ...o.wages.files].reduce((sum, f) => sum + manifest.sizes[f], 0);
    const ratio = median(res[0].map((r) => r.wallMs)) / median([...res[1], ...res[2]].map((r) => r.wallMs));
    const last = res[0].at(-1)!;
    return {
      title,
      lines: [
        '| run | index | CLI wall s | engine wall s | build stage s | peak RSS MB | workers used |',
        '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
        ...rows,
        '',
        `- **first / median(second, third) = ${ratio.toFixed(1)}×** (target: ≥ 5×)`,
        `- ${n.toLocaleString('en-US')} queries (the first records of ${path.basename(o.queries.files[0])}) against related, codes and wages (${(tableBytes / 1e6).toFixed(1)} MB); ` +
          `matched ${last.matched}, unmatched ${last.unmatched}; the cache folder holds ${(cacheBytes / 1e6).toFixed(1)} MB`,
        '- CLI wall: around the CLI process (Node start included); engine wall: the summary\'s wallMs; build stage: its stageMs.build (reading the index when loaded)',
        ...(problems.length ? problems : ['- runs 2 and 3 loaded the index and wrote the same bytes as run 1']),
      ],
      ok: problems.length === 0,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** A small job: the first 1,000 queries of examples/data against the demo tables, with `npm run demo`'s flags, three times per run. */
async function smallSection(runs: number, run: Runner): Promise<Section> {
  const title = `Small job: ${SMALL_QUERIES.toLocaleString('en-US')} queries against the demo tables`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-small-'));
  try {
    const ex = (f: string): string => path.join(REPO, 'examples', 'data', f);
    const batch = path.join(tmp, 'queries.csv');
    const n = copyFirstRecords(ex('queries.csv'), SMALL_QUERIES, batch);
    // the flags of examples/run-demo.js
    const options: JoinOptions = {
      queries: { files: [batch] },
      related: { files: [ex('related.csv')] },
      codes: { files: [ex('codes.csv')], encoding: 'macintosh' },
      wages: { files: [ex('wages.csv')] },
      columns: { codeCode: '2010 SOC Code', codeTitle: '2010 SOC Direct Match Title' },
      wageColumns: ['tot_emp', 'hr_mean', 'avg_mean'],
    };
    const def: SubjectDef = { id: 'small', label: 'small job', script: 'engine', parallelism: 0, tolerance: 0, options };
    const recs: RunRecord[] = [];
    for (let r = 1; r <= 3 * runs; r++) recs.push(await run(def, `small ${r}/${3 * runs}`));
    const rs = okResults(recs);
    if (rs.length === 0) return { title, lines: ['- failed (see the failures)'], ok: true };
    const tableMB = ['related.csv', 'codes.csv', 'wages.csv'].reduce((sum, f) => sum + fs.statSync(ex(f)).size, 0) / 1e6;
    const last = rs.at(-1)!;
    return {
      title,
      lines: [
        `| queries | CLI wall s (median of ${rs.length}) | engine wall s (median) | workers used | peak RSS MB | matched | unmatched |`,
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
        `| ${n} | ${secs(median(rs.map((r) => r.wallMs)))} | ${secs(median(rs.map((r) => Number(r.cliWallMs))))} | ${[...new Set(rs.map((r) => r.workersUsed))].join('/')} | ` +
          `${Math.max(...rs.map((r) => r.maxRssMB))} | ${last.matched} | ${last.unmatched} |`,
        '',
        `- examples/data: related, codes and wages ${tableMB.toFixed(1)} MB; no --workers (the CLI's default); CLI wall: around the CLI process (Node start included), engine wall: the summary's wallMs`,
      ],
      ok: true,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.outDir, { recursive: true });
  const manifest = await ensureDataset(args);
  const inputs = datasetFiles(manifest.dataset);
  const inputBytes = inputs.reduce((sum, f) => sum + manifest.sizes[f], 0);
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

  const sizeLines = [
    ...(['queries', 'related', 'codes', 'wages'] as const).flatMap((t) =>
      manifest.dataset.options[t].files.map((f) => `| ${t} | ${path.relative(REPO, f)} | ${mb(manifest.sizes[f])} |`),
    ),
    `| **total** | | **${mb(inputBytes)}** |`,
  ];
  log(`\ninputs (MB = 10^6 bytes): ${mb(inputBytes)} MB in ${inputs.length} files`);
  for (const f of inputs) log(`  ${path.relative(REPO, f).padEnd(40)} ${mb(manifest.sizes[f]).padStart(9)} MB`);

  if (args.generateOnly) return;
  const loadBefore = os.loadavg()[0];
  warmPageCache(inputs);
  const budget: SubjectDef | undefined = args.only.includes('engine2-budget')
    ? { id: 'engine2-budget', label: `engine, 2 workers, --memory-budget ${args.budgetMB}`, script: 'engine', parallelism: 2, tolerance: 0, extraArgs: ['--memory-budget', String(args.budgetMB)] }
    : undefined;
  // the budget run's outputs are compared with an in-memory engine run's: engine2 runs too when no engine subject is selected
  const addEngine = budget !== undefined && !args.only.includes('engine1') && !args.only.includes('engine2');
  if (addEngine) log('budget: engine2 runs too (the in-memory outputs the budget run is compared with)');
  const subjects = SUBJECTS.filter((s) => args.only.includes(s.id) || (addEngine && s.id === 'engine2'));
  const records = new Map<string, RunRecord[]>();
  const labels = new Map<string, string>();
  const run: Runner = async (def, note) => {
    log(`${note}: ${def.label} ...`);
    const rec = await runSubject(def, manifest, args);
    records.set(def.id, [...(records.get(def.id) ?? []), rec]);
    labels.set(def.id, def.label);
    if (rec.ok) {
      const r = rec.result!;
      log(`  ${(r.wallMs / 1000).toFixed(2)} s (outside ${(rec.outerWallMs / 1000).toFixed(2)} s), peak RSS ${r.maxRssMB} MB, matched ${r.matched}, unmatched ${r.unmatched}`);
    } else {
      log(`  FAILED: ${rec.error}`);
    }
    return rec;
  };
  for (let r = 1; r <= args.runs; r++) for (const def of [...subjects, ...(budget ? [budget] : [])]) await run(def, `run ${r}/${args.runs}`);
  const sections: Section[] = [];
  if (budget) sections.push(budgetSection(budget, subjects.find((s) => s.id === 'engine2') ?? subjects.find((s) => s.id === 'engine1')!, records, args.budgetMB, inputBytes, args.outDir));
  if (args.only.includes('scheduled')) sections.push(await scheduledSection(manifest, args.runs, run, args.outDir));
  if (args.only.includes('small')) sections.push(await smallSection(args.runs, run));

  // --- agreement of the outputs (of the last run)
  const succeeded = subjects.filter((s) => records.get(s.id)!.some((r) => r.ok) && records.get(s.id)!.at(-1)!.ok);
  const baseline = succeeded.find((s) => s.id === 'reference') ?? succeeded.find((s) => s.tolerance === 0) ?? succeeded[0];
  const checks: { subject: SubjectDef; file: string; result: CompareResult }[] = [];
  if (baseline) {
    for (const def of succeeded) {
      if (def === baseline) continue;
      // matched: title, location, state are text, the rest numbers; unmatched: all four text
      const files: [string, number][] = [['matched.csv', 3]];
      if (args.compareUnmatched) files.push(['unmatched.csv', 4]);
      for (const [file, textColumns] of files) {
        const tolerance = Math.max(def.tolerance, baseline.tolerance);
        const result = await compareCsv(path.join(args.outDir, baseline.id, file), path.join(args.outDir, def.id, file), {
          textColumns,
          relativeTolerance: tolerance,
        });
        checks.push({ subject: def, file, result });
      }
    }
  }
  const counts = new Set(succeeded.map((s) => `${records.get(s.id)!.at(-1)!.result!.matched}/${records.get(s.id)!.at(-1)!.result!.unmatched}`));

  // --- the table
  const wallOf = (id: string): number | undefined => {
    const ok = records.get(id)?.filter((r) => r.ok) ?? [];
    return ok.length ? median(ok.map((r) => r.result!.wallMs)) : undefined;
  };
  const duck = wallOf('duckdb2');
  const ref = wallOf('reference');
  const header = '| subject | wall s (median) | MB/s | peak RSS MB | × DuckDB 2t | × reference | matched | unmatched |';
  const rows = subjects.map((def) => {
    const recs = records.get(def.id)!;
    const ok = recs.filter((r) => r.ok);
    if (ok.length === 0) return `| ${def.label} | failed | | | | | | |`;
    const wall = median(ok.map((r) => r.result!.wallMs));
    const rss = Math.max(...ok.map((r) => r.result!.maxRssMB));
    const last = ok.at(-1)!.result!;
    const ratio = (base: number | undefined): string => (base ? (wall / base).toFixed(2) : '–');
    return `| ${def.label} | ${(wall / 1000).toFixed(2)} | ${(inputBytes / 1e6 / (wall / 1000)).toFixed(0)} | ${rss} | ${ratio(duck)} | ${ratio(ref)} | ${last.matched} | ${last.unmatched} |`;
  });
  const table = [header, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n');

  const checkLines = checks.map(
    (c) =>
      `- ${c.subject.label} vs ${baseline!.label}, ${c.file}: ${c.result.ok ? 'identical' : 'DIFFERENT'} (${c.result.rowsB} vs ${c.result.rowsA} rows` +
      `${c.result.differingRows ? `, ${c.result.differingRows} rows differ` : ''}${c.subject.tolerance ? `, numbers within ${c.subject.tolerance} relative` : ', numbers exact'})` +
      (c.result.ok ? '' : `\n  ${c.result.examples.join('\n  ')}`),
  );
  const allAgree = checks.every((c) => c.result.ok) && counts.size <= 1 && sections.every((s) => s.ok);
  const failures = [...records].flatMap(([id, recs]) => recs.filter((r) => !r.ok).map((r) => `- ${labels.get(id)}: ${r.error}`));
  const sectionLines = sections.flatMap((s) => [`## ${s.title}`, '', ...s.lines, '']);

  const loadAfter = os.loadavg()[0];
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
  const md = [
    '# Benchmark results',
    '',
    `${new Date().toISOString()} — ${machine}; 1-min load average ${loadBefore.toFixed(2)} before the runs, ${loadAfter.toFixed(2)} after (other processes on the machine skew timings).`,
    '',
    `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`; data spec \`${JSON.stringify(manifest.spec)}\`, ${args.runs} run(s) per subject, wall = median, peak RSS = max over runs; MB = 10^6 bytes; MB/s = total input bytes / wall.`,
    '',
    ...(subjects.length ? [table, ''] : []),
    ...sectionLines,
    '## Inputs',
    '',
    '| table | file | MB |',
    '| --- | --- | ---: |',
    ...sizeLines,
    '',
    '## Agreement of the outputs',
    '',
    ...(checkLines.length ? checkLines : ['- (fewer than two subjects succeeded: nothing compared)']),
    `- matched/unmatched counts: ${[...counts].join(', ') || '–'}`,
    ...(failures.length ? ['', '## Failures', '', ...failures] : []),
    '',
    '## Per-run details',
    '',
    ...[...records].flatMap(([id, recs]) =>
      recs.map((r, i) => `- ${labels.get(id)} run ${i + 1}: ${r.ok ? JSON.stringify(r.result) : 'failed'} (outside ${(r.outerWallMs / 1000).toFixed(2)} s)`),
    ),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(args.outDir, 'results.md'), md);

  log(`\n1-min load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the runs (${cpus.length} CPUs)`);
  if (subjects.length) {
    log('\n' + table + '\n');
    log(checkLines.length ? checkLines.join('\n') : '(nothing compared)');
  }
  if (sectionLines.length) log('\n' + sectionLines.join('\n'));
  if (failures.length) log(failures.join('\n'));
  log(`\n${allAgree ? `outputs agree (${succeeded.length} subjects compared${sections.length ? `; ${sections.length} sections checked` : ''})` : 'OUTPUTS DISAGREE'}; written ${path.relative(REPO, path.join(args.outDir, 'results.md'))}`);
  if (!allAgree || failures.length) process.exitCode = 1;
}

// bench/scaling.ts imports the pieces above
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
