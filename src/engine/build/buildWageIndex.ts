import type { FieldCursor } from '../scan/scanRecords';
import { INVALID_WAGE, parseWageBytes, parseWageText } from '../values/parseWage';
import { STATES, stateOfArea } from '../values/states';
import type { CodeTable } from './buildTitleIndex';
import { trimText } from './titleKey';

/**
 * Wage rows grouped by (code, state). Rows stay where they were read, in fixed-size chunks of
 * shared memory (CHUNK_ROWS rows, width = columns.length values each, NaN = missing); rowOrder
 * lists the row ids group by group, and group g's rows are rowOrder[keyStart[g] .. keyStart[g+1]).
 * Nothing is copied or regrown while building, so the index's peak is its own size, and every
 * worker reads the same memory.
 */
export interface WageIndex {
  columns: string[];
  stateCount: number;
  keyStart: Int32Array;
  rowOrder: Int32Array;
  chunks: Float64Array[];
}

/** Rows per chunk; a power of two so a row id splits into chunk and offset with shifts. */
export const CHUNK_SHIFT = 16;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;

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
  private groupChunks: Int32Array[] = [];
  private valueChunks: Float64Array[] = [];
  private readonly stateOfArea = new Map<string, number>();
  private readonly width: number;

  constructor(
    private readonly codeTable: CodeTable,
    private readonly reachable: Uint8Array,
    private readonly columns: string[],
    private readonly topCodeValue: number | undefined,
  ) {
    this.width = columns.length;
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
    const offset = row & (CHUNK_ROWS - 1);
    if (offset === 0) this.addChunk();
    const values = this.valueChunks[this.valueChunks.length - 1];
    this.groupChunks[this.groupChunks.length - 1][offset] = wageGroup(codeId, stateId, STATES.length);
    const base = offset * this.width;
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
      values[base + c] = value;
    }
  }

  /** Counting sort of the row ids by group; the rows themselves stay in their chunks. */
  build(): WageIndex {
    const groupCount = this.codeTable.codes.length * STATES.length;
    const rows = this.stats.rowsKept;
    const groupOf = (row: number) => this.groupChunks[row >> CHUNK_SHIFT][row & (CHUNK_ROWS - 1)];
    const keyStart = new Int32Array(new SharedArrayBuffer((groupCount + 1) * 4));
    for (let r = 0; r < rows; r++) keyStart[groupOf(r) + 1]++;
    for (let g = 0; g < groupCount; g++) keyStart[g + 1] += keyStart[g];
    const rowOrder = new Int32Array(new SharedArrayBuffer(Math.max(1, rows) * 4)).subarray(0, rows);
    const fill = keyStart.slice(0, groupCount);
    for (let r = 0; r < rows; r++) rowOrder[fill[groupOf(r)]++] = r;
    this.groupChunks = [];
    return { columns: this.columns, stateCount: STATES.length, keyStart, rowOrder, chunks: this.valueChunks };
  }

  private stateOf(area: string): number {
    let id = this.stateOfArea.get(area);
    if (id === undefined) {
      id = stateOfArea(area)?.id ?? -1;
      this.stateOfArea.set(area, id);
    }
    return id;
  }

  private addChunk(): void {
    this.groupChunks.push(new Int32Array(CHUNK_ROWS));
    this.valueChunks.push(new Float64Array(new SharedArrayBuffer(CHUNK_ROWS * this.width * 8)));
  }
}
