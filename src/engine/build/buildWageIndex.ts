import type { FieldCursor } from '../scan/scanRecords';
import { INVALID_WAGE, parseWageBytes, parseWageText } from '../values/parseWage';
import { STATES, stateOfArea } from '../values/states';
import type { CodeTable } from './buildTitleIndex';
import { trimText } from './titleKey';

/**
 * Wage rows grouped by (code, state): rows of group g are values[keyStart[g] * width ...
 * keyStart[g + 1] * width), width = columns.length, NaN = missing. Backed by SharedArrayBuffers
 * so every worker reads the same memory.
 */
export interface WageIndex {
  columns: string[];
  stateCount: number;
  keyStart: Int32Array;
  values: Float64Array;
}

export function wageGroup(codeId: number, stateId: number, stateCount: number): number {
  return codeId * stateCount + stateId;
}

export interface WageStats {
  rowsRead: number;
  rowsKept: number;
  rowsWithoutKnownCode: number;
  rowsOutsideAnyState: number;
  missingCells: number;
  invalidCells: number;
}

/** Columns handed to addRow: code, then area (name or state code), then each wage column. */
export class WageIndexBuilder {
  readonly stats: WageStats = { rowsRead: 0, rowsKept: 0, rowsWithoutKnownCode: 0, rowsOutsideAnyState: 0, missingCells: 0, invalidCells: 0 };
  private groups: Int32Array = new Int32Array(1 << 16);
  private values: Float64Array;
  private readonly stateOfArea = new Map<string, number>();
  private readonly width: number;

  constructor(
    private readonly codeTable: CodeTable,
    private readonly reachable: Uint8Array,
    private readonly columns: string[],
    private readonly topCodeValue: number | undefined,
  ) {
    this.width = columns.length;
    this.values = new Float64Array(this.groups.length * this.width);
  }

  addRow(cursor: FieldCursor, cols: number[]): void {
    this.stats.rowsRead++;
    const codeId = this.codeTable.codeIdByText.get(trimText(cursor.text(cols[0])));
    if (codeId === undefined || this.reachable[codeId] === 0) {
      this.stats.rowsWithoutKnownCode++;
      return;
    }
    const stateId = this.stateOf(cursor.text(cols[1]));
    if (stateId < 0) {
      this.stats.rowsOutsideAnyState++;
      return;
    }
    const row = this.stats.rowsKept++;
    if (row === this.groups.length) this.grow();
    this.groups[row] = wageGroup(codeId, stateId, STATES.length);
    const base = row * this.width;
    for (let c = 0; c < this.width; c++) {
      const col = cols[2 + c];
      let value = cursor.escaped[col]
        ? parseWageText(cursor.text(col), this.topCodeValue)
        : parseWageBytes(cursor.buf, cursor.starts[col], cursor.ends[col], this.topCodeValue);
      if (value === INVALID_WAGE) {
        this.stats.invalidCells++;
        value = Number.NaN;
      } else if (Number.isNaN(value)) {
        this.stats.missingCells++;
      }
      this.values[base + c] = value;
    }
  }

  /** Counting sort of the kept rows by group, into shared memory. */
  build(): WageIndex {
    const groupCount = this.codeTable.codes.length * STATES.length;
    const rows = this.stats.rowsKept;
    const keyStart = new Int32Array(new SharedArrayBuffer((groupCount + 1) * 4));
    for (let r = 0; r < rows; r++) keyStart[this.groups[r] + 1]++;
    for (let g = 0; g < groupCount; g++) keyStart[g + 1] += keyStart[g];
    const values = new Float64Array(new SharedArrayBuffer(Math.max(1, rows * this.width) * 8));
    const fill = keyStart.slice(0, groupCount);
    for (let r = 0; r < rows; r++) {
      const to = fill[this.groups[r]]++ * this.width;
      values.set(this.values.subarray(r * this.width, (r + 1) * this.width), to);
    }
    return { columns: this.columns, stateCount: STATES.length, keyStart, values };
  }

  private stateOf(area: string): number {
    let id = this.stateOfArea.get(area);
    if (id === undefined) {
      id = stateOfArea(area)?.id ?? -1;
      this.stateOfArea.set(area, id);
    }
    return id;
  }

  private grow(): void {
    const groups = new Int32Array(this.groups.length * 2);
    groups.set(this.groups);
    this.groups = groups;
    const values = new Float64Array(groups.length * this.width);
    values.set(this.values);
    this.values = values;
  }
}
