import * as path from 'path';
import type { JoinOptions } from '../../src/engine/options';
import { referenceJoinToArrays } from '../reference/referenceJoin';
import { runEngineToArrays } from './runEngine';

const DATA = path.resolve(__dirname, '..', '..', 'examples', 'data');

/** The demo's real public data (examples/data/SOURCE.md): H-2B queries, BLS SOC 2010 codes
 * (Mac Roman, CR-only), BLS OES May 2018 state wages (BOM, CRLF, "1,943,760", *, **, #). */
const DEMO: JoinOptions = {
  queries: { files: [path.join(DATA, 'queries.csv')], headerRow: 1 },
  related: { files: [path.join(DATA, 'related.csv')], headerRow: 1 },
  codes: { files: [path.join(DATA, 'codes.csv')], headerRow: 1, encoding: 'macintosh' },
  wages: { files: [path.join(DATA, 'wages.csv')], headerRow: 1 },
  columns: { codeCode: '2010 SOC Code', codeTitle: '2010 SOC Direct Match Title' },
  wageColumns: ['tot_emp', 'hr_mean', 'avg_mean'],
};

describe('engine equals the reference on real public data', () => {
  const variants: [string, Partial<JoinOptions>][] = [
    ['threshold 80, 2 workers', { workers: 2 }],
    ['threshold 80, 1 worker, 64 KiB ranges', { workers: 1, rangeBytes: 65536 }],
    ['threshold 60', { workers: 2, threshold: 60 }],
    ['threshold 40, case-insensitive, each code once', { workers: 2, threshold: 40, caseInsensitive: true, countEachCodeOnce: true }],
    ['include self, dedupe pairs', { workers: 2, includeSelf: true, dedupePairs: true }],
  ];

  test.each(variants)('%s', async (_name, variant) => {
    const options = { ...DEMO, ...variant };
    const [engine, reference] = await Promise.all([runEngineToArrays(options), referenceJoinToArrays(options)]);
    expect(engine.matched).toEqual(reference.matched);
    expect(engine.unmatched).toEqual(reference.unmatched);
  });

  test('the demo output is non-trivial: thousands of matched rows over at least 40 states', async () => {
    const { matched } = await runEngineToArrays({ ...DEMO, workers: 2 });
    expect(matched.length).toBeGreaterThan(3000);
    expect(new Set(matched.map((row) => row.state)).size).toBeGreaterThanOrEqual(40);
  });
});
