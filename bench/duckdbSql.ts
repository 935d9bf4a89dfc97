/**
 * The DuckDB rendition of the join, as SQL text: one statement computes every query row's result
 * (matched or unmatched with a reason) into a temp table; two COPY statements then write the
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

const TRIM_SET = sqlString(JS_SPACE_CHARS);
/**
 * JavaScript-style trim. DuckDB's trim(x, chars) is ~10× slower than a test of the two edge
 * characters, so it only runs when an edge is a control/space character (≤ 32) or non-ASCII.
 */
const trimx = (expr: string): string => {
  const x = `coalesce(${expr}, '')`;
  return (
    `(CASE WHEN ord(${x}[1]) BETWEEN 33 AND 159 AND ord(${x}[-1]) BETWEEN 33 AND 159 ` +
    `THEN ${x} ELSE trim(${x}, ${TRIM_SET}) END)`
  );
};

/** A plain decimal score (no exponent, no comma): "87.5", "80.", ".5". */
const PLAIN_RE = `'[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)'`;
/** A decimal number with optional exponent: what Number() reads, minus hex/Infinity/''. */
const NUMBER_RE = `'[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?'`;
/** Thousands separators, as BLS writes them: "1,943,760", "12,000.50". */
const THOUSANDS_RE = `'[-+]?[0-9]{1,3}(,[0-9]{3})+(\\.[0-9]*)?'`;

/** Score cell → DOUBLE or NULL ("87,5" is not a number; the reference rejects the file instead). */
function scoreExpr(col: string): string {
  const x = trimx(col);
  return `CASE WHEN regexp_full_match(${x}, ${PLAIN_RE}) THEN CAST(${x} AS DOUBLE) END`;
}

/** Wage cell text, trimmed, with a leading '$' dropped. */
function wageText(col: string): string {
  return `regexp_replace(${trimx(col)}, '^\\$', '')`;
}

/**
 * Wage text (from wageText) → DOUBLE or NULL: "12,000" → 12000; *, **, ~, N/A, NA, '', anything
 * else that is not a number → NULL; '#' → the top-code value when set, else NULL.
 */
function wageExpr(x: string, topCodeValue: number | undefined): string {
  const top = topCodeValue === undefined ? '' : ` WHEN ${x} = '#' THEN CAST(${topCodeValue} AS DOUBLE)`;
  return (
    `CASE WHEN regexp_full_match(${x}, ${NUMBER_RE}) THEN CAST(${x} AS DOUBLE)` +
    ` WHEN regexp_full_match(${x}, ${THOUSANDS_RE}) THEN CAST(replace(${x}, ',', '') AS DOUBLE)${top} END`
  );
}

/** Median DOUBLE → plain decimal text ("45000", "45000.5"), NULL stays NULL (an empty CSV field). */
function formatExpr(expr: string): string {
  return `regexp_replace(CAST(${expr} AS VARCHAR), '\\.0$', '')`;
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
  /** CREATE TEMP TABLE res AS ...: the one statement that computes the result. */
  compute: string;
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

  const wageTexts = cols.wageColumns.map((c, i) => `${wageText(id(c))} AS v${i}`).join(',\n           ');
  const wageValues = cols.wageColumns.map((_, i) => `${wageExpr(`v${i}`, options.topCodeValue)} AS w${i}`).join(',\n         ');
  const medians = cols.wageColumns.map((_, i) => `median(wg.w${i}) AS m${i}`).join(', ');
  const resMedians = cols.wageColumns.map((_, i) => `agg.m${i}`).join(', ');
  const outMedians = wageNames.map((name, i) => `${formatExpr(`m${i}`)} AS ${id(name)}`).join(', ');

  const compute = `CREATE OR REPLACE TEMP TABLE res AS
WITH
  q AS (
    SELECT row_number() OVER () AS rn, ${trimx(id(cols.queryTitle))} AS title, ${trimx(id(cols.queryLocation))} AS location
    FROM ${readCsv(options.queries)}),
  ls AS (
    SELECT ${trimx('location')} AS location, any_value(coalesce(state, '')) AS state
    FROM read_csv(${sqlString(locationStates)}, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"')
    GROUP BY 1),
  rel AS (
    SELECT ${key(id(cols.relatedTitle))} AS t, ${key(id(cols.relatedRelatedTitle))} AS rt
    FROM ${readCsv(options.related)}
    WHERE ${scoreExpr(id(cols.relatedScore))} > ${threshold}),
  cod AS (
    SELECT ${key(id(cols.codeTitle))} AS ct, ${trimx(id(cols.codeCode))} AS code
    FROM ${readCsv(options.codes)}),
  paths AS (
    SELECT ${options.countEachCodeOnce ? 'DISTINCT ' : ''}rel.t, cod.code FROM rel JOIN cod ON cod.ct = rel.rt),
  rel_t AS (SELECT DISTINCT t FROM rel),
  path_t AS (SELECT DISTINCT t FROM paths),
  statemap(k, name) AS (VALUES ${stateRows.join(', ')}),
  wraw AS (
    SELECT ${trimx(id(cols.wageCode))} AS code, lower(${trimx(id(cols.wageArea))}) AS area,
           ${wageTexts}
    FROM ${readCsv(options.wages)}),
  wg AS (
    SELECT wraw.code, sm.name AS state,
         ${wageValues}
    FROM wraw JOIN statemap sm ON sm.k = wraw.area),
  qs AS (
    SELECT q.rn, q.title, q.location, coalesce(ls.state, '') AS state, ${ci ? 'lower(q.title)' : 'q.title'} AS t
    FROM q LEFT JOIN ls ON ls.location = q.location),
  agg AS (
    SELECT p.t, wg.state, count(*) AS n_rows, count(DISTINCT p.code) AS n_codes, ${medians}
    FROM paths p
    JOIN wg ON wg.code = p.code
    GROUP BY p.t, wg.state)
SELECT qs.rn, qs.title, qs.location, qs.state,
  CASE WHEN qs.state = '' THEN 'unknown_state'
       WHEN rel_t.t IS NULL THEN 'no_related_title_above_threshold'
       WHEN path_t.t IS NULL THEN 'no_code_for_related_titles'
       WHEN agg.t IS NULL THEN 'no_wage_rows_in_state' END AS reason,
  agg.n_rows, agg.n_codes, ${resMedians}
FROM qs
LEFT JOIN rel_t ON rel_t.t = qs.t
LEFT JOIN path_t ON path_t.t = qs.t
LEFT JOIN agg ON agg.t = qs.t AND agg.state = qs.state`;

  const copyMatched = `COPY (
  SELECT title, location, state, n_rows, n_codes, ${outMedians}
  FROM res WHERE reason IS NULL ORDER BY rn
) TO ${sqlString(outMatched)} (FORMAT csv, HEADER true, DELIMITER ',')`;
  const copyUnmatched = `COPY (
  SELECT title, location, state, reason FROM res WHERE reason IS NOT NULL ORDER BY rn
) TO ${sqlString(outUnmatched)} (FORMAT csv, HEADER true, DELIMITER ',')`;
  return { compute, copyMatched, copyUnmatched };
}
