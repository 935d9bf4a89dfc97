import { promises as fs } from 'fs';
import { Worker } from 'worker_threads';
import type { ColumnRequest } from '../dialect/columns';
import { CancelledError, InputError, WorkerError, type InputLocation } from '../errors';
import type { BadRows, SkippedRowsSummary } from '../join/badRows';
import type { TableSource } from '../options';
import { compiledFile } from '../pool/workerFile';
import { WageRowReader, type WageRows } from './buildWageIndex';
import { forEachRecord, type TableRead } from './forEachRecord';

/** What reading the wages table needs: plain data, so it can cross to a thread. */
export interface WageJob {
  files: string[];
  source: TableSource;
  requests: ColumnRequest[];
  /** Code texts by id (the codes table's). */
  codes: string[];
  columns: string[];
  topCodeValue: number | undefined;
  skipBadRows: boolean;
}

export interface WagesRead {
  rows: WageRows;
  read: TableRead;
}

/** Below this many bytes of wage files a thread costs more than it saves. */
export const WAGE_THREAD_MIN_BYTES = 8 * 1024 * 1024;

/** Reads the wage rows on the calling thread; bad rows go to `badRows`. */
export async function readWageRows(job: WageJob, signal?: AbortSignal, badRows?: BadRows): Promise<WagesRead> {
  const reader = new WageRowReader(job.codes, job.columns, job.topCodeValue);
  const read = await forEachRecord('wages table', job.files, job.source, job.requests, (cur, cols) => reader.addRow(cur, [cols[0], cols[1] >= 0 ? cols[1] : cols[2], ...cols.slice(3)]), signal, badRows);
  return { rows: reader.read(), read };
}

/**
 * Starts reading the wage rows on a thread of its own when the files are big enough to pay for
 * it, so they are read while the calling thread reads the related table; else returns a function
 * that reads them here when called. Either way the result arrives through the returned function,
 * with errors as they would be thrown here (InputError with its place, CancelledError) and the
 * thread's bad rows added to `badRows` after those already there. `stop` ends the thread.
 */
export async function startWageRows(job: WageJob, minBytes: number, signal?: AbortSignal, badRows?: BadRows): Promise<{ result: () => Promise<WagesRead>; stop: () => void }> {
  const sizes = await Promise.all(job.files.map((f) => fs.stat(f).then((st) => st.size, () => 0)));
  if (sizes.reduce((n, b) => n + b, 0) < minBytes) return { result: () => readWageRows(job, signal, badRows), stop: () => undefined };

  const worker = new Worker(compiledFile('build/wageWorker.js'), { workerData: job });
  let settled = false;
  const outcome = new Promise<WagesRead>((resolve, reject) => {
    const abort = () => {
      void worker.terminate();
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', abort, { once: true });
    const done = () => {
      settled = true;
      signal?.removeEventListener('abort', abort);
      void worker.terminate();
    };
    worker.once('message', (message: WageWorkerReply) => {
      done();
      if (message.ok) {
        mergeBadRows(badRows, message.badRows);
        resolve({ rows: message.rows, read: message.read });
      } else {
        reject(reviveError(message.error));
      }
    });
    worker.once('error', (error) => {
      done();
      reject(new WorkerError(`reading the wages table: ${error.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) {
        done();
        reject(signal?.aborted ? new CancelledError() : new WorkerError(`reading the wages table: the thread exited with code ${code}`));
      }
    });
  });
  // Awaited only after the related table: until then a failure must not count as unhandled.
  outcome.catch(() => undefined);
  return { result: () => outcome, stop: () => void worker.terminate() };
}

export type WageWorkerReply = { ok: true; rows: WageRows; read: TableRead; badRows: SkippedRowsSummary } | { ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  location?: InputLocation;
  expected?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputError) return { name: error.name, message: error.message, location: error.location, expected: error.expected };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The error as the calling thread would have thrown it: an InputError keeps its message and place. */
function reviveError(error: SerializedError): Error {
  if (error.name === 'InputError') return InputError.withMessage(error.message, error.location, error.expected);
  if (error.name === 'CancelledError') return new CancelledError(error.message);
  return new WorkerError(`reading the wages table: ${error.message}`);
}

function mergeBadRows(into: BadRows | undefined, from: SkippedRowsSummary): void {
  if (!into) return;
  for (const e of from.examples) into.add(e.file, e.line, e.problem);
  into.addCount(from.count - from.examples.length);
}
