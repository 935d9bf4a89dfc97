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
