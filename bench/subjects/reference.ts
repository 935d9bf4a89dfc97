/**
 * Bench subject: the reference join (csv-parse streaming + Maps, one thread), writing the
 * engine's CSV format.
 *   node dist-bench/bench/subjects/reference.js job.json
 * Prints one JSON line: { wallMs, maxRssMB, matched, unmatched, invalidWageCells }.
 */
import { referenceJoin } from '../../test/reference/referenceJoin';
import { MATCHED_FIXED, SyncCsvWriter, UNMATCHED_COLUMNS, csvLine, maxRssMB, printResult, readJob, runMain, wageColumnsOf } from '../common';

runMain(async () => {
  const job = readJob(process.argv);
  const started = performance.now();
  const wageKeys = wageColumnsOf(job.options).map((w) => w.trim().toLowerCase());
  const matched = new SyncCsvWriter(job.outMatched);
  const unmatched = new SyncCsvWriter(job.outUnmatched);
  matched.writeLine(csvLine([...MATCHED_FIXED, ...wageKeys]));
  unmatched.writeLine(csvLine(UNMATCHED_COLUMNS));
  const stats = await referenceJoin(
    job.options,
    (row) => {
      const values: (string | number | null)[] = [row.title, row.location, row.state, row.n_rows, row.n_codes];
      for (const k of wageKeys) values.push(row[k] as number | null);
      matched.writeLine(csvLine(values));
    },
    (row) => unmatched.writeLine(csvLine([row.title, row.location, row.state, row.reason])),
  );
  matched.close();
  unmatched.close();
  printResult({
    wallMs: Math.round(performance.now() - started),
    maxRssMB: Math.round(maxRssMB()),
    matched: stats.matched,
    unmatched: stats.unmatched,
    invalidWageCells: stats.invalidWageCells,
  });
});
