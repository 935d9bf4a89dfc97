import { promises as fs } from 'fs';
import type { BadRows } from '../join/badRows';
import { type ColumnRequest } from '../dialect/columns';
import type { ColumnNames, JoinOptions } from '../options';
import { addCodeRow, newCodeTable, reachableCodes, TitleIndexBuilder, type TitleIndex } from './buildTitleIndex';
import { buildWageIndex, type WageIndex } from './buildWageIndex';
import { forEachRecord, type TableRead } from './forEachRecord';
import { DEFAULT_WAGE_THREADING, startWageRows, type WageJob, type WageThreading } from './readWages';

/** Everything the probe side needs, plus what building it saw (for the run summary). */
export interface JoinIndex {
  titles: TitleIndex;
  wages: WageIndex;
  stats: BuildStats;
}

export interface BuildStats {
  related: { files: number; rows: number; aboveThreshold: number };
  codes: { files: number; rows: number; distinctCodes: number };
  wages: { files: number; rows: number; kept: number; withoutReachableCode: number; outsideAnyState: number; missingCells: number; invalidCells: number };
}

/** The options that shape the index, already defaulted. */
export interface IndexSettings {
  threshold: number;
  includeSelf: boolean;
  countEachCodeOnce: boolean;
  caseInsensitive: boolean;
  /** As requested (matched case-insensitively); reported lower-case. */
  wageColumns: string[];
  topCodeValue: number | undefined;
  columns: Partial<ColumnNames>;
}

export interface IndexFiles {
  related: string[];
  codes: string[];
  wages: string[];
}

/**
 * The small side of the join: codes, related titles above the threshold mapped to codes (with
 * path counts), then only the wage rows those codes can reach. The wage rows are read on threads
 * of their own (one big file in byte spans, one thread each) while this one reads the related
 * table (and the calling thread reads a last span once that is read), when the wage files are big
 * enough (see WageThreading); errors and bad rows are reported
 * as if read in order (codes, related, wages).
 */
export async function buildJoinIndex(options: Pick<JoinOptions, 'related' | 'codes' | 'wages'>, files: IndexFiles, settings: IndexSettings, signal?: AbortSignal, badRows?: BadRows, wageThreading: WageThreading = DEFAULT_WAGE_THREADING): Promise<JoinIndex> {
  const { columns, caseInsensitive } = settings;

  const codeTable = newCodeTable();
  const codeRead = await forEachRecord('codes table', files.codes, options.codes, [
    required('code', columns.codeCode ?? 'code'),
    required('title', columns.codeTitle ?? 'title'),
  ], (cur, cols) => addCodeRow(codeTable, cur.text(cols[0]), cur.text(cols[1]), caseInsensitive), signal, badRows);

  const wageJob: WageJob = {
    files: files.wages,
    source: options.wages,
    requests: [
      required('code', ...(columns.wageCode ? [columns.wageCode] : ['occ_code', 'code'])),
      // Either column places a wage row; with neither, the area column is reported missing.
      { role: 'area', names: columns.wageArea ? [columns.wageArea] : ['area_title'], required: false, orElse: 2 },
      { role: 'state code', names: columns.wageStateCode ? [columns.wageStateCode] : ['st', 'prim_state'], required: false },
      ...settings.wageColumns.map((name) => required(`wage column ${name}`, name)),
    ],
    codes: codeTable.codes,
    columns: settings.wageColumns.map((c) => c.toLowerCase()),
    topCodeValue: settings.topCodeValue,
    skipBadRows: badRows?.skip ?? false,
  };
  const relatedSizes = await Promise.all(files.related.map((f) => fs.stat(f).then((st) => st.size, () => 0)));
  const wageRows = await startWageRows(wageJob, wageThreading, signal, badRows, relatedSizes.reduce((n, b) => n + b, 0));

  const titleBuilder = new TitleIndexBuilder(codeTable, settings, badRows);
  const scoreName = columns.relatedScore ?? 'score';
  let relatedRead: TableRead;
  try {
    relatedRead = await forEachRecord('related-titles table', files.related, options.related, [
      required('title', columns.relatedTitle ?? 'title'),
      required('related title', columns.relatedRelatedTitle ?? 'related_title'),
      required('score', scoreName),
    ], (cur, cols, table) => titleBuilder.addRow(cur, cols, table.info.path, table.header[cols[2]] ?? scoreName), signal, badRows);
  } catch (error) {
    wageRows.stop();
    throw error;
  }
  const titles = titleBuilder.build();

  const { rows, read: wageRead } = await wageRows.result();
  const { index: wages, stats: w } = await buildWageIndex(rows, reachableCodes(titles, codeTable.codes.length), wageThreading.maxThreads);
  return {
    titles,
    wages,
    stats: {
      related: { files: relatedRead.files, rows: relatedRead.records, aboveThreshold: titleBuilder.rowsAboveThreshold },
      codes: { files: codeRead.files, rows: codeRead.records, distinctCodes: codeTable.codes.length },
      wages: { files: wageRead.files, rows: wageRead.records, kept: w.rowsKept, withoutReachableCode: w.rowsWithoutKnownCode, outsideAnyState: w.rowsOutsideAnyState, missingCells: w.missingCells, invalidCells: w.invalidCells },
    },
  };
}

export function required(role: string, ...names: string[]): ColumnRequest {
  return { role, names, required: true };
}
