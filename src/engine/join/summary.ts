import type { SkippedRowsSummary } from './badRows';
import type { UnmatchedReason } from '../options';

export interface TableSummary {
  files: number;
  rows: number;
}

/** What a run did, for the CLI's closing report and the node's summary item. */
export interface JoinSummary {
  queries: TableSummary;
  related: TableSummary & { aboveThreshold: number; titles: number };
  codes: TableSummary & { distinctCodes: number };
  wages: TableSummary & { kept: number; withoutReachableCode: number; outsideAnyState: number };
  /** Whether the built index came from the cache folder ('hit'), was built and stored ('miss'), or no cache was asked for. */
  indexCache: 'hit' | 'miss' | 'off';
  matched: number;
  unmatched: number;
  unmatchedByReason: Record<UnmatchedReason, number>;
  /** Wage cells that were empty or a marker (*, **, #, ~, N/A) in the kept wage rows. */
  missingWageCells: number;
  /** Wage cells that were neither a number nor a known marker; treated as missing. */
  invalidWageCells: number;
  /** Query rows dropped as repeats of an earlier (title, location) pair (dedupe option). */
  duplicatePairsDropped: number;
  /** Byte ranges whose guessed start fell inside a quoted field and were scanned again. */
  rangesRedone: number;
  /** Rows skipped under badRows 'skip' (too few fields, a score that is not a number): count and first examples. */
  skippedRows: SkippedRowsSummary;
  /** Title partitions the join ran in: 1 unless the memory budget asked for more. */
  partitions: number;
  workers: number;
  wallMs: number;
  /** Where the time went: the small side (files to index, or the cache) and the query stream. */
  stageMs: { build: number; queries: number };
  peakRssMB: number;
}
