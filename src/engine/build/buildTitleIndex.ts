import type { BadRows } from '../join/badRows';
import { InputError } from '../errors';
import type { FieldCursor } from '../scan/scanRecords';
import { parseScoreBytes } from '../values/parseScore';
import { titleKey, trimText } from './titleKey';

/** The codes table read into memory: code texts and, per title key, the code ids it maps to. */
export interface CodeTable {
  codes: string[];
  codeIdByText: Map<string, number>;
  /** One entry per code-table row, so a duplicated (code, title) row is two paths. */
  codeIdsByTitle: Map<string, number[]>;
  rows: number;
}

export function newCodeTable(): CodeTable {
  return { codes: [], codeIdByText: new Map(), codeIdsByTitle: new Map(), rows: 0 };
}

export function addCodeRow(table: CodeTable, code: string, title: string, caseInsensitive: boolean): void {
  const text = trimText(code);
  const key = titleKey(title, caseInsensitive);
  if (text === '' || key === '') return;
  let id = table.codeIdByText.get(text);
  if (id === undefined) {
    id = table.codes.length;
    table.codes.push(text);
    table.codeIdByText.set(text, id);
  }
  const ids = table.codeIdsByTitle.get(key);
  if (ids) ids.push(id);
  else table.codeIdsByTitle.set(key, [id]);
  table.rows++;
}

/**
 * For each query title that has related titles above the threshold: the codes they reach and
 * how many (related row, code row) paths reach each. Flat typed arrays so it can be shared with
 * workers cheaply. A title with related rows but no code has an empty path list.
 */
export interface TitleIndex extends TitlePaths {
  titles: string[];
}

/** The paths alone, in shared memory: what the workers need (they find titles by their bytes). */
export interface TitlePaths {
  pathStart: Int32Array;
  pathCode: Int32Array;
  pathMult: Int32Array;
}

export interface RelatedOptions {
  threshold: number;
  includeSelf: boolean;
  countEachCodeOnce: boolean;
  caseInsensitive: boolean;
}

/** A related row's score; a cell that is not a plain decimal number stops the run with its place. */
export function readScore(cursor: FieldCursor, column: number, file: string, columnName: string, badRows?: BadRows): number {
  const score = cursor.escaped[column] ? Number.NaN : parseScoreBytes(cursor.buf, cursor.starts[column], cursor.ends[column]);
  if (Number.isNaN(score)) {
    if (badRows?.skip) {
      badRows.add(file, cursor.line, `score ${JSON.stringify(cursor.text(column))} is not a number`);
      return score;
    }
    throw new InputError(`score ${JSON.stringify(cursor.text(column))} is not a number`, { file, line: cursor.line, column: columnName }, 'a decimal number such as 87.5');
  }
  return score;
}

/** Accumulates related rows, then flattens them into a TitleIndex. */
export class TitleIndexBuilder {
  private readonly paths = new Map<string, Map<number, number>>();
  private readonly selfRelated = new Set<string>();
  rowsAboveThreshold = 0;
  rowsRead = 0;

  constructor(
    private readonly codeTable: CodeTable,
    private readonly options: Readonly<RelatedOptions>,
    private readonly badRows?: BadRows,
  ) {}

  /** One related-table row; columns = [title, related_title, score]. */
  addRow(cursor: FieldCursor, columns: number[], file: string, scoreColumn: string): void {
    this.rowsRead++;
    const [titleCol, relatedCol, scoreCol] = columns;
    if (!(readScore(cursor, scoreCol, file, scoreColumn, this.badRows) > this.options.threshold)) return;
    this.rowsAboveThreshold++;
    const title = titleKey(cursor.text(titleCol), this.options.caseInsensitive);
    const related = titleKey(cursor.text(relatedCol), this.options.caseInsensitive);
    if (title === '') return;
    this.addPaths(title, this.codeTable.codeIdsByTitle.get(related));
    if (related === title) this.selfRelated.add(title);
  }

  build(): TitleIndex {
    if (this.options.includeSelf) this.addSelfPaths();
    const titles = [...this.paths.keys()];
    const shared = (n: number) => new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4)).subarray(0, n);
    const pathStart = shared(titles.length + 1);
    let total = 0;
    for (let i = 0; i < titles.length; i++) {
      pathStart[i] = total;
      total += this.paths.get(titles[i])!.size;
    }
    pathStart[titles.length] = total;
    const pathCode = shared(total);
    const pathMult = shared(total);
    let at = 0;
    for (const title of titles) {
      for (const [code, mult] of this.paths.get(title)!) {
        pathCode[at] = code;
        pathMult[at] = this.options.countEachCodeOnce ? 1 : mult;
        at++;
      }
    }
    return { titles, pathStart, pathCode, pathMult };
  }

  /** The query title counts as one more related title unless it already is one. */
  private addSelfPaths(): void {
    for (const title of this.paths.keys()) {
      if (!this.selfRelated.has(title)) this.addPaths(title, this.codeTable.codeIdsByTitle.get(title));
    }
    for (const [title, codes] of this.codeTable.codeIdsByTitle) {
      if (!this.paths.has(title)) this.addPaths(title, codes);
    }
  }

  private addPaths(title: string, codes: number[] | undefined): void {
    let byCode = this.paths.get(title);
    if (!byCode) {
      byCode = new Map();
      this.paths.set(title, byCode);
    }
    if (!codes) return;
    for (const code of codes) byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
}

/** Which code ids any title can reach: the wage table keeps only their rows. */
export function reachableCodes(index: TitleIndex, codeCount: number): Uint8Array {
  const reachable = new Uint8Array(codeCount);
  for (let i = 0; i < index.pathCode.length; i++) reachable[index.pathCode[i]] = 1;
  return reachable;
}
