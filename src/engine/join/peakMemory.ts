import { readFileSync } from 'fs';

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
