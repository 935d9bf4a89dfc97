/**
 * The DuckDB rendition of the join, as SQL text: a few CREATE TEMP TABLE statements compute every
 * query row's result (matched or unmatched with a reason); two COPY statements then write the
 * matched and unmatched rows in query order. Kept separate from the subject so the SQL can be
 * printed (`node dist-bench/bench/subjects/duckdb.js job.json --print-sql`).
 */
import type { JoinOptions, TableSource } from '../src/engine/options';
import { wageColumnsOf } from './common';

/** Characters JavaScript's \s matches (what the engine trims, incl. NBSP and BOM). */
const JS_SPACE_CHARS =
  '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What the engine trims around wage and score cells: ASCII 9–13 and 32, NBSP, BOM (parseWage.ts). */
const CELL_SPACE_CHARS = '\t\n\u000b\f\r \u00a0\ufeff';

/**
 * Trim of `expr` (NULL → ''). DuckDB's trim(x, chars) is ~10× slower than a test of the two edge
 * characters, so it only runs when an edge is a control/space character (≤ 32) or non-ASCII; both
 * character sets lie outside 33–159.
 */
function trimWith(chars: string): (expr: string) => string {
  const set = sqlString(chars);
  return (expr) => {
    const x = `coalesce(${expr}, '')`;
    return `(CASE WHEN ord(${x}[1]) BETWEEN 33 AND 159 AND ord(${x}[-1]) BETWEEN 33 AND 159 THEN ${x} ELSE trim(${x}, ${set}) END)`;
  };
}
/** JavaScript-style trim (titles, locations, codes, areas: the engine's trimText / stateOfArea). */
const trimx = trimWith(JS_SPACE_CHARS);
/** The engine's trim of wage and score cells. */
const trimCell = trimWith(CELL_SPACE_CHARS);

/** A score as the engine's parseScore reads it: "87.5", "80.", ".5", "+90", "1e2" ("87,5" is not). */
const SCORE_RE = `'[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?'`;
/**
 * A wage number as the engine's parseWage reads it: "-", "$", "-$" or "$-" first, then digits
 * with an optional fraction, where the integer part is plain or in thousands groups ("1,943,760",
 * "12,000.50"; not "12,5", "1,2345"); no "+", no exponent.
 */
const WAGE_RE = `'(-\\$?|\\$-?)?(([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\\.[0-9]*)?|\\.[0-9]+)'`;

/**
 * Score cell → "above the threshold" (strict). A cell that is not a number counts as below (the
 * engine stops the run on it instead). The cheap try_cast comparison runs first so the regex only
 * sees the rows above the threshold; the regex then rejects what try_cast reads but the engine
 * does not ('inf', 'nan', ...), so the result is the same as match-then-cast.
 */
function scoreAbove(col: string, threshold: number): string {
  const x = trimCell(col);
  return `(TRY_CAST(${x} AS DOUBLE) > ${threshold} AND regexp_full_match(${x}, ${SCORE_RE}))`;
}

/**
 * Wage cell → DOUBLE or NULL, as the engine's parseWage: a number (WAGE_RE) is its value with '$'
 * and ',' dropped; '#' is the top-code value when set; the markers '' * ** # ~ N/A NA and anything
 * else (invalid cells, which the engine counts and skips) are NULL, so the median skips them.
 */
function wageExpr(col: string, topCodeValue: number | undefined): string {
  const x = trimCell(col);
  const top = topCodeValue === undefined ? '' : ` WHEN ${x} = '#' THEN CAST(${topCodeValue} AS DOUBLE)`;
  return (
    `CASE WHEN regexp_full_match(${x}, ${WAGE_RE}) ` +
    `THEN CAST(replace(replace(${x}, '$', ''), ',', '') AS DOUBLE)${top} END`
  );
}

/**
 * Median DOUBLE → plain decimal text ("45000", "45000.5"): DuckDB's text with a trailing ".0"
 * dropped; NULL stays NULL (an empty CSV field). `s` must be a VARCHAR column (evaluated once).
 */
