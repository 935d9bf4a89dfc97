import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { generateDataset, type GeneratedDataset } from '../generate/generateDataset';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/** Stated bound: the engine's peak RSS with 2 workers, whatever the size of the query file (measured 176 and 179 MB). */
const PEAK_RSS_BOUND_MB = 300;

interface Summary {
  peakRssMB: number;
  queries: { rows: number };
  matched: number;
  unmatched: number;
}

function runCli(data: GeneratedDataset, dir: string, queries: string): Summary {
  const summaryFile = path.join(dir, `summary-${path.basename(queries)}.json`);
  execFileSync(process.execPath, [
    CLI,
    '--queries', queries, '--related', data.related, '--codes', data.codes, '--wages', data.wages,
    '--out', path.join(dir, 'out.csv'), '--workers', '2', '--overwrite', '--quiet', '--summary-json', summaryFile,
  ], { stdio: 'inherit' });
  return JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
}

/**
 * Peak memory is measured in a child process (the CLI reports its own maxRSS, which covers the
 * worker threads). A 4x larger query table must not need more memory than the bound, nor
 * noticeably more than the small one.
 */
describe('memory stays bounded as the query table grows', () => {
  let dir: string;
  let small: GeneratedDataset;
  let large: GeneratedDataset;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'salary-join-mem-'));
    const build = { relatedRows: 20_000, wageRows: 40_000, quirks: 'portable' as const };
    small = await generateDataset(path.join(dir, 'small'), { seed: 3, queryRows: 1_250_000, ...build });
    large = await generateDataset(path.join(dir, 'large'), { seed: 3, queryRows: 5_000_000, ...build });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`a query file of at least 200 MB runs in under ${PEAK_RSS_BOUND_MB} MB peak RSS, no more than a 4x smaller one plus 64 MB`, () => {
    expect(statSync(large.queries).size).toBeGreaterThanOrEqual(200 * 1024 * 1024);
    const smallRun = runCli(small, dir, small.queries);
    const largeRun = runCli(large, dir, large.queries);
    expect(largeRun.queries.rows).toBe(5_000_000);
    expect(largeRun.matched + largeRun.unmatched).toBe(5_000_000);
    expect(largeRun.peakRssMB).toBeLessThan(PEAK_RSS_BOUND_MB);
    expect(largeRun.peakRssMB).toBeLessThan(smallRun.peakRssMB + 64);
  }, 300_000);
});
