import { Worker } from 'worker_threads';
import { CancelledError, WorkerError } from '../errors';
import { compiledFile } from '../pool/workerFile';

export interface OneShotThread<T> {
  /** The thread's one message; a WorkerError when it throws or exits first, a CancelledError on abort. */
  reply: Promise<T>;
  stop: () => void;
}

/**
 * Runs a compiled thread script (by its path under src/engine/) with `data` until it posts one
 * message, then ends it. `doing` names the work in errors ("reading the wages table"). A reply
 * not awaited yet never counts as an unhandled rejection.
 */
export function oneShotThread<T>(script: string, data: unknown, doing: string, signal?: AbortSignal): OneShotThread<T> {
  const worker = new Worker(compiledFile(script), { workerData: data });
  let settled = false;
  const reply = new Promise<T>((resolve, reject) => {
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      void worker.terminate();
      outcome();
    };
    const abort = () => settle(() => reject(new CancelledError()));
    signal?.addEventListener('abort', abort, { once: true });
    worker.once('message', (message: T) => settle(() => resolve(message)));
    worker.once('error', (error) => settle(() => reject(new WorkerError(`${doing}: ${error.message}`))));
    worker.once('exit', (code) => settle(() => reject(signal?.aborted ? new CancelledError() : new WorkerError(`${doing}: the thread exited with code ${code}`))));
  });
  reply.catch(() => undefined);
  return { reply, stop: () => void worker.terminate() };
}
