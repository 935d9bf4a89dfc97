import type { BadRows } from '../join/badRows';
import { InputError } from '../errors';
import { ByteTable, hashBytes, NOT_FOUND, type ByteTableData } from '../scan/byteTable';
import { FieldBytes, FieldFlag } from '../scan/fieldBytes';
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
 * how many (related row, code row) paths reach each. Flat typed arrays and a byte-keyed table, all
 * in shared memory, so workers use them without a copy. A title with related rows but no code has
 * an empty path list.
 *
 * Titles with the same paths share one path list: its answer in a state (rows, codes, medians) is
 * the same for all of them, so the probe computes and caches it once per list, not per title. On
 * the bench set 145 k titles have 20 k distinct lists.
 */
export interface TitleIndex extends TitlePaths {
  /** Title key (UTF-8, lower-cased when matching case-insensitively) → path list id. */
  titleTable: ByteTableData;
}

/** The path lists, indexed by list id: list l is (pathCode[p], pathMult[p]) for p in pathStart[l] .. pathStart[l + 1], by code. */
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

/**
 * Accumulates related rows, then flattens them into a TitleIndex. Titles are keyed by their bytes
 * (FieldBytes): a related row makes no string unless a field needs one (doubled quotes, non-ASCII
 * text to lower-case).
 */
export class TitleIndexBuilder {
  /** Title key → title id (ids in order of first appearance). */
  private readonly titles = ByteTable.create(1024, 64 * 1024, false);
  /** Code-title key → index into codeLists. */
  private readonly codeTitles: ByteTable;
  private readonly codeLists: number[][];
  /** Paths in order of first appearance: (title, code) and how many times. */
  private readonly pathOf = new Map<number, number>();
  private readonly pathTitle: number[] = [];
  private readonly pathCodes: number[] = [];
  private readonly pathCount: number[] = [];
  /** Per title id, 1 when the title names itself as a related title (includeSelf adds it only otherwise). */
  private selfRelated = new Uint8Array(1024);
  private readonly title = new FieldBytes();
  private readonly related = new FieldBytes();
  rowsAboveThreshold = 0;
  rowsRead = 0;

  constructor(
    private readonly codeTable: CodeTable,
    private readonly options: Readonly<RelatedOptions>,
    private readonly badRows?: BadRows,
  ) {
    this.codeTitles = ByteTable.ofKeys([...codeTable.codeIdsByTitle.keys()]);
    this.codeLists = [...codeTable.codeIdsByTitle.values()];
  }

  /** One related-table row; columns = [title, related_title, score]. */
  addRow(cursor: FieldCursor, columns: number[], file: string, scoreColumn: string): void {
    this.rowsRead++;
    const [titleCol, relatedCol, scoreCol] = columns;
    if (!(readScore(cursor, scoreCol, file, scoreColumn, this.badRows) > this.options.threshold)) return;
    this.rowsAboveThreshold++;
    const lower = this.options.caseInsensitive;
    const title = this.title;
    const related = this.related;
    title.read(cursor, titleCol, lower);
    related.read(cursor, relatedCol, lower);
    const titleKeyText = (title.flags & FieldFlag.Slow) !== 0 ? titleKey(cursor.text(titleCol), lower) : undefined;
    if (titleKeyText === '' || (titleKeyText === undefined && title.start === title.end)) return;
    const titleId = titleKeyText === undefined ? this.titleId(cursor.buf, title.start, title.end, title.hash, lower) : this.titleIdOfText(titleKeyText);
    let codes: number[] | undefined;
    let self: boolean;
    if ((related.flags & FieldFlag.Slow) === 0) {
      const list = this.codeTitles.find(cursor.buf, related.start, related.end, related.hash, lower);
      codes = list === NOT_FOUND ? undefined : this.codeLists[list];
      self = titleKeyText === undefined ? sameBytes(cursor.buf, title, related, lower) : titleKeyText === titleKey(cursor.text(relatedCol), lower);
    } else {
      const key = titleKey(cursor.text(relatedCol), lower);
      const bytes = Buffer.from(key, 'utf8');
      const list = this.codeTitles.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length, false), false);
      codes = list === NOT_FOUND ? undefined : this.codeLists[list];
      self = key === (titleKeyText ?? titleKey(cursor.text(titleCol), lower));
    }
    this.addPaths(titleId, codes);
    if (self) this.selfRelated[titleId] = 1;
  }

  build(): TitleIndex {
    if (this.options.includeSelf) this.addSelfPaths();
    const count = this.titles.size;
    // Counting sort of the paths by title, then each title's paths by code.
    const start = new Int32Array(count + 1);
    for (const t of this.pathTitle) start[t + 1]++;
    for (let t = 0; t < count; t++) start[t + 1] += start[t];
    const fill = start.slice(0, count);
    const codes = new Int32Array(this.pathTitle.length);
    const mults = new Int32Array(this.pathTitle.length);
    this.pathTitle.forEach((t, p) => {
      const at = fill[t]++;
      codes[at] = this.pathCodes[p];
      mults[at] = this.options.countEachCodeOnce ? 1 : this.pathCount[p];
    });
    const lists = new PathLists();
    const listOf = new Int32Array(count);
    for (let t = 0; t < count; t++) {
      sortByCode(codes, mults, start[t], start[t + 1]);
      listOf[t] = lists.idOf(codes, mults, start[t], start[t + 1]);
    }
    const titleTable = this.titles.compact(true);
    titleTable.mapValues(listOf);
    return { titleTable: titleTable.data, ...lists.finish() };
  }

  /** The query title counts as one more related title unless it already is one. */
  private addSelfPaths(): void {
    const count = this.titles.size;
    for (let t = 0; t < count; t++) {
      if (this.selfRelated[t] === 1) continue;
      const key = this.titles.keyOf(t);
      const list = this.codeTitles.find(key, 0, key.length, hashBytes(key, 0, key.length, false), false);
      if (list !== NOT_FOUND) this.addPaths(t, this.codeLists[list]);
    }
    for (let list = 0; list < this.codeLists.length; list++) {
      const key = this.codeTitles.keyOf(list);
      const hash = hashBytes(key, 0, key.length, false);
      if (this.titles.find(key, 0, key.length, hash, false) === NOT_FOUND) this.addPaths(this.titleId(key, 0, key.length, hash, false), this.codeLists[list]);
    }
  }

  /** The id of the title key at buf[start .. end) (ASCII-lower-cased when `lower`), added when new. */
  private titleId(buf: Uint8Array, start: number, end: number, hash: number, lower: boolean): number {
    const known = this.titles.find(buf, start, end, hash, lower);
    if (known !== NOT_FOUND) return known;
    const id = this.titles.size;
    this.titles.append(buf, start, end, hash, id, lower);
    if (id >= this.selfRelated.length) {
      const grown = new Uint8Array(this.selfRelated.length * 2);
      grown.set(this.selfRelated);
      this.selfRelated = grown;
    }
    return id;
  }

  private titleIdOfText(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    return this.titleId(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length, false), false);
  }

  private addPaths(titleId: number, codes: number[] | undefined): void {
    if (!codes) return;
    const codeCount = this.codeTable.codes.length;
    for (const code of codes) {
      const key = titleId * codeCount + code;
      const path = this.pathOf.get(key);
      if (path !== undefined) {
        this.pathCount[path]++;
      } else {
        this.pathOf.set(key, this.pathTitle.length);
        this.pathTitle.push(titleId);
        this.pathCodes.push(code);
        this.pathCount.push(1);
      }
    }
  }
}

