/**
 * Field-by-field comparison of two result CSV files, streamed (a few MB of memory whatever the
 * size). Text fields must be equal; numeric fields are compared as numbers, exactly or within a
 * relative tolerance; empty (null) must match empty.
 */
import { createReadStream } from 'fs';
import { parse } from 'csv-parse';

export interface CompareResult {
  ok: boolean;
  rowsA: number;
  rowsB: number;
  /** Rows (data rows, 1-based) with at least one differing field. */
  differingRows: number;
  /** The first few differences, human-readable. */
  examples: string[];
}

export interface CompareOptions {
  /** Column indexes compared as text; every other column is numeric. */
  textColumns: number;
  /** 0 = exact. */
  relativeTolerance: number;
  maxExamples?: number;
}

function numbersEqual(a: string, b: string, tolerance: number): boolean {
  if (a === '' || b === '') return a === b;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return a === b;
  if (x === y) return true;
  if (tolerance === 0) return false;
  return Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y));
}

function open(file: string): AsyncIterableIterator<string[]> {
  const parser = createReadStream(file).pipe(parse({ relax_column_count: true, bom: true }));
  return parser[Symbol.asyncIterator]() as AsyncIterableIterator<string[]>;
}

export async function compareCsv(fileA: string, fileB: string, opts: CompareOptions): Promise<CompareResult> {
  const a = open(fileA);
  const b = open(fileB);
  const maxExamples = opts.maxExamples ?? 5;
  const result: CompareResult = { ok: true, rowsA: 0, rowsB: 0, differingRows: 0, examples: [] };
  const headerA = (await a.next()).value as string[] | undefined;
  const headerB = (await b.next()).value as string[] | undefined;
  if (JSON.stringify(headerA) !== JSON.stringify(headerB)) {
    result.ok = false;
    result.examples.push(`headers differ: ${JSON.stringify(headerA)} vs ${JSON.stringify(headerB)}`);
  }
  for (let row = 1; ; row++) {
    const [ra, rb] = await Promise.all([a.next(), b.next()]);
    if (!ra.done) result.rowsA++;
    if (!rb.done) result.rowsB++;
    if (ra.done && rb.done) break;
    if (ra.done || rb.done) {
      // count the rest of the longer file
      const rest = ra.done ? b : a;
      for (let r = await rest.next(); !r.done; r = await rest.next()) {
        if (ra.done) result.rowsB++;
        else result.rowsA++;
      }
      result.ok = false;
      result.examples.push(`row counts differ: ${result.rowsA} vs ${result.rowsB}`);
      break;
    }
    const fa = ra.value as string[];
    const fb = rb.value as string[];
    let differs = fa.length !== fb.length;
    let detail = differs ? `field counts ${fa.length} vs ${fb.length}` : '';
    for (let i = 0; !differs && i < fa.length; i++) {
      const same = i < opts.textColumns ? fa[i] === fb[i] : numbersEqual(fa[i], fb[i], opts.relativeTolerance);
      if (!same) {
        differs = true;
        detail = `field ${i + 1} (${headerA?.[i] ?? '?'}): ${JSON.stringify(fa[i])} vs ${JSON.stringify(fb[i])}`;
      }
    }
    if (differs) {
      result.ok = false;
      result.differingRows++;
      if (result.examples.length < maxExamples) {
        result.examples.push(`row ${row}: ${detail}; ${JSON.stringify(fa.slice(0, 3))} vs ${JSON.stringify(fb.slice(0, 3))}`);
      }
    }
  }
  return result;
}
