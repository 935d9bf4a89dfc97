import { rmSync } from 'fs';
import { CancelledError, InputError } from '../../src/engine/errors';
import type { JoinOptions } from '../../src/engine/options';
import { generateDataset, type GeneratedDataset } from '../generate/generateDataset';
import { referenceJoinToArrays } from '../reference/referenceJoin';
import { tempDir, writeTemp } from '../support/tempFiles';
import { runEngineToArrays } from './runEngine';

/**
 * Big wage tables are read on a thread of their own while the related table is read
 * (wageThreadBytes: 0 takes that path on small files). The rows, the summary, the errors and the
 * skipped rows must be exactly those of reading everything on one thread.
 */
describe('wages read on their own thread', () => {
  const dir = tempDir('salary-join-wage-thread-');
  let data: GeneratedDataset;
  beforeAll(async () => {
    data = await generateDataset(dir, { seed: 11, queryRows: 3000, relatedRows: 3000, wageRows: 6000, quirks: 'all' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([1, 2])('same rows as the reference and the same summary as one thread, %i worker(s)', async (workers) => {
    const options: JoinOptions = { ...data.options, workers };
    const [threaded, inline, reference] = await Promise.all([
      runEngineToArrays({ ...options, wageThreadBytes: 0 }),
      runEngineToArrays({ ...options, wageThreadBytes: Number.MAX_SAFE_INTEGER }),
      referenceJoinToArrays(options),
    ]);
    expect(threaded.matched).toEqual(reference.matched);
    expect(threaded.unmatched).toEqual(reference.unmatched);
    const { wallMs: _a, stageMs: _b, peakRssMB: _c, ...threadedSummary } = threaded.summary;
    const { wallMs: _d, stageMs: _e, peakRssMB: _f, ...inlineSummary } = inline.summary;
    expect(threadedSummary).toEqual(inlineSummary);
    expect(threaded.summary.wages.kept).toBeGreaterThan(0);
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

  test.each([
    ['a missing wage column', { wages: 'occ_code,area_title,a_mean\n35-2014,California,1\n' }],
    ['a row with too few fields', { wages: 'occ_code,area_title,a_median\n35-2014,California,30000\n15-2041\n' }],
    ['a quote never closed', { wages: 'occ_code,area_title,a_median\n35-2014,"California,30000\n' }],
    ['bytes that are not UTF-8 in a table declared UTF-8', { wages: Buffer.from('occ_code,area_title,a_median\n35-2014,Calif\xffornia,30000\n', 'latin1') }],
    ['errors in both tables: the related one, as read in order', { related: 'title,related_title,score\nChef,Cook,ninety\n', wages: 'occ_code,area_title,a_median\n35-2014\n' }],
  ])('%s: the same InputError, message and place, as on one thread', async (_name, broken) => {
    const options = tables(broken);
    const threaded = await failure({ ...options, wageThreadBytes: 0 });
    const inline = await failure({ ...options, wageThreadBytes: Number.MAX_SAFE_INTEGER });
    expect(threaded.message).toBe(inline.message);
    expect(threaded.location).toEqual(inline.location);
    expect(threaded.expected).toBe(inline.expected);
  });

  test('skipped bad rows: related ones first, then the thread\'s, as on one thread', async () => {
    const options: JoinOptions = {
      ...tables({ related: 'title,related_title,score\nChef,Cook,90\nChef\n', wages: 'occ_code,area_title,a_median\n35-2014,California,30000\n15-2041\n15-2041,Texas\n' }),
      badRows: 'skip',
    };
    const threaded = await runEngineToArrays({ ...options, wageThreadBytes: 0 });
    const inline = await runEngineToArrays({ ...options, wageThreadBytes: Number.MAX_SAFE_INTEGER });
    expect(threaded.summary.skippedRows.count).toBe(3);
    expect(threaded.summary.skippedRows).toEqual(inline.summary.skippedRows);
  });

  test('cancelled while the thread reads: CancelledError', async () => {
    const controller = new AbortController();
    const run = runEngineToArrays({ ...data.options, wageThreadBytes: 0, signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });
});
