/**
 * Median of the non-NaN values in values[0..n); the mean of the two middle values, computed as
 * (a + b) / 2, when the count is even; null when there are none (n = 0 or all NaN).
 *
 * Reorders values[0..n) in place: the non-NaN values are moved to the front and sorted
 * ascending (typed-array sort: numeric, -0 before +0). ±Infinity count as numbers; callers
 * keep INVALID_WAGE cells out. (a + b) / 2 rather than a + (b − a) / 2: the reference
 * implementation does the same, and the two differ only in the last bit for some inputs.
 */
export function medianOf(values: Float64Array, n: number): number | null {
  if (!(n >= 0 && n <= values.length)) throw new RangeError(`n=${n} outside 0..${values.length}`);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === v) values[k++] = v;
  }
  if (k === 0) return null;
  const live = values.subarray(0, k);
  live.sort();
  const mid = k >> 1;
  return (k & 1) === 1 ? live[mid] : (live[mid - 1] + live[mid]) / 2;
}
