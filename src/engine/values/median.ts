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
/** Local constants: a reference to an exported one compiles to a property load of `exports`. */
const SHIFT = 16;
const MASK = (1 << SHIFT) - 1;
export const VALUE_CHUNK_SHIFT = SHIFT;
export const VALUE_CHUNK_ROWS = 1 << SHIFT;

/**
 * Runs of one chunked array taken together, each run counted `weights[i]` times: runs i < m are
 * values starts[i] .. ends[i] of `chunks`, ascending, with no NaN. The multiset they form is
 * never built. `cursors` is scratch space for at least m positions.
 */
export interface SortedRuns {
  /** Doubles, or 32-bit floats where those hold the values exactly. */
  chunks: (Float64Array | Float32Array)[];
  starts: Int32Array;
  ends: Int32Array;
  weights: Int32Array;
  cursors: Int32Array;
  m: number;
}

/**
 * Median of the multiset that `runs` describe, with medianOf's rule (mean of the two middle
 * values as (a + b) / 2; null when empty), by whichever way costs least for the runs' shape:
 * - one run: two indexed reads;
 * - two runs of the same weight: bisection (medianOfTwoAlike);
 * - a few runs: merge them up to the middle (half the values, each against every run's head);
 * - many short runs: gather the n values into `scratch` (which must hold n) and select;
 * - long runs: the k-th value by binary search within each run (~m²·log² of the run length).
 */
export function medianOfSortedRuns(runs: SortedRuns, scratch: Float64Array): number | null {
  const { chunks, starts, ends, weights, m } = runs;
  let n = 0;
  let values = 0;
  let longest = 0;
  for (let i = 0; i < m; i++) {
    const length = ends[i] - starts[i];
    n += weights[i] * length;
    values += length;
    if (length > longest) longest = length;
  }
  if (n === 0) return null;
  const half = n >> 1;
  if (m === 1) return medianOfRun(chunks, starts[0], ends[0] - starts[0], weights[0]);
  if (m === 2 && weights[0] === weights[1]) return medianOfTwoAlike(runs, n);
  const steps = 32 - Math.clz32(longest);
  const merge = (values >> 1) * m;
  const gather = 4 * n;
  const search = 4 * m * m * steps * steps;
  if (merge <= gather && merge <= search) return medianByMerge(runs, n);
  if (search < gather) return (n & 1) === 1 ? kthOfSortedRuns(runs, half) : (kthOfSortedRuns(runs, half - 1) + kthOfSortedRuns(runs, half)) / 2;
  if (scratch.length < n) throw new RangeError(`scratch holds ${scratch.length} values, ${n} needed`);
  let at = 0;
  for (let i = 0; i < m; i++) {
    for (let j = starts[i]; j < ends[i]; j++) {
      const v = chunks[j >> SHIFT][j & MASK];
      for (let w = 0; w < weights[i]; w++) scratch[at++] = v;
    }
  }
  return medianOf(scratch, n);
}

/**
 * Median (medianOf's rule) of one sorted run of `length` values from `start`, each counted
 * `weight` times (length > 0): value k of the multiset is the run's value floor(k / weight).
 */
export function medianOfRun(chunks: SortedRuns['chunks'], start: number, length: number, weight: number): number {
  const n = length * weight;
  const half = n >> 1;
  const upper = valueAt(chunks, start + Math.floor(half / weight));
  return (n & 1) === 1 ? upper : (valueAt(chunks, start + Math.floor((half - 1) / weight)) + upper) / 2;
}

/** Walks the runs in ascending order (least head first) to the middle of their n values. */
function medianByMerge(runs: SortedRuns, n: number): number {
  if (runs.m === 2) return medianOfTwo(runs, n);
  const { chunks, ends, weights, cursors, m } = runs;
  for (let i = 0; i < m; i++) cursors[i] = runs.starts[i];
  const lowerAt = (n - 1) >> 1; // 0-based position of the lower middle (the middle when n is odd)
  let seen = skipBelow(runs, lowerAt);
  let lower = 0;
  for (;;) {
    const i = leastHead(chunks, cursors, ends, m);
    lower = valueAt(chunks, cursors[i]);
    cursors[i]++;
    seen += weights[i];
    if (seen > lowerAt) break;
  }
  if ((n & 1) === 1) return lower;
  // The upper middle is the same value when that run's weight covered it too, else the next one.
  const upper = seen > lowerAt + 1 ? lower : valueAt(chunks, cursors[leastHead(chunks, cursors, ends, m)]);
  return (lower + upper) / 2;
}

/**
 * Moves the cursors past values that all come before position `target` of the multiset and
 * returns how many values (weighted) they passed, so that the walk starts near the middle: each
 * round, every run not yet exhausted offers its next `step` values (step = remaining · 1/runs,
 * shared out by weight, so that all offers together hold at most the `target − passed` values
 * still to pass); the offer whose last value is least (the first run on ties) is passed. No
 * value of any run can come before that last value in the sorted multiset except the other
 * offers' values: at most the values still to pass, less one. Stops when a run's share is below
 * one value, the walk taking the rest (fewer than runs · weight values): O(m² log n) reads
 * where the walk alone reads n / 2 values, each against every run's head.
 */
