import type { TitlePaths } from '../build/buildTitleIndex';
import { wageGroup, type WageIndex } from '../build/buildWageIndex';
import { medianOfSortedRuns, type SortedRuns } from '../values/median';

export interface MatchResult {
  nRows: number;
  nCodes: number;
  /** Per wage column; NaN when the column has no value (a null median). */
  medians: Float64Array;
}

/**
 * The answer for one (path list, state), the same for every title with that list: every path's
 * code, its wage rows in the state, each row counted once per path, and the median of each wage
 * column, taken from the sorted runs of the codes' groups without copying them (see
 * medianOfSortedRuns). Scratch buffers and the result object are reused.
 */
export class MatchComputer {
  private runs: SortedRuns;
  private groups = new Int32Array(16);
  private scratch = new Float64Array(256);
  /** Reused for every answer: read it before the next compute. */
  private readonly result: MatchResult;

  constructor(
    private readonly titles: TitlePaths,
    private readonly wages: WageIndex,
  ) {
    this.result = { nRows: 0, nCodes: 0, medians: new Float64Array(wages.values.length) };
    this.runs = { chunks: [], starts: new Int32Array(16), ends: new Int32Array(16), weights: new Int32Array(16), cursors: new Int32Array(16), m: 0 };
  }

  compute(list: number, stateId: number): MatchResult {
    const { pathStart, pathCode, pathMult } = this.titles;
    const { keyStart, runEnd, values, stateCount } = this.wages;
    this.ensureRuns(pathStart[list + 1] - pathStart[list]);
    const runs = this.runs;
    let nRows = 0;
    let nCodes = 0;
    for (let p = pathStart[list]; p < pathStart[list + 1]; p++) {
      const group = wageGroup(pathCode[p], stateId, stateCount);
      const rows = keyStart[group + 1] - keyStart[group];
      if (rows === 0) continue;
      this.groups[nCodes] = group;
      runs.weights[nCodes] = pathMult[p];
      nCodes++;
      nRows += rows * pathMult[p];
    }
    if (this.scratch.length < nRows) this.scratch = new Float64Array(Math.max(nRows, this.scratch.length * 2));
    runs.m = nCodes;
    const width = values.length;
    const medians = this.result.medians;
    if (nCodes === 1) {
      // One run counted w times has the run's own median, except that medianOf takes the middle
      // pair of an even count as (a + b) / 2: with w even and the run odd, that pair is (v, v).
      const at = this.groups[0] * width;
      const even = (runs.weights[0] & 1) === 0;
      for (let c = 0; c < width; c++) {
        const v = this.wages.groupMedians[at + c];
        medians[c] = even ? (v + v) / 2 : v;
      }
    } else {
      for (let c = 0; c < width; c++) {
        for (let i = 0; i < nCodes; i++) {
          runs.starts[i] = keyStart[this.groups[i]];
          runs.ends[i] = runEnd[this.groups[i] * width + c];
        }
        runs.chunks = values[c];
        medians[c] = medianOfSortedRuns(runs, this.scratch) ?? Number.NaN;
      }
    }
    this.result.nRows = nRows;
    this.result.nCodes = nCodes;
    return this.result;
  }

  private ensureRuns(paths: number): void {
    if (paths <= this.groups.length) return;
    const size = Math.max(paths, this.groups.length * 2);
    this.groups = new Int32Array(size);
    this.runs = { chunks: this.runs.chunks, starts: new Int32Array(size), ends: new Int32Array(size), weights: new Int32Array(size), cursors: new Int32Array(size), m: 0 };
  }
}
