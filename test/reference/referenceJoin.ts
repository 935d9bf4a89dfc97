/**
 * Reference implementation of the join (DESIGN.md §2): slow, plain and obviously correct.
 * The fast engine's results are compared with this one; it is also the "naive Node design"
 * (csv-parse streaming + Maps, one thread) of the benchmark. It streams the query table and its
 * output (one callback per row); only the small sides (related above the threshold, codes, the
 * wage rows of codes present in the code table) are held in memory.
 *
 * Decisions (where the brief left a choice open):
 *
 * Reading
 * - Every file of a TableSource is read in the given order (no globbing, no sorting) and each has
 *   its own header, so column positions are looked up per file (a table may be split into files
 *   whose headers differ in order, case, or even area column: one wage file with `area_title`,
 *   another with `st`).
 * - `headerRow` is required (1-based physical line of the header; 0 = no header, then
 *   `columnNames` is required). The parser starts at that line (csv-parse `from_line`), so lines
 *   above it must be parseable CSV (real preambles are).
 * - Encodings: undefined, 'auto', 'utf8', 'utf-8' are read as UTF-8 (the BOM is stripped);
 *   anything else is decoded with iconv-lite (an unknown name is an InputError). `.gz` files are
 *   gunzipped first.
 * - Line numbers in messages are physical lines of the (decoded) file, counting CRLF, LF and CR as
 *   one break each, and point at the first line of the record. (csv-parse counts a CRLF *inside* a
 *   quoted field as two lines; that is corrected here.)
 * - Missing trailing fields of a short (ragged) row read as ''. Extra fields are ignored.
 * - Header names are matched after trimming, removing a BOM, and lower-casing.
 *
 * Columns
 * - Defaults: queries `title` and `location` else `state`; related `title`, `related_title`,
 *   `score`; codes `code`, `title`; wages code `occ_code` else `code`; wages area: when
 *   `columns.wageArea` is given that column; else when
 *   `columns.wageStateCode` is given that column; else `area_title`, else `st`, else
 *   `prim_state`. Area values must be an exact state name or 2-letter code (stateOfArea), so
 *   metro rows such as "Abilene, TX" of an all-areas OES file never count as the state.
 * - Wage columns: options.wageColumns (default DEFAULT_WAGE_COLUMNS) matched case-insensitively;
 *   the output field is the option's name trimmed and lower-cased.
 *
 * Values
 * - Text trimming removes leading/trailing whitespace incl. NBSP (U+00A0) and other Unicode spaces
 *   (`\s` in JS covers them; NBSP is named for clarity). Title keys = trimmed (+ lower-cased when
 *   caseInsensitive). Codes are compared trimmed, case-sensitively.
 * - Score: trimmed, a decimal number, optionally with an exponent as Python writes small floats
 *   (`1e-05`); no comma; otherwise InputError naming file, line and the score column.
 * - Wage cell: trimmed; '', '*', '**', '~', 'N/A', 'NA' (any case) → missing; '#' → topCodeValue
 *   when set, else missing; a leading '$' is removed; thousands commas are removed only when every
 *   comma is followed by exactly 3 digits and the integer part starts with 1–3 digits
 *   ("12,000", "1,234,567.5"); then the text must be a decimal number (an exponent is allowed,
 *   "Infinity"/hex are not) → Number(). Anything else is missing and counted in
 *   `invalidWageCells` (counted once per cell of every wage-table data row read).
 * - Wage rows whose code is not in the code table, or whose area does not resolve, can never
 *   match and are not kept.
 *
 * Join
 * - related rows with score > threshold (strict), with multiplicity; includeSelf appends the query
 *   title key once unless it already is among its related keys above the threshold.
 * - paths = (related row, code row); a code reached by k paths weighs k (1 with countEachCodeOnce).
 *   n_rows = Σ over codes with wage rows in the state of (rows × weight); n_codes = number of such
 *   codes; each median is over the non-missing values, each repeated `weight` times.
 * - Unmatched reasons, in this order: unknown_state (state ''), no_related_title_above_threshold,
 *   no_code_for_related_titles (no path at all), no_wage_rows_in_state.
 * - dedupePairs: the key is the pair (trimmed title, trimmed location) exactly as output (case
 *   preserved even when caseInsensitive); only its first query row produces output.
 * - The answer for a (title key, state) pair is memoised (a Map, cleared at 200,000 entries): it
 *   depends on nothing else, and this keeps the reference usable as the naive benchmark design.
 * - The returned `queries` counts every query data row read (also those skipped by dedupePairs);
 *   matched + unmatched = rows emitted.
 */
