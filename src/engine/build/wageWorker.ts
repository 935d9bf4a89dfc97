import { parentPort, workerData } from 'worker_threads';
import { readOnThread, type WageWorkerData } from './readWages';

/** Thread entry (startWageRows): reads the wages table, or a span of it, and posts the rows, which live in shared memory. */
void readOnThread(workerData as WageWorkerData).then((reply) => parentPort!.postMessage(reply));
