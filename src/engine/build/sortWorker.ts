import { parentPort, workerData } from 'worker_threads';
import { sortColumns } from './buildWageIndex';
import type { SortJob } from './sortWages';

/** Thread entry (sortColumnsOnThreads): sorts its share of the wage columns in shared memory and posts them. */
const { plan, columns } = workerData as SortJob;
parentPort!.postMessage(sortColumns(plan, columns));
