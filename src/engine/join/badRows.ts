/** Rows skipped under the "skip bad rows" option: how many, and the first few with their place. */
export interface SkippedRowsSummary {
  count: number;
  examples: { file: string; line: number; problem: string }[];
}

export const MAX_REPORTED_BAD_ROWS = 10;

/**
 * Collects bad rows when the user asked to tolerate them; otherwise the caller throws as usual.
 * Every stage that can meet a bad row (build tables, query workers) reports here.
 */
export class BadRows implements SkippedRowsSummary {
  count = 0;
  readonly examples: SkippedRowsSummary['examples'] = [];

  constructor(readonly skip: boolean) {}

  add(file: string, line: number, problem: string): void {
    this.count++;
    if (this.examples.length < MAX_REPORTED_BAD_ROWS) this.examples.push({ file, line, problem });
  }

  /** Counted elsewhere (a worker), with only some examples known here. */
  addCount(count: number): void {
    this.count += count;
  }

  summary(): SkippedRowsSummary {
    return { count: this.count, examples: [...this.examples] };
  }
}
