/**
 * The benchmark: engine (1 and 2 workers, through its CLI), the reference join, and DuckDB
 * (2 and 1 threads) on one generated data set; each subject is a child process. Checks that the
 * matched outputs agree, prints a table and writes it to bench/out/results.md. Asserts no timings.
 *
 *   npm run bench -- [--scale 0.1] [--runs 3] [--only engine,duckdb,reference] [--compare-unmatched]
 *                    [--timeout SECONDS] [--generate-only] [--data DIR] [--out DIR]
 *
 * Subjects for --only: engine (= engine1,engine2), engine1, engine2, reference,
 * duckdb (= duckdb2,duckdb1), duckdb2, duckdb1.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateDataset, type DatasetSpec, type GeneratedDataset } from '../test/generate/generateDataset';
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
}

const SUBJECTS: SubjectDef[] = [
  { id: 'engine1', label: 'engine, 1 worker', script: 'engine', parallelism: 1, tolerance: 0 },
  { id: 'engine2', label: 'engine, 2 workers', script: 'engine', parallelism: 2, tolerance: 0 },
  { id: 'reference', label: 'reference (csv-parse + Maps)', script: 'reference', parallelism: 1, tolerance: 0 },
  { id: 'duckdb2', label: 'DuckDB, 2 threads', script: 'duckdb', parallelism: 2, tolerance: 1e-9 },
  { id: 'duckdb1', label: 'DuckDB, 1 thread', script: 'duckdb', parallelism: 1, tolerance: 1e-9 },
];
const GROUPS: Record<string, string[]> = { engine: ['engine1', 'engine2'], duckdb: ['duckdb2', 'duckdb1'] };

interface Args {
  scale: number;
  runs: number;
  only: string[];
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
    runs: 1,
    only: SUBJECTS.map((s) => s.id),
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
    else if (a === '--runs') args.runs = Number(value());
    else if (a === '--only') {
      const ids = value().split(',').map((s) => s.trim()).filter(Boolean).flatMap((s) => GROUPS[s] ?? [s]);
      for (const id of ids) if (!SUBJECTS.some((s) => s.id === id)) throw new Error(`unknown subject "${id}"`);
      args.only = SUBJECTS.map((s) => s.id).filter((id) => ids.includes(id));
    } else if (a === '--compare-unmatched') args.compareUnmatched = true;
    else if (a === '--generate-only') args.generateOnly = true;
    else if (a === '--timeout') args.timeoutS = Number(value());
    else if (a === '--data') args.dataRoot = path.resolve(value());
    else if (a === '--out') args.outDir = path.resolve(value());
    else throw new Error(`unknown argument ${a}; see bench/README.md`);
  }
  if (!(args.scale > 0)) throw new Error('--scale must be > 0');
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a whole number ≥ 1');
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
 * A hash of the generator's sources (and of the state resolver it uses for locations.csv), so a
 * changed generator regenerates the data.
 */
function generatorFingerprint(): string {
  const hash = createHash('sha256');
  for (const dir of [path.join(REPO, 'test', 'generate'), path.join(REPO, 'src', 'engine', 'values')]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
      hash.update(f).update(fs.readFileSync(path.join(dir, f)));
    }
  }
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

export async function ensureDataset(args: Pick<Args, 'scale' | 'dataRoot'>): Promise<Manifest> {
  const spec: DatasetSpec = {
    ...BASE_SPEC,
    queryRows: Math.round(BASE_SPEC.queryRows * args.scale),
    relatedRows: Math.round(BASE_SPEC.relatedRows * args.scale),
    wageRows: Math.round(BASE_SPEC.wageRows * args.scale),
  };
  const dir = path.join(args.dataRoot, `scale-${args.scale}`);
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
    options: manifest.dataset.options,
    locationStates: manifest.dataset.locationStates,
    outMatched: path.join(dir, 'matched.csv'),
    outUnmatched: path.join(dir, 'unmatched.csv'),
    parallelism: def.parallelism,
    summaryJson: path.join(dir, 'summary.json'),
    tempDir: path.join(dir, 'duckdb-tmp'),
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
  const subjects = SUBJECTS.filter((s) => args.only.includes(s.id));
  const records = new Map<string, RunRecord[]>(subjects.map((s) => [s.id, []]));
  for (let run = 1; run <= args.runs; run++) {
    for (const def of subjects) {
      log(`run ${run}/${args.runs}: ${def.label} ...`);
      const rec = await runSubject(def, manifest, args);
      records.get(def.id)!.push(rec);
      if (rec.ok) {
        const r = rec.result!;
        log(`  ${(r.wallMs / 1000).toFixed(2)} s (outside ${(rec.outerWallMs / 1000).toFixed(2)} s), peak RSS ${r.maxRssMB} MB, matched ${r.matched}, unmatched ${r.unmatched}`);
      } else {
        log(`  FAILED: ${rec.error}`);
      }
    }
  }

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
  const allAgree = checks.every((c) => c.result.ok) && counts.size <= 1;
  const failures = subjects.flatMap((s) => records.get(s.id)!.filter((r) => !r.ok).map((r) => `- ${s.label}: ${r.error}`));

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
    table,
    '',
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
    ...subjects.flatMap((s) =>
      records.get(s.id)!.map((r, i) => `- ${s.label} run ${i + 1}: ${r.ok ? JSON.stringify(r.result) : 'failed'} (outside ${(r.outerWallMs / 1000).toFixed(2)} s)`),
    ),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(args.outDir, 'results.md'), md);

  log(`\n1-min load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after the runs (${cpus.length} CPUs)`);
  log('\n' + table + '\n');
  log(checkLines.length ? checkLines.join('\n') : '(nothing compared)');
  if (failures.length) log(failures.join('\n'));
  log(`\n${allAgree ? `outputs agree (${succeeded.length} subjects compared)` : 'OUTPUTS DISAGREE'}; written ${path.relative(REPO, path.join(args.outDir, 'results.md'))}`);
  if (!allAgree || failures.length) process.exitCode = 1;
}

// bench/scaling.ts imports the pieces above
if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  });
}