import { createReadStream } from 'fs';
import { createGunzip } from 'zlib';
import { pipeline } from 'stream';
import * as iconv from 'iconv-lite';
import { parse, Parser } from 'csv-parse';
import { InputError } from '../../src/engine/errors';
import {
  DEFAULT_WAGE_COLUMNS,
  JoinOptions,
  MatchedRow,
  TableSource,
  UnmatchedReason,
  UnmatchedRow,
} from '../../src/engine/options';
import { resolveState } from '../../src/engine/values/resolveState';
import { stateOfArea } from '../../src/engine/values/states';

export interface ReferenceStats {
  queries: number;
  matched: number;
  unmatched: number;
  /** Wage cells that were neither a number nor a known marker (treated as missing). */
  invalidWageCells: number;
}

// ---------------------------------------------------------------- text helpers

const EDGE_SPACE = /^[\s\u00a0]+|[\s\u00a0]+$/g;

export function trimText(s: string): string {
  return s.replace(EDGE_SPACE, '');
}

function normalizeHeader(s: string): string {
  return trimText(s.replace(/\ufeff/g, '')).toLowerCase();
}

const PLAIN_DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_WITH_EXPONENT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
const MISSING_MARKERS = new Set(['', '*', '**', '~', 'n/a', 'na']);

/** Wage cell → number, or null when missing; `invalid` when it was not a known form. */
export function parseWageCell(raw: string, topCodeValue: number | undefined): { value: number | null; invalid: boolean } {
  let s = trimText(raw);
  if (MISSING_MARKERS.has(s.toLowerCase())) return { value: null, invalid: false };
  if (s === '#') return { value: topCodeValue ?? null, invalid: false };
  if (s.startsWith('$')) s = s.slice(1);
  if (s.includes(',')) {
    if (!THOUSANDS.test(s)) return { value: null, invalid: true };
    s = s.replace(/,/g, '');
  }
  if (!DECIMAL_WITH_EXPONENT.test(s)) return { value: null, invalid: true };
  return { value: Number(s), invalid: false };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------- reading tables

interface FileHeader {
  file: string;
  /** Normalized (trimmed, lower-case, BOM-free) column names. */
  names: string[];
}

interface TableRecord {
  header: FileHeader;
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

const UTF8_NAMES = new Set(['auto', 'utf8', 'utf-8']);

/** file → (gunzip) → (decode) → parser, errors of every stage ending the parser. */
function openParser(file: string, encoding: string | undefined, parser: Parser): Parser {
  const stages: NodeJS.ReadWriteStream[] = [];
  if (file.toLowerCase().endsWith('.gz')) stages.push(createGunzip());
  const enc = (encoding ?? 'utf8').toLowerCase();
  if (!UTF8_NAMES.has(enc)) {
    if (!iconv.encodingExists(enc)) throw new InputError(`unknown encoding "${encoding}"`, { file });
    stages.push(iconv.decodeStream(enc));
  }
  pipeline([createReadStream(file), ...stages, parser], () => {
    /* errors reach the consumer through the destroyed parser */
  });
  return parser;
}

function countBreaks(s: string): { physical: number; csvParse: number } {
  let physical = 0;
  let csvParse = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13) {
      physical++;
      csvParse++;
      if (s.charCodeAt(i + 1) === 10) {
        csvParse++; // csv-parse counts the LF of an embedded CRLF as another line
        i++;
      }
    } else if (c === 10) {
      physical++;
      csvParse++;
    }
  }
  return { physical, csvParse };
}

/** Every record of every file of a table, each file with its own header. */
async function* readTable(source: TableSource, table: string): AsyncGenerator<TableRecord> {
  const headerRow = source.headerRow;
  if (headerRow === undefined || !Number.isInteger(headerRow) || headerRow < 0) {
    throw new InputError(`the reference needs an explicit headerRow (≥ 0) for the ${table} table`);
  }
  if (headerRow === 0 && !source.columnNames?.length) {
    throw new InputError(`the ${table} table has no header row (headerRow 0) but no columnNames were given`);
  }
  for (const file of source.files) {
    const parser = openParser(
      file,
      source.encoding,
      parse({
        delimiter: source.delimiter ?? ',',
        record_delimiter: ['\r\n', '\n', '\r'],
        relax_column_count: true,
        skip_empty_lines: true,
        bom: true,
        from_line: headerRow === 0 ? 1 : headerRow,
        info: true,
      }),
    );
    let header: FileHeader | undefined =
      headerRow === 0 ? { file, names: source.columnNames!.map(normalizeHeader) } : undefined;
    let overcount = 0; // csv-parse's extra line count from CRLFs inside quoted fields
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      let physical = 0;
      for (const field of record) {
        const b = countBreaks(field);
        physical += b.physical;
        overcount += b.csvParse - b.physical;
      }
      const endLine = info.lines - overcount;
      const line = endLine - physical;
      if (header === undefined) {
        header = { file, names: record.map(normalizeHeader) };
        continue;
      }
      yield { header, line, fields: record };
    }
  }
}

