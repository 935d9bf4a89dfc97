import { rmSync } from 'fs';
import { CancelledError, InputError } from '../../src/engine/errors';
import type { JoinOptions } from '../../src/engine/options';
import { generateDataset, type GeneratedDataset } from '../generate/generateDataset';
import { referenceJoinToArrays } from '../reference/referenceJoin';
import { tempDir, writeTemp } from '../support/tempFiles';
import { runEngineToArrays } from './runEngine';
import { required } from '../../src/engine/build/buildJoinIndex';
import { buildWageIndex } from '../../src/engine/build/buildWageIndex';
import { callerShare, RELATED_BYTE_COST, startWageRows, type WageJob } from '../../src/engine/build/readWages';
import { VALUE_CHUNK_ROWS, VALUE_CHUNK_SHIFT } from '../../src/engine/values/median';

/**
 * Big wage tables are read on threads of their own while the related table is read, and one big
 * plain file is cut into byte spans, one thread each (wageThreadBytes: 0 and wageSpanBytes: 1 take
 * those paths on small files). The rows, the summary, the errors (message, line) and the skipped
 * rows must be exactly those of reading everything on one thread, in order.
 */
const ONE_THREAD: Partial<JoinOptions> = { wageThreadBytes: 0, wageSpanBytes: Number.MAX_SAFE_INTEGER };
const SPANS: Partial<JoinOptions> = { wageThreadBytes: 0, wageSpanBytes: 1, wageThreads: 3 };
/** Related bytes cost nothing: the calling thread reads the last of three equal spans itself. */
const CALLER_SPAN: Partial<JoinOptions> = { wageThreadBytes: 0, wageSpanBytes: 1, wageThreads: 2, wageRelatedByteCost: 0 };
const INLINE: Partial<JoinOptions> = { wageThreadBytes: Number.MAX_SAFE_INTEGER };
const THREADED: [string, Partial<JoinOptions>][] = [
  ['one thread', ONE_THREAD],
  ['three threads, one span each', SPANS],
  ['two threads and the calling thread, one span each', CALLER_SPAN],
];

