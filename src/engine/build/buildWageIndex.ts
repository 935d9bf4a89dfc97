import type { FieldCursor } from '../scan/scanRecords';
import { VALUE_CHUNK_ROWS as CHUNK_ROWS, VALUE_CHUNK_SHIFT as CHUNK_SHIFT } from '../values/median';
import { INVALID_WAGE, parseWageBytes, parseWageText } from '../values/parseWage';
import { STATES, stateOfArea } from '../values/states';
import type { CodeTable } from './buildTitleIndex';
import { trimText } from './titleKey';

/**
 * Wage rows grouped by (code, state), stored the way answers read them. Group g has rows
 * keyStart[g] .. keyStart[g + 1] (missing cells included: their count is n_rows). Each wage
 * column c holds, at those positions, the group's values sorted ascending with the missing ones
 * (NaN) last; the present ones end at runEnd[c·G + g], G = the number of groups. A column is
 * stored in chunks of VALUE_CHUNK_ROWS values (see SortedRuns): value i of column c is
 * values[c][i >> VALUE_CHUNK_SHIFT][i & (VALUE_CHUNK_ROWS − 1)].
 *
 * Sorted runs let an answer take a median straight from the runs of its codes (an index for one
 * code, a few binary searches for several) instead of gathering and selecting every row. All of
 * it lives in shared memory, so every worker reads the same bytes.
 */
export interface WageIndex {
  columns: string[];
  stateCount: number;
  keyStart: Int32Array;
  runEnd: Int32Array;
  values: Float64Array[][];
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
  /** Per row read, its group; per column, its values (NaN = missing) in read order. */
  private groupChunks: Int32Array[] = [];
  private readonly columnChunks: Float64Array[][];
  private readonly stateOfArea = new Map<string, number>();
  private readonly width: number;
  private readonly groupCount: number;

  constructor(
    private readonly codeTable: CodeTable,
    private readonly reachable: Uint8Array,
    private readonly columns: string[],
    private readonly topCodeValue: number | undefined,
  ) {
    this.width = columns.length;
    this.groupCount = codeTable.codes.length * STATES.length;
    this.columnChunks = columns.map(() => []);
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
    const chunk = this.groupChunks.length - 1;
    this.groupChunks[chunk][offset] = wageGroup(codeId, stateId, STATES.length);
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
      this.columnChunks[c][chunk][offset] = value;
    }
  }

  /**
   * Counting sort by group, one column at a time, into chunks of shared memory: a column moves
   * into the chunks the previous column was read into, so the build needs the index plus one
   * column's chunks, never twice the index (and no garbage collection to get there).
   */
  build(): WageIndex {
    const groups = this.groupCount;
    const rows = this.stats.rowsKept;
    const groupOf = (row: number) => this.groupChunks[row >> CHUNK_SHIFT][row & (CHUNK_ROWS - 1)];
    const keyStart = new Int32Array(new SharedArrayBuffer((groups + 1) * 4));
    for (let r = 0; r < rows; r++) keyStart[groupOf(r) + 1]++;
    for (let g = 0; g < groups; g++) keyStart[g + 1] += keyStart[g];
    const fill = keyStart.slice(0, groups);
    const target = new Int32Array(rows);
    for (let r = 0; r < rows; r++) target[r] = fill[groupOf(r)]++;

    const runEnd = new Int32Array(new SharedArrayBuffer(Math.max(1, this.width * groups) * 4));
    const values: Float64Array[][] = [];
    let spare = this.columnChunks[0].map(() => newChunk());
    for (let c = 0; c < this.width; c++) {
      const read = this.columnChunks[c];
      const sorted = spare;
      const present = runEnd.subarray(c * groups, (c + 1) * groups);
      present.set(keyStart.subarray(0, groups));
      for (let r = 0; r < rows; r++) {
        const v = read[r >> CHUNK_SHIFT][r & (CHUNK_ROWS - 1)];
        const t = target[r];
        sorted[t >> CHUNK_SHIFT][t & (CHUNK_ROWS - 1)] = v;
        if (v === v) present[groupOf(r)]++;
      }
      for (let g = 0; g < groups; g++) sortRun(sorted, keyStart[g], keyStart[g + 1]);
      values.push(sorted);
      spare = read;
      this.columnChunks[c] = [];
    }
    this.groupChunks = [];
    return { columns: this.columns, stateCount: STATES.length, keyStart, runEnd, values };
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
    for (const chunks of this.columnChunks) chunks.push(newChunk());
  }
}

function newChunk(): Float64Array {
  return new Float64Array(new SharedArrayBuffer(CHUNK_ROWS * 8));
}

/** Sorts values from .. to of a chunked column ascending, NaN last (a typed array's own order). */
function sortRun(chunks: Float64Array[], from: number, to: number): void {
  if (to - from < 2) return;
  const first = from >> CHUNK_SHIFT;
  const offset = from & (CHUNK_ROWS - 1);
  if (first === (to - 1) >> CHUNK_SHIFT) {
    chunks[first].subarray(offset, offset + to - from).sort();
    return;
  }
  // The run crosses into the next chunk(s): sort a copy and put it back.
  const run = new Float64Array(to - from);
  for (let i = from; i < to; i++) run[i - from] = chunks[i >> CHUNK_SHIFT][i & (CHUNK_ROWS - 1)];
  run.sort();
  for (let i = from; i < to; i++) chunks[i >> CHUNK_SHIFT][i & (CHUNK_ROWS - 1)] = run[i - from];
}
