import { Worker } from 'worker_threads';
import { WorkerError } from '../errors';
import { compiledFile } from '../pool/workerFile';
import type { ColumnSortPlan, SortedColumns } from './buildWageIndex';

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
  return new Promise<SortedColumns>((resolve, reject) => {
    const worker = new Worker(compiledFile('build/sortWorker.js'), { workerData: job });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.once('message', (sorted: SortedColumns) => settle(() => resolve(sorted)));
    worker.once('error', (error) => settle(() => reject(new WorkerError(`sorting the wage columns: ${error.message}`))));
    worker.once('exit', (code) => settle(() => reject(new WorkerError(`sorting the wage columns: the thread exited with code ${code}`))));
  });
}
