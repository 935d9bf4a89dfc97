/** A seeded generator of integers in [0, n), for property tests that must repeat exactly. */
export function seededInts(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n: number): number => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 8) % n;
  };
}
