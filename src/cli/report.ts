import { SingleBar, Presets } from 'cli-progress';
import type { JoinSummary } from '../engine/join/summary';
import type { Progress } from '../engine/options';

/** A progress bar on stderr for the query stage, shown only on a terminal. */
export function progressBar(enabled: boolean): { update: (p: Progress) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: process.stderr, format: 'queries |{bar}| {percentage}% | {rows} rows | {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update: (p) => {
      if (p.bytesTotal <= 0) return;
      if (!started) {
        bar.start(p.bytesTotal, 0, { rows: 0 });
        started = true;
      }
      bar.setTotal(p.bytesTotal);
      bar.update(p.bytesDone, { rows: p.rows.toLocaleString('en-US') });
    },
    stop: () => started && bar.stop(),
  };
}

export function formatSummary(s: JoinSummary, outputs: { matched: string; unmatched: string }): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const reasons = Object.entries(s.unmatchedByReason)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${reason} ${n(count)}`)
    .join(', ');
  return [
    `index    ${s.indexCache === 'hit' ? 'loaded from the cache' : s.indexCache === 'miss' ? 'built and stored in the cache' : 'built'}`,
    `read     queries ${n(s.queries.rows)} rows (${s.queries.files} file${s.queries.files === 1 ? '' : 's'}), related ${n(s.related.rows)} (${n(s.related.aboveThreshold)} above threshold), codes ${n(s.codes.rows)}, wages ${n(s.wages.rows)} (${n(s.wages.kept)} kept)`,
    `matched  ${n(s.matched)} -> ${outputs.matched}`,
    `unmatched ${n(s.unmatched)}${reasons ? ` (${reasons})` : ''} -> ${outputs.unmatched}`,
    `wages    missing cells ${n(s.missingWageCells)}, invalid cells ${n(s.invalidWageCells)}, rows without a reachable code ${n(s.wages.withoutReachableCode)}, rows outside any state ${n(s.wages.outsideAnyState)}`,
    ...(s.skippedRows.count > 0
      ? [`skipped  ${n(s.skippedRows.count)} bad row${s.skippedRows.count === 1 ? '' : 's'}, first: ${s.skippedRows.examples.map((e) => `${e.file}:${e.line} ${e.problem}`).join('; ')}`]
      : []),
    `skipped  duplicate pairs ${n(s.duplicatePairsDropped)}; ranges rescanned ${s.rangesRedone}${s.partitions > 1 ? `; joined in ${s.partitions} title partitions (memory budget)` : ''}`,
    `time     ${(s.wallMs / 1000).toFixed(2)} s (index ${(s.stageMs.build / 1000).toFixed(2)} s, queries ${(s.stageMs.queries / 1000).toFixed(2)} s) with ${s.workers} worker${s.workers === 1 ? '' : 's'}, peak memory ${n(s.peakRssMB)} MB`,
  ].join('\n');
}