/** Index of the first candidate column present in the header, or -1. */
function findColumn(header: FileHeader, candidates: (string | undefined)[]): number {
  for (const c of candidates) {
    if (c === undefined) continue;
    const i = header.names.indexOf(normalizeHeader(c));
    if (i >= 0) return i;
  }
  return -1;
}

function requireColumn(header: FileHeader, table: string, candidates: (string | undefined)[]): number {
  const i = findColumn(header, candidates);
  if (i < 0) {
    const names = candidates.filter((c): c is string => c !== undefined);
    throw new InputError(
      `the ${table} table has no column ${names.map((n) => `"${n}"`).join(' or ')} (header: ${header.names.join(', ')})`,
      { file: header.file, column: names[0] },
    );
  }
  return i;
}

/** Column positions, looked up once per file header. */
function perHeader<T>(lookup: (h: FileHeader) => T): (h: FileHeader) => T {
  let last: FileHeader | undefined;
  let value: T;
  return (h) => {
    if (h !== last) {
      value = lookup(h);
      last = h;
    }
    return value;
  };
}

function field(fields: string[], i: number): string {
  return fields[i] ?? '';
}

// ---------------------------------------------------------------- the join

type StateInfo = { id: number; name: string; abbr: string; fips: string };
type PairResult = { reason: UnmatchedReason } | { nRows: number; nCodes: number; medians: (number | null)[] };
const MEMO_LIMIT = 200_000;