/** Sorts codes[from .. to) ascending, mults along (a title's codes are distinct; lists are short). */
function sortByCode(codes: Int32Array, mults: Int32Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const code = codes[i];
    const mult = mults[i];
    let j = i - 1;
    for (; j >= from && codes[j] > code; j--) {
      codes[j + 1] = codes[j];
      mults[j + 1] = mults[j];
    }
    codes[j + 1] = code;
    mults[j + 1] = mult;
  }
}

/** Distinct path lists, each stored once, found by a hash of its (code, mult) pairs. */
class PathLists {
  private readonly start = [0];
  private readonly codes: number[] = [];
  private readonly mults: number[] = [];
  /** Hash of a list's pairs → the ids of the lists with that hash. */
  private readonly byHash = new Map<number, number[]>();

  /** The id of the list codes/mults[from .. to), added when new. */
  idOf(codes: Int32Array, mults: Int32Array, from: number, to: number): number {
    let h = to - from;
    for (let i = from; i < to; i++) h = Math.imul(Math.imul(h ^ codes[i], 0x9e3779b1) ^ mults[i], 0x85ebca6b);
    const same = this.byHash.get(h);
    for (const id of same ?? []) if (this.equals(id, codes, mults, from, to)) return id;
    const id = this.start.length - 1;
    for (let i = from; i < to; i++) {
      this.codes.push(codes[i]);
      this.mults.push(mults[i]);
    }
    this.start.push(this.codes.length);
    if (same) same.push(id);
    else this.byHash.set(h, [id]);
    return id;
  }

  finish(): TitlePaths {
    const shared = (values: number[]) => {
      const array = new Int32Array(new SharedArrayBuffer(Math.max(1, values.length) * 4)).subarray(0, values.length);
      array.set(values);
      return array;
    };
    return { pathStart: shared(this.start), pathCode: shared(this.codes), pathMult: shared(this.mults) };
  }

  private equals(id: number, codes: Int32Array, mults: Int32Array, from: number, to: number): boolean {
    const at = this.start[id];
    if (this.start[id + 1] - at !== to - from) return false;
    for (let i = 0; i < to - from; i++) if (this.codes[at + i] !== codes[from + i] || this.mults[at + i] !== mults[from + i]) return false;
    return true;
  }
}

/** Whether two fields read as bytes (neither Slow) hold the same key. */
function sameBytes(buf: Uint8Array, a: FieldBytes, b: FieldBytes, lower: boolean): boolean {
  if (a.hash !== b.hash || a.end - a.start !== b.end - b.start) return false;
  for (let i = 0; i < a.end - a.start; i++) {
    let x = buf[a.start + i];
    let y = buf[b.start + i];
    if (lower) {
      if (x >= 0x41 && x <= 0x5a) x |= 0x20;
      if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    }
    if (x !== y) return false;
  }
  return true;
}

/** Which code ids any title can reach: the wage table keeps only their rows. */
export function reachableCodes(index: TitleIndex, codeCount: number): Uint8Array {
  const reachable = new Uint8Array(codeCount);
  for (let i = 0; i < index.pathCode.length; i++) reachable[index.pathCode[i]] = 1;
  return reachable;
}
