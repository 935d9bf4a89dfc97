import { SharedBlocks } from '../memory/sharedBlocks';
import { ByteTable, hashBytes, NOT_FOUND } from '../scan/byteTable';
import { FieldBytes, FieldFlag } from '../scan/fieldBytes';
import type { FieldCursor } from '../scan/scanRecords';
import { medianOfRun, VALUE_CHUNK_ROWS as CHUNK_ROWS, VALUE_CHUNK_SHIFT as CHUNK_SHIFT } from '../values/median';
import { INVALID_WAGE, parseWageBytes, parseWageText } from '../values/parseWage';
import { STATES, stateOfArea } from '../values/states';
import { sortColumnsOnThreads } from './sortWages';
import { trimText } from './titleKey';

/**
 * Wage rows grouped by (code, state), stored the way answers read them. Group g has rows
 * keyStart[g] .. keyStart[g + 1] (missing cells included: their count is n_rows). Each wage
 * column c holds, at those positions, the group's values sorted ascending with the missing ones
 * (NaN) last; the present ones end at runEnd[g·W + c], W = the number of columns (a group's ends
 * side by side: one cache line per code of an answer, not one per column). A column is stored in
 * chunks of VALUE_CHUNK_ROWS values (see SortedRuns): value i of column c is
 * values[c][i >> VALUE_CHUNK_SHIFT][i & (VALUE_CHUNK_ROWS − 1)].
 *
 * Sorted runs let an answer take a median straight from the runs of its codes (an index for one
 * code, a few binary searches for several) instead of gathering and selecting every row. Half
 * the answers have one code: their medians are each group's own, kept side by side in
 * groupMedians[g·W + c] (NaN: no value), so such an answer reads one line, not two per column.
 * All of it lives in shared memory, so every worker reads the same bytes.
 */
export interface WageIndex {
  columns: string[];
  stateCount: number;
  keyStart: Int32Array;
  runEnd: Int32Array;
  values: WageChunk[][];
  groupMedians: Float64Array;
}

/**
 * A chunk of one wage column. A column whose every value is exactly a 32-bit float (whole numbers
 * below 2^24, as in OES annual wages and employment counts) is stored in half the memory; reading
 * it back gives the same doubles, so every median is the same to the last bit.
 */
export type WageChunk = Float64Array | Float32Array;

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

/**
 * Wage rows as read, before the related table says which codes it reaches: every row of a code
 * in the codes table and of a known state, in shared memory so it can be read on a thread of its
 * own (readWages) while the related table is read. Per row: its group, its count of invalid cells
 * and, per wage column, its value (NaN = missing or invalid), in chunks of CHUNK_ROWS.
 */
export interface WageRows {
  columns: string[];
  codeCount: number;
  rows: number;
  groupChunks: Int32Array[];
  invalidChunks: Uint8Array[];
  columnChunks: WageChunk[][];
  rowsRead: number;
  /** Rows whose code is not in the codes table. */
  rowsWithoutCode: number;
  /** Per code id, its rows outside any state (counted against the code or the state once the reach is known). */
  outsideByCode: Int32Array;
}

/**
 * Columns handed to addRow: code, then area (name or state code), then each wage column. Codes
 * and areas are found by their bytes (FieldBytes): no string per row unless a field needs one.
 */
export class WageRowReader {
  private readonly rows: WageRows;
  private readonly codeIds: ByteTable;
  /** Area bytes → state id + 1 (0: no state); areas are few, so this never fills in practice. */
  private readonly areaStates = ByteTable.create(4096, 256 * 1024, false);
  private readonly field = new FieldBytes();
  /** Where the value chunks go (those of all but the last column sorted become the index's), and the rows' groups and invalid counts (dropped after the build). */
  private readonly valueBlocks = new SharedBlocks();
  private readonly rowBlocks = new SharedBlocks();

  constructor(
    codes: readonly string[],
    columns: string[],
    private readonly topCodeValue: number | undefined,
  ) {
    this.codeIds = ByteTable.ofKeys(codes);
    this.rows = { columns, codeCount: codes.length, rows: 0, groupChunks: [], invalidChunks: [], columnChunks: columns.map(() => []), rowsRead: 0, rowsWithoutCode: 0, outsideByCode: new Int32Array(new SharedArrayBuffer(Math.max(1, codes.length) * 4)) };
  }

