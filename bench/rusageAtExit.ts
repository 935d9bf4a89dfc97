/**
 * Preloaded into the engine CLI by the engine subject (`node --require …/rusageAtExit.js main.js …`):
 * when the process exits, its main thread writes the process's getrusage (all threads, finished
 * worker threads included) to the file named by $BENCH_RUSAGE_FILE. Does nothing without it.
 */
import * as fs from 'fs';
import { isMainThread } from 'worker_threads';

const file = process.env.BENCH_RUSAGE_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    const rusage = { userMs: Math.round(u.userCPUTime / 1000), systemMs: Math.round(u.systemCPUTime / 1000), maxRssMB: Math.round((u.maxRSS * 1024) / 1e6) };
    fs.writeFileSync(file, JSON.stringify(rusage) + '\n');
  });
}
