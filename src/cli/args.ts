import { parseArgs } from 'util';
import { DEFAULT_BATCH_SIZE, DEFAULT_THRESHOLD, DEFAULT_WAGE_COLUMNS, type JoinOptions, type TableSource } from '../engine/options';

export class UsageError extends Error {}

export interface CliRun {
  options: JoinOptions;
  out: string;
  unmatchedOut: string;
  format: 'csv' | 'jsonl';
  overwrite: boolean;
  keepFormulas: boolean;
  quiet: boolean;
  summaryJson?: string;
}

const TABLES = ['queries', 'related', 'codes', 'wages'] as const;

const tableFlags = Object.fromEntries(
  TABLES.flatMap((t) => [
    [t, { type: 'string', multiple: true }],
    [`${t}-delimiter`, { type: 'string' }],
    [`${t}-encoding`, { type: 'string' }],
    [`${t}-header-row`, { type: 'string' }],
    [`${t}-column-names`, { type: 'string' }],
    [`${t}-sheet`, { type: 'string' }],
  ]),
) as Record<string, { type: 'string'; multiple?: boolean }>;

const FLAGS = {
  ...tableFlags,
  out: { type: 'string', short: 'o' },
  unmatched: { type: 'string' },
  format: { type: 'string' },
  threshold: { type: 'string' },
  workers: { type: 'string' },
  'batch-size': { type: 'string' },
  'range-bytes': { type: 'string' },
  'wage-columns': { type: 'string' },
  'top-code-value': { type: 'string' },
  'include-self': { type: 'boolean' },
  'count-codes-once': { type: 'boolean' },
  'case-insensitive': { type: 'boolean' },
  'dedupe-pairs': { type: 'boolean' },
  'title-column': { type: 'string' },
  'location-column': { type: 'string' },
  'related-title-column': { type: 'string' },
  'related-related-title-column': { type: 'string' },
  'score-column': { type: 'string' },
  'code-column': { type: 'string' },
  'code-title-column': { type: 'string' },
  'wage-code-column': { type: 'string' },
  'area-column': { type: 'string' },
  'state-code-column': { type: 'string' },
  'index-cache': { type: 'string' },
  'memory-budget': { type: 'string' },
  overwrite: { type: 'boolean' },
  'keep-formulas': { type: 'boolean' },
  'bad-rows': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'summary-json': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export const USAGE = `Usage: salary-join --queries F --related F --codes F --wages F --out F [options]

Joins (job title, location) queries with related titles (score > threshold), SOC codes and
BLS OES wage rows of the query's state; writes the median of each wage column per query.

Tables (CSV/TSV, gzipped or not, or .xlsx; each flag may repeat; globs allowed, e.g. 'data/*.csv'):
  --queries F          query table: title, location (or state) columns
  --related F          related titles: title, related_title, score
  --codes F            SOC codes: code, title
  --wages F            OES wages: occ_code (or code), area_title (or st / prim_state), wage columns
  --<table>-delimiter C     ',' ';' '|' or 'tab' (default: sniffed)
  --<table>-encoding E      auto (default), utf8, utf16le, windows-1252, latin1, macintosh
  --<table>-header-row N    1-based line of the header (default: detected); 0 = no header
  --<table>-column-names a,b,c  names of the columns when --<table>-header-row 0
  --<table>-sheet NAME|N    .xlsx workbooks: the sheet, by name or 1-based position (default: the first)

Output:
  --out F              matched rows (CSV, or JSON lines when F ends in .jsonl/.ndjson)
  --unmatched F        unmatched rows with a reason (default: <out>.unmatched.<ext>)
  --format csv|jsonl   override the format chosen from the extension
  --overwrite          replace existing output files (default: refuse)
  --keep-formulas      write CSV text cells starting with = + - @ TAB CR as they are (default:
                       prefixed with ' so a spreadsheet shows them instead of running them)
  --summary-json F     also write the run summary as JSON

Join:
  --threshold N        keep related titles with score > N (default ${DEFAULT_THRESHOLD})
  --wage-columns a,b   wage columns to take medians of (default ${DEFAULT_WAGE_COLUMNS.join(',')})
  --include-self       count the query title itself as a related title
  --count-codes-once   count each occupation code once per title (default: once per path)
  --case-insensitive   match titles ignoring case
  --dedupe-pairs       one output row per distinct (title, location)
  --bad-rows fail|skip a row with too few fields or a score that is not a number stops the run
                       (fail, default) or is skipped, counted and reported with its line (skip)
  --top-code-value N   value for '#' cells (default: missing)
  --title-column, --location-column, --related-title-column, --related-related-title-column,
  --score-column, --code-column, --code-title-column, --wage-code-column, --area-column,
  --state-code-column NAME   column names when they differ from the defaults

Run:
  --index-cache DIR    keep the built index in DIR and reuse it while the related, codes and
                       wages files and the options that shape it are unchanged (scheduled runs)
  --memory-budget MB   keep the built index within about half of MB: when the related and wage
                       tables need more, join partition by partition through temporary files
  --workers N          worker threads (default: CPU cores)
  --batch-size N       rows per output batch (default ${DEFAULT_BATCH_SIZE})
  --quiet, -q          no progress bar or summary on stderr
  --help, --version
`;

export function parseCli(argv: string[]): CliRun | 'help' | 'version' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: FLAGS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  const str = (name: string) => values[name] as string | undefined;
  const missing = [...TABLES, 'out'].filter((name) => values[name] === undefined).map((name) => `--${name}`);
  if (missing.length > 0) throw new UsageError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`);

  const table = (name: (typeof TABLES)[number]): TableSource => {
    const files = values[name] as string[];
    const headerRow = str(`${name}-header-row`);
    const delimiter = str(`${name}-delimiter`);
    return {
      files,
      delimiter: delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter,
      encoding: str(`${name}-encoding`),
      headerRow: headerRow === undefined ? undefined : integer(`--${name}-header-row`, headerRow, 0),
      columnNames: list(str(`${name}-column-names`)),
      sheet: str(`${name}-sheet`),
    };
  };

  const out = str('out')!;
  const format = (str('format') ?? (/\.(jsonl|ndjson)$/i.test(out) ? 'jsonl' : 'csv')) as 'csv' | 'jsonl';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, not "${String(format)}"`);
  const unmatchedOut = str('unmatched') ?? out.replace(/(\.[^./\\]+)?$/, (ext) => `.unmatched${ext || (format === 'csv' ? '.csv' : '.jsonl')}`);

  const options: JoinOptions = {
    queries: table('queries'),
    related: table('related'),
    codes: table('codes'),
    wages: table('wages'),
    threshold: str('threshold') === undefined ? undefined : number('--threshold', str('threshold')!),
    wageColumns: list(str('wage-columns')),
    topCodeValue: str('top-code-value') === undefined ? undefined : number('--top-code-value', str('top-code-value')!),
    includeSelf: Boolean(values['include-self']),
    countEachCodeOnce: Boolean(values['count-codes-once']),
    caseInsensitive: Boolean(values['case-insensitive']),
    dedupePairs: Boolean(values['dedupe-pairs']),
    badRows: badRows(str('bad-rows')),
    workers: str('workers') === undefined ? undefined : integer('--workers', str('workers')!, 1),
    batchSize: str('batch-size') === undefined ? undefined : integer('--batch-size', str('batch-size')!, 1),
    memoryBudgetMB: str('memory-budget') === undefined ? undefined : positive('--memory-budget', str('memory-budget')!),
    indexCache: str('index-cache') === undefined ? undefined : { dir: str('index-cache')! },
    rangeBytes: str('range-bytes') === undefined ? undefined : integer('--range-bytes', str('range-bytes')!, 1),
    columns: {
      queryTitle: str('title-column'),
      queryLocation: str('location-column'),
      relatedTitle: str('related-title-column'),
      relatedRelatedTitle: str('related-related-title-column'),
      relatedScore: str('score-column'),
      codeCode: str('code-column'),
      codeTitle: str('code-title-column'),
      wageCode: str('wage-code-column'),
      wageArea: str('area-column'),
      wageStateCode: str('state-code-column'),
    },
  };
  return { options, out, unmatchedOut, format, overwrite: Boolean(values.overwrite), keepFormulas: Boolean(values['keep-formulas']), quiet: Boolean(values.quiet), summaryJson: str('summary-json') };
}

function badRows(text: string | undefined): 'fail' | 'skip' | undefined {
  if (text === undefined || text === 'fail' || text === 'skip') return text;
  throw new UsageError(`--bad-rows must be fail or skip, not "${text}"`);
}

function list(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(',').map((s) => s.trim()).filter(Boolean);
}

function number(flag: string, text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} must be a number, not "${text}"`);
  return value;
}

function positive(flag: string, text: string): number {
  const value = number(flag, text);
  if (!(value > 0)) throw new UsageError(`${flag} must be a positive number, not "${text}"`);
  return value;
}

function integer(flag: string, text: string, min: number): number {
  const value = number(flag, text);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, not "${text}"`);
  return value;
}
