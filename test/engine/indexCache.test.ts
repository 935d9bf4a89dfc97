import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { JoinOptions } from '../../src/engine/options';
import { generateDataset, type GeneratedDataset } from '../generate/generateDataset';
import { runEngineToArrays } from './runEngine';

describe('index cache for scheduled re-runs', () => {
  let dir: string;
  let data: GeneratedDataset;
  let cacheDir: string;
  let options: JoinOptions;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'salary-join-cache-'));
    data = await generateDataset(dir, { seed: 5, queryRows: 2000, relatedRows: 3000, wageRows: 6000, quirks: 'all' });
  });
  beforeEach(() => {
    cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    options = { ...data.options, workers: 1, indexCache: { dir: cacheDir } };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const entries = () => readdirSync(cacheDir).filter((f) => f.endsWith('.sjindex'));

  test('the first run builds and stores the index, the second loads it and gives the same rows', async () => {
    const first = await runEngineToArrays(options);
    expect(first.summary.indexCache).toBe('miss');
    expect(entries()).toHaveLength(1);
    const second = await runEngineToArrays(options);
    expect(second.summary.indexCache).toBe('hit');
    expect(second.matched).toEqual(first.matched);
    expect(second.unmatched).toEqual(first.unmatched);
    expect(second.summary.wages).toEqual(first.summary.wages);
    expect(second.summary.missingWageCells).toBe(first.summary.missingWageCells);
  });

  test('a changed input file (modification time) is a miss', async () => {
    await runEngineToArrays(options);
    const later = new Date(Date.now() + 5000);
    utimesSync(data.related, later, later);
    expect((await runEngineToArrays(options)).summary.indexCache).toBe('miss');
  });

  test('an option that shapes the index is a miss; one that does not is a hit', async () => {
    await runEngineToArrays(options);
    expect((await runEngineToArrays({ ...options, threshold: 70 })).summary.indexCache).toBe('miss');
    expect((await runEngineToArrays({ ...options, workers: 2, dedupePairs: true })).summary.indexCache).toBe('hit');
  });

  test('a damaged entry is rebuilt, not trusted', async () => {
    const first = await runEngineToArrays(options);
    writeFileSync(path.join(cacheDir, entries()[0]), 'not an index');
    const again = await runEngineToArrays(options);
    expect(again.summary.indexCache).toBe('miss');
    expect(again.matched).toEqual(first.matched);
  });

  test('the folder is kept under its size bound, oldest entries first', async () => {
    const small = { ...options, indexCache: { dir: cacheDir, maxBytes: 1 } };
    await runEngineToArrays(small);
    await runEngineToArrays({ ...small, threshold: 60 });
    expect(entries()).toHaveLength(1);
  });

  test('two runs racing on an empty cache both succeed and leave one valid entry', async () => {
    const [a, b] = await Promise.all([runEngineToArrays(options), runEngineToArrays(options)]);
    expect(a.matched).toEqual(b.matched);
    expect(entries()).toHaveLength(1);
    expect((await runEngineToArrays(options)).summary.indexCache).toBe('hit');
  });
});
