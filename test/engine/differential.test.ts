import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { gzipSync } from 'zlib';
import { tmpdir } from 'os';
import * as path from 'path';
import type { JoinOptions } from '../../src/engine/options';
import { generateDataset, type GeneratedDataset } from '../generate/generateDataset';
import { referenceJoinToArrays } from '../reference/referenceJoin';
import { runEngineToArrays } from './runEngine';
import { runJoin } from '../../src/engine/join/runJoin';
import { MemorySink } from '../../src/engine/output/memorySink';

/**
 * The fast engine must give exactly the reference implementation's rows, in the same order, on
 * data with every quirk, whatever the worker count and however the query file is cut.
 */
describe('engine equals the reference on generated data with every quirk', () => {
  let dir: string;
  let data: GeneratedDataset;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'salary-join-diff-'));
    data = await generateDataset(dir, { seed: 7, queryRows: 6000, relatedRows: 4000, wageRows: 8000, quirks: 'all' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const variants: [string, Partial<JoinOptions>][] = [
    ['defaults, 1 worker', { workers: 1 }],
    ['defaults, 2 workers', { workers: 2 }],
    ['tiny ranges that cut quoted multi-line fields, 2 workers', { workers: 2, rangeBytes: 97 }],
    ['threshold 50', { workers: 2, threshold: 50 }],
    ['include the query title itself', { workers: 2, includeSelf: true }],
    ['count each occupation once', { workers: 2, countEachCodeOnce: true }],
    ['case-insensitive titles', { workers: 2, caseInsensitive: true }],
    ['deduplicate pairs', { workers: 2, dedupePairs: true, rangeBytes: 4096 }],
    ['top-code value for #', { workers: 1, topCodeValue: 208000 }],
    ['three wage columns', { workers: 2, wageColumns: ['A_MEDIAN', 'tot_emp', 'a_pct90'] }],
    ['an answer cache of 4 (answers dropped, made again and renewed)', { workers: 2, answerCacheLimit: 4 }],
  ];

  test.each(variants)('%s', async (_name, variant) => {
    const options = { ...data.options, ...variant };
    const [engine, reference] = await Promise.all([runEngineToArrays(options), referenceJoinToArrays(options)]);
    expect(engine.matched.length).toBeGreaterThan(0);
    expect(engine.unmatched.length).toBeGreaterThan(0);
    expect(engine.matched).toEqual(reference.matched);
    expect(engine.unmatched).toEqual(reference.unmatched);
  });

  test('a gzipped query table, streamed in small whole-record chunks, gives the same rows', async () => {
    const gz = path.join(dir, 'queries.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(data.queries)));
    const options = { ...data.options, queries: { ...data.options.queries, files: [gz] }, workers: 2, rangeBytes: 300 };
    const [engine, reference] = await Promise.all([runEngineToArrays(options), referenceJoinToArrays(options)]);
    expect(engine.matched).toEqual(reference.matched);
    expect(engine.unmatched).toEqual(reference.unmatched);
  });

  test('a Windows-1252 query table is transcoded and gives the same rows', async () => {
    const latin = path.join(dir, 'queries-1252.csv');
    const text = readFileSync(data.queries, 'utf8').replace(/^\ufeff/, '');
    writeFileSync(latin, Buffer.from(text.replace(/[^\u0000-\u00ff]/g, '?'), 'latin1'));
    const options = { ...data.options, queries: { ...data.options.queries, files: [latin], encoding: 'windows-1252' }, workers: 2, rangeBytes: 1000 };
    const [engine, reference] = await Promise.all([runEngineToArrays(options), referenceJoinToArrays(options)]);
    expect(engine.matched.length).toBeGreaterThan(0);
    expect(engine.matched).toEqual(reference.matched);
    expect(engine.unmatched).toEqual(reference.unmatched);
  });

  test('tiny ranges do force rescans of ranges that began inside a quoted field', async () => {
    const { summary } = await runEngineToArrays({ ...data.options, workers: 2, rangeBytes: 97 });
    expect(summary.rangesRedone).toBeGreaterThan(0);
  });
});

describe('rows handed out as objects carry their query-table position', () => {
  test('ordinals of matched and unmatched rows together are 0..n-1, across tasks, ranges and files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'salary-join-ord-'));
    try {
      const data = await generateDataset(dir, { seed: 11, queryRows: 3000, relatedRows: 2000, wageRows: 4000, quirks: 'all' });
      const ordinals: number[] = [];
      const collect = new MemorySink(100, (_rows, _batch, positions) => void ordinals.push(...positions));
      const matchedOrdinals: number[] = [];
      const matched = new MemorySink(100, (_rows, _batch, positions) => void matchedOrdinals.push(...positions));
      const copy = path.join(dir, 'queries-again.csv');
      writeFileSync(copy, readFileSync(data.queries));
      const queries = { ...data.options.queries, files: [data.queries, copy] };
      const summary = await runJoin({ ...data.options, queries, workers: 2, rangeBytes: 2048 }, { matched, unmatched: collect });
      const all = [...matchedOrdinals, ...ordinals].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: summary.queries.rows }, (_, i) => i));
      expect(summary.queries.rows).toBe(6000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