  addRow(cursor: FieldCursor, cols: number[]): void {
    const rows = this.rows;
    rows.rowsRead++;
    const codeId = this.codeId(cursor, cols[0]);
    if (codeId === NOT_FOUND) {
      rows.rowsWithoutCode++;
      return;
    }
    const stateId = this.stateOf(cursor, cols[1]);
    if (stateId < 0) {
      rows.outsideByCode[codeId]++;
      return;
    }
    const row = rows.rows++;
    const offset = row & (CHUNK_ROWS - 1);
    if (offset === 0) this.addChunk();
    const chunk = rows.groupChunks.length - 1;
    rows.groupChunks[chunk][offset] = wageGroup(codeId, stateId, STATES.length);
    let invalid = 0;
    for (let c = 0; c < rows.columns.length; c++) {
      const col = cols[2 + c];
      let value = cursor.escaped[col]
        ? parseWageText(cursor.text(col), this.topCodeValue)
        : parseWageBytes(cursor.buf, cursor.starts[col], cursor.ends[col], this.topCodeValue);
      if (value === INVALID_WAGE) {
        invalid++;
        value = Number.NaN;
      } else if (Math.fround(value) !== value && value === value && rows.columnChunks[c][0] instanceof Float32Array) {
        rows.columnChunks[c] = rows.columnChunks[c].map((narrow) => widen(narrow, this.valueBlocks));
      }
      rows.columnChunks[c][chunk][offset] = value;
    }
    rows.invalidChunks[chunk][offset] = Math.min(invalid, 255);
  }

  read(): WageRows {
    return this.rows;
  }

  private codeId(cursor: FieldCursor, col: number): number {
    const f = this.field;
    f.read(cursor, col, false);
    if ((f.flags & FieldFlag.Slow) === 0) return this.codeIds.find(cursor.buf, f.start, f.end, f.hash, false);
    const key = Buffer.from(trimText(cursor.text(col)), 'utf8');
    return this.codeIds.find(key, 0, key.length, hashBytes(key, 0, key.length, false), false);
  }

  /** The state of an area cell (as stateOfArea reads its text), or -1. */
  private stateOf(cursor: FieldCursor, col: number): number {
    const f = this.field;
    f.read(cursor, col, false);
    // Keyed by the trimmed bytes, which stateOfArea's reading of the text cannot tell apart.
    const slow = (f.flags & FieldFlag.Slow) !== 0;
    const known = slow ? NOT_FOUND : this.areaStates.find(cursor.buf, f.start, f.end, f.hash, false);
    if (known !== NOT_FOUND) return known - 1;
    const id = stateOfArea(cursor.text(col))?.id ?? -1;
    if (!slow && !this.areaStates.add(cursor.buf, f.start, f.end, f.hash, id + 1)) {
      this.areaStates.clear();
      this.areaStates.add(cursor.buf, f.start, f.end, f.hash, id + 1);
    }
    return id;
  }

  private addChunk(): void {
    this.rows.groupChunks.push(this.rowBlocks.take(Int32Array, CHUNK_ROWS));
    this.rows.invalidChunks.push(this.rowBlocks.take(Uint8Array, CHUNK_ROWS));
    for (const chunks of this.rows.columnChunks) chunks.push(newChunk(chunks.length === 0 || chunks[0] instanceof Float32Array, this.valueBlocks));
  }
}

/** The same values in a chunk of doubles. */
function widen(chunk: WageChunk, blocks: SharedBlocks): Float64Array {
  const wide = newChunk(false, blocks) as Float64Array;
  wide.set(chunk);
  return wide;
}

/**
 * The index from the rows read (in parts, one per thread that read some), keeping those of the
 * codes the related table reaches: a counting sort by group, then each column scattered to its
 * rows' places and sorted per group (sortColumn), on this thread and, with `helpers` > 0, on up to
 * that many threads at once (sortWages.ts), a share of the columns each. This thread moves each of
 * its columns into the chunks its previous column was read into, so the build needs the index
 * plus one column's chunks per thread, never twice the index. The parts' chunks are emptied.
 */
