import type { ColumnSortPlan, SortedColumns } from './buildWageIndex';
import { oneShotThread } from './oneShotThread';

/** What a sorting thread gets: the plan and its share of the columns. */
export interface SortJob {
  plan: ColumnSortPlan;
  columns: number[];
}

/**
 * Sorts columns from .. W − 1 of the plan (see sortColumns) on up to `threads` threads at once, a
 * contiguous share each, while the caller sorts its own: their sorted chunks, in column order.
 */
export async function sortColumnsOnThreads(plan: ColumnSortPlan, from: number, threads: number): Promise<SortedColumns> {
  const columns = Array.from({ length: plan.width - from }, (_, i) => from + i);
  const count = Math.min(threads, columns.length);
  const shares = Array.from({ length: count }, (_, t) => columns.slice(Math.floor((t * columns.length) / count), Math.floor(((t + 1) * columns.length) / count)));
  const sorted = await Promise.all(shares.map((share) => sortOnThread({ plan, columns: share })));
  return { values: sorted.flatMap((s) => s.values), nanCells: sorted.reduce((n, s) => n + s.nanCells, 0) };
}

function sortOnThread(job: SortJob): Promise<SortedColumns> {
  return oneShotThread<SortedColumns>('build/sortWorker.js', job, 'sorting the wage columns').reply;
}