export async function referenceJoin(
  options: JoinOptions,
  onMatched: (row: MatchedRow) => void,
  onUnmatched: (row: UnmatchedRow) => void,
): Promise<ReferenceStats> {
  const cols = options.columns ?? {};
  const threshold = options.threshold ?? 80;
  const caseInsensitive = options.caseInsensitive ?? false;
  const wageColumns = options.wageColumns ?? DEFAULT_WAGE_COLUMNS;
  const wageKeys = wageColumns.map((c) => trimText(c).toLowerCase());
  const titleKey = (s: string): string => (caseInsensitive ? trimText(s).toLowerCase() : trimText(s));

  const stateCache = new Map<string, StateInfo | undefined>();
  const stateOf = (text: string): StateInfo | undefined => {
    if (!stateCache.has(text)) {
      if (stateCache.size > 100_000) stateCache.clear();
      stateCache.set(text, resolveState(text));
    }
    return stateCache.get(text);
  };

  // 1. codes: title key → codes (one entry per code row, so duplicates count twice)
  const codesByTitle = new Map<string, string[]>();
  const knownCodes = new Set<string>();
  {
    const pos = perHeader((h) => ({
      code: requireColumn(h, 'codes', [cols.codeCode ?? 'code']),
      title: requireColumn(h, 'codes', [cols.codeTitle ?? 'title']),
    }));
    for await (const r of readTable(options.codes, 'codes')) {
      const p = pos(r.header);
      const code = trimText(field(r.fields, p.code));
      const key = titleKey(field(r.fields, p.title));
      let list = codesByTitle.get(key);
      if (!list) codesByTitle.set(key, (list = []));
      list.push(code);
      knownCodes.add(code);
    }
  }

  // 2. related: title key → related title keys with score > threshold (with multiplicity)
  const relatedByTitle = new Map<string, string[]>();
  {
    const scoreName = cols.relatedScore ?? 'score';
    const pos = perHeader((h) => ({
      title: requireColumn(h, 'related', [cols.relatedTitle ?? 'title']),
      related: requireColumn(h, 'related', [cols.relatedRelatedTitle ?? 'related_title']),
      score: requireColumn(h, 'related', [scoreName]),
    }));
    for await (const r of readTable(options.related, 'related')) {
      const p = pos(r.header);
      const rawScore = field(r.fields, p.score);
      const scoreText = trimText(rawScore);
      if (!PLAIN_DECIMAL.test(scoreText)) {
        throw new InputError(`score ${JSON.stringify(rawScore)} is not a number`, { file: r.header.file, line: r.line, column: scoreName }, 'a number');
      }
      if (!(Number(scoreText) > threshold)) continue;
      const key = titleKey(field(r.fields, p.title));
      let list = relatedByTitle.get(key);
      if (!list) relatedByTitle.set(key, (list = []));
      list.push(titleKey(field(r.fields, p.related)));
    }
  }

  // 3. wages: code → state name → rows of wage values (null = missing)
  const wages = new Map<string, Map<string, (number | null)[][]>>();
  let invalidWageCells = 0;
  {
    const pos = perHeader((h) => {
      let area: number;
      if (cols.wageArea !== undefined) area = requireColumn(h, 'wages', [cols.wageArea]);
      else if (cols.wageStateCode !== undefined) area = requireColumn(h, 'wages', [cols.wageStateCode]);
      else area = requireColumn(h, 'wages', ['area_title', 'st', 'prim_state']);
      return {
        code: requireColumn(h, 'wages', cols.wageCode !== undefined ? [cols.wageCode] : ['occ_code', 'code']),
        area,
        values: wageColumns.map((c) => requireColumn(h, 'wages', [c])),
      };
    });
    for await (const r of readTable(options.wages, 'wages')) {
      const p = pos(r.header);
      const values = p.values.map((i) => {
        const cell = parseWageCell(field(r.fields, i), options.topCodeValue);
        if (cell.invalid) invalidWageCells++;
        return cell.value;
      });
      const code = trimText(field(r.fields, p.code));
      if (!knownCodes.has(code)) continue;
      const state = stateOfArea(field(r.fields, p.area));
      if (!state) continue;
      let byState = wages.get(code);
      if (!byState) wages.set(code, (byState = new Map()));
      let rows = byState.get(state.name);
      if (!rows) byState.set(state.name, (rows = []));
      rows.push(values);
    }
  }

  // 4. the answer for one (title key, state): depends on nothing else, so it is memoised
  //    (bounded) across query rows; without the memo every row is computed the same way.
  const evaluate = (key: string, stateName: string): PairResult => {
    const related = [...(relatedByTitle.get(key) ?? [])];
    if (options.includeSelf && !related.includes(key)) related.push(key);
    if (related.length === 0) return { reason: 'no_related_title_above_threshold' };
    // number of (related row, code row) paths reaching each code
    const pathsPerCode = new Map<string, number>();
    for (const rel of related) {
      for (const code of codesByTitle.get(rel) ?? []) pathsPerCode.set(code, (pathsPerCode.get(code) ?? 0) + 1);
    }
    if (pathsPerCode.size === 0) return { reason: 'no_code_for_related_titles' };
    let nRows = 0;
    let nCodes = 0;
    const columnValues: number[][] = wageColumns.map(() => []);
    for (const [code, paths] of pathsPerCode) {
      const rows = wages.get(code)?.get(stateName);
      if (!rows || rows.length === 0) continue;
      const weight = options.countEachCodeOnce ? 1 : paths;
      nCodes++;
      nRows += rows.length * weight;
      for (const row of rows) {
        for (let c = 0; c < row.length; c++) {
          const v = row[c];
          if (v !== null) for (let k = 0; k < weight; k++) columnValues[c].push(v);
        }
      }
    }
    if (nRows === 0) return { reason: 'no_wage_rows_in_state' };
    return { nRows, nCodes, medians: columnValues.map(median) };
  };
  const memo = new Map<string, PairResult>();

  // 5. stream the queries
  const stats: ReferenceStats = { queries: 0, matched: 0, unmatched: 0, invalidWageCells };
  const seenPairs = options.dedupePairs ? new Set<string>() : undefined;
  const pos = perHeader((h) => ({
    title: requireColumn(h, 'queries', [cols.queryTitle ?? 'title']),
    location: requireColumn(h, 'queries', cols.queryLocation !== undefined ? [cols.queryLocation] : ['location', 'state']),
  }));
  for await (const r of readTable(options.queries, 'queries')) {
    stats.queries++;
    const p = pos(r.header);
    const rawTitle = field(r.fields, p.title);
    const title = trimText(rawTitle);
    const location = trimText(field(r.fields, p.location));
    if (seenPairs) {
      const pair = `${title}\u0000${location}`;
      if (seenPairs.has(pair)) continue;
      seenPairs.add(pair);
    }
    const unmatched = (state: string, reason: UnmatchedReason): void => {
      stats.unmatched++;
      onUnmatched({ title, location, state, reason });
    };

    const state = stateOf(location);
    if (!state) {
      unmatched('', 'unknown_state');
      continue;
    }
    const key = titleKey(rawTitle);
    const memoKey = `${key}\u0000${state.name}`;
    let result = memo.get(memoKey);
    if (result === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      result = evaluate(key, state.name);
      memo.set(memoKey, result);
    }
    if ('reason' in result) {
      unmatched(state.name, result.reason);
      continue;
    }
    const out: MatchedRow = { title, location, state: state.name, n_rows: result.nRows, n_codes: result.nCodes };
    wageKeys.forEach((k, c) => {
      out[k] = result.medians[c];
    });
    stats.matched++;
    onMatched(out);
  }
  return stats;
}

export async function referenceJoinToArrays(options: JoinOptions): Promise<{ matched: MatchedRow[]; unmatched: UnmatchedRow[] }> {
  const matched: MatchedRow[] = [];
  const unmatched: UnmatchedRow[] = [];
  await referenceJoin(
    options,
    (r) => matched.push(r),
    (r) => unmatched.push(r),
  );
  return { matched, unmatched };
}