export async function buildWageIndex(parts: WageRows[], reachable: Uint8Array, helpers = 0, minRowsForHelpers = SORT_THREAD_MIN_ROWS): Promise<{ index: WageIndex; stats: WageStats }> {
  const { codeCount, columns } = parts[0];
  const groups = codeCount * STATES.length;
  const width = columns.length;
  const kept = (group: number) => reachable[Math.floor(group / STATES.length)] === 1;
  const stats: WageStats = { rowsRead: 0, rowsKept: 0, rowsWithoutKnownCode: 0, rowsOutsideAnyState: 0, missingCells: 0, invalidCells: 0 };
  for (const part of parts) {
    stats.rowsRead += part.rowsRead;
    stats.rowsWithoutKnownCode += part.rowsWithoutCode;
    part.outsideByCode.forEach((n, code) => {
      if (reachable[code] === 1) stats.rowsOutsideAnyState += n;
      else stats.rowsWithoutKnownCode += n;
    });
  }

  const keyStart = new Int32Array(new SharedArrayBuffer((groups + 1) * 4));
  for (const { rows, groupChunks, invalidChunks } of parts) {
    for (let r = 0; r < rows; r++) {
      const g = groupChunks[r >> CHUNK_SHIFT][r & (CHUNK_ROWS - 1)];
      if (kept(g)) {
        keyStart[g + 1]++;
        stats.rowsKept++;
        stats.invalidCells += invalidChunks[r >> CHUNK_SHIFT][r & (CHUNK_ROWS - 1)];
      } else {
        stats.rowsWithoutKnownCode++;
      }
    }
  }
  for (let g = 0; g < groups; g++) keyStart[g + 1] += keyStart[g];
  const fill = keyStart.slice(0, groups);
  // Where each row goes (rows numbered across the parts), or -1 for a row of an unreached code.
  const target = new Int32Array(new SharedArrayBuffer(Math.max(1, parts.reduce((n, part) => n + part.rows, 0)) * 4));
  let row = 0;
  for (const { rows, groupChunks } of parts) {
    for (let r = 0; r < rows; r++) {
      const g = groupChunks[r >> CHUNK_SHIFT][r & (CHUNK_ROWS - 1)];
      target[row++] = kept(g) ? fill[g]++ : -1;
    }
  }

  // 32-bit floats only when every part could keep the column in them.
  const narrow = columns.map((_, c) => parts.every((part) => part.columnChunks[c].length === 0 || part.columnChunks[c][0] instanceof Float32Array));
  const runEnd = new Int32Array(new SharedArrayBuffer(Math.max(1, width * groups) * 4));
  const plan: ColumnSortPlan = { parts, keyStart, target, runEnd, width, narrow, chunkCount: Math.ceil(stats.rowsKept / CHUNK_ROWS) };
  // This thread sorts the first columns, helper threads the rest, a share each.
  const own = helpers > 0 && stats.rowsKept >= minRowsForHelpers ? Math.ceil(width / (helpers + 1)) : width;
  const helped = own < width ? sortColumnsOnThreads(plan, own, helpers) : Promise.resolve({ values: [], nanCells: 0 });
  helped.catch(() => undefined); // awaited below, after this thread's columns
  const mine = sortColumns(plan, Array.from({ length: own }, (_, c) => c));
  const theirs = await helped;
  const values = [...mine.values, ...theirs.values];
  const nanCells = mine.nanCells + theirs.nanCells;
  stats.missingCells = nanCells - stats.invalidCells;
  for (const part of parts) {
    part.groupChunks = [];
    part.invalidChunks = [];
    part.columnChunks = part.columnChunks.map(() => []);
  }
  const index = { columns, stateCount: STATES.length, keyStart, runEnd, values };
  return { index: { ...index, groupMedians: groupMedians(index) }, stats };
}

/** Below this many kept rows a sorting thread costs more than it saves (~40 ms to start). */
const SORT_THREAD_MIN_ROWS = 200_000;

/** What sorting one column needs: all of it in shared memory, so any thread can sort any column. */
export interface ColumnSortPlan {
  parts: WageRows[];
  keyStart: Int32Array;
  /** Per row read (numbered across the parts), where it goes, or -1. */
  target: Int32Array;
  /** Filled in per (group, column): see WageIndex.runEnd. */
  runEnd: Int32Array;
  width: number;
  /** Per column: stored as 32-bit floats. */
  narrow: boolean[];
  /** Chunks of a sorted column. */
  chunkCount: number;
}

export interface SortedColumns {
  values: WageChunk[][];
  nanCells: number;
}

/**
 * Sorts the columns one after another, each into the chunks the one before was read into (the
 * first into new ones), so that a thread holds one column more than the rows read, never two
 * copies. The columns' chunks in the parts are emptied (on this thread's copy of the parts).
 */