function skipBelow(runs: SortedRuns, target: number): number {
  const { chunks, ends, weights, cursors, m } = runs;
  let passed = 0;
  for (;;) {
    let active = 0;
    for (let i = 0; i < m; i++) if (cursors[i] < ends[i]) active++;
    const share = target - passed;
    let best = -1;
    let least = 0;
    let bestStep = 0;
    for (let i = 0; i < m; i++) {
      const left = ends[i] - cursors[i];
      if (left <= 0) continue;
      const step = Math.min(left, Math.floor(share / (active * weights[i])));
      if (step === 0) return passed;
      const v = valueAt(chunks, cursors[i] + step - 1);
      if (best < 0 || v < least) {
        best = i;
        least = v;
        bestStep = step;
      }
    }
    if (best < 0) return passed;
    cursors[best] += bestStep;
    passed += bestStep * weights[best];
  }
}

/**
 * medianByMerge for two runs (the most common case after one): the same walk with two cursors in
 * locals. Ties take run a first, as leastHead does; equal values make the order moot anyway.
 */
function medianOfTwo(runs: SortedRuns, n: number): number {
  const { chunks, starts, ends, weights } = runs;
  let a = starts[0];
  let b = starts[1];
  const aEnd = ends[0];
  const bEnd = ends[1];
  const lowerAt = (n - 1) >> 1;
  let seen = 0;
  let lower = 0;
  let va = a < aEnd ? valueAt(chunks, a) : 0;
  let vb = b < bEnd ? valueAt(chunks, b) : 0;
  for (;;) {
    if (b >= bEnd || (a < aEnd && va <= vb)) {
      lower = va;
      seen += weights[0];
      if (++a < aEnd) va = valueAt(chunks, a);
    } else {
      lower = vb;
      seen += weights[1];
      if (++b < bEnd) vb = valueAt(chunks, b);
    }
    if (seen > lowerAt) break;
  }
  if ((n & 1) === 1) return lower;
  // As in medianByMerge: the same value when its run's weight covered the upper middle too.
  const upper = seen > lowerAt + 1 ? lower : b >= bEnd || (a < aEnd && va <= vb) ? va : vb;
  return (lower + upper) / 2;
}

/**
 * Two runs of the same weight w (most two-code answers: each path counts once): value k of the
 * multiset is value floor(k / w) of the two runs merged, found by bisecting how many of the first
 * k + 1 merged values come from run a: O(log) reads where the walk reads half the values. The
 * middle pair is (lower + upper) / 2 as in the walk, upper being lower when w covers both.
 */
function medianOfTwoAlike(runs: SortedRuns, n: number): number {
  const { chunks, starts, ends } = runs;
  const w = runs.weights[0];
  const a = starts[0];
  const b = starts[1];
  const aLength = ends[0] - a;
  const bLength = ends[1] - b;
  const lowerAt = (n - 1) >> 1;
  const k = Math.floor(lowerAt / w);
  // The least i (values a[0 .. i) and b[0 .. k + 1 − i) being the first k + 1) with a[i] >= b[k − i].
  let lo = Math.max(0, k + 1 - bLength);
  let hi = Math.min(aLength, k + 1);
  while (lo < hi) {
    const i = (lo + hi) >> 1;
    if (valueAt(chunks, a + i) < valueAt(chunks, b + k - i)) lo = i + 1;
    else hi = i;
  }
  // An exhausted side reads as ∓Infinity, so it never wins (and a real ∓Infinity gives the same value).
  const j = k + 1 - lo;
  const lastA = lo > 0 ? valueAt(chunks, a + lo - 1) : Number.NEGATIVE_INFINITY;
  const lastB = j > 0 ? valueAt(chunks, b + j - 1) : Number.NEGATIVE_INFINITY;
  const lower = lastB > lastA ? lastB : lastA;
  if ((n & 1) === 1) return lower;
  if (Math.floor((lowerAt + 1) / w) === k) return (lower + lower) / 2;
  const nextA = lo < aLength ? valueAt(chunks, a + lo) : Number.POSITIVE_INFINITY;
  const nextB = j < bLength ? valueAt(chunks, b + j) : Number.POSITIVE_INFINITY;
  const upper = nextB < nextA ? nextB : nextA;
  return (lower + upper) / 2;
}

/** The run whose next value is least (runs not yet exhausted; there is always one here). */
function leastHead(chunks: SortedRuns['chunks'], cursors: Int32Array, ends: Int32Array, m: number): number {
  let best = -1;
  let least = 0;
  for (let i = 0; i < m; i++) {
    if (cursors[i] >= ends[i]) continue;
    const v = valueAt(chunks, cursors[i]);
    if (best < 0 || v < least) {
      best = i;
      least = v;
    }
  }
  return best;
}

function valueAt(chunks: SortedRuns['chunks'], i: number): number {
  return chunks[i >> SHIFT][i & MASK];
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
