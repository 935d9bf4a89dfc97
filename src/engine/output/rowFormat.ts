import { formatNumber } from '../values/formatNumber';

/**
 * How a sink wants rows: CSV or JSON-lines bytes (made in the workers), plain objects, or
 * 'tagged' bytes: one JSON array per row, `[ordinal, ...values]`, the ordinal counted from the
 * start of its chunk (OutputChunk.ordinalBase) — for the partitioned join's temporary files.
 */
export type RowFormat = 'csv' | 'jsonl' | 'rows' | 'tagged';

export const UNMATCHED_COLUMNS = ['title', 'location', 'state', 'reason'];

export function matchedColumns(wageColumns: string[]): string[] {
  return ['title', 'location', 'state', 'n_rows', 'n_codes', ...wageColumns];
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted only when it holds a delimiter, quote or line break. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Text cells that a spreadsheet would run as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes such text with an apostrophe, which spreadsheets show as text; other text is unchanged. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A CSV line; numbers are never altered, text is neutralized against formulas when asked. */
export function csvLine(values: readonly (string | number | null)[], guardFormulas = false): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) line += ',';
    line += typeof v === 'string' ? csvField(guardFormulas ? neutralizeFormula(v) : v) : formatNumber(v);
  }
  return line + '\n';
}

/** A JSON line; numbers stay numbers, null stays null. */
export function jsonLine(columns: readonly string[], values: readonly (string | number | null)[]): string {
  const row: Record<string, string | number | null> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
  return JSON.stringify(row) + '\n';
}

export function rowObject(columns: readonly string[], values: readonly (string | number | null)[]): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]] = values[i];
  return row;
}
