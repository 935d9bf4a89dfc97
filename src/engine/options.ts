/** Everything the join needs to know, independent of how it was asked for (CLI, n8n node). */

/** One input table: local files (paths or glob patterns) and how to read them. */
export interface TableSource {
  /** Paths or glob patterns; several files are read in sorted order as one table. */
  files: string[];
  /** Field delimiter as a character (',' '\t' ';' '|'); sniffed when absent. */
  delimiter?: string;
  /** 'auto' (BOM / UTF-8, default), 'utf8', 'utf16le', 'windows-1252', 'latin1', 'macintosh'. */
  encoding?: string;
  /** 1-based line number of the header row; detected when absent. 0 = the file has no header. */
  headerRow?: number;
  /** Column names when the file has no header row (headerRow 0). */
  columnNames?: string[];
  /**
   * .xlsx workbooks: the sheet to read, by name or 1-based position (a number, or a string of
   * digits that is no sheet's name); default the first sheet. Ignored for text files. Delimiter
   * and encoding do not apply to .xlsx; headerRow counts Excel rows.
   */
  sheet?: string | number;
}

/** Column names to use in each table (matched case-insensitively, trimmed, BOM stripped). */
export interface ColumnNames {
  queryTitle: string;
  /** Location column of the query table; 'location' or else 'state' by default. */
  queryLocation?: string;
  relatedTitle: string;
  relatedRelatedTitle: string;
  relatedScore: string;
  codeCode: string;
  codeTitle: string;
  /** 'occ_code' or else 'code' by default. */
  wageCode?: string;
  /** Area name column, 'area_title' by default; a state-code column ('st', 'prim_state') is used when absent. */
  wageArea?: string;
  wageStateCode?: string;
}

export type DuplicateHandling = 'keep' | 'dedupe';

export interface JoinOptions {
  queries: TableSource;
  related: TableSource;
  codes: TableSource;
  wages: TableSource;
  columns?: Partial<ColumnNames>;
  /** Related titles count when score > threshold (strictly), default 80. */
  threshold?: number;
  /** Count the query title itself as related (as if scored above the threshold). Default false. */
  includeSelf?: boolean;
  /** Count each occupation code once per query title, instead of once per (related title, code) path. */
  countEachCodeOnce?: boolean;
  /** Match titles ignoring case. Default false (exact after trimming). */
  caseInsensitive?: boolean;
  /** Wage columns whose medians are reported, default the 7 of the original. */
  wageColumns?: string[];
  /** Value used for '#' cells (at or above the top code); default: treated as missing. */
  topCodeValue?: number;
  /** Emit one row per distinct (title, location) pair instead of one per query row. */
  dedupePairs?: boolean;
  /** Worker threads; default the number of CPU cores. */
  workers?: number;
  /** Rows per emitted batch, default 10,000. */
  batchSize?: number;
  /** Byte size of the query-file ranges handed to workers, default 1 MiB (tests use tiny ones). */
  rangeBytes?: number;
  /**
   * Wage files of at least this many bytes (all together) are read on a thread of their own while
   * the related table is read; default 8 MiB (tests use 0 to take that path on small files).
   */
  wageThreadBytes?: number;
  /**
   * One plain wage file of at least twice this many bytes is cut into byte spans read by several
   * threads, at least this many bytes each; default 32 MiB (tests use 1 to cut small files).
   */
  wageSpanBytes?: number;
  /** Threads that read the wage table, at most; default one less than the number of CPU cores. */
  wageThreads?: number;
  /**
   * What reading a byte of the related table costs in bytes of a cut wage file, which sizes the
   * span the calling thread reads after it (WageThreading.relatedByteCost); default 1.3 (tests use
   * 0, which gives the calling thread an equal share).
   */
  wageRelatedByteCost?: number;
  /**
   * Answers each worker keeps cached, default 100,000 for CSV output and 50,000 for the other forms
   * (tests use a few, so the cache turns over).
   */
  answerCacheLimit?: number;
  /**
   * Keep the built index (related ⋈ codes, filtered wage rows) in this folder and reuse it while
   * the related, codes and wages files (path, size, modification time) and every option that
   * shapes the index are unchanged: scheduled re-runs with a new query batch skip the build.
   */
  indexCache?: IndexCacheOptions;
  /**
   * What a bad row does: 'fail' (default) stops the run with its file, line and column; 'skip'
   * skips it, counts it and reports the first ones with their line numbers in the summary. Bad
   * rows are rows with too few fields and related rows whose score is not a number; broken
   * quoting always fails, since the rows after it cannot be trusted.
   */
  badRows?: 'fail' | 'skip';
  /**
   * Memory budget in MB for the built index. When the related-titles and wage tables would make
   * an index larger than about half of it, the join hash-partitions the related rows and the
   * queries by title into temporary files and joins partition by partition.
   */
  memoryBudgetMB?: number;
  /** Stops the run: workers are terminated, sinks aborted. */
  signal?: AbortSignal;
  /** Progress callback, called at most a few times per second. */
  onProgress?: (p: Progress) => void;
}

export interface IndexCacheOptions {
  dir: string;
  /** Oldest entries are removed beyond this total size; default 1 GiB. */
  maxBytes?: number;
}

export interface Progress {
  stage: 'codes' | 'related' | 'wages' | 'queries';
  bytesDone: number;
  bytesTotal: number;
  rows: number;
}

export const DEFAULT_WAGE_COLUMNS = ['tot_emp', 'a_mean', 'a_pct10', 'a_pct25', 'a_median', 'a_pct75', 'a_pct90'];
export const DEFAULT_THRESHOLD = 80;
export const DEFAULT_BATCH_SIZE = 10_000;

export type UnmatchedReason =
  | 'unknown_state'
  | 'no_related_title_above_threshold'
  | 'no_code_for_related_titles'
  | 'no_wage_rows_in_state';

/** One matched output row: medians are null when every matched cell was missing. */
export interface MatchedRow {
  title: string;
  location: string;
  state: string;
  n_rows: number;
  n_codes: number;
  [wageColumn: string]: string | number | null;
}

export interface UnmatchedRow {
  title: string;
  location: string;
  state: string;
  reason: UnmatchedReason;
}
