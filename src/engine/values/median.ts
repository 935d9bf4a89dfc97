/**
 * Median of the non-NaN values in values[0..n); the mean of the two middle values, computed as
 * (a + b) / 2, when the count is even; null when there are none (n = 0 or all NaN).
 *
 * Reorders values[0..n) in place. ±Infinity count as numbers; callers keep INVALID_WAGE cells
 * out. (a + b) / 2 rather than a + (b − a) / 2: the reference implementation does the same, and
 * the two differ only in the last bit for some inputs.
 *
 * The engine calls this for every wage column of every (title, state) answer, so it selects the
 * middle instead of sorting: expected linear time, no allocation, no native call.
 */
export function medianOf(values: Float64Array, n: number): number | null {
  if (!(n >= 0 && n <= values.length)) throw new RangeError(`n=${n} outside 0..${values.length}`);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === v) values[k++] = v;
  }
  if (k === 0) return null;
  const mid = k >> 1;
  const upper = selectKth(values, mid, k);
  if ((k & 1) === 1) return upper;
  // After selection everything left of mid is <= values[mid]: the lower middle is their maximum.
  let lower = values[0];
  for (let i = 1; i < mid; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

/**
 * Places the k-th smallest of values[0..n) at index k, smaller-or-equal values before it and
 * greater-or-equal after (Hoare partitioning around a median-of-three pivot; insertion sort for
 * short spans). -0 and +0 compare equal, which cannot change a median's value.
 */
function selectKth(values: Float64Array, k: number, n: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 16) {
    const m = (lo + hi) >> 1;
    // Median of three into values[m], so partitioning never degrades on sorted input.
    if (values[m] < values[lo]) swap(values, m, lo);
    if (values[hi] < values[lo]) swap(values, hi, lo);
    if (values[hi] < values[m]) swap(values, hi, m);
    const pivot = values[m];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= lo && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
  return values[k];
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}

/** Values of a chunked array: value i is chunks[i >> VALUE_CHUNK_SHIFT][i & (VALUE_CHUNK_ROWS − 1)]. */
export const VALUE_CHUNK_SHIFT = 16;
export const VALUE_CHUNK_ROWS = 1 << VALUE_CHUNK_SHIFT;
const MASK = VALUE_CHUNK_ROWS - 1;

/**
 * Runs of one chunked array taken together, each run counted `weights[i]` times: runs i < m are
 * values starts[i] .. ends[i] of `chunks`, ascending, with no NaN. The multiset they form is
 * never built.
 */
export interface SortedRuns {
  chunks: Float64Array[];
  starts: Int32Array;
  ends: Int32Array;
  weights: Int32Array;
  m: number;
}

/**
 * Median of the multiset that `runs` describe, with medianOf's rule (mean of the two middle
 * values as (a + b) / 2; null when empty). One run: two indexed reads. Several: the k-th value by
 * binary search within each run, costing ~m²·log² of the run length, unless gathering the n values
 * into `scratch` and selecting is cheaper (short runs, or many of them). `scratch` must hold n.
 */
export function medianOfSortedRuns(runs: SortedRuns, scratch: Float64Array): number | null {
  const { chunks, starts, ends, weights, m } = runs;
  let n = 0;
  let longest = 0;
  for (let i = 0; i < m; i++) {
    const length = ends[i] - starts[i];
    n += weights[i] * length;
    if (length > longest) longest = length;
  }
  if (n === 0) return null;
  const half = n >> 1;
  if (m === 1) {
    const at = (k: number) => valueAt(chunks, starts[0] + Math.floor(k / weights[0]));
    return (n & 1) === 1 ? at(half) : (at(half - 1) + at(half)) / 2;
  }
  // A search step (a binary search in every run) costs several times a gathered value's share of
  // a selection; measured on the bench's answers, searching pays off only for long runs.
  const steps = 32 - Math.clz32(longest);
  if (16 * m * m * steps * steps > n) {
    if (scratch.length < n) throw new RangeError(`scratch holds ${scratch.length} values, ${n} needed`);
    let at = 0;
    for (let i = 0; i < m; i++) {
      for (let j = starts[i]; j < ends[i]; j++) {
        const v = chunks[j >> VALUE_CHUNK_SHIFT][j & MASK];
        for (let w = 0; w < weights[i]; w++) scratch[at++] = v;
      }
    }
    return medianOf(scratch, n);
  }
  return (n & 1) === 1 ? kthOfSortedRuns(runs, half) : (kthOfSortedRuns(runs, half - 1) + kthOfSortedRuns(runs, half)) / 2;
}

function valueAt(chunks: Float64Array[], i: number): number {
  return chunks[i >> VALUE_CHUNK_SHIFT][i & MASK];
}

/**
 * The k-th smallest (0-based) value of the runs' multiset: the least value v of any run with
 * more than k values <= v. Each run contributes its first such value (binary search, since the
 * count grows along a sorted run); the least of those is the answer.
 */
export function kthOfSortedRuns(runs: SortedRuns, k: number): number {
  const { chunks, starts, ends, m } = runs;
  let best = Number.POSITIVE_INFINITY;
  let found = false;
  for (let i = 0; i < m; i++) {
    let lo = starts[i];
    let hi = ends[i];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (countAtMost(runs, valueAt(chunks, mid)) > k) hi = mid;
      else lo = mid + 1;
    }
    if (lo < ends[i] && (!found || valueAt(chunks, lo) < best)) {
      best = valueAt(chunks, lo);
      found = true;
    }
  }
  return best;
}

/** How many values of the runs' multiset are <= v. */
function countAtMost(runs: SortedRuns, v: number): number {
  const { chunks, starts, ends, weights, m } = runs;
  let count = 0;
  for (let i = 0; i < m; i++) {
    let lo = starts[i];
    let hi = ends[i];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (valueAt(chunks, mid) <= v) lo = mid + 1;
      else hi = mid;
    }
    count += weights[i] * (lo - starts[i]);
  }
  return count;
}
