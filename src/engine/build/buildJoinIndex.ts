import type { BadRows } from '../join/badRows';
import { type ColumnRequest } from '../dialect/columns';
import type { ColumnNames, JoinOptions } from '../options';
import { addCodeRow, newCodeTable, reachableCodes, TitleIndexBuilder, type TitleIndex } from './buildTitleIndex';
import { WageIndexBuilder, type WageIndex } from './buildWageIndex';
import { forEachRecord } from './forEachRecord';

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
 * The small side of the join, built on the calling thread: codes, related titles above the
 * threshold mapped to codes (with path counts), then only the wage rows those codes can reach.
 */
export async function buildJoinIndex(options: Pick<JoinOptions, 'related' | 'codes' | 'wages'>, files: IndexFiles, settings: IndexSettings, signal?: AbortSignal, badRows?: BadRows): Promise<JoinIndex> {
  const { columns, caseInsensitive } = settings;

  const codeTable = newCodeTable();
  const codeRead = await forEachRecord('codes table', files.codes, options.codes, [
    required('code', columns.codeCode ?? 'code'),
    required('title', columns.codeTitle ?? 'title'),
  ], (cur, cols) => addCodeRow(codeTable, cur.text(cols[0]), cur.text(cols[1]), caseInsensitive), signal, badRows);

  const titleBuilder = new TitleIndexBuilder(codeTable, settings, badRows);
  const scoreName = columns.relatedScore ?? 'score';
  const relatedRead = await forEachRecord('related-titles table', files.related, options.related, [
    required('title', columns.relatedTitle ?? 'title'),
    required('related title', columns.relatedRelatedTitle ?? 'related_title'),
    required('score', scoreName),
  ], (cur, cols, table) => titleBuilder.addRow(cur, cols, table.info.path, table.header[cols[2]] ?? scoreName), signal, badRows);
  const titles = titleBuilder.build();

  const wageBuilder = new WageIndexBuilder(codeTable, reachableCodes(titles, codeTable.codes.length), settings.wageColumns.map((c) => c.toLowerCase()), settings.topCodeValue);
  const wageRead = await forEachRecord('wages table', files.wages, options.wages, [
    required('code', ...(columns.wageCode ? [columns.wageCode] : ['occ_code', 'code'])),
    // Either column places a wage row; with neither, the area column is reported missing.
    { role: 'area', names: columns.wageArea ? [columns.wageArea] : ['area_title'], required: false, orElse: 2 },
    { role: 'state code', names: columns.wageStateCode ? [columns.wageStateCode] : ['st', 'prim_state'], required: false },
    ...settings.wageColumns.map((name) => required(`wage column ${name}`, name)),
  ], (cur, cols) => wageBuilder.addRow(cur, [cols[0], cols[1] >= 0 ? cols[1] : cols[2], ...cols.slice(3)]), signal, badRows);
  const wages = wageBuilder.build();

  const w = wageBuilder.stats;
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