function formatText(s: string): string {
  return `CASE WHEN suffix(${s}, '.0') THEN left(${s}, -2) ELSE ${s} END`;
}

const ENCODINGS: Record<string, string | undefined> = {
  auto: undefined,
  utf8: undefined,
  'utf-8': undefined,
  latin1: 'latin-1',
  'windows-1252': 'latin-1',
  utf16le: 'utf-16',
};

/** read_csv(...) for one table, every column as VARCHAR. */
export function readCsv(source: TableSource, extra = ''): string {
  const files = `[${source.files.map(sqlString).join(', ')}]`;
  const params = [files, 'all_varchar = true', `quote = '"'`, `escape = '"'`];
  params.push(`delim = ${sqlString(source.delimiter ?? ',')}`);
  if (source.encoding !== undefined) {
    const enc = source.encoding.toLowerCase();
    if (!(enc in ENCODINGS)) throw new Error(`DuckDB subject: encoding '${source.encoding}' is not supported by read_csv`);
    if (ENCODINGS[enc]) params.push(`encoding = ${sqlString(ENCODINGS[enc] as string)}`);
  }
  if (source.headerRow === 0) {
    if (!source.columnNames) throw new Error('DuckDB subject: headerRow 0 needs columnNames');
    params.push('header = false', `names = [${source.columnNames.map(sqlString).join(', ')}]`);
  } else {
    params.push('header = true');
    if (source.headerRow !== undefined && source.headerRow > 1) params.push(`skip = ${source.headerRow - 1}`);
  }
  if (extra) params.push(extra);
  return `read_csv(${params.join(', ')})`;
}

/** Resolved column names per table (actual header spellings). */
export interface ResolvedColumns {
  queryTitle: string;
  queryLocation: string;
  relatedTitle: string;
  relatedRelatedTitle: string;
  relatedScore: string;
  codeCode: string;
  codeTitle: string;
  wageCode: string;
  /** Area name column or state-code column; either resolves through the state map. */
  wageArea: string;
  wageColumns: string[];
}

/** Header names of each table, as DuckDB reports them. */
export interface Headers {
  queries: string[];
  related: string[];
  codes: string[];
  wages: string[];
}

function normalize(name: string): string {
  return name.replace(/^\ufeff/, '').replace(/^[\s\u00a0]+|[\s\u00a0]+$/g, '').toLowerCase();
}

function pick(table: string, header: string[], candidates: (string | undefined)[], role: string): string {
  for (const c of candidates) {
    if (c === undefined) continue;
    const hit = header.find((h) => normalize(h) === normalize(c));
    if (hit !== undefined) return hit;
  }
  throw new Error(`DuckDB subject: ${table}: no ${role} column (${candidates.filter(Boolean).join(' / ')}) in ${header.join(', ')}`);
}

export function resolveColumns(options: JoinOptions, headers: Headers): ResolvedColumns {
  const c = options.columns ?? {};
  return {
    queryTitle: pick('queries', headers.queries, [c.queryTitle, 'title'], 'title'),
    queryLocation: pick('queries', headers.queries, [c.queryLocation, ...(c.queryLocation ? [] : ['location', 'state'])], 'location'),
    relatedTitle: pick('related', headers.related, [c.relatedTitle, 'title'], 'title'),
    relatedRelatedTitle: pick('related', headers.related, [c.relatedRelatedTitle, 'related_title'], 'related title'),
    relatedScore: pick('related', headers.related, [c.relatedScore, 'score'], 'score'),
    codeCode: pick('codes', headers.codes, [c.codeCode, 'code'], 'code'),
    codeTitle: pick('codes', headers.codes, [c.codeTitle, 'title'], 'title'),
    wageCode: pick('wages', headers.wages, [c.wageCode, ...(c.wageCode ? [] : ['occ_code', 'code'])], 'code'),
    wageArea: pick(
      'wages',
      headers.wages,
      c.wageArea ? [c.wageArea] : c.wageStateCode ? [c.wageStateCode] : ['area_title', 'st', 'prim_state'],
      'area / state',
    ),
    wageColumns: wageColumnsOf(options).map((w) => pick('wages', headers.wages, [w], `wage "${w}"`)),
  };
}

