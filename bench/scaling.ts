/**
 * How the engine scales with its worker threads: the bench data set (bench/run.ts), then the engine
 * subject (subjects/engine.ts: the CLI with the data set's flags, `--workers N`) for every N, once per
 * run. Checks that every run wrote the same bytes, prints a table, writes scaling.md (the table) and
 * scaling.json (every run's subject result and CLI summary). Asserts no timings.
 *
 *   node dist-bench/bench/scaling.js [--scale F] [--workers 1,2,4,8,12,16] [--runs N] [--timeout S]
 *                                    [--data DIR] [--out DIR]
 *
 * --out defaults to $OUT when set, else bench/out/scaling; each run's outputs (matched.csv, …) go to
 * bench/out/scaling/workers-<N>/ either way.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SubjectResult } from './common';
import { datasetFiles, ensureDataset, log, median, REPO, runSubject, sha256, warmPageCache, type RunRecord } from './run';

interface Args {
  scale: number;
  workers: number[];
  runs: number;
  timeoutS: number;
  dataRoot: string;
  outDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    scale: 1,
    workers: [1, 2, 4, 8, 12, 16],
    runs: 1,
    timeoutS: 600,
    dataRoot: path.join(REPO, 'bench', 'data'),
    outDir: process.env.OUT ? path.resolve(process.env.OUT) : path.join(REPO, 'bench', 'out', 'scaling'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--scale') args.scale = Number(value());
    else if (a === '--workers') args.workers = value().split(',').map(Number);
    else if (a === '--runs') args.runs = Number(value());
    else if (a === '--timeout') args.timeoutS = Number(value());
    else if (a === '--data') args.dataRoot = path.resolve(value());
    else if (a === '--out') args.outDir = path.resolve(value());
    else throw new Error(`unknown argument ${a}; see bench/README.md`);
  }
  if (!(args.scale > 0)) throw new Error('--scale must be > 0');
  if (args.workers.length === 0 || !args.workers.every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--workers must be whole numbers ≥ 1, comma-separated');
  if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a whole number ≥ 1');
  return args;
}

interface CliSummary {
  workers: number;
  wallMs: number;
  peakRssMB: number;
  stageMs?: Record<string, number>;
  [other: string]: unknown;
}

interface Run {
  workers: number;
  run: number;
  record: RunRecord;
  summary?: CliSummary;
  sha256?: { matched: string; unmatched: string };
}

/** "identical in all 6 runs (sha256 ab12…)" or the distinct hashes with the runs that wrote them. */
function sameBytes(runs: Run[], file: 'matched' | 'unmatched'): { ok: boolean; line: string } {
  const byHash = new Map<string, string[]>();
  for (const r of runs) if (r.sha256) byHash.set(r.sha256[file], [...(byHash.get(r.sha256[file]) ?? []), `${r.workers}w#${r.run}`]);
  if (byHash.size === 0) return { ok: false, line: `${file}.csv: no run succeeded` };
  if (byHash.size === 1) return { ok: true, line: `${file}.csv: same bytes in all ${runs.length} runs (sha256 ${[...byHash.keys()][0].slice(0, 16)}…)` };
  return { ok: false, line: `${file}.csv DIFFERS: ${[...byHash].map(([h, ids]) => `${h.slice(0, 16)}… from ${ids.join(' ')}`).join('; ')}` };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const workDir = path.join(REPO, 'bench', 'out', 'scaling');
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(args.outDir, { recursive: true });
  const manifest = await ensureDataset(args);
  const inputs = datasetFiles(manifest.dataset);
  const inputBytes = inputs.reduce((sum, f) => sum + manifest.sizes[f], 0);
  const cpus = os.cpus();
  const machine = `nproc ${os.availableParallelism()} (${cpus.length} CPUs: ${cpus[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()} ${os.arch()} ${os.release()}, Node ${process.version}`;
  log(`${machine}\ninput ${(inputBytes / 1e6).toFixed(1)} MB in ${inputs.length} files, spec ${JSON.stringify(manifest.spec)}`);

  const loadBefore = os.loadavg()[0];
  warmPageCache(inputs);
  const runs: Run[] = [];
  for (let run = 1; run <= args.runs; run++) {
    for (const n of args.workers) {
      const id = `workers-${n}`;
      log(`run ${run}/${args.runs}: ${n} worker(s) ...`);
      const record = await runSubject({ id, label: id, script: 'engine', parallelism: n, tolerance: 0 }, manifest, { outDir: workDir, timeoutS: args.timeoutS });
      const r: Run = { workers: n, run, record };
      if (record.ok) {
        const dir = path.join(workDir, id);
        r.summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as CliSummary;
        r.sha256 = { matched: sha256(path.join(dir, 'matched.csv')), unmatched: sha256(path.join(dir, 'unmatched.csv')) };
        const res = record.result!;
        log(`  ${(res.wallMs / 1000).toFixed(2)} s, CPU ${(Number(res.cpuMs) / 1000).toFixed(2)} s, peak RSS ${res.maxRssMB} MB, stages ${JSON.stringify(r.summary.stageMs)}`);
      } else {
        log(`  FAILED: ${record.error}`);
      }
      runs.push(r);
    }
  }
  const loadAfter = os.loadavg()[0];

  // --- the table: medians over the runs (peak RSS: max)
  const ok = runs.filter((r) => r.record.ok);
  const stages = [...new Set(ok.flatMap((r) => Object.keys(r.summary!.stageMs ?? {})))];
  const of = (n: number): { res: SubjectResult; summary: CliSummary }[] =>
    ok.filter((r) => r.workers === n).map((r) => ({ res: r.record.result!, summary: r.summary! }));
  const base = of(args.workers[0]);
  const baseWall = base.length ? median(base.map((x) => x.res.wallMs)) : NaN;
  const baseCpu = base.length ? median(base.map((x) => Number(x.res.cpuMs))) : NaN;
  const s = (ms: number): string => (ms / 1000).toFixed(2);
  const baseName = `${args.workers[0]} worker${args.workers[0] === 1 ? '' : 's'}`;
  const header = `| workers | used | wall s | MB/s | speed-up vs ${baseName} | CPU s | CPU ÷ ${baseName} | peak RSS MB | ${stages.map((k) => `${k} s`).join(' | ')} |`;
  const rows = args.workers.map((n) => {
    const xs = of(n);
    if (xs.length === 0) return `| ${n} | failed |${' |'.repeat(6 + stages.length)}`;
    const wall = median(xs.map((x) => x.res.wallMs));
    const cpu = median(xs.map((x) => Number(x.res.cpuMs)));
    const used = [...new Set(xs.map((x) => x.summary.workers))].join('/');
    const rss = Math.max(...xs.map((x) => x.res.maxRssMB));
    const stageCells = stages.map((k) => s(median(xs.map((x) => x.summary.stageMs?.[k] ?? NaN))));
    return `| ${n} | ${used} | ${s(wall)} | ${(inputBytes / 1e6 / (wall / 1000)).toFixed(0)} | ${(baseWall / wall).toFixed(2)} | ${s(cpu)} | ${(cpu / baseCpu).toFixed(2)} | ${rss} | ${stageCells.join(' | ')} |`;
  });
  const table = [header, `|${' ---: |'.repeat(8 + stages.length)}`, ...rows].join('\n');

  const checks = (['matched', 'unmatched'] as const).map((f) => sameBytes(ok, f));
  const failures = runs.filter((r) => !r.record.ok).map((r) => `- ${r.workers} workers, run ${r.run}: ${r.record.error}`);
  const command = `bash bench/scaling.sh ${process.argv.slice(2).join(' ')}`.trim();
  const md = [
    '# Engine scaling with worker threads',
    '',
    `${new Date().toISOString()} — ${machine}; 1-min load average ${loadBefore.toFixed(2)} before the runs, ${loadAfter.toFixed(2)} after.`,
    '',
    `Command: \`${command}\`; data spec \`${JSON.stringify(manifest.spec)}\`, ${(inputBytes / 1e6).toFixed(1)} MB of input; ${args.runs} run(s) per worker count, ` +
      'wall, CPU and stage times = median, peak RSS = max over the runs. Wall: around the CLI process (Node start included); CPU: user + system of the CLI process, all threads; ' +
      '`used`: workers the CLI reports (it takes no more than the query file has 1 MiB ranges); stage columns: the CLI summary\'s `stageMs`; MB = 10^6 bytes, MB/s = input bytes / wall.',
    '',
    table,
    '',
    ...checks.map((c) => `- ${c.line}`),
    ...(failures.length ? ['', '## Failures', '', ...failures] : []),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(args.outDir, 'scaling.md'), md);
  const raw = { machine, command, spec: manifest.spec, inputBytes, loadBefore, loadAfter, runs: runs.map((r) => ({ workers: r.workers, run: r.run, ...r.record, summary: r.summary, sha256: r.sha256 })) };
  fs.writeFileSync(path.join(args.outDir, 'scaling.json'), JSON.stringify(raw, null, 2) + '\n');

  log('\n' + table + '\n');
  log(checks.map((c) => c.line).join('\n'));
  if (failures.length) log(failures.join('\n'));
  log(`written ${path.join(args.outDir, 'scaling.md')} and scaling.json`);
  if (failures.length || !checks.every((c) => c.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
