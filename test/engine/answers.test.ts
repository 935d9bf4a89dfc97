import { Answer, CsvAnswers, NO_WAGE_ROWS, RecentMap } from '../../src/engine/probe/answers';
import { csvLine } from '../../src/engine/output/rowFormat';
import { formatNumber } from '../../src/engine/values/formatNumber';
import { stateById } from '../../src/engine/values/states';
import { seededInts } from '../support/seededInts';

/**
 * CsvAnswers keeps CSV answer tails in typed arrays with RecentMap's two generations: the same
 * answers must be kept (an old one used again moves back to the young generation, its bytes copied
 * along) and every hit must hold exactly the tail that was added for its key.
 */
describe('CsvAnswers', () => {
  const width = 3;
  /** The answer of key k (some keys have no wage rows; medians include halves, NaN and long numbers). */
  function answerOf(k: number): { stateId: number; nRows: number; nCodes: number; medians: Float64Array } | null {
    if (k % 7 === 3) return null;
    const medians = Float64Array.from([k * 1000 + 0.5, k % 5 === 0 ? Number.NaN : k / 3, k % 11 === 0 ? 1e21 + k * 1e6 : k]);
    return { stateId: k % 56, nRows: 1 + (k % 97), nCodes: 1 + (k % 4), medians };
  }
  function tailOf(k: number): string {
    const a = answerOf(k)!;
    return ',' + csvLine([stateById(a.stateId).name, String(a.nRows), String(a.nCodes), ...Array.from(a.medians, (m) => formatNumber(m))]);
  }
  const text = (answer: Answer) => Buffer.from((answer.tail as Uint8Array).subarray(answer.start, answer.end)).toString('utf8');

  test.each([4, 10, 64])('limit %i: 20,000 lookups of skewed keys keep what RecentMap keeps, with the bytes added', (limit) => {
    const next = seededInts(limit);
    const answers = new CsvAnswers(limit, width);
    const model = new RecentMap<string>(limit);
    let hits = 0;
    for (let i = 0; i < 20_000; i++) {
      // A few hot keys and a long tail of cold ones, so that both generations turn over.
      const k = next(4) === 0 ? next(2000) : next(limit);
      const kept = answers.get(k);
      const expected = model.get(k);
      if (expected === undefined) {
        expect(kept).toBeUndefined();
        const a = answerOf(k);
        if (a === null) {
          answers.addNoWageRows(k);
          model.set(k, 'none');
        } else {
          expect(text(answers.add(k, a.stateId, a.nRows, a.nCodes, a.medians))).toBe(tailOf(k));
          model.set(k, tailOf(k));
        }
        continue;
      }
      hits++;
      if (expected === 'none') expect(kept).toBe(NO_WAGE_ROWS);
      else expect(text(kept as Answer)).toBe(expected);
    }
    expect(hits).toBeGreaterThan(2000);
  });

  test('a generation that is full of long tails turns over before its count is reached', () => {
    // 1,000 answers of numbers with ~300 digits do not fit in what 1,000 average tails take.
    const answers = new CsvAnswers(2000, 1);
    const long = (k: number) => Float64Array.from([1e300 * (1 + k / 1000)]);
    for (let k = 0; k < 1000; k++) answers.add(k, 0, 1, 1, long(k));
    const first = answers.get(0);
    const last = answers.get(999) as Answer;
    expect(first).toBeUndefined();
    expect(text(last)).toBe(',' + csvLine([stateById(0).name, '1', '1', formatNumber(long(999)[0])]));
  });
});