/** A state: the OES area column may hold its exact name or USPS code (any case), as the engine's stateOfArea. */
export interface StateName {
  name: string;
  abbr: string;
}

export interface JoinSql {
  /**
   * The statements that compute the result, run in order, each a CREATE TEMP TABLE: `q` (the query
   * table; rowid = file order), `paths`, `tm`, `lm`, `agg`, and `res` (every query row's result).
   */
  compute: string[];
  copyMatched: string;
  copyUnmatched: string;
}

export function buildJoinSql(
  options: JoinOptions,
  cols: ResolvedColumns,
  states: StateName[],
  locationStates: string,
  outMatched: string,
  outUnmatched: string,
): JoinSql {
  if (options.includeSelf) throw new Error('DuckDB subject: includeSelf is not implemented');
  if (options.dedupePairs) throw new Error('DuckDB subject: dedupePairs is not implemented');
  const threshold = options.threshold ?? 80;
  const ci = options.caseInsensitive === true;
  const key = (expr: string): string => (ci ? `lower(${trimx(expr)})` : trimx(expr));
  const id = sqlIdent;
  const wageNames = wageColumnsOf(options).map((w) => w.trim().toLowerCase());

  const stateRows: string[] = [];
  for (const s of states) {
    for (const k of new Set([s.name.toLowerCase(), s.abbr.toLowerCase()])) {
      stateRows.push(`(${sqlString(k)}, ${sqlString(s.name)})`);
    }
  }

  const wageRaw = cols.wageColumns.map((c, i) => `${id(c)} AS c${i}`).join(', ');
  const wageValues = cols.wageColumns.map((_, i) => `${wageExpr(`w.c${i}`, options.topCodeValue)} AS w${i}`).join(',\n           ');
  const medians = cols.wageColumns.map((_, i) => `CAST(median(wg.w${i}) AS VARCHAR) AS s${i}`).join(', ');
  const formatted = cols.wageColumns.map((_, i) => `${formatText(`s${i}`)} AS m${i}`).join(', ');
  const outMedians = wageNames.map((name, i) => `agg.m${i} AS ${id(name)}`).join(', ');
  const rawTitle = id(cols.queryTitle);
  const rawLocation = id(cols.queryLocation);

  // 1. The query table in a plain scan → projection → table pipeline: parallel, and with
  //    preserve_insertion_order (DuckDB's default) the table's rowid is the file's row order.
  //    Raw cells (NULL → ''); they are trimmed once per distinct value below.
  const loadQueries = `CREATE OR REPLACE TEMP TABLE q AS
SELECT coalesce(${rawTitle}, '') AS title, coalesce(${rawLocation}, '') AS location
FROM ${readCsv(options.queries)}`;

  // 2. Related rows above the threshold ⋈ codes (code NULL: a related title without a code), then
  //    per distinct raw title and location (trimmed once each) the title's status and the
  //    location's state. Temp tables, as both the aggregate and the per-row step read them.
  const pathsTable = `CREATE OR REPLACE TEMP TABLE paths AS
WITH
  rel AS (
    SELECT ${key(id(cols.relatedTitle))} AS t, ${key(id(cols.relatedRelatedTitle))} AS rt
    FROM ${readCsv(options.related)}
    WHERE ${scoreAbove(id(cols.relatedScore), threshold)}),
  cod AS (
    SELECT ${key(id(cols.codeTitle))} AS ct, ${trimx(id(cols.codeCode))} AS code
    FROM ${readCsv(options.codes)})
SELECT rel.t, cod.code FROM rel LEFT JOIN cod ON cod.ct = rel.rt`;
  const titleMap = `CREATE OR REPLACE TEMP TABLE tm AS
WITH titles AS (SELECT t, bool_or(code IS NOT NULL) AS has_path FROM paths GROUP BY t)
SELECT d.raw, d.title, d.t, ti.t IS NOT NULL AS has_rel, coalesce(ti.has_path, false) AS has_path
FROM (SELECT raw, ${trimx('raw')} AS title, ${key('raw')} AS t FROM (SELECT DISTINCT title AS raw FROM q)) d
LEFT JOIN titles ti ON ti.t = d.t`;
  const locationMap = `CREATE OR REPLACE TEMP TABLE lm AS
WITH
  ls AS (
    SELECT ${trimx('location')} AS location, any_value(coalesce(state, '')) AS state
    FROM read_csv(${sqlString(locationStates)}, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')
    GROUP BY 1)
SELECT d.raw, d.location, coalesce(ls.state, '') AS state
FROM (SELECT raw, ${trimx('raw')} AS location FROM (SELECT DISTINCT location AS raw FROM q)) d
LEFT JOIN ls ON ls.location = d.location`;

  // 3. The (title, state) aggregates, only for the pairs some query needs, over only the wage rows
  //    of the (code, state) those pairs reach; wage cells are parsed after that filter and the
  //    medians formatted once per pair.
  const aggregate = `CREATE OR REPLACE TEMP TABLE agg AS
WITH
  need AS (
    SELECT DISTINCT tm.t, lm.state
    FROM q JOIN tm ON tm.raw = q.title JOIN lm ON lm.raw = q.location
    WHERE tm.has_path AND lm.state <> ''),
  need_paths AS (
    SELECT ${options.countEachCodeOnce ? 'DISTINCT ' : ''}need.t, need.state, p.code
    FROM need JOIN paths p ON p.t = need.t
    WHERE p.code IS NOT NULL),
  statemap(k, name) AS (VALUES ${stateRows.join(', ')}),
  wraw AS (
    SELECT ${trimx(id(cols.wageCode))} AS code, lower(${trimx(id(cols.wageArea))}) AS area, ${wageRaw}
    FROM ${readCsv(options.wages)}),
  wg AS (
    SELECT w.code, sm.name AS state,
           ${wageValues}
    FROM wraw w
    JOIN statemap sm ON sm.k = w.area
    SEMI JOIN (SELECT DISTINCT code, state FROM need_paths) nc ON nc.code = w.code AND nc.state = sm.name)
SELECT t, state, n_rows, n_codes, ${formatted}
FROM (
  SELECT np.t, np.state, count(*) AS n_rows, count(DISTINCT np.code) AS n_codes, ${medians}
  FROM need_paths np
  JOIN wg ON wg.code = np.code AND wg.state = np.state
  GROUP BY np.t, np.state)`;

  // 4. Every query row: its result as a reason (NULL = matched) and the agg row's rowid.
  const compute = `CREATE OR REPLACE TEMP TABLE res AS
SELECT q.rowid AS rn, tm.title, lm.location, lm.state,
  CASE WHEN lm.state = '' THEN 'unknown_state'
       WHEN NOT tm.has_rel THEN 'no_related_title_above_threshold'
       WHEN NOT tm.has_path THEN 'no_code_for_related_titles'
       WHEN agg.t IS NULL THEN 'no_wage_rows_in_state' END AS reason,
  agg.rowid AS aid
FROM q
JOIN tm ON tm.raw = q.title
JOIN lm ON lm.raw = q.location
LEFT JOIN agg ON agg.t = tm.t AND agg.state = lm.state`;

  const copyMatched = `COPY (
  SELECT res.title, res.location, res.state, agg.n_rows, agg.n_codes, ${outMedians}
  FROM res JOIN agg ON agg.rowid = res.aid WHERE res.reason IS NULL ORDER BY res.rn
) TO ${sqlString(outMatched)} (FORMAT csv, HEADER true, DELIMITER ',')`;
  const copyUnmatched = `COPY (
  SELECT title, location, state, reason FROM res WHERE reason IS NOT NULL ORDER BY rn
) TO ${sqlString(outUnmatched)} (FORMAT csv, HEADER true, DELIMITER ',')`;
  return { compute: [loadQueries, pathsTable, titleMap, locationMap, aggregate, compute], copyMatched, copyUnmatched };
}
