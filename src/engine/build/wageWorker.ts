import { parentPort, workerData } from 'worker_threads';
import { BadRows } from '../join/badRows';
import { readWageRows, serializeError, type WageJob, type WageWorkerReply } from './readWages';

/** Thread entry (startWageRows): reads the wages table and posts the rows, which live in shared memory. */
const job = workerData as WageJob;
const badRows = new BadRows(job.skipBadRows);
readWageRows(job, undefined, badRows).then(
  ({ rows, read }) => parentPort!.postMessage({ ok: true, rows, read, badRows: badRows.summary() } satisfies WageWorkerReply),
  (error: unknown) => parentPort!.postMessage({ ok: false, error: serializeError(error) } satisfies WageWorkerReply),
);
