import type { TitleIndex } from '../build/buildTitleIndex';
import { CHUNK_ROWS, CHUNK_SHIFT, wageGroup, type WageIndex } from '../build/buildWageIndex';
import { medianOf } from '../values/median';

export interface MatchResult {
  nRows: number;
  nCodes: number;
  medians: (number | null)[];
}

/**
 * The answer for one (title, state): every path's code, its wage rows in the state, each row
 * counted once per path, and the median of each wage column. Scratch buffers are reused.
 */
export class MatchComputer {
  private scratch: Float64Array[];

  constructor(
    private readonly titles: TitleIndex,
    private readonly wages: WageIndex,
  ) {
    this.scratch = wages.columns.map(() => new Float64Array(256));
  }

  compute(titleId: number, stateId: number): MatchResult {
    const { pathStart, pathCode, pathMult } = this.titles;
    const { keyStart, rowOrder, chunks, stateCount } = this.wages;
    const width = this.wages.columns.length;
    let nRows = 0;
    let nCodes = 0;
    for (let p = pathStart[titleId]; p < pathStart[titleId + 1]; p++) {
      const group = wageGroup(pathCode[p], stateId, stateCount);
      const rows = keyStart[group + 1] - keyStart[group];
      if (rows === 0) continue;
      nCodes++;
      const mult = pathMult[p];
      this.ensure(nRows + rows * mult);
      for (let k = keyStart[group]; k < keyStart[group + 1]; k++) {
        const row = rowOrder[k];
        const values = chunks[row >> CHUNK_SHIFT];
        const base = (row & (CHUNK_ROWS - 1)) * width;
        for (let c = 0; c < width; c++) {
          const column = this.scratch[c];
          const value = values[base + c];
          for (let m = 0; m < mult; m++) column[nRows + m] = value;
        }
        nRows += mult;
      }
    }
    const medians = this.scratch.map((column) => (nRows === 0 ? null : medianOf(column, nRows)));
    return { nRows, nCodes, medians };
  }

  private ensure(size: number): void {
    if (size <= this.scratch[0]?.length) return;
    const length = Math.max(size, (this.scratch[0]?.length ?? 0) * 2);
    this.scratch = this.scratch.map((old) => {
      const grown = new Float64Array(length);
      grown.set(old);
      return grown;
    });
  }
}
