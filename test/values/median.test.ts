import { kthOfSortedRuns, medianOf, medianOfSortedRuns, VALUE_CHUNK_ROWS, type SortedRuns } from '../../src/engine/values/median';
import { seededInts } from '../support/seededInts';

const f = (...xs: number[]): Float64Array => Float64Array.from(xs);

describe('medianOf', () => {
  test('odd count: the middle value', () => {
    expect(medianOf(f(3, 1, 2), 3)).toBe(2);
  });

  test('even count: (a + b) / 2 of the two middle values', () => {
    expect(medianOf(f(4, 1, 3, 2), 4)).toBe(2.5);
  });

  test('even case is computed as (a + b) / 2, bit for bit', () => {
    expect(medianOf(f(0.2, 0.1), 2)).toBe((0.1 + 0.2) / 2); // 0.15000000000000002
  });

  test('single value', () => {
    expect(medianOf(f(53490), 1)).toBe(53490);
  });

  test('n = 0 → null', () => {
    expect(medianOf(new Float64Array(0), 0)).toBeNull();
    expect(medianOf(f(1, 2, 3), 0)).toBeNull();
  });

  test('all missing → null', () => {
    expect(medianOf(f(NaN, NaN, NaN), 3)).toBeNull();
  });

  test('NaN values are skipped', () => {
    expect(medianOf(f(NaN, 4, NaN, 2, NaN), 5)).toBe(3);
    expect(medianOf(f(NaN, 7), 2)).toBe(7);
  });

  test('duplicates', () => {
    expect(medianOf(f(5, 5, 5, 1), 4)).toBe(5);
    expect(medianOf(f(2, 2, 2), 3)).toBe(2);
  });

  test('negatives', () => {
    expect(medianOf(f(-3, -1, -2), 3)).toBe(-2);
    expect(medianOf(f(-10, 10), 2)).toBe(0);
  });

  test('only values[0..n) count', () => {
    expect(medianOf(f(1, 2, 3, 1000, 1000), 3)).toBe(2);
  });

  test('sorts numerically, not as text', () => {
    expect(medianOf(f(100, 9, 20), 3)).toBe(20);
  });

  test('may reorder the array in place; the non-NaN values end up sorted at the front', () => {
    const a = f(3, NaN, 1, 2);
    medianOf(a, 4);
    expect(Array.from(a.subarray(0, 3))).toEqual([1, 2, 3]);
  });

  test('matches a sort-based median on random data with NaNs', () => {
    let seed = 1;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let t = 0; t < 200; t++) {
      const n = Math.floor(rnd() * 40);
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = rnd() < 0.2 ? NaN : Math.round(rnd() * 100) - 50;
      const vals = Array.from(a).filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
      const k = vals.length;
      const want = k === 0 ? null : k % 2 ? vals[(k - 1) / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
      expect(medianOf(a, n)).toBe(want);
    }
  });

  test.each([-1, 4])('n = %p outside 0..length throws RangeError', (n) => {
    expect(() => medianOf(f(1, 2, 3), n)).toThrow(RangeError);
  });
});

describe('medianOf selects the same value a full sort gives', () => {
  test('on 5,000 random arrays with duplicates, NaNs, odd and even counts', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let t = 0; t < 5000; t++) {
      const n = Math.floor(rnd() * 400);
      const spread = rnd() < 0.3 ? 5 : 100000;
      const values = Float64Array.from({ length: n }, () => (rnd() < 0.1 ? NaN : Math.round(rnd() * spread * 100) / 100));
      const sorted = Array.from(values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
      const m = sorted.length >> 1;
      const expected = sorted.length === 0 ? null : sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
      expect(medianOf(values, n)).toBe(expected);
    }
  });
});