describe('wages read on threads of their own', () => {
  const dir = tempDir('salary-join-wage-thread-');
  let data: GeneratedDataset;
  beforeAll(async () => {
    data = await generateDataset(dir, { seed: 11, queryRows: 3000, relatedRows: 3000, wageRows: 6000, quirks: 'all' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    [1, ...THREADED[0]],
    [2, ...THREADED[0]],
    [1, ...THREADED[1]],
    [2, ...THREADED[1]],
    [2, ...THREADED[2]],
  ] as [number, string, Partial<JoinOptions>][])('same rows as the reference and the same summary as inline, %i worker(s), %s', async (workers, _mode, threading) => {
    const options: JoinOptions = { ...data.options, workers };
    const [threaded, inline, reference] = await Promise.all([
      runEngineToArrays({ ...options, ...threading }),
      runEngineToArrays({ ...options, ...INLINE }),
      referenceJoinToArrays(options),
    ]);
    expect(threaded.matched).toEqual(reference.matched);
    expect(threaded.unmatched).toEqual(reference.unmatched);
    const { wallMs: _a, stageMs: _b, peakRssMB: _c, ...threadedSummary } = threaded.summary;
    const { wallMs: _d, stageMs: _e, peakRssMB: _f, ...inlineSummary } = inline.summary;
    expect(threadedSummary).toEqual(inlineSummary);
    expect(threaded.summary.wages.kept).toBeGreaterThan(0);
  });

  test('one plain wage file with quoted commas, "" and line breaks, cut into spans: the rows and summary of inline', async () => {
    // The data set above reads its wages from two files (one gzipped), which are never cut.
    const portable = await generateDataset(`${dir}/portable`, { seed: 12, queryRows: 2000, relatedRows: 2000, wageRows: 5000, quirks: 'portable' });
    expect(portable.options.wages.files).toHaveLength(1);
    const options: JoinOptions = { ...portable.options, workers: 2 };
    const [spans, caller, inline, reference] = await Promise.all([
      runEngineToArrays({ ...options, ...SPANS, wageThreads: 4 }),
      runEngineToArrays({ ...options, ...CALLER_SPAN }),
      runEngineToArrays({ ...options, ...INLINE }),
      referenceJoinToArrays(options),
    ]);
    const { wallMs: _d, stageMs: _e, peakRssMB: _f, ...inlineSummary } = inline.summary;
    for (const cut of [spans, caller]) {
      expect(cut.matched).toEqual(reference.matched);
      expect(cut.unmatched).toEqual(reference.unmatched);
      const { wallMs: _a, stageMs: _b, peakRssMB: _c, ...cutSummary } = cut.summary;
      expect(cutSummary).toEqual(inlineSummary);
    }
  });

  /** Small tables with one broken table; the rest as in a working join. */
  function tables(broken: { related?: string; wages?: string | Buffer }): JoinOptions {
    const file = (name: string, text: string | Buffer) => ({ files: [writeTemp(dir, `${name}-${Math.random().toString(36).slice(2)}.csv`, text)], delimiter: ',', encoding: 'utf8' });
    return {
      queries: file('queries', 'title,location\nChef,CA\nAnalyst,TX\n'),
      related: file('related', broken.related ?? 'title,related_title,score\nChef,Cook,90\nAnalyst,Statistician,85\n'),
      codes: file('codes', 'code,title\n35-2014,Cook\n15-2041,Statistician\n'),
      wages: file('wages', broken.wages ?? 'occ_code,area_title,a_median\n35-2014,California,30000\n15-2041,Texas,90000\n'),
      wageColumns: ['a_median'],
      workers: 1,
    };
  }

  const failure = async (options: JoinOptions): Promise<InputError> => {
    const error = await runEngineToArrays(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  };

  const broken: [string, { related?: string; wages?: string | Buffer }][] = [
    ['a missing wage column', { wages: 'occ_code,area_title,a_mean\n35-2014,California,1\n' }],
    ['a row with too few fields', { wages: 'occ_code,area_title,a_median\n35-2014,California,30000\n15-2041\n' }],
    ['a row with too few fields, late in the file', { wages: `occ_code,area_title,a_median\n${'35-2014,California,30000\n'.repeat(20)}15-2041\n${'15-2041,Texas,1\n'.repeat(5)}` }],
    ['a quote never closed', { wages: 'occ_code,area_title,a_median\n35-2014,"California,30000\n' }],
    ['bytes that are not UTF-8 in a table declared UTF-8', { wages: Buffer.from('occ_code,area_title,a_median\n35-2014,Calif\xffornia,30000\n', 'latin1') }],
    ['bytes that are not UTF-8, late in the file', { wages: Buffer.from(`occ_code,area_title,a_median\n${'35-2014,California,30000\n'.repeat(30)}35-2014,Calif\xffornia,30000\n`, 'latin1') }],
    ['errors in both tables: the related one, as read in order', { related: 'title,related_title,score\nChef,Cook,ninety\n', wages: 'occ_code,area_title,a_median\n35-2014\n' }],
  ];
  test.each(THREADED.flatMap(([mode, threading]) => broken.map(([name, tablesBroken]) => [name, mode, threading, tablesBroken] as const)))(
    '%s, %s: the same InputError, message and place, as inline',
    async (_name, _mode, threading, tablesBroken) => {
      const options = tables(tablesBroken);
      const threaded = await failure({ ...options, ...threading });
      const inline = await failure({ ...options, ...INLINE });
      expect(threaded.message).toBe(inline.message);
      expect(threaded.location).toEqual(inline.location);
      expect(threaded.expected).toBe(inline.expected);
    },
  );

  test.each(THREADED)("skipped bad rows, %s: related ones first, then the threads', with their lines, as inline", async (_mode, threading) => {
    const wages = `occ_code,area_title,a_median\n35-2014,California,30000\n15-2041\n${'15-2041,Texas,5\n'.repeat(12)}15-2041,Texas\n${'35-2014,Ohio,7\n'.repeat(12)}35-2014\n`;
    const options: JoinOptions = { ...tables({ related: 'title,related_title,score\nChef,Cook,90\nChef\n', wages }), badRows: 'skip' };
    const threaded = await runEngineToArrays({ ...options, ...threading });
    const inline = await runEngineToArrays({ ...options, ...INLINE });
    expect(threaded.summary.skippedRows.count).toBe(4);
    expect(threaded.summary.skippedRows).toEqual(inline.summary.skippedRows);
    expect(threaded.matched).toEqual(inline.matched);
  });

  test.each(THREADED)('cancelled while the threads read, %s: CancelledError', async (_mode, threading) => {
    const controller = new AbortController();
    const run = runEngineToArrays({ ...data.options, ...threading, signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});

/** The spans themselves: each thread's rows, and the one-thread read when a cut falls inside quotes. */
describe('wage spans', () => {
  const dir = tempDir('salary-join-wage-spans-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const codes = ['35-2014', '15-2041'];

  /** relatedBytes 0: the calling thread reads a last span, as long as each thread's (RELATED_BYTE_COST aside). */
  async function read(text: string, threads: number, relatedBytes = Number.MAX_SAFE_INTEGER): Promise<{ parts: number; values: number[] }> {
    const file = writeTemp(dir, `wages-${Math.random().toString(36).slice(2)}.csv`, text);
    const job: WageJob = {
      files: [file],
      source: { files: [file], delimiter: ',', encoding: 'utf8' },
      requests: [required('code', 'occ_code'), { role: 'area', names: ['area_title'], required: true }, { role: 'state code', names: ['st'], required: false }, required('wage column a_median', 'a_median')],
      codes,
      columns: ['a_median'],
      topCodeValue: undefined,
      skipBadRows: false,
    };
    const started = await startWageRows(job, { minBytes: 0, spanBytes: 1, maxThreads: threads, relatedByteCost: RELATED_BYTE_COST }, undefined, undefined, relatedBytes);
    const { rows, read: tableRead } = await started.result();
    const { index } = await buildWageIndex(rows, Uint8Array.of(1, 1));
    const values: number[] = [];
    for (let i = 0; i < index.keyStart[index.keyStart.length - 1]; i++) values.push(index.values[0][i >> VALUE_CHUNK_SHIFT][i & (VALUE_CHUNK_ROWS - 1)]);
    expect(tableRead.records).toBe(text.split('\n').filter((l) => /^\d/.test(l)).length);
    return { parts: rows.length, values };
  }

  test('four threads read four spans whose rows are those of one thread, wherever the cuts fall', async () => {
    for (const rows of [7, 40, 101]) {
      const text = 'occ_code,area_title,a_median\r\n' + Array.from({ length: rows }, (_, i) => `${codes[i % 2]},${i % 3 ? 'Texas' : '"Ohio"'},${i * 10}\r\n`).join('');
      const [spans, one] = await Promise.all([read(text, 4), read(text, 1)]);
      expect(spans.parts).toBe(4);
      expect(one.parts).toBe(1);
      expect(spans.values).toEqual(one.values);
    }
  });

  test('three threads and the calling thread read four spans whose rows are those of one thread', async () => {
    for (const rows of [7, 40, 101]) {
      const text = 'occ_code,area_title,a_median\n' + Array.from({ length: rows }, (_, i) => `${codes[i % 2]},${i % 3 ? 'Texas' : '"Ohio, USA"'},${i * 10}\n`).join('');
      const [spans, one] = await Promise.all([read(text, 3, 0), read(text, 1)]);
      expect(spans.parts).toBe(4);
      expect(one.parts).toBe(1);
      expect(spans.values).toEqual(one.values);
    }
    // One thread and the calling thread: two spans.
    const text = 'occ_code,area_title,a_median\n' + '35-2014,Texas,5\n'.repeat(30);
    expect((await read(text, 1, 0)).parts).toBe(2);
  });

  test("the calling thread's share ends its work with the threads'", () => {
    // 199 MB of wages, 79 MB of related titles, one thread: the thread reads 151 MB, the caller 79 · 1.3 + 48.
    expect(callerShare(199e6, 79e6, 1, 1.3)).toBe(48150000);
    expect(callerShare(199e6, 0, 3, 1.3)).toBe(49750000);
    // Related titles that take longer than the wages on a thread: the caller reads no span.
    expect(callerShare(100e6, 100e6, 1, 1.3)).toBe(0);
  });

  test('a cut inside a quoted field that spans lines: read again on one thread, same rows', async () => {
    // Every record holds a quoted two-line note, so most cuts fall inside one.
    const text = 'occ_code,area_title,note,a_median\n' + Array.from({ length: 60 }, (_, i) => `${codes[i % 2]},Texas,"line one\nline two, ${i}",${i}\n`).join('');
    const [spans, withCaller, one] = await Promise.all([read(text, 4), read(text, 2, 0), read(text, 1)]);
    expect(spans.parts).toBe(1);
    expect(withCaller.parts).toBe(1);
    expect(spans.values).toEqual(one.values);
    expect(withCaller.values).toEqual(one.values);
  });
});
