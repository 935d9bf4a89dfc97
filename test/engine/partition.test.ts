import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runJoin } from '../../src/engine/join/runJoin';
import type { JoinOptions } from '../../src/engine/options';
import { FileSink } from '../../src/engine/output/fileSink';
import { generateDataset, type GeneratedDataset } from '../generate/generateDataset';
import { runEngineToArrays } from './runEngine';

const leftovers = () => readdirSync(tmpdir()).filter((name) => name.startsWith('salary-join-partitions-'));

/**
 * With a memory budget far below what the index needs, the join runs partition by partition
 * through temporary files, and must give exactly the rows of the in-memory run.
 */
describe('joining partition by partition under a tiny memory budget', () => {
  let dir: string;
  let data: GeneratedDataset;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'salary-join-budget-'));
    data = await generateDataset(dir, { seed: 21, queryRows: 5000, relatedRows: 6000, wageRows: 8000, quirks: 'all' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const variants: [string, Partial<JoinOptions>][] = [
    ['defaults', {}],
    ['deduplicate pairs', { dedupePairs: true }],
    ['include self, case-insensitive', { includeSelf: true, caseInsensitive: true }],
    ['threshold 40, each code once', { threshold: 40, countEachCodeOnce: true }],
  ];

  test.each(variants)('%s: same rows as in memory', async (_name, variant) => {
    const options = { ...data.options, ...variant, workers: 2 };
    const [inMemory, partitioned] = await Promise.all([runEngineToArrays(options), runEngineToArrays({ ...options, memoryBudgetMB: 0.1 })]);
    expect(partitioned.summary.partitions).toBeGreaterThan(4);
    expect(inMemory.summary.partitions).toBe(1);
    expect(partitioned.matched).toEqual(inMemory.matched);
    expect(partitioned.unmatched).toEqual(inMemory.unmatched);
    expect(partitioned.summary.unmatchedByReason).toEqual(inMemory.summary.unmatchedByReason);
    expect(partitioned.summary.duplicatePairsDropped).toBe(inMemory.summary.duplicatePairsDropped);
    expect(leftovers()).toEqual([]);
  });

  test('CSV output files are byte-identical to the in-memory run', async () => {
    const write = async (name: string, extra: Partial<JoinOptions>) => {
      const out = path.join(dir, `${name}.csv`);
      const unmatched = path.join(dir, `${name}.unmatched.csv`);
      await runJoin({ ...data.options, ...extra }, { matched: new FileSink(out, 'csv', true), unmatched: new FileSink(unmatched, 'csv', true) });
      return readFileSync(out, 'utf8') + readFileSync(unmatched, 'utf8');
    };
    expect(await write('partitioned', { memoryBudgetMB: 0.1 })).toBe(await write('in-memory', {}));
  });

  test('a bad input row fails the run and removes every temporary file', async () => {
    const bad = path.join(dir, 'bad-related.csv');
    writeFileSync(bad, 'title,related_title,score\nA,B,90\nA,C,"87,5"\n');
    const options = { ...data.options, related: { files: [bad] }, memoryBudgetMB: 0.0001 };
    await expect(runEngineToArrays(options)).rejects.toThrow(/score "87,5" is not a number/);
    expect(leftovers()).toEqual([]);
  });

  test('cancellation stops the run and removes every temporary file', async () => {
    const controller = new AbortController();
    const run = runEngineToArrays({ ...data.options, memoryBudgetMB: 0.1, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toThrow(/cancel/i);
    expect(leftovers()).toEqual([]);
  });
});