export function sortColumns(plan: ColumnSortPlan, columns: number[]): SortedColumns {
  const { parts, narrow, chunkCount } = plan;
  const values: WageChunk[][] = [];
  let nanCells = 0;
  let spare: WageChunk[] = [];
  const blocks = new SharedBlocks();
  for (const c of columns) {
    // The chunks the previous column was read into, when they hold this column's kind of number.
    const reusable = spare.filter((chunk) => chunk instanceof Float32Array === narrow[c]);
    const sorted = reusable.length >= chunkCount ? reusable.slice(0, chunkCount) : Array.from({ length: chunkCount }, () => newChunk(narrow[c], blocks));
    nanCells += sortColumn(plan, c, sorted);
    values.push(sorted);
    spare = parts.flatMap((part) => part.columnChunks[c]);
    for (const part of parts) part.columnChunks[c] = [];
  }
  return { values, nanCells };
}

/**
 * Column c of the rows scattered into `sorted` at their places, each group's run sorted (NaN
 * last), and where each group's present values end written to runEnd. Returns the NaN cells.
 */
export function sortColumn(plan: ColumnSortPlan, c: number, sorted: WageChunk[]): number {
  const { parts, keyStart, target, runEnd, width } = plan;
  const groups = keyStart.length - 1;
  const present = keyStart.slice(0, groups);
  let nanCells = 0;
  let row = 0;
  for (const { rows, groupChunks, columnChunks } of parts) {
    const source = columnChunks[c];
    for (let r = 0; r < rows; r++) {
      const t = target[row++];
      if (t < 0) continue;
      const v = source[r >> CHUNK_SHIFT][r & (CHUNK_ROWS - 1)];
      sorted[t >> CHUNK_SHIFT][t & (CHUNK_ROWS - 1)] = v;
      if (v === v) present[groupChunks[r >> CHUNK_SHIFT][r & (CHUNK_ROWS - 1)]]++;
      else nanCells++;
    }
  }
  for (let g = 0; g < groups; g++) {
    sortRun(sorted, keyStart[g], keyStart[g + 1]);
    runEnd[g * width + c] = present[g];
  }
  return nanCells;
}

/**
 * Each group's median per column (medianOf's rule; NaN when the group has no value there), side
 * by side per group: what an answer of one code with one path reports.
 */
export function groupMedians(index: Omit<WageIndex, 'groupMedians'>): Float64Array {
  const { keyStart, runEnd, values } = index;
  const width = values.length;
  const groups = keyStart.length - 1;
  const medians = new Float64Array(new SharedArrayBuffer(Math.max(1, groups * width) * 8));
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < width; c++) {
      const n = runEnd[g * width + c] - keyStart[g];
      medians[g * width + c] = n === 0 ? Number.NaN : medianOfRun(values[c], keyStart[g], n, 1);
    }
  }
  return medians;
}


function newChunk(narrow: boolean, blocks: SharedBlocks): WageChunk {
  return narrow ? blocks.take(Float32Array, CHUNK_ROWS) : blocks.take(Float64Array, CHUNK_ROWS);
}

/** Sorts values from .. to of a chunked column ascending, NaN last (a typed array's own order). */
function sortRun(chunks: WageChunk[], from: number, to: number): void {
  if (to - from < 2) return;
  const first = from >> CHUNK_SHIFT;
  const offset = from & (CHUNK_ROWS - 1);
  if (first === (to - 1) >> CHUNK_SHIFT) {
    const chunk = chunks[first];
    if (to - from <= 32) insertionSort(chunk, offset, offset + to - from);
    else chunk.subarray(offset, offset + to - from).sort();
    return;
  }
  // The run crosses into the next chunk(s): sort a copy and put it back.
  const run = new Float64Array(to - from);
  for (let i = from; i < to; i++) run[i - from] = chunks[i >> CHUNK_SHIFT][i & (CHUNK_ROWS - 1)];
  run.sort();
  for (let i = from; i < to; i++) chunks[i >> CHUNK_SHIFT][i & (CHUNK_ROWS - 1)] = run[i - from];
}

/**
 * Most groups are a few dozen rows: sorting them in place here beats a subarray and a native sort
 * call per group. Same order as a typed array's sort: ascending, NaN last.
 */
function insertionSort(a: WageChunk, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    if (v !== v) continue; // NaN stays after every number
    let j = i - 1;
    while (j >= from && (a[j] > v || a[j] !== a[j])) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