describe('medianOfSortedRuns', () => {
  /**
   * Runs laid out back to back in a chunked array, each sorted; weights as given. `offset` places
   * the first run so that runs cross the boundary between chunks.
   */
  function runsOf(lists: number[][], weights: number[], offset = 0): SortedRuns {
    const total = offset + lists.reduce((n, l) => n + l.length, 0);
    const chunks = Array.from({ length: Math.ceil(total / VALUE_CHUNK_ROWS) + 1 }, () => new Float64Array(VALUE_CHUNK_ROWS));
    const starts = new Int32Array(lists.length);
    const ends = new Int32Array(lists.length);
    let at = offset;
    lists.forEach((list, i) => {
      starts[i] = at;
      for (const v of [...list].sort((a, b) => a - b)) {
        chunks[Math.floor(at / VALUE_CHUNK_ROWS)][at % VALUE_CHUNK_ROWS] = v;
        at++;
      }
      ends[i] = at;
    });
    return { chunks, starts, ends, weights: Int32Array.from(weights), cursors: new Int32Array(lists.length), m: lists.length };
  }

  /** The obvious answer: every run repeated by its weight, then medianOf. */
  function expanded(lists: number[][], weights: number[]): number | null {
    const all = lists.flatMap((list, i) => Array.from({ length: weights[i] }, () => list).flat());
    return medianOf(Float64Array.from(all), all.length);
  }

  test('one run, weighted: indexes the middle without expanding', () => {
    expect(medianOfSortedRuns(runsOf([[1, 2, 3, 4]], [3]), new Float64Array(0))).toBe(2.5);
    expect(medianOfSortedRuns(runsOf([[5, 1, 9]], [2]), new Float64Array(0))).toBe(5);
  });

  test('no values in any run → null', () => {
    expect(medianOfSortedRuns(runsOf([[], []], [1, 2]), new Float64Array(0))).toBeNull();
    expect(medianOfSortedRuns(runsOf([], []), new Float64Array(0))).toBeNull();
  });

  test('even count across runs: (a + b) / 2 of values from different runs', () => {
    expect(medianOfSortedRuns(runsOf([[0.1], [0.2]], [1, 1]), new Float64Array(2))).toBe((0.1 + 0.2) / 2);
  });

  /** Random runs: up to 12 of them, short or long (some long enough to be searched, not gathered), some weighted. */
  function randomRuns(next: (n: number) => number, t: number): { lists: number[][]; weights: number[] } {
    const m = 1 + next(t % 3 === 0 ? 12 : 4);
    const longest = t % 6 === 0 ? 20000 : t % 2 === 0 ? 400 : 6;
    const lists = Array.from({ length: m }, () =>
      // + 0 turns a -0 into 0: the two compare equal but toBe tells them apart.
      Array.from({ length: next(longest) }, () => (next(4) === 0 ? next(20) : next(100000) / 100) * (next(10) === 0 ? -1 : 1) + 0),
    );
    return { lists, weights: lists.map(() => 1 + (next(3) === 0 ? next(4) : 0)) };
  }

  test('kthOfSortedRuns: the k-th of the expanded multiset for every k tried, runs crossing chunk boundaries', () => {
    const next = seededInts(11);
    for (let t = 0; t < 600; t++) {
      const { lists, weights } = randomRuns(next, t);
      const all = lists.flatMap((list, i) => Array.from({ length: weights[i] }, () => list).flat()).sort((a, b) => a - b);
      if (all.length === 0) continue;
      const runs = runsOf(lists, weights, t % 5 === 0 ? VALUE_CHUNK_ROWS - next(300) : next(50));
      for (const k of [0, all.length - 1, next(all.length), next(all.length)]) expect(kthOfSortedRuns(runs, k)).toBe(all[k]);
    }
  });

  test('equals medianOf of the expanded multiset, on 1,000 random cases (merged, gathered and searched)', () => {
    const next = seededInts(7);
    for (let t = 0; t < 1000; t++) {
      const { lists, weights } = randomRuns(next, t);
      const n = lists.reduce((s, l, i) => s + l.length * weights[i], 0);
      const offset = t % 5 === 0 ? VALUE_CHUNK_ROWS - next(300) : next(50);
      expect(medianOfSortedRuns(runsOf(lists, weights, offset), new Float64Array(n))).toBe(expanded(lists, weights));
    }
  });

  test('two runs of the same weight (bisected): empty, short and long runs, ties, chunk crossings, 4,000 cases', () => {
    const next = seededInts(13);
    for (let t = 0; t < 4000; t++) {
      const longest = t % 4 === 0 ? 3000 : t % 2 === 0 ? 60 : 5;
      const spread = t % 3 === 0 ? 3 : 100000;
      const lists = [0, 1].map(() => Array.from({ length: next(longest) }, () => next(spread) / 2));
      const w = 1 + (t % 5 === 0 ? next(4) : 0);
      const n = (lists[0].length + lists[1].length) * w;
      const offset = t % 7 === 0 ? VALUE_CHUNK_ROWS - next(2 * longest + 1) : next(50);
      expect(medianOfSortedRuns(runsOf(lists, [w, w], offset), new Float64Array(n))).toBe(expanded(lists, [w, w]));
    }
  });

  test('three to seven runs (walked, after skipping ahead): ties across runs, weights, exhausted runs, 3,000 cases', () => {
    const next = seededInts(17);
    for (let t = 0; t < 3000; t++) {
      const m = 3 + next(5);
      // Few distinct values: offers often end on the same value, and runs tie with each other.
      const spread = t % 2 === 0 ? 3 : 1000;
      const lists = Array.from({ length: m }, () => Array.from({ length: next(t % 3 === 0 ? 8 : 80) }, () => next(spread) / 2));
      const weights = lists.map(() => 1 + (next(3) === 0 ? next(5) : 0));
      const n = lists.reduce((s, l, i) => s + l.length * weights[i], 0);
      expect(medianOfSortedRuns(runsOf(lists, weights, t % 7 === 0 ? VALUE_CHUNK_ROWS - next(200) : next(50)), new Float64Array(n))).toBe(expanded(lists, weights));
    }
  });

  test('two runs (their own walk): empty runs, ties and weights covering both middles, 3,000 cases', () => {
    const next = seededInts(5);
    for (let t = 0; t < 3000; t++) {
      const lists = [0, 1].map(() => Array.from({ length: next(6) }, () => next(4) / 2).sort((a, b) => a - b));
      const weights = [1 + next(3), 1 + next(3)];
      const n = lists.reduce((s, l, i) => s + l.length * weights[i], 0);
      expect(medianOfSortedRuns(runsOf(lists, weights, next(50)), new Float64Array(n))).toBe(expanded(lists, weights));
    }
  });
});
