import { runJoin } from '../../src/engine/join/runJoin';
import type { JoinSummary } from '../../src/engine/join/summary';
import type { JoinOptions } from '../../src/engine/options';
import { MemorySink, type Row } from '../../src/engine/output/memorySink';

/** Runs the fast engine into memory: the form the differential tests compare. */
export async function runEngineToArrays(options: JoinOptions): Promise<{ matched: Row[]; unmatched: Row[]; summary: JoinSummary }> {
  const matched = new MemorySink(1000);
  const unmatched = new MemorySink(1000);
  const summary = await runJoin(options, { matched, unmatched });
  return { matched: matched.rows, unmatched: unmatched.rows, summary };
}
