import { readFileSync } from 'fs';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

/**
 * This process's peak resident memory in MB, all threads included. Linux's VmHWM belongs to the
 * process image, whereas getrusage's maxRSS survives exec: a CLI started by a large parent
 * (a test runner) would report the parent's peak. Elsewhere, maxRSS is the best there is.
 */
export function peakRssMB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Math.round(Number(match[1]) / 1024);
  } catch {
    // no /proc: fall through
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * One full garbage collection, right after the index is built: the builder's maps, strings and
 * read buffers are garbage by then, but the main thread allocates little during the query stage,
 * so without this V8 would keep them resident for the whole run. Best effort.
 */
export function releaseBuildGarbage(): void {
  garbageCollector()?.();
}

let collector: (() => void) | null | undefined;

/**
 * V8's full garbage collection as a function, without --expose-gc on the command line (the CLI
 * and n8n start node without it); undefined where the runtime does not allow it.
 */
export function garbageCollector(): (() => void) | undefined {
  if (collector === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as () => void;
    } catch {
      // not available in this runtime: the memory is released whenever V8 decides
      collector = null;
    }
  }
  return collector ?? undefined;
}
