import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'fs';
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

  /** The entry with its JSON header changed by `edit` (length prefix and padding made to fit). */
  function withHeader(entry: Buffer, edit: (header: { lengths: Record<string, number> }) => void): Buffer {
    const magic = 8;
    const jsonLength = entry.readUInt32LE(magic);
    const header = JSON.parse(entry.toString('utf8', magic + 4, magic + 4 + jsonLength));
    const body = entry.subarray(Math.ceil((magic + 4 + jsonLength) / 8) * 8);
    edit(header);
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    const head = Buffer.concat([entry.subarray(0, magic), length, json]);
    return Buffer.concat([head, Buffer.alloc((8 - (head.length % 8)) % 8), body]);
  }

  test.each<[string, (entry: Buffer) => Buffer]>([
    ['not an index', () => Buffer.from('not an index')],
    ['cut short inside the wage values', (entry) => entry.subarray(0, Math.floor((entry.length * 2) / 3))],
    ['one byte too many', (entry) => Buffer.concat([entry, Buffer.from([0])])],
    ['a header that claims 10^12 wage rows', (entry) => withHeader(entry, (h) => (h.lengths.rows = 1e12))],
    ['a header that claims a negative title table', (entry) => withHeader(entry, (h) => (h.lengths.titleBytes = -8))],
  ])('a damaged entry (%s) is rebuilt, not trusted', async (_name, damage) => {
    const first = await runEngineToArrays(options);
    const file = path.join(cacheDir, entries()[0]);
    const entry = readFileSync(file);
    // The header edit itself keeps a valid entry valid: only the claimed lengths damage it.
    expect(withHeader(entry, () => undefined).equals(entry)).toBe(true);
    writeFileSync(file, damage(entry));
    const again = await runEngineToArrays(options);
    expect(again.summary.indexCache).toBe('miss');
    expect(again.matched).toEqual(first.matched);
    expect(readFileSync(path.join(cacheDir, entries()[0])).equals(entry)).toBe(true);
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
